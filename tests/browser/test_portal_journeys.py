"""Oversight and transparency journeys in a real browser, and an accessibility check of the portal.

Accessibility: axe-core cannot be installed from the project's own files here, so the check is a
focused in-browser audit (``A11Y_AUDIT`` below) of the WCAG 2.1 AA rules a template can break:
the page language, one h1, landmarks, names of images, SVG graphics, links, buttons and form fields,
unique ids, the ids that aria-describedby and in-page links name, and the contrast of every piece of
visible text against its real background (computed from ``getComputedStyle``, 4.5:1, or 3:1 for large
text).
"""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import Camera
from audit.context import Actor
from audit.models import AuditEvent
from conftest import UserFactory
from policy.roles import Role
from reports import conf
from reports.models import CameraPlacementRequest, Complaint, PlacementStatus
from reports.periods import previous_month
from reports.services.policy_docs import policy_doc_draft, policy_doc_open_comment
from reports.services.portal import contact_set, incident_record
from reports.services.reports import report_generate
from tests.browser.conftest import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JUSTIFICATION = "Crime analysis memo 26-04: eleven stolen vehicles recovered via this corridor in six months."
CONSIDERATION = "Commercial corridor; checked against census tracts, no neighbourhood carries extra coverage."


@pytest.fixture
def camera(db):
    return Camera.objects.create(
        name="North Ave at Harlem",
        latitude="41.909300",
        longitude="-87.806100",
        location_description="North Ave at Harlem Ave",
        installed_on=timezone.localdate(),
    )


@pytest.mark.rule("CAM-2")
def test_a_relocation_from_request_to_public_notice(new_page, live_server, camera):
    admin, chief = UserFactory(role=Role.ADMINISTRATOR), UserFactory(role=Role.CHIEF)

    page = new_page()
    browser_sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/reports/cameras/")
    page.get_by_role("link", name=f"Request relocation of {camera.name}").click()
    expect(page.get_by_role("heading", name="Request a camera installation or relocation")).to_be_visible()
    page.get_by_label("Relocation").check()
    page.get_by_label("Latitude").fill("41.887")
    page.get_by_label("Longitude").fill("-87.790")
    page.get_by_label("Location, as the public will read it").fill("Harlem Ave at Lake St")
    page.get_by_label("Crime-analysis justification").fill(JUSTIFICATION)
    page.get_by_label("Nondiscrimination consideration").fill(CONSIDERATION)
    page.get_by_role("button", name="Send to the Chief").click()
    expect(page.get_by_text("sent to the Chief for approval")).to_be_visible()

    page = new_page()
    browser_sign_in(page, live_server, chief)
    page.goto(f"{live_server.url}/reports/cameras/placements/queue/")
    expect(page.get_by_text(JUSTIFICATION)).to_be_visible()
    expect(page.get_by_text(CONSIDERATION)).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("The public notice is on the portal")).to_be_visible()

    placement = CameraPlacementRequest.objects.get()
    assert placement.status == PlacementStatus.APPROVED
    public = new_page()
    public.goto(f"{live_server.url}/portal/")
    public.get_by_role("link", name="Camera map, list and notices").click()
    notices = public.get_by_role("table", name="Planned camera changes with their effective dates")
    expect(notices).to_contain_text("Harlem Ave at Lake St")
    expect(notices).to_contain_text(placement.effective_on.strftime("%B %-d, %Y"))
    assert (placement.effective_on - timezone.localdate()).days == conf.camera_notice_days()


@pytest.mark.rule("AUD-5")
def test_the_board_member_reads_and_downloads_the_monthly_audit_report(page, live_server):
    admin, board = UserFactory(role=Role.ADMINISTRATOR), UserFactory(role=Role.OVERSIGHT)
    report = report_generate(actor=Actor.for_user(admin), kind="monthly_audit", period=previous_month())

    browser_sign_in(page, live_server, board)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name=report.title).click()
    expect(page.get_by_role("heading", name=report.title)).to_be_visible()
    expect(page.get_by_text("awaits the system administrator's review")).to_be_visible()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with open(pdf.value.path(), "rb") as downloaded:
        assert downloaded.read() == bytes(report.files.get(format="pdf").content)
    with page.expect_download() as sheet:
        page.get_by_role("link", name="Download CSV").click()
    assert sheet.value.suggested_filename.endswith(".csv")
    page.get_by_role("link", name="Read the report (HTML)").click()
    expect(page.get_by_role("heading", name="Monthly audit of system use")).to_be_visible()
    expect(page.get_by_role("img", name="Actions per person")).to_be_visible()
    reads = AuditEvent.objects.filter(actor_user=board, targets=[f"report:{report.pk}"])
    assert reads.filter(action="report.downloaded").count() == 2
    assert reads.filter(action="report.viewed").count() == 2


