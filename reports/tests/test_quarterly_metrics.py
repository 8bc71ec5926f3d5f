"""RPT-2: the quarterly metrics (use, cost, hit rate, false-positive rate, arrests and incidents related to
ALPR use), checked against a seeded quarter; quarters as periods; the schedule.

Expected figures are counted here from the seeds, never by calling the report's own functions.
"""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from config.schedule import BEAT_SCHEDULE
from core.errors import ApplicationError
from policy.roles import Role
from reports.models import CameraCost, Report
from reports.periods import month, previous_quarter, quarter, quarter_of
from reports.services.reports import report_generate
from reports.tasks import generate_quarterly_metrics_report
from reports.tests.conftest import actor, audit_event, local, plate_read, raise_alert
from reports.tests.test_oversight_report import csv_tables
from searches.models import Justification, SearchOutcome
from sharing.models import PartnerSearch
from sharing.tests.conftest import AgencyFactory, PartnerPersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rule("RPT-2")]

Q1 = quarter(2026, 1)
BEFORE = local(2025, 12, 31, 23, 50)
AFTER = local(2026, 4, 1, 0, 5)


@pytest.fixture(autouse=True)
def quick_pdf(request, monkeypatch):
    if "pdf" not in request.node.name:
        monkeypatch.setattr("reports.services.reports.render_pdf", lambda html: b"%PDF-1.7 stub for tests")


def _in_q1(moment) -> bool:
    return Q1.start <= moment < Q1.end


@pytest.fixture
def quarter_of_use(people, user_factory, camera, second_camera, hotlist_entry):
    alice, bob, carol = (user_factory(role=role) for role in (Role.OFFICER, Role.DETECTIVE, Role.ANALYST))
    admin = people[Role.ADMINISTRATOR]
    reads = [(camera, local(2026, 1, 5)), (second_camera, local(2026, 1, 20)), (camera, local(2026, 2, 3))]
    reads += [(camera, local(2026, 3, 9)), (camera, local(2026, 3, 31, 23, 30)), (camera, local(2026, 3, 2))]
    reads += [(camera, BEFORE), (camera, AFTER)]
    for cam, when in reads:
        plate_read(cam, when)
    # (person, action, when): searches by alice and bob; carol only reads a report.
    events = [
        (alice, "search.plate", local(2026, 1, 6)),
        (bob, "search.plate", local(2026, 2, 7)),
        (bob, "search.canvass", local(2026, 2, 8)),
        (alice, "search.plate", local(2026, 3, 10)),
        (carol, "report.viewed", local(2026, 2, 11)),
        (alice, "search.plate", BEFORE),
        (bob, "search.plate", AFTER),
        (people[Role.AUDITOR], "audit.log_viewed", AFTER),
    ]
    for person, code, when in events:
        audit_event(person, code, when, purpose="stolen_vehicle", case_number="26-000111")
    costs = [
        (camera, "purchase", "12000.00", date(2026, 1, 15)),
        (None, "subscription", "3000.00", date(2026, 2, 1)),
        (camera, "maintenance", "500.00", date(2026, 3, 31)),
        (second_camera, "maintenance", "999.00", date(2026, 4, 1)),
        (None, "subscription", "1.00", date(2025, 12, 31)),
    ]
    for cam, kind, amount, day in costs:
        CameraCost.objects.create(
            camera=cam, kind=kind, amount=Decimal(amount), incurred_on=day, recorded_by=admin
        )
    alerts = [
        ("confirmed", "arrest", local(2026, 1, 7)),
        ("confirmed", "arrest", local(2026, 2, 9)),
        ("confirmed", "vehicle_recovered", local(2026, 2, 10)),
        ("confirmed", "stop", local(2026, 3, 11)),
        ("misread", "", local(2026, 3, 12)),
        ("vehicle_mismatch", "", local(2026, 3, 13)),
        ("entry_invalid", "", local(2026, 1, 14)),
        ("", "", local(2026, 1, 15)),
        ("confirmed", "arrest", AFTER),
        ("misread", "", BEFORE),
    ]
    for outcome, action, when in alerts:
        raise_alert(hotlist_entry, camera, when, outcome=outcome, action=action, verified_by=alice)
    justification = Justification.objects.create(
        user=alice,
        purpose="stolen_vehicle",
        purpose_label="Stolen vehicle or stolen plate",
        case_number="26-000111",
        description="Stolen blue Honda Civic",
        created_at=local(2026, 1, 6, 8),
        expires_at=local(2026, 1, 6, 16),
    )
    outcomes = [
        ("arrest", local(2026, 2, 1)),
        ("person_located", local(2026, 2, 2)),
        ("lead", local(2026, 3, 3)),
        ("nothing", local(2026, 3, 4)),
        ("arrest", AFTER),
    ]
    for outcome, when in outcomes:
        SearchOutcome.objects.create(
            justification=justification, recorded_by=alice, outcome=outcome, recorded_at=when
        )
    agency = AgencyFactory()
    for when in (local(2026, 1, 8), local(2026, 3, 8), AFTER):
        PartnerSearch.objects.create(
            agency=agency,
            person=PartnerPersonFactory(agency=agency),
            searched_at=when,
            purpose="violent_crime",
            case_number="RPD-26-1",
            description="Armed robbery",
            plate_query="7ABC123",
        )
    return {"reads": reads, "events": events, "costs": costs, "alerts": alerts, "outcomes": outcomes}


