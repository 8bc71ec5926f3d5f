"""Oversight and transparency journeys in a real browser, and the accessibility check of the portal.

Accessibility (WCAG 2.1 AA): axe-core runs on every portal page, and on the forms with their errors
shown (``assert_accessible`` in tests/browser/conftest.py); the journeys check the pages they pass.
What axe cannot see, the keyboard, is walked with Tab (``assert_keyboard_usable``): skip link first,
every stop on screen with a visible focus ring.
"""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import Camera, CameraStatus
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
from tests.browser.conftest import (
    assert_accessible,
    assert_keyboard_usable,
    axe_violations,
    browser_sign_in,
    keyboard_problems,
)

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
        status=CameraStatus.ACTIVE,
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
    assert_accessible(page, "the placement request form")
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
    assert_accessible(page, "the Chief's placement queue")
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
    expect(notices).to_contain_text(placement.effective_on.isoformat())
    assert (placement.effective_on - timezone.localdate()).days == conf.camera_notice_days() + 1


@pytest.mark.rule("AUD-5")
def test_the_board_member_reads_and_downloads_the_monthly_audit_report(page, live_server):
    admin, board = UserFactory(role=Role.ADMINISTRATOR), UserFactory(role=Role.OVERSIGHT)
    report = report_generate(actor=Actor.for_user(admin), kind="monthly_audit", period=previous_month())

    browser_sign_in(page, live_server, board)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name=report.title).click()
    expect(page.get_by_role("heading", name=report.title)).to_be_visible()
    expect(page.get_by_text("awaits the system administrator's review")).to_be_visible()
    assert_accessible(page, "the monthly audit report's page")
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
    assert_accessible(page, "the monthly audit report (HTML)")
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
    assert_accessible(page, "the report form with its errors")
    page.get_by_label("A suspected violation of the policy").check()
    page.get_by_label("What happened").fill("A camera seems to point into the mosque car park on Fridays.")
    page.get_by_label("Your email (optional, for updates)").fill("resident@example.net")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("Your report was received")
    complaint = Complaint.objects.get()
    expect(page.get_by_text(complaint.reference).first).to_be_visible()
    assert_accessible(page, "the report's confirmation")
    assert complaint.routed_to == "board@village.example.org"
    assert [message.to for message in mail.outbox] == [["board@village.example.org"]]


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
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page)
        assert_keyboard_usable(page)
    page.goto(f"{live_server.url}/portal/policy/v{portal_content.version}/")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "the comment form with its errors")


def test_staff_pages_pass_the_accessibility_check(page, live_server, camera):
    """The administrator's pages the journeys do not pass: people, a person, the policy, compliance."""
    admin = UserFactory(role=Role.ADMINISTRATOR)
    browser_sign_in(page, live_server, admin)
    for url in ("/accounts/people/", f"/accounts/people/{admin.pk}/", "/policy/", "/compliance/"):
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page)
        assert_keyboard_usable(page)
    page.goto(f"{live_server.url}/accounts/people/new/")
    page.get_by_role("button", name="Create pending account").click()
    expect(page.locator(".field-error").first).to_be_visible()
    assert_accessible(page, "the new account form with its errors")


def test_the_accessibility_check_catches_problems(page, live_server):
    """The check fails a page with a missing label, grey-on-white text, an image without a text
    alternative, a skipped heading level, and a description or link pointing at nothing."""
    page.goto(f"{live_server.url}/portal/")
    page.evaluate("""() => {
        document.querySelector('main').insertAdjacentHTML('beforeend',
          '<h4>Deep</h4><input name=q aria-describedby=q_gone><p id=faint>faint</p><img src=x>' +
          '<a href="#nowhere">Nowhere</a>');
        document.getElementById('faint').style.color = '#bbb';  // through the CSSOM: CSP allows it
    }""")
    problems = "\n".join(axe_violations(page))
    for rule in ("label (critical) at input", "color-contrast (serious) at #faint", "image-alt",
                 "heading-order",
                 "missing-target: <input name=\"q\" aria-describedby=\"q_gone\"> names no element #q_gone",
                 "missing-target: <a href=\"#nowhere\">Nowhere</a> leads nowhere"):
        assert rule in problems
    assert re.search(r"contrast of 1\.9\d.*\[https://dequeuniversity\.com/rules/axe/", problems)
    with pytest.raises(AssertionError, match=r"accessibility problem\(s\) on the broken page"):
        assert_accessible(page, "the broken page")
    # A rule can be waived for the elements it cannot apply to, and for those only.
    waived = "\n".join(axe_violations(page, ignore={"color-contrast": "#faint", "label": "main input"}))
    assert "color-contrast" not in waived and "label (critical)" not in waived and "image-alt" in waived


def test_the_keyboard_check_catches_problems(page, live_server):
    """The keyboard check fails a link without a focus ring and a link focused off screen."""
    page.goto(f"{live_server.url}/portal/")
    assert keyboard_problems(page) == []
    page.evaluate("""() => {
        const nav = document.querySelector('nav a');
        nav.style.outline = 'none';  // through the CSSOM: CSP allows it
        const hidden = Object.assign(document.createElement('a'), {href: '/portal/', textContent: 'Away'});
        Object.assign(hidden.style, {position: 'absolute', left: '-9999px'});
        document.querySelector('main').append(hidden);
    }""")
    problems = "\n".join(keyboard_problems(page))
    assert "no visible focus ring on <a href=\"/portal/\"" in problems
    assert "focus goes off screen, to <a href=\"/portal/\" style=" in problems
