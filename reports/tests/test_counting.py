"""What the figures count: plates read survive the purge, a search is counted once and in its own row,
an audit reference does not hide repeated lookups (RPT-1 to RPT-3, AUD-5, SHR-5)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from alpr import partitions
from audit.context import Actor
from policy.roles import Role
from reports.metrics import usage_over
from reports.periods import month
from reports.services.reports import report_generate
from reports.tests.conftest import actor, local, plate_read
from reports.tests.test_oversight_report import csv_tables
from retention.services import reads_purge_expired

pytestmark = pytest.mark.django_db

JULY = month(2026, 7)


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    partitions.forget_known_partitions()
    monkeypatch.setattr("reports.services.reports.render_pdf", lambda html: b"%PDF stub")


@pytest.mark.rule("RPT-1", "RET-1")
def test_the_months_plates_read_survive_the_purge(people, camera):
    """Ten reads on July 1st (local); the scheduler purges at 03:00 UTC each day (30-day retention) and
    generates the monthly oversight report at 08:00 UTC on August 1st, when July 1st is gone. Before,
    the report counted the 5 reads still kept."""
    for i in range(10):
        plate_read(camera, local(2026, 7, 1, 10, i), plate=f"AB{i}123")
    for i in range(5):
        plate_read(camera, local(2026, 7, 20, 10, i), plate=f"CD{i}123")
    assert usage_over(JULY).reads == 15  # before the purge
    purge_at = datetime(2026, 8, 1, 3, 0, tzinfo=UTC)
    with time_machine.travel(purge_at, tick=False):
        reads_purge_expired(actor=Actor.system("scheduler"), now=purge_at)
    with time_machine.travel(datetime(2026, 8, 1, 8, 20, tzinfo=UTC), tick=False):
        report = report_generate(actor=Actor.system("monthly report scheduler"), kind="monthly_oversight",
                                 period=JULY)
    districts = csv_tables(report)["districts"]
    reads_in_report = sum(int(row[5]) for row in districts)
    assert reads_in_report == 15, f"July's report counts {reads_in_report} reads of 15"


@pytest.mark.rule("RPT-1", "RPT-3")
def test_paging_through_one_search_counts_one_search(people, camera):
    """An officer runs one plate search and looks at its second page: both pages are audited, and the
    figures count one search (before: two)."""
    from alpr import access
    from searches.tests.factories import open_justification

    officer = people[Role.OFFICER]
    now = timezone.now()
    for i in range(30):  # more than a page
        plate_read(camera, now - timedelta(hours=1, minutes=i), plate="QXJ4821")
    justification = open_justification(officer)
    first = access.plate_reads_search(actor=actor(officer), justification=justification, plate="QXJ4821",
                                      page=1)
    assert first.page.total == 30
    access.plate_reads_search(actor=actor(officer), justification=justification, plate="QXJ4821", page=2)
    today = timezone.localdate()
    assert usage_over(month(today.year, today.month)).searches == 1


@pytest.mark.rule("RPT-3")
def test_the_portal_keeps_a_months_plates_read_after_the_purge(client, camera):
    """20 plates read in a month two months ago; the 30-day purge runs; the portal's "Plates read" for
    that month stays 20 (before: 0)."""
    today = timezone.localdate()
    two_ago = (month(today.year, today.month - 2) if today.month > 2
               else month(today.year - 1, today.month + 10))
    for i in range(20):
        plate_read(camera, local(two_ago.first.year, two_ago.first.month, 10, 10, i), plate=f"ZZ{i}999")
    reads_purge_expired(actor=Actor.system("scheduler"))
    data = client.get("/portal/usage.json").json()
    [shown] = [m for m in data["months"] if m["month"] == two_ago.slug]
    assert shown["reads"] == 20, shown


@pytest.mark.rule("RPT-1", "SHR-5")
def test_an_outside_agencys_search_is_counted_apart_not_in_the_departments_own(
    client, people, partner_key
):
    """Oak Park VII.F: the department's usage and, in addition, the searches by outside agencies. One
    partner search and none by the department: 0 searches and 1 by outside agencies (before: 1 and 1)."""
    response = client.post(
        "/partner/api/v1/searches/",
        {"purpose": "violent_crime", "case_number": "RPD-26-00417", "plate": "ABC1234",
         "description": "Carjacking at gunpoint on North Avenue; the stolen grey SUV was seen heading east"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Partner {partner_key}",
    )
    assert response.status_code == 200, response.content
    today = timezone.localdate()
    this_month = month(today.year, today.month)
    with time_machine.travel(this_month.end + timedelta(hours=9), tick=False):
        report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight",
                                 period=this_month)
    summary = report.summary
    assert summary["Searches by outside agencies"] == 1
    assert summary["Searches"] == 0, (summary["Searches"], csv_tables(report)["searches_by_purpose"])


@pytest.mark.rule("AUD-5", "USE-4")
@pytest.mark.parametrize("case_number", ["", "X"])
def test_an_auditor_looking_up_one_plate_again_and_again_is_flagged_whatever_they_type_as_reference(
    people, case_number
):
    """An audit query needs no case number (USE-4) and its reference is free text: typing "X" in it hid
    five lookups of one plate from the repeated-plate flag of the monthly review."""
    from alpr import access
    from reports.reporting.audit_report import FLAG_REPEAT_PLATE, audit_activity
    from searches.tests.factories import open_justification

    auditor = people[Role.AUDITOR]
    justification = open_justification(
        auditor, purpose="", case_number=case_number,
        description="Monthly review of who looked up plate records on the Harlem corridor cameras")
    for _ in range(5):
        access.audit_trail_lookup(actor=actor(auditor), justification=justification, plate="QXJ4821")
    today = timezone.localdate()
    flags = audit_activity(month(today.year, today.month)).flags_of(FLAG_REPEAT_PLATE)
    assert len(flags) == 1, flags


@pytest.mark.rule("RPT-3")
def test_plates_read_counts_only_reads_with_a_plate(client, camera):
    """Four uploads, two plates read: a "no plate read" and a failed recognition are not plates read
    (before, "Plates read" counted every upload)."""
    from alpr.models import PlateRead, ReadStatus

    now = timezone.now() - timedelta(minutes=5)
    plate_read(camera, now, plate="QXJ4821")
    plate_read(camera, now, plate="7ABC123")
    no_plate = plate_read(camera, now, plate="QQQ1111")
    PlateRead.system_objects.filter(pk=no_plate.pk).update(plate="")  # "no plate read" (ingest)
    failed = plate_read(camera, now, plate="QQQ2222")
    PlateRead.system_objects.filter(pk=failed.pk).update(plate="", status=ReadStatus.FAILED)
    today = timezone.localdate()
    [shown] = [m for m in client.get("/portal/usage.json").json()["months"] if m["month"] == f"{today:%Y-%m}"]
    assert shown["reads"] == 2, shown


@pytest.mark.rule("SHR-5")
def test_a_partners_second_page_is_not_another_search(client, people, partner_key):
    """SHR-5's monthly count of searches by outside agencies: a partner paging through one search."""
    from sharing.models import PartnerSearch
    from sharing.selectors import partner_search_counts

    search = {"purpose": "violent_crime", "case_number": "RPD-26-00417", "plate": "ABC1234",
              "description": "Carjacking at gunpoint on North Avenue; the grey SUV was seen heading east"}
    for page in (1, 2):
        response = client.post("/partner/api/v1/searches/", {**search, "page": page},
                               content_type="application/json", HTTP_AUTHORIZATION=f"Partner {partner_key}")
        assert response.status_code == 200, response.content
    assert list(PartnerSearch.objects.order_by("page").values_list("page", flat=True)) == [1, 2]
    [counted] = partner_search_counts(since=timezone.now() - timedelta(hours=1), until=timezone.now())
    assert counted.searches == 1