@pytest.mark.rule("AUD-4")
def test_a_member_of_the_public_files_a_complaint(page, live_server):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    contact_set(
        actor=Actor.for_user(admin),
        role="oversight",
        name="Citizen Police Board",
        email="board@village.example.org",
    )
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="Report a problem").first.click()
    expect(page.get_by_role("heading", name="Report a problem", exact=True)).to_be_visible()
    expect(page.get_by_text("Citizen Police Board")).to_be_visible()
    page.get_by_role("button", name="Send report").click()  # empty: errors, announced
    expect(page.get_by_role("alert").first).to_be_visible()
    page.get_by_label("A suspected violation of the policy").check()
    page.get_by_label("What happened").fill("A camera seems to point into the mosque car park on Fridays.")
    page.get_by_label("Your email (optional, for updates)").fill("resident@example.net")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("Your report was received")
    complaint = Complaint.objects.get()
    expect(page.get_by_text(complaint.reference).first).to_be_visible()
    assert complaint.routed_to == "board@village.example.org"
    assert [message.to for message in mail.outbox] == [["board@village.example.org"]]


A11Y_AUDIT = r"""
() => {
  const problems = [];
  const add = (rule, el, detail) => problems.push(
    `${rule}: <${el.tagName.toLowerCase()}${el.id ? ' id=' + el.id : ''}> ${detail || ''}`.trim());
  const visible = el => {
    const s = getComputedStyle(el); const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && (r.width > 0 || r.height > 0);
  };
  const text = el => (el.textContent || '').replace(/\s+/g, ' ').trim();
  const byIds = ids => (ids || '').split(/\s+/).filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean);
  const name = el => el.getAttribute('aria-label')
    || byIds(el.getAttribute('aria-labelledby')).map(text).join(' ')
    || (el.tagName === 'IMG' ? el.getAttribute('alt') : '') || text(el)
    || [...el.querySelectorAll('img[alt]')].map(i => i.alt).join(' ') || el.getAttribute('title') || '';

  if (!document.documentElement.lang) add('html-lang', document.documentElement, 'no lang');
  if (!document.title.trim()) add('document-title', document.documentElement, 'empty title');
  const h1s = [...document.querySelectorAll('h1')].filter(visible);
  if (h1s.length !== 1) add('one-h1', document.body, `found ${h1s.length}`);
  if (document.querySelectorAll('main').length !== 1) add('landmark-main', document.body, 'needs one main');
  if (!document.querySelector('header')) add('landmark-banner', document.body, 'no header');
  document.querySelectorAll('nav').forEach(n => { if (!name(n)) add('nav-name', n, 'no label'); });
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  levels.forEach((level, i) => {
    const before = levels[i - 1];
    if (i && level > before + 1) add('heading-order', document.body, `h${before} then h${level}`);
  });
  document.querySelectorAll('img').forEach(img => {
    if (!img.hasAttribute('alt')) add('image-alt', img, img.src);
  });
  document.querySelectorAll('svg[role="img"]').forEach(svg => {
    if (!name(svg) && !svg.querySelector('title')) add('svg-img-name', svg, 'no accessible name');
  });
  document.querySelectorAll('a[href]').forEach(a => {
    if (visible(a) && !name(a).trim()) add('link-name', a, a.href);
  });
  document.querySelectorAll('button, [role=button], input[type=submit]').forEach(b => {
    if (!(name(b) || b.value || '').trim()) add('button-name', b, '');
  });
  const fields = 'input:not([type=hidden]):not([type=submit]), select, textarea';
  document.querySelectorAll(fields).forEach(field => {
    const labelled = (field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`))
      || field.closest('label') || field.getAttribute('aria-label') || field.getAttribute('aria-labelledby');
    if (!labelled) add('label', field, field.name);
  });
  document.querySelectorAll('[aria-describedby], [aria-labelledby]').forEach(el => {
    const refs = `${el.getAttribute('aria-describedby') || ''} ${el.getAttribute('aria-labelledby') || ''}`;
    refs.split(/\s+/).filter(id => id && !document.getElementById(id)).forEach(id => add('aria-ref', el, id));
  });
  document.querySelectorAll('a[href^="#"]').forEach(a => {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (id && !document.getElementById(id)) add('link-target', a, id);
  });
  const ids = {};
  document.querySelectorAll('[id]').forEach(el => { ids[el.id] = (ids[el.id] || 0) + 1; });
  Object.entries(ids).filter(([, n]) => n > 1).forEach(([id]) => add('duplicate-id', document.body, id));
  document.querySelectorAll('th').forEach(th => {
    if (!text(th) && !th.querySelector('.sr-only')) add('th-empty', th, '');
  });

  const rgba = value => {
    const m = value.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const blend = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = el => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = rgba(getComputedStyle(node).backgroundColor);
      if (bg && bg[3] > 0) layers.push(bg);
      if (bg && bg[3] === 1) break;
    }
    return layers.reverse().reduce((acc, layer) => blend(layer, acc), [255, 255, 255, 1]);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode; const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el) || el.closest('svg') || !visible(el)) continue;
    seen.add(el);
    if (el.closest('.sr-only, .skip-link')) continue;
    const style = getComputedStyle(el); const fg = rgba(style.color); if (!fg) continue;
    const bg = background(el); const colour = blend(fg, bg);
    const [l1, l2] = [luminance(colour), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize); const bold = +style.fontWeight >= 700;
    const needed = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    const sample = node.textContent.trim().slice(0, 40);
    if (ratio < needed) add('color-contrast', el, `${ratio.toFixed(2)} < ${needed} for "${sample}"`);
  }
  return problems;
}
"""