def test_use_reads_searches_and_people_active(quarter_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="quarterly_metrics", period=Q1)
    tables = csv_tables(report)
    reads = [when for _, when in quarter_of_use["reads"] if _in_q1(when)]
    events = [(p, code, when) for p, code, when in quarter_of_use["events"] if _in_q1(when)]
    searches = [e for e in events if e[1].startswith("search.")]
    assert report.summary["Plate reads"] == len(reads) == 6
    assert report.summary["Searches"] == len(searches) == 4
    assert report.summary["People who used the system"] == len({p.pk for p, _, _ in events}) == 3
    use = dict(tables["use"])
    assert use["People who searched"] == str(len({p.pk for p, _, _ in searches})) == "2"
    assert use["Searches by outside agencies"] == "2"
    by_month = {row[0]: row[1:] for row in tables["use_by_month"]}
    monthly_reads = Counter(when.month for when in reads)
    monthly_alerts = Counter(when.month for _, _, when in quarter_of_use["alerts"] if _in_q1(when))
    assert by_month["January 2026"] == [str(monthly_reads[1]), "1", str(monthly_alerts[1]), "1"]
    assert by_month["February 2026"] == [str(monthly_reads[2]), "2", str(monthly_alerts[2]), "2"]
    assert by_month["March 2026"] == [str(monthly_reads[3]), "1", str(monthly_alerts[3]), "1"]


def test_cost_and_cost_per_hit_and_per_arrest(quarter_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="quarterly_metrics", period=Q1)
    tables = csv_tables(report)
    costs = [
        (cam, kind, Decimal(amount))
        for cam, kind, amount, day in quarter_of_use["costs"]
        if Q1.first <= day <= Q1.last
    ]
    total = sum(amount for _, _, amount in costs)
    assert total == Decimal("15500.00")
    assert report.summary["Total cost"] == "$15,500.00"
    assert dict(tables["cost_by_kind"]) == {
        "Purchase": "$12,000.00",
        "Subscription": "$3,000.00",
        "Maintenance": "$500.00",
    }
    by_camera = dict(tables["cost_by_camera"])
    assert by_camera == {"North Ave at Harlem": "$12,500.00", "Programme-wide": "$3,000.00"}
    hits = sum(1 for outcome, _, when in quarter_of_use["alerts"] if outcome == "confirmed" and _in_q1(when))
    arrests = sum(1 for _, action, when in quarter_of_use["alerts"] if action == "arrest" and _in_q1(when))
    arrests += sum(1 for outcome, when in quarter_of_use["outcomes"] if outcome == "arrest" and _in_q1(when))
    assert (hits, arrests) == (4, 3)
    assert report.summary["Cost per confirmed hit"] == f"${total / hits:,.2f}" == "$3,875.00"
    assert report.summary["Cost per arrest"] == f"${total / arrests:,.2f}" == "$5,166.67"


def test_hit_rate_and_false_positive_rate(quarter_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="quarterly_metrics", period=Q1)
    alerts = [outcome for outcome, _, when in quarter_of_use["alerts"] if _in_q1(when)]
    verified = [outcome for outcome in alerts if outcome]
    confirmed = verified.count("confirmed")
    false = sum(outcome in ("misread", "wrong_state", "vehicle_mismatch") for outcome in verified)
    assert report.summary["Hotlist alerts (hits)"] == len(alerts) == 8
    assert report.summary["Hit rate"] == f"{100 * confirmed / len(verified):.1f} %" == "57.1 %"
    assert report.summary["False-positive rate"] == f"{100 * false / len(verified):.1f} %" == "28.6 %"
    accuracy = dict(csv_tables(report)["accuracy"])
    assert (
        accuracy["Verified"] == "7" and accuracy["Not verified"] == "1" and accuracy["False positives"] == "2"
    )


