"""`make run`'s demo department: one person per role, cameras, and a history replayed day by day through
the real services, so the reports the scheduler generated have figures and charts; idempotent; its
audit chain verifies; the purge ran on it; never in production.

The history is short here (generated photos, few vehicles): `seed_demo` takes its size.
"""
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import AccountStatus, User
from alpr.models import Camera, CameraStatus, PlateRead
from audit.chain import verify_chain
from audit.models import AuditEvent
from conftest import UserFactory, confirmed_totp
from demo.history import last_replayed_day
from demo.people import current_demo_code, demo_totp_device, demo_totp_secret
from demo.photos import REAL_PHOTOS, traffic
from demo.seed import HistorySize, history_first_day, seed_demo
from hotlists.models import Alert
from ingest import services as ingest_services
from policy.roles import Role
from reports.metrics import usage_over
from reports.models import CameraDistrict, CameraPlacementRequest, District, PlacementStatus, Report
from reports.periods import month, quarter
from retention.models import EvidenceHold, PurgeRun
from searches.models import Justification, SearchOutcome
from sharing.models import RecordsRequest, RequestStatus, SharingRequest
from sharing.selectors import agencies_with_access

# A history that crosses the end of September, and so of the third quarter.
TODAY = timezone.make_aware(datetime(2026, 10, 2, 12, 30))
SHORT = HistorySize(days=4, others_per_camera=1, real_photos=False)


