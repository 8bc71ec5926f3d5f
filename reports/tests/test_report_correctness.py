"""Reports tell the truth about their period: none for a period still running, only the cameras that
were in service in it, and every refused or flagged attempt, a partner agency's included (AUD-5, RPT-1,
RPT-2)."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from alpr.models import Camera, CameraStatus
from alpr.services import camera_set_status
from audit.models import AuditEvent, Outcome
from core.errors import ApplicationError
from policy.roles import Role
from reports.models import Report
from reports.periods import month, previous_month, previous_quarter, quarter_of
from reports.reporting.audit_report import FLAG_AUDIT, FLAG_REFUSED, audit_activity
from reports.reporting.figures import NOT_IN_A_DISTRICT, adherence, cameras_in_service, district_placement
from reports.services.reports import report_generate
from reports.tests.conftest import actor
from reports.tests.test_oversight_report import csv_tables

pytestmark = pytest.mark.django_db

NOVEMBER = month(2026, 11)


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    """WeasyPrint takes a second or two per report; these tests read the CSV."""
    monkeypatch.setattr("reports.services.reports.render_pdf", lambda html: b"%PDF-1.7 stub for tests")


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


# --- a period that has not ended ----------------------------------------------------------------------

@pytest.mark.rule("AUD-5")
@pytest.mark.rule("RPT-1")
@pytest.mark.rule("RPT-2")
@pytest.mark.parametrize("kind, period_of", [
    ("monthly_oversight", lambda today: month(today.year, today.month)),
    ("monthly_audit", lambda today: month(today.year, today.month)),
    ("quarterly_metrics", quarter_of),
])
def test_a_report_of_a_period_still_running_is_refused_and_nothing_is_stored(people, kind, period_of):
    """Tried: this month's (or this quarter's) report while the period runs; its figures would change
    after it was stored and signed off."""
    period = period_of(timezone.localdate())
    with pytest.raises(ApplicationError, match="has not ended yet") as refused:
        report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind=kind, period=period)
    assert refused.value.field == "period"
    assert not Report.objects.exists()
    attempt = AuditEvent.objects.get(action="report.generated")
    assert attempt.outcome == Outcome.FAILED and "has not ended yet" in attempt.reason


@pytest.mark.rule("RPT-1")
@pytest.mark.rule("RPT-2")
def test_the_last_ended_month_and_quarter_are_generated(people):
    admin = actor(people[Role.ADMINISTRATOR])
    report_generate(actor=admin, kind="monthly_oversight", period=previous_month())
    report_generate(actor=admin, kind="quarterly_metrics", period=previous_quarter())
    assert Report.objects.count() == 2


@pytest.mark.rule("RPT-1")
def test_the_month_ends_at_local_midnight_not_before(people):
    """Tried: November's report on its last evening (agency time), then a minute after midnight."""
    admin = actor(people[Role.ADMINISTRATOR])
    with (time_machine.travel(_at(NOVEMBER.last, 23), tick=False),
          pytest.raises(ApplicationError, match="can be generated from 2026-12-01")):
        report_generate(actor=admin, kind="monthly_oversight", period=NOVEMBER)
    with time_machine.travel(NOVEMBER.end + timedelta(minutes=1), tick=False):
        report = report_generate(actor=admin, kind="monthly_oversight", period=NOVEMBER)
    assert report.period_start == NOVEMBER.first


def test_the_administrator_asking_for_this_month_on_the_page_is_told_when_and_gets_nothing(
    people, make_verified_client
):
    admin = make_verified_client(user=people[Role.ADMINISTRATOR])
    today = timezone.localdate()
    response = admin.post("/reports/", {"kind": "monthly_oversight", "month": f"{today:%Y-%m}"})
    assert response.status_code == 400 and "has not ended yet" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.rule("AUD-5")
@pytest.mark.rule("RPT-1")
@pytest.mark.parametrize("value", ["9999-12", "99999-01", "2001-01", "2026-13", "2026-Q3", "", "-1-1"])
@pytest.mark.parametrize("kind", ["monthly_oversight", "quarterly_metrics"])
def test_a_hand_edited_month_not_on_the_list_is_refused_on_the_form_and_nothing_is_stored(
    people, make_verified_client, kind, value
):
    """Tried: a month edited into the form: past the calendar's last year (was a server error), or
    long before the audit log's retention (was a stored report of zeros for a month it no longer
    covers, signed off as if nothing happened)."""
    admin = make_verified_client(user=people[Role.ADMINISTRATOR])
    response = admin.post("/reports/", {"kind": kind, "month": value})
    assert response.status_code == 400
    assert ("choose one from the list" in response.content.decode()
            or "Enter a month as YYYY-MM." in response.content.decode() or not value)
    assert not Report.objects.exists()