def test_arrests_and_incidents_related_to_alpr_use(quarter_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="quarterly_metrics", period=Q1)
    rows = {row[0]: [int(n) for n in row[1:]] for row in csv_tables(report)["related_outcomes"]}
    from_alerts = Counter(action for _, action, when in quarter_of_use["alerts"] if _in_q1(when))
    from_searches = Counter(outcome for outcome, when in quarter_of_use["outcomes"] if _in_q1(when))
    assert rows["Arrest"] == [from_alerts["arrest"], from_searches["arrest"], 3]
    assert rows["Vehicle recovered"] == [1, 0, 1]
    assert rows["Person located"] == [0, 1, 1]
    assert rows["Lead for an investigation"] == [0, 1, 1]
    assert report.summary["Arrests related to ALPR use"] == 3
    assert report.summary["Incidents related to ALPR use"] == 3 + 1 + 1


def test_a_quarter_with_no_costs_or_hits_says_so(people):
    report = report_generate(
        actor=actor(people[Role.ADMINISTRATOR]), kind="quarterly_metrics", period=quarter(2025, 2)
    )
    assert report.summary["Total cost"] == "$0.00"
    assert report.summary["Cost per confirmed hit"] == "n/a" and report.summary["Hit rate"] == "n/a"


def test_the_pdf_and_html_of_the_quarter(quarter_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="quarterly_metrics", period=Q1)
    assert report.title == "Quarterly ALPR metrics, Q1 2026 (January to March)"
    assert (report.period_start, report.period_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert bytes(report.files.get(format="pdf").content).startswith(b"%PDF-")
    html = bytes(report.files.get(format="html").content).decode()
    for heading in (
        "Use",
        "Cost",
        "Hit rate and false-positive rate",
        "Arrests and incidents related to ALPR use",
    ):
        assert f"<h2>{heading}</h2>" in html


def test_quarters_as_periods():
    assert (Q1.first, Q1.last) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter(2026, 4).last == date(2026, 12, 31) and quarter_of(date(2026, 8, 15)) == quarter(2026, 3)
    assert previous_quarter(date(2026, 1, 1)) == quarter(2025, 4)
    assert previous_quarter(date(2026, 6, 30)) == Q1
    assert Q1.slug == "2026-Q1" and Q1.is_quarter and not Q1.is_month
    assert [m.label for m in Q1.months()] == ["January 2026", "February 2026", "March 2026"]
    assert month(2026, 3).is_month and not month(2026, 3).is_quarter
    with pytest.raises(ValueError):
        quarter(2026, 5)


def test_the_report_covers_a_whole_quarter_only(people):
    with pytest.raises(ApplicationError, match="whole quarter"):
        report_generate(
            actor=actor(people[Role.ADMINISTRATOR]), kind="quarterly_metrics", period=month(2026, 3)
        )


def test_it_is_generated_after_each_quarter_once(people):
    entry = BEAT_SCHEDULE["quarterly-metrics-report"]
    assert entry["task"] == "reports.tasks.generate_quarterly_metrics_report"
    assert entry["schedule"].month_of_year == {1, 4, 7, 10} and entry["schedule"].day_of_month == {1}
    assert generate_quarterly_metrics_report() is not None
    assert generate_quarterly_metrics_report() is None
    report = Report.objects.get(kind="quarterly_metrics")
    assert report.period_start == previous_quarter().first
    assert report.period_end - report.period_start > timedelta(days=85)


def test_on_demand_any_month_of_the_quarter_generates_the_quarter(people, make_verified_client):
    admin = make_verified_client(user=people[Role.ADMINISTRATOR])
    response = admin.post("/reports/", {"kind": "quarterly_metrics", "month": "2026-02"})
    assert response.status_code == 302
    report = Report.objects.get(kind="quarterly_metrics")
    assert (report.period_start, report.period_end) == (Q1.first, Q1.last)
    board = make_verified_client(user=people[Role.OVERSIGHT])
    assert report.title in board.get("/reports/").content.decode()
    csv_file = board.get(f"/reports/{report.pk}/file/csv/")
    assert (
        csv_file["Content-Disposition"]
        == f'attachment; filename="quarterly_metrics-2026-Q1-v{report.version}.csv"'
    )
