"""Browser fixtures: one headless Chromium per test session, a fresh page per test, and a sign-in helper.

Use them from any app's browser tests:

    @pytest.mark.browser
    def test_something(page, live_server):
        user = UserFactory(role=Role.DETECTIVE)
        browser_sign_in(page, live_server, user)
        nav_go(page, "Hotlists")
        assert_accessible(page, "hotlists")

Playwright's sync API drives an asyncio loop in the test's own thread; Django refuses ORM calls in a
thread with a running loop unless told that this is safe. It is here: the loop belongs to
Playwright, and the ORM calls are the test's own, made between Playwright calls.
"""
import json
import os
from functools import cache
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, confirmed_totp, current_code

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ALPR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (set ALPR_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, transactional_db, live_server):
    """Return a function that opens a page in a fresh browser context (its own cookies).

    It depends on the live server and the database so that its pages close first: a page still
    polling (the alert feed) while Django empties the tables would deadlock with the flush.
    """
    contexts = []

    def make():
        context = browser.new_context()
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def browser_submit_password(page, live_server, user, *, password: str = PASSWORD) -> None:
    """Fill in the sign-in page (login name, password, the notice) and submit it."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Login name").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_label("I have read the system-use notice").check()
    page.get_by_role("button", name="Continue").click()


def nav_go(page, name: str) -> None:
    """Follow the main menu's link `name`, opening the group it is in first (a click, like a person)."""
    menu = page.get_by_role("navigation", name="Main")
    group = menu.locator("details").filter(has=page.get_by_role("link", name=name, exact=True,
                                                                include_hidden=True))
    if group.count() and group.get_attribute("open") is None:
        group.locator("summary").click()
    menu.get_by_role("link", name=name, exact=True).click()


def csp_refusals(page) -> list[str]:
    """Collect, as the page runs, each console message of a script or style the site's CSP refused."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def browser_state_justification(page, live_server, description: str, *, case_number: str = "26-004512",
                                purpose: str = "Violent crime investigation") -> None:
    """State a case justification at the search gate, as an officer types it."""
    page.goto(f"{live_server.url}/search/")
    page.get_by_label("Purpose").select_option(label=purpose)
    page.get_by_label("Case number or CAD run number").fill(case_number)
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Continue to search").click()


def browser_sign_in(page, live_server, user, *, password: str = PASSWORD) -> None:
    """Sign `user` in through the real pages: password, system-use notice, then a TOTP code.

    The code is computed from the user's authenticator key (one is created if they have none).
    Each code works once: sign the same person in twice within 30 seconds and the second fails.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_totp(user)
    browser_submit_password(page, live_server, user, password=password)
    page.get_by_label("Six-digit code").fill(current_code(device))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name=f"Welcome, {user.full_name}").wait_for()


# The WCAG 2.0 and 2.1 rules at levels A and AA, plus those of axe's best-practice rules that keep
# the structure a screen-reader or keyboard user moves by: one main landmark, an h1, headings in
# order and never empty, distinct landmarks, a skip link that leads somewhere, no positive tabindex.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STRUCTURE_RULES = ["landmark-one-main", "landmark-no-duplicate-main", "landmark-main-is-top-level",
                   "landmark-unique", "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
                   "page-has-heading-one", "heading-order", "empty-heading", "skip-link", "tabindex"]

# What axe-core leaves alone: an aria-describedby / aria-labelledby naming an id the page lacks (axe
# only reports it as "needs review"), and an in-page link (the error summary's) to an id the page lacks.
MISSING_TARGETS = """() => {
  const missing = [];
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    const ids = `${el.getAttribute('aria-describedby') || ''} ${el.getAttribute('aria-labelledby') || ''}`;
    for (const id of ids.split(/\\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) missing.push(`${el.outerHTML.slice(0, 80)} names no element #${id}`);
    }
  }
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (id && !document.getElementById(id)) missing.push(`${a.outerHTML.slice(0, 80)} leads nowhere`);
  }
  return missing;
}"""


