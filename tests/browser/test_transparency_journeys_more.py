"""Accountability journeys in a real browser: the administrator generates the monthly audit on demand and
signs it off with a discrepancy the Chief then reads (AUD-5); a complaint from the public is investigated and
resolved, and its author reads the outcome on the portal (AUD-4); a security incident's public notice
appears on the portal (RPT-5); a camera's cost is recorded (CAM-4)."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import Camera
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.roles import Role
from reports.models import (
    CameraCost,
    ComplaintStatus,
    DiscrepancyNotice,
    Report,
    SecurityIncident,
)
from reports.periods import previous_month
from reports.services.portal import complaint_submit
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DISCREPANCY = "Officer B00123 ran 14 searches on one case in an hour; ask for the case file"


@pytest.mark.rule("AUD-5")
def test_administrator_signs_off_the_monthly_audit_and_the_chief_reads_the_discrepancy(new_page,
                                                                                        live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    chief = UserFactory(role=Role.CHIEF, full_name="Morgan Chen")
    period = previous_month()

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    nav_go(admin_page, "Reports")
    generate = admin_page.get_by_role("region", name="Generate a report now")
    generate.get_by_label("Report").select_option(label="Monthly audit of system use")
    generate.get_by_label("Month").select_option(period.slug)
    generate.get_by_role("button", name="Generate").click()
    report = Report.objects.get(kind="monthly_audit")
    expect(admin_page.get_by_role("heading", name=report.title)).to_be_visible()
    expect(admin_page.get_by_role("status")).to_contain_text("version 1")
    assert (report.period_start, report.period_end) == (period.first, period.last)
    admin_page.get_by_label("What you reviewed").fill("Every user's activity; the flags of the month")
    admin_page.get_by_label("Discrepancies found (sent to the Chief)").fill(DISCREPANCY)
    admin_page.get_by_role("button", name="Sign off").click()
    expect(admin_page.get_by_text(re.compile(r"^Signed off by"))).to_be_visible()
    expect(admin_page.get_by_text(DISCREPANCY)).to_be_visible()
    assert_accessible(admin_page, "a signed-off monthly audit")

    chief_page = new_page()
    browser_sign_in(chief_page, live_server, chief)
    nav_go(chief_page, "Reports")
    notices = chief_page.get_by_role("region", name="Discrepancies reported to you")
    expect(notices).to_contain_text(DISCREPANCY)
    notices.get_by_role("button", name="Mark as read").click()
    expect(chief_page.get_by_role("region", name="Discrepancies reported to you")).to_contain_text("Read ")
    notice = DiscrepancyNotice.objects.get(chief=chief)
    assert notice.acknowledged_at is not None
    assert notice.sign_off.signed_by == administrator and notice.sign_off.report == report
    assert AuditEvent.objects.filter(action="report.signed_off", actor_user=administrator,
                                     outcome=Outcome.ALLOWED, targets=[f"report:{report.pk}"]).exists()


@pytest.mark.rule("AUD-4")
def test_a_complaint_is_investigated_resolved_and_its_author_reads_the_outcome(new_page, live_server):
    auditor = UserFactory(role=Role.AUDITOR)
    complaint = complaint_submit(actor=Actor.anonymous("", client_ip="203.0.113.9"), kind="violation",
                                 description="A camera seems to point into the mosque car park on Fridays.",
                                 email="resident@example.net")

    staff = new_page()
    browser_sign_in(staff, live_server, auditor)
    nav_go(staff, "Complaints")
    staff.get_by_role("link", name=complaint.reference).click()
    expect(staff.get_by_text("mosque car park")).to_be_visible()
    staff.get_by_label("New status").select_option(label="Under investigation")
    staff.get_by_label("What was done").fill("Asked the installer for the camera's field of view")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator("dl.facts")).to_contain_text("Under investigation")
    staff.get_by_label("New status").select_option(label="Resolved")
    staff.get_by_label("What was done").fill("The camera was turned 20 degrees; it no longer sees the car "
                                             "park")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator("dl.facts")).to_contain_text("Resolved")
    assert_accessible(staff, "a resolved complaint")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.resolved_at is not None
    assert AuditEvent.objects.filter(action="complaint.updated", actor_user=auditor).count() == 2

    public = new_page()
    public.goto(f"{live_server.url}/portal/report-a-problem/status/")
    public.get_by_label("Reference").fill(complaint.reference)
    public.get_by_role("button", name="Check status").click()
    expect(public.get_by_role("definition").filter(has_text="Resolved")).to_be_visible()
    expect(public.get_by_text("no longer sees the car park")).to_be_visible()
    expect(public.get_by_text("Asked the installer")).to_have_count(0)  # staff notes stay internal


@pytest.mark.rule("RPT-5")
def test_administrator_records_a_security_incident_and_the_portal_publishes_its_notice(new_page,
                                                                                       live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    today = timezone.localdate()
    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    nav_go(admin_page, "Reports")
    admin_page.get_by_role("link", name="Security incidents").click()
    admin_page.get_by_label("Title").fill("Camera credential exposed")
    admin_page.get_by_label("Occurred on").fill((today - timedelta(days=3)).isoformat())
    admin_page.get_by_label("Discovered on").fill((today - timedelta(days=1)).isoformat())
    admin_page.get_by_label("What happened (internal)").fill("The key of camera 4 was in a vendor's log file")
    admin_page.get_by_label("A public notice is required").check()
    admin_page.get_by_role("button", name="Record").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("Write the public notice")
    admin_page.get_by_role("textbox", name="Public notice").fill(
        "A camera's upload key was exposed for two days. It was replaced; no plate data left the system.")
    admin_page.get_by_role("button", name="Record").click()
    expect(admin_page.get_by_role("row").filter(has_text="Camera credential exposed")).to_contain_text(
        "Published")
    incident = SecurityIncident.objects.get()
    assert incident.public_notice_required and incident.recorded_by == administrator

    public = new_page()
    public.goto(f"{live_server.url}/portal/incidents/")
    notice = public.get_by_role("article", name="Camera credential exposed")
    expect(notice).to_contain_text("no plate data left the system")
    expect(public.get_by_text("vendor's log file")).to_have_count(0)  # the internal account stays inside


@pytest.mark.rule("CAM-4")
def test_administrator_records_a_cameras_cost(page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    camera = Camera.objects.create(name="North Ave at Harlem", location_description="NE corner")
    browser_sign_in(page, live_server, administrator)
    nav_go(page, "Cameras")
    page.get_by_role("link", name="Record a cost").click()
    page.get_by_label("Camera", exact=True).select_option(label="North Ave at Harlem")
    page.get_by_label("Kind of cost").select_option(label="Maintenance")
    page.get_by_label("Amount (USD)").fill("1249.50")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Note").fill("Replaced the IR illuminator")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_contain_text("Cost recorded")
    costs = page.get_by_role("table", name="Recorded costs")
    row = costs.get_by_role("row").filter(has_text="Replaced the IR illuminator")
    expect(row).to_contain_text("$1249.50")
    cost = CameraCost.objects.get()
    assert (cost.camera, cost.kind, cost.amount) == (camera, "maintenance", Decimal("1249.50"))
    assert AuditEvent.objects.filter(action="camera.cost_recorded", actor_user=administrator).exists()