@pytest.fixture
def portal_content(camera):
    """Something on every portal page: a notice, policy text open for comment, an incident, contacts."""
    admin = UserFactory(role=Role.ADMINISTRATOR)
    acting = Actor.for_user(admin)
    contact_set(actor=acting, role="public", name="Records Office", email="records@village.example.org")
    contact_set(
        actor=acting, role="oversight", name="Citizen Police Board", email="board@village.example.org"
    )
    document = policy_doc_draft(
        actor=acting, title="ALPR policy", text="# Purpose\nOnly listed purposes.\n- One"
    )
    policy_doc_open_comment(actor=acting, document_id=document.pk)
    today = timezone.localdate()
    incident_record(
        actor=acting,
        title="Vendor key exposed",
        occurred_on=today,
        discovered_on=today,
        description="Internal",
        public_notice_required=True,
        public_notice="A vendor key was replaced.",
    )
    return document


@pytest.mark.rule("RPT-3")
def test_portal_pages_pass_the_accessibility_check(page, live_server, portal_content):
    urls = [
        "/portal/",
        "/portal/cameras/",
        "/portal/policy/",
        f"/portal/policy/v{portal_content.version}/",
        "/portal/usage/",
        "/portal/integrity/",
        "/portal/incidents/",
        "/portal/report-a-problem/",
        "/portal/report-a-problem/status/?reference=C-NOPE",
    ]
    failures = {}
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        problems = page.evaluate(A11Y_AUDIT)
        if problems:
            failures[url] = problems
    # The complaint form with its errors shown.
    page.goto(f"{live_server.url}/portal/report-a-problem/")
    page.get_by_role("button", name="Send report").click()
    problems = page.evaluate(A11Y_AUDIT)
    if problems:
        failures["complaint form with errors"] = problems
    page.goto(f"{live_server.url}/portal/policy/v{portal_content.version}/")
    page.get_by_role("button", name="Send comment").click()
    problems = page.evaluate(A11Y_AUDIT)
    if problems:
        failures["comment form with errors"] = problems
    assert failures == {}


def test_the_accessibility_check_catches_problems(page, live_server):
    """The checker itself fails a page with a missing label, a second h1 and grey-on-white text."""
    page.goto(f"{live_server.url}/portal/")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend',
          '<h1>Second</h1><input name=q aria-describedby=q_gone><p id=faint>faint</p><img src=x>');
        document.getElementById('faint').style.color = '#bbb';  // through the CSSOM: CSP allows it
    }""")
    problems = " ".join(page.evaluate(A11Y_AUDIT))
    for rule in ("one-h1", "label", "color-contrast", "image-alt", "aria-ref"):
        assert rule in problems
    assert re.search(r"color-contrast: <p id=faint> \d", problems)
