"""Browser fixtures: one headless Chromium per test session, a fresh page per test, and a sign-in helper.

Use them from any app's browser tests:

    @pytest.mark.browser
    def test_something(page, live_server):
        user = UserFactory(role=Role.DETECTIVE)
        browser_sign_in(page, live_server, user)
        page.get_by_role("link", name="Hotlists").click()

Playwright's sync API drives an asyncio loop in the test's own thread; Django refuses ORM calls in a
thread with a running loop unless told that this is safe. It is here: the loop belongs to
Playwright, and the ORM calls are the test's own, made between Playwright calls.
"""
import os
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