def test_a_month_offered_on_the_form_is_generated(people, make_verified_client):
    admin = make_verified_client(user=people[Role.ADMINISTRATOR])
    offered = previous_month()
    response = admin.post("/reports/", {"kind": "monthly_oversight", "month": offered.slug})
    report = Report.objects.get()
    assert response.status_code == 302 and (report.period_start, report.period_end) == (offered.first,
                                                                                        offered.last)


# --- cameras in service in the period -----------------------------------------------------------------

def _camera(name: str, installed_on: date) -> Camera:
    return Camera.objects.create(name=name, status=CameraStatus.ACTIVE, installed_on=installed_on)


def _retire(people, camera: Camera, on: date) -> None:
    with time_machine.travel(_at(on), tick=False):
        camera_set_status(actor=actor(people[Role.ADMINISTRATOR]), camera_id=camera.pk,
                          status=CameraStatus.RETIRED, reason="Pole removed by the county")


@pytest.mark.rule("RPT-1")
@pytest.mark.rule("CAM-1")
def test_a_camera_installed_in_december_is_not_in_service_in_november(people):
    old = _camera("Harlem Ave at North Ave", date(2025, 1, 10))
    mid_month = _camera("Madison St at Oak Park Ave", date(2026, 11, 15))
    december = _camera("Chicago Ave at Ridgeland Ave", date(2026, 12, 2))
    assert cameras_in_service(NOVEMBER) == {old.pk, mid_month.pk}
    assert december.pk in cameras_in_service(month(2026, 12))

    with time_machine.travel(_at(date(2026, 12, 2)), tick=False):
        report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight",
                                 period=NOVEMBER)
    [row] = [row for row in csv_tables(report)["districts"] if row[0] == NOT_IN_A_DISTRICT]
    assert row[3] == "2"  # cameras in service: not the one installed in December


@pytest.mark.rule("RPT-1")
def test_a_camera_retired_before_the_month_is_not_in_service_in_it_one_retired_during_it_is(people):
    retired_in_october = _camera("Roosevelt Rd at Austin Blvd", date(2025, 3, 1))
    retired_in_november = _camera("Lake St at Harlem Ave", date(2025, 3, 1))
    _retire(people, retired_in_october, date(2026, 10, 20))
    _retire(people, retired_in_november, date(2026, 11, 20))
    assert cameras_in_service(NOVEMBER) == {retired_in_november.pk}
    assert cameras_in_service(month(2026, 10)) == {retired_in_october.pk, retired_in_november.pk}
    [placement] = district_placement(NOVEMBER)
    assert placement.cameras == ["Lake St at Harlem Ave"]


# --- partner agencies' refused or flagged attempts ----------------------------------------------------

@pytest.mark.rule("AUD-5")
@pytest.mark.rule("RPT-1")
@pytest.mark.rule("SHR-4")
def test_a_partner_attempt_refused_and_flagged_is_among_the_adherence_flags(client, people, partner_key):
    """Tried: a partner's search for immigration enforcement (refused, flagged, the agency revoked)."""
    response = client.post(
        "/partner/api/v1/searches/",
        {"purpose": "violent_crime", "case_number": "RPD-26-00417", "plate": "ABC1234",
         "description": "Locate this car for an ICE deportation operation next week"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Partner {partner_key}",
    )
    assert response.status_code == 403
    today = timezone.localdate()
    this_month = month(today.year, today.month)

    flags = [flag for flag in audit_activity(this_month).flags if "Riverside Police Department" in flag[0]]
    assert [flag[1] for flag in flags] == [FLAG_REFUSED, FLAG_AUDIT]
    assert all("Sam Ortiz" in flag[0] and flag[3] == "Plate search" for flag in flags)
    assert adherence(this_month).flag_counts[FLAG_AUDIT] == 1

    with time_machine.travel(this_month.end + timedelta(hours=9), tick=False):
        report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_audit",
                                 period=this_month)
    listed = [row for row in csv_tables(report)["flags"] if "Riverside Police Department" in row[0]]
    assert len(listed) == 2 and report.summary["Adherence flags to review"] >= 2