@pytest.fixture(autouse=True)
def demo_settings(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.SHARING_DOCUMENTS_ROOT = tmp_path / "documents"


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    """WeasyPrint takes seconds per report; these tests read the HTML and the figures."""
    monkeypatch.setattr("reports.services.reports.render_pdf", lambda html: b"%PDF-1.7 stub for tests")


def _seed(size: HistorySize = SHORT, today: datetime = TODAY) -> str:
    with time_machine.travel(today, tick=True):
        return seed_demo(size)


def _counts() -> dict:
    return {model.__name__: model.objects.count()
            for model in (User, Camera, Justification, SearchOutcome, Alert, Report, SharingRequest,
                          RecordsRequest, AuditEvent)} | {"reads": PlateRead.system_objects.count()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.rule("AUD-2")
@pytest.mark.rule("RPT-1")
@pytest.mark.rule("RPT-2")
def test_the_seeded_history_is_built_once_and_its_reports_have_figures_and_its_chain_verifies():
    _seed()
    first = _counts()
    _seed()  # the same day again: nothing to replay, nothing missing
    assert _counts() == first
    assert last_replayed_day() == TODAY.date()

    # The department: every role, the pending account, four cameras the Chief approved (CAM-2).
    active_roles = set(User.objects.filter(status=AccountStatus.ACTIVE).values_list("role", flat=True))
    assert active_roles == set(Role.values)
    assert User.objects.filter(status=AccountStatus.PENDING).count() == 1
    assert set(Camera.objects.values_list("status", flat=True)) == {CameraStatus.ACTIVE}
    installed = CameraPlacementRequest.objects.filter(kind="install", status=PlacementStatus.DONE)
    assert installed.count() == 4 and all(p.decided_by.role == Role.CHIEF for p in installed)
    assert CameraDistrict.objects.count() == 4 and District.objects.count() == 2
    assert agencies_with_access() == ["Riverside Police Department"]
    assert SharingRequest.objects.filter(status=RequestStatus.PENDING).count() == 1
    assert RecordsRequest.objects.count() == 1
    assert len(current_demo_code("oreyes")) == 6

    # Each day: reads from every camera, searches with outcomes, refusals; alerts verified.
    for day in range(4):
        moment = TODAY - timedelta(days=day + 1)
        assert AuditEvent.objects.filter(action="demo.day_replayed",
                                         description=moment.date().isoformat()).exists()
    assert SearchOutcome.objects.exists()
    assert AuditEvent.objects.filter(action="search.justification_stated", outcome="refused").exists()
    assert Alert.objects.exclude(verification_outcome="").exists()
    assert set(PlateRead.system_objects.values_list("camera_id", flat=True)) == set(
        Camera.objects.values_list("pk", flat=True))

    # The scheduler's reports of September and the third quarter, generated on October 1st.
    september = Report.objects.get(kind="monthly_oversight", period_start=month(2026, 9).first)
    assert timezone.localdate(september.generated_at) == date(2026, 10, 1) and september.generated_by is None
    for name in ("Searches", "Refused search attempts", "Hotlist alerts (hits)", "Verified alerts",
                 "Policy-adherence flags"):
        assert september.summary[name] > 0, name
    html = bytes(september.files.get(format="html").content).decode()
    assert html.count('class="chart"') >= 3
    assert Report.objects.get(kind="monthly_audit", period_start=month(2026, 9).first).summary["Searches"] > 0
    q3 = Report.objects.get(kind="quarterly_metrics", period_start=quarter(2026, 3).first)
    assert q3.summary["Plate reads"] > 0 and q3.summary["Searches"] > 0

    # Every entry appended in its day, and the chain over all of them intact (AUD-2).
    days = {timezone.localdate(at) for at in AuditEvent.objects.values_list("occurred_at", flat=True)}
    assert {TODAY.date() - timedelta(days=n) for n in range(5)} <= days
    report = verify_chain()
    assert report.ok and report.rows == AuditEvent.objects.count()

    # The next day's run replays that day only, and generates no report twice.
    reports = Report.objects.count()
    assert "1 day(s) of history replayed" in _seed(today=TODAY + timedelta(days=1))
    assert last_replayed_day() == TODAY.date() + timedelta(days=1) and Report.objects.count() == reports
    assert verify_chain().ok


@pytest.mark.django_db
@pytest.mark.rule("RET-1")
@pytest.mark.rule("RET-2")
def test_a_history_longer_than_the_retention_period_was_purged_nightly_but_the_hold():
    """35 days of few vehicles: each night's purge removed the reads past 30 days, except those the
    detective's evidence hold (day 4) keeps, and the monthly figures show what was purged."""
    _seed(HistorySize(days=35, others_per_camera=0, real_photos=False))
    oldest_kept = TODAY - timedelta(days=30)
    assert PurgeRun.objects.filter(rows_deleted__gt=0).exists()
    hold = EvidenceHold.objects.get()
    old = PlateRead.system_objects.filter(captured_at__lt=oldest_kept - timedelta(hours=13))
    assert old.exists() and set(old.values_list("plate", flat=True)) == {hold.plate}
    september = usage_over(month(2026, 9))
    assert september.reads_purged > 0 and september.reads > 0


@pytest.mark.django_db
@pytest.mark.rule("ING-1")
@pytest.mark.skipif(not REAL_PHOTOS.is_dir(), reason="no real benchmark photos beside the repository")
def test_a_real_photo_is_recognised_by_the_pipeline_once_and_its_reading_sent_with_it_again(monkeypatch):
    calls = []
    recognise = ingest_services.recognize_photo
    monkeypatch.setattr(ingest_services, "recognize_photo", lambda data: calls.append(1) or recognise(data))
    vehicles = traffic(use_real_photos=True, limit=1)
    [vehicle] = vehicles.others
    camera = Camera.objects.create(name="Harlem Ave at North Ave", status=CameraStatus.ACTIVE,
                                   installed_on=date(2025, 1, 1))
    now = timezone.now()
    first = vehicles.pass_camera(vehicle, camera, now - timedelta(hours=2))
    again = vehicles.pass_camera(vehicle, camera, now - timedelta(hours=1))
    assert len(calls) == 1 and vehicles.real_photos
    first, again = (PlateRead.system_objects.get(pk=read.pk) for read in (first, again))
    assert first.status == again.status == "done" and first.plate == again.plate
    assert first.processing_ms is not None and again.processing_ms is None  # only the first was recognised
    assert (again.box_x, again.box_w) == (first.box_x, first.box_w)
    assert bool(again.crop_path) == bool(first.crop_path)


def test_the_history_reaches_back_over_the_last_whole_month_and_into_the_last_quarter():
    first = history_first_day(date(2026, 12, 3), None)
    assert first <= date(2026, 11, 1) and first <= date(2026, 9, 30) - timedelta(days=13)
    assert history_first_day(date(2026, 11, 20), None) == date(2026, 9, 17)
    assert history_first_day(date(2026, 1, 20), None) == date(2025, 12, 1)  # 35 days back is later
    assert history_first_day(date(2026, 12, 3), 4) == date(2026, 11, 29)


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_the_banner_lists_the_demo_people_only(capsys):
    """Tried: an account added by hand to the demo instance was listed with a "code now" and a key worked
    out from its login name: a wrong code, and a key that is not its own."""
    demo = UserFactory(username="oreyes", role=Role.OFFICER)
    demo_totp_device(demo)
    added = UserFactory(username="added1", role=Role.ANALYST)
    confirmed_totp(added)
    call_command("seed_demo", "--print-logins")
    banner = capsys.readouterr().out
    assert f"oreyes     {demo.get_role_display()}" in banner and current_demo_code("oreyes") in banner
    assert "added1" not in banner and demo_totp_secret("added1") not in banner