@pytest.mark.rule("RPT-1", "RPT-3")
def test_a_search_opened_straight_at_its_second_page_is_counted(people, camera):
    """Asking for page 2 without page 1 still runs the search and tells its total: it is a search."""
    from alpr import access
    from searches.tests.factories import open_justification

    officer = people[Role.OFFICER]
    for i in range(30):
        plate_read(camera, timezone.now() - timedelta(hours=1, minutes=i), plate="QXJ4821")
    justification = open_justification(officer)
    second = access.plate_reads_search(actor=actor(officer), justification=justification, plate="QXJ4821",
                                       page=2)
    assert second.page.total == 30 and second.page.rows
    access.plate_reads_search(actor=actor(officer), justification=justification, plate="QXJ4821", page=1)
    access.plate_reads_search(actor=actor(officer), justification=justification, plate="QXJ4821", page=2)
    today = timezone.localdate()
    assert usage_over(month(today.year, today.month)).searches == 2  # the lone page 2, then pages 1 and 2


@pytest.mark.rule("SHR-5", "RPT-1")
def test_a_partner_search_opened_straight_at_its_second_page_is_counted(client, people, partner_key):
    from sharing.models import PartnerSearch
    from sharing.selectors import partner_search_counts

    search = {"purpose": "violent_crime", "case_number": "RPD-26-00417", "plate": "ABC1234",
              "description": "Carjacking at gunpoint on North Avenue; the grey SUV was seen heading east"}
    response = client.post("/partner/api/v1/searches/", {**search, "page": 2},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Partner {partner_key}")
    assert response.status_code == 200, response.content
    assert PartnerSearch.objects.get().continues_search is False
    [counted] = partner_search_counts(since=timezone.now() - timedelta(hours=1), until=timezone.now())
    assert counted.searches == 1
    today = timezone.localdate()
    assert usage_over(month(today.year, today.month)).outside_searches == 1


@pytest.mark.rule("RPT-1", "RPT-3")
def test_a_months_searches_keep_the_label_of_a_purpose_the_policy_later_dropped(people, camera):
    """In July the policy permitted "Missing person (endangered)"; an officer searched under it; in August
    the purpose was dropped. July's figures, counted afterwards, listed the search under the bare code
    `missing_endangered`, the label being looked up in the August policy only."""
    from alpr import access
    from policy.defaults import permitted_purposes
    from policy.models import AgencyPolicy
    from searches.tests.factories import open_justification

    purposes = [*permitted_purposes(), {"code": "missing_endangered", "label": "Missing person (endangered)"}]
    AgencyPolicy.objects.update(created_at=datetime(2026, 1, 1, tzinfo=UTC))
    with time_machine.travel(local(2026, 7, 1, 9), tick=False):
        AgencyPolicy.objects.create(permitted_purposes=purposes)
    with time_machine.travel(local(2026, 7, 14, 10), tick=False):
        officer = people[Role.OFFICER]
        justification = open_justification(officer, purpose="missing_endangered")
        access.plate_reads_search(actor=actor(officer), justification=justification, plate="QXJ4821")
    with time_machine.travel(local(2026, 8, 3, 9), tick=False):
        AgencyPolicy.objects.create(permitted_purposes=permitted_purposes())
    assert usage_over(JULY).searches_by_purpose == {"Missing person (endangered)": 1}