@cache
def _axe_source() -> str:
    """Return axe-core's script, as bundled by axe-playwright-python."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, *, ignore: dict[str, str] | None = None) -> list[str]:
    """Run axe-core on the page as it is now; return one readable line per violation and element.

    The script goes in through `page.evaluate`, which the page's Content-Security-Policy does not
    govern (a `<script>` added with `add_script_tag(content=...)` is inline, and `script-src 'self'`
    refuses it). `ignore` maps a rule to a CSS selector of the elements it cannot apply to; say why
    where you pass it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    options = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS},
               "rules": {rule: {"enabled": True} for rule in STRUCTURE_RULES},
               "resultTypes": ["violations"]}
    violations = page.evaluate(
        """([options, ignore]) => axe.run(document, options).then(result => result.violations.map(v => ({
             ...v, nodes: v.nodes.filter(node => !(ignore[v.id]
               && document.querySelector(node.target.join(' '))?.matches(ignore[v.id])))
           })).filter(v => v.nodes.length))""",
        [options, ignore or {}],
    )
    problems = []
    for violation in violations:
        for node in violation["nodes"]:
            target = " ".join(t if isinstance(t, str) else json.dumps(t) for t in node["target"])
            checks = node["any"] + node["all"] + node["none"]
            detail = f" ({checks[0]['message']})" if checks else ""
            problems.append(f"{violation['id']} ({violation['impact']}) at {target}: {violation['help']}"
                            f"{detail} [{violation['helpUrl']}]")
    return problems + [f"missing-target: {line}" for line in page.evaluate(MISSING_TARGETS)]


def assert_accessible(page, context: str = "", *, ignore: dict[str, str] | None = None) -> None:
    """Fail unless axe-core finds no WCAG 2.1 A/AA violation on the page as it is now.

    `context` names the page's state in the failure message ("complaint form with errors"); by
    default the message names the URL. Each line of it gives the rule, its impact, the element (a
    CSS selector), what is wrong and the rule's help page. See `axe_violations` for `ignore`.
    """
    problems = axe_violations(page, ignore=ignore)
    where = context or page.url
    assert not problems, f"{len(problems)} accessibility problem(s) on {where}:\n  " + "\n  ".join(problems)


# What axe-core cannot see: where the keyboard goes. After each Tab, the focused element must show a
# focus ring (an outline of at least 2px; WCAG 2.4.7) and be on screen (not a hidden link).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  document.getElementById('tab-start')?.remove();
  if (window.__tabbed.has(el)) return null;
  window.__tabbed.add(el);
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    html: el.outerHTML.slice(0, 100),
    text: (el.innerText || el.value || '').trim(),
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth,
  };
}"""


def keyboard_problems(page, *, stops: int = 60) -> list[str]:
    """Tab from the top of the page through its first `stops` focusable elements; return what is wrong.

    The first stop must be the skip link; every stop must be on screen with a visible focus ring.
    """
    # Start where a fresh visit starts, whatever has focus (an autofocus field moves the start).
    page.evaluate("""() => {
      const start = Object.assign(document.createElement('span'), {tabIndex: -1, id: 'tab-start'});
      document.body.prepend(start);
      start.focus();
      window.__tabbed = new Set([start]);
    }""")
    problems = []
    for number in range(stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:  # past the last element, or back at the first
            break
        if number == 0 and focused["text"] != "Skip to main content":
            problems.append(f"the first Tab reaches {focused['html']}, not the skip link")
        if not focused["ring"]:
            problems.append(f"no visible focus ring on {focused['html']}")
        if not focused["onScreen"]:
            problems.append(f"focus goes off screen, to {focused['html']}")
    return problems


def assert_keyboard_usable(page, context: str = "") -> None:
    """Fail unless Tab walks the page from its skip link with every focused element visible."""
    problems = keyboard_problems(page)
    where = context or page.url
    assert not problems, f"{len(problems)} keyboard problem(s) on {where}:\n  " + "\n  ".join(problems)
