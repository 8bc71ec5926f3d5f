"""RPT-1 in a real browser: a member of the oversight board signs in, opens the monthly oversight report the
scheduler generated, reads its figures and downloads its PDF and CSV."""

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import Camera
from audit.models import AuditEvent
from conftest import UserFactory
from hotlists.models import Alert, Hotlist, HotlistEntry
from policy.roles import Role
from reports.models import Report
from reports.periods import previous_month
from reports.tasks import generate_monthly_oversight_report
from reports.tests.conftest import audit_event
from tests.browser.conftest import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.rule("RPT-1")]


def _in_last_month(day: int, hour: int = 12) -> datetime:
    first = previous_month().first
    return timezone.make_aware(datetime(first.year, first.month, day, hour))


@pytest.fixture
def last_month():
    """Three searches (two for violent crime), and a confirmed alert that led to an arrest."""
    officer = UserFactory(role=Role.OFFICER)
    for day, purpose in [(3, "violent_crime"), (4, "violent_crime"), (5, "stolen_vehicle")]:
        audit_event(officer, "search.plate", _in_last_month(day), purpose=purpose, case_number="26-000111")
    camera = Camera.objects.create(name="North Ave at Harlem")
    entry = HotlistEntry.objects.create(
        hotlist=Hotlist.objects.create(name="Internal"),
        plate_pattern="7ABC123",
        reason="Stolen in a burglary",
        case_number="26-004512",
        expires_at=timezone.now(),
    )
    when = _in_last_month(6)
    Alert.objects.create(
        read_id=1,
        read_captured_at=when,
        camera=camera,
        entry=entry,
        match_kind="exact",
        created_at=when,
        verification_outcome="confirmed",
        verified_by=officer,
        verified_at=when,
        action="arrest",
        action_by=officer,
        action_at=when,
        subject_race="black",
        subject_sex="male",
    )


def test_a_board_member_reads_the_monthly_oversight_report_and_downloads_it(page, live_server, last_month):
    generate_monthly_oversight_report()
    report = Report.objects.get(kind="monthly_oversight")
    board = UserFactory(role=Role.OVERSIGHT)

    browser_sign_in(page, live_server, board)
    page.goto(f"{live_server.url}/reports/")
    assert_accessible(page, "the reports")
    page.get_by_role("link", name=report.title).click()
    expect(page.get_by_role("heading", name=report.title)).to_be_visible()
    expect(page.locator("dl.facts dt:text-is('Searches') + dd")).to_have_text("3")
    assert_accessible(page, "a report's page")
    expect(page.locator("dl.facts dt:text-is('Arrests after alerts') + dd")).to_have_text("1")

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download PDF").click()
    assert pdf.value.suggested_filename == f"monthly_oversight-{previous_month().slug}-v1.pdf"
    with open(pdf.value.path(), "rb") as downloaded:
        data = downloaded.read()
    assert data.startswith(b"%PDF-") and data == bytes(report.files.get(format="pdf").content)

    with page.expect_download() as sheet:
        page.get_by_role("link", name="Download CSV").click()
    with open(sheet.value.path(), encoding="utf-8") as downloaded:
        rows = list(csv.reader(io.StringIO(downloaded.read())))
    purposes = {row[1]: row[2] for row in rows if row and row[0] == "searches_by_purpose"}
    assert purposes == {"Violent crime investigation": "2", "Stolen vehicle or stolen plate": "1"}

    page.get_by_role("link", name="Read the report (HTML)").click()
    expect(page.get_by_role("heading", name="Monthly oversight report")).to_be_visible()
    by_purpose = page.get_by_role("table").filter(has_text="Violent crime investigation").first
    expect(by_purpose.get_by_role("row", name="Violent crime investigation")).to_contain_text("2")
    expect(page.get_by_role("img", name="Stops by perceived race or ethnicity")).to_be_visible()
    stops = page.get_by_role("row", name="Black or African American").first
    expect(stops).to_contain_text("100.0 %")
    assert_accessible(page, "the monthly oversight report (HTML)")

    reads = AuditEvent.objects.filter(actor_user=board, targets=[f"report:{report.pk}"])
    assert reads.filter(action="report.downloaded").count() == 2
    assert reads.filter(action="report.viewed").count() == 2
