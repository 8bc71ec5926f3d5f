"""RPT-1: the monthly oversight report, its figures checked against a seeded month, its files and its
schedule.

Every expected figure is counted here from what the test seeded (plain Python over the seed lists), never
by calling the report's own functions.
"""

import csv
import io
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from alpr.models import Camera, CameraStatus
from config.schedule import BEAT_SCHEDULE
from core.errors import ApplicationError
from hotlists.models import HotlistEntry
from policy.models import AgencyPolicy
from policy.roles import Role
from reports.models import CameraDistrict, District, Report
from reports.periods import month, previous_month, quarter
from reports.reporting.oversight_report import build_monthly_oversight
from reports.services.reports import report_generate, report_sign_off
from reports.tasks import generate_monthly_oversight_report
from reports.tests.conftest import actor, audit_event, local, plate_read, raise_alert
from retention.models import ErroneousFlag
from searches.models import (
    FelonyExceptionRequest,
    FelonyRequestStatus,
    Justification,
    SearchOutcome,
)
from sharing.models import PartnerSearch
from sharing.tests.conftest import AgencyFactory, PartnerPersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rule("RPT-1")]

PERIOD = month(2026, 3)
BEFORE = local(2026, 2, 28, 23, 50)  # the last minutes of February, local time
AFTER = local(2026, 4, 1, 0, 5)  # the first minutes of April
LATE = local(2026, 3, 31, 23, 30)  # still March locally (already April 1st in UTC)
PURPOSE_LABELS = {
    "violent_crime": "Violent crime investigation",
    "stolen_vehicle": "Stolen vehicle or stolen plate",
    "missing_person": "Missing or endangered person",
    "other_felony": "Other significant felony (Chief's written approval)",
}


@pytest.fixture(autouse=True)
def quick_pdf(request, monkeypatch):
    """WeasyPrint takes seconds per report; only the tests about the PDF render a real one."""
    if "pdf" not in request.node.name:
        monkeypatch.setattr("reports.services.reports.render_pdf", lambda html: b"%PDF-1.7 stub for tests")


def csv_tables(report) -> dict[str, list[list[str]]]:
    """The stored CSV, read back: {table slug: rows without the slug}; headline figures under 'summary'."""
    data = bytes(report.files.get(format="csv").content).decode()
    tables: dict[str, list[list[str]]] = {}
    for row in csv.reader(io.StringIO(data)):
        if row and row[0] != "table":
            tables.setdefault(row[0], []).append(row[1:])
    return tables


def justification(user, purpose, case_number, *, felony_request=None, when=None):
    when = when or local(2026, 3, 1, 8)
    return Justification.objects.create(
        user=user,
        purpose=purpose,
        purpose_label=PURPOSE_LABELS[purpose],
        case_number=case_number,
        description="Armed robbery at 100 Main St, suspect vehicle seen northbound",
        felony_request=felony_request,
        created_at=when,
        expires_at=when + timedelta(hours=8),
    )


# --- searches by purpose --------------------------------------------------------------------------------

# (who, action, day or moment, purpose, outcome)
SEARCHES = [
    ("alice", "search.plate", 3, "violent_crime", "allowed"),
    ("alice", "search.plate", 4, "violent_crime", "allowed"),
    ("alice", "search.canvass", 5, "violent_crime", "allowed"),
    ("bob", "search.plate", 9, "stolen_vehicle", "allowed"),
    ("bob", "search.canvass", LATE, "stolen_vehicle", "allowed"),
    ("bob", "search.plate", 10, "missing_person", "allowed"),
    ("alice", "search.plate", BEFORE, "violent_crime", "allowed"),  # February
    ("bob", "search.plate", AFTER, "stolen_vehicle", "allowed"),  # April
    ("bob", "search.plate", 11, "stolen_vehicle", "refused"),  # refused: not a search that ran
]


def _when(day_or_moment):
    return local(2026, 3, day_or_moment, 12) if isinstance(day_or_moment, int) else day_or_moment


def _in_march(moment) -> bool:
    return PERIOD.start <= moment < PERIOD.end


@pytest.fixture
def month_of_use(people, user_factory, camera, second_camera, hotlist_entry):
    """A month of searches, alerts, felony exceptions, partner searches, districts and error flags."""
    alice, bob = user_factory(role=Role.OFFICER), user_factory(role=Role.DETECTIVE)
    who = {"alice": alice, "bob": bob}
    chief = people[Role.CHIEF]
    for name, code, day, purpose, outcome in SEARCHES:
        audit_event(who[name], code, _when(day), purpose=purpose, case_number="26-000111", outcome=outcome)
    # A refused justification naming a prohibited purpose: refused and flagged for audit.
    audit_event(
        alice,
        "search.justification_stated",
        local(2026, 3, 6, 12),
        purpose="violent_crime",
        outcome="refused",
        flagged=True,
        reason="The description names a prohibited purpose (immigration enforcement).",
    )

    # Felony exceptions: one approved in March and searched under twice in March (once in April);
    # one approved in February, searched once in March; one approved in February and not used in March;
    # one denied in March.
    def felony(case_number, decided_at, status=FelonyRequestStatus.APPROVED):
        return FelonyExceptionRequest.objects.create(
            requested_by=bob,
            case_number=case_number,
            offense="Aggravated arson",
            description="Fire at a warehouse; a vehicle seen leaving",
            created_at=decided_at - timedelta(days=1),
            status=status,
            decided_by=chief,
            decided_at=decided_at,
            granted_days=30 if status == FelonyRequestStatus.APPROVED else None,
        )

    march = felony("26-000301", local(2026, 3, 2, 9))
    february = felony("26-000201", local(2026, 2, 20, 9))
    idle = felony("26-000202", local(2026, 2, 21, 9))
    felony("26-000302", local(2026, 3, 3, 9), status=FelonyRequestStatus.DENIED)
    felony_searches = [(march, 12), (march, 13), (march, AFTER), (february, 7), (idle, BEFORE)]
    for request, day in felony_searches:
        used = justification(bob, "other_felony", request.case_number, felony_request=request)
        audit_event(
            bob,
            "search.plate",
            _when(day),
            purpose="other_felony",
            case_number=request.case_number,
            query={"plate": "7ABC123", "justification": used.pk},
        )

    # Alerts: (outcome, action, race, sex, when)
    alerts = [
        ("confirmed", "stop", "black", "male", 3),
        ("confirmed", "arrest", "black", "female", 4),
        ("confirmed", "arrest", "white", "male", 5),
        ("confirmed", "vehicle_recovered", "not_recorded", "not_recorded", 6),
        ("confirmed", "person_located", "hispanic", "female", LATE),
        ("confirmed", "no_action", "not_recorded", "not_recorded", 7),
        ("confirmed", "", "", "", 8),
        ("misread", "", "", "", 9),
        ("misread", "", "", "", 10),
        ("wrong_state", "", "", "", 11),
        ("vehicle_mismatch", "", "", "", 12),
        ("entry_invalid", "", "", "", 13),
        ("", "", "", "", 14),
        ("", "", "", "", 15),
        ("confirmed", "arrest", "asian", "male", AFTER),  # April
        ("misread", "", "", "", BEFORE),  # February
    ]
    for outcome, action, race, sex, day in alerts:
        raise_alert(
            hotlist_entry,
            camera,
            _when(day),
            outcome=outcome,
            action=action,
            race=race,
            sex=sex,
            verified_by=alice,
        )

    # What searches led to, recorded in March (and one in April).
    used = justification(alice, "violent_crime", "26-000111")
    outcomes = [("arrest", 20), ("lead", 21), ("lead", 22), ("nothing", 23), ("arrest", AFTER)]
    for outcome, day in outcomes:
        SearchOutcome.objects.create(
            justification=used, recorded_by=alice, outcome=outcome, recorded_at=_when(day)
        )

    # Outside agencies.
    riverside, maywood = AgencyFactory(name="Riverside PD"), AgencyFactory(name="Maywood PD")
    partner = [
        (riverside, 3),
        (riverside, 4),
        (riverside, LATE),
        (maywood, 8),
        (maywood, AFTER),
        (maywood, BEFORE),
    ]
    for agency, day in partner:
        PartnerSearch.objects.create(
            agency=agency,
            person=PartnerPersonFactory(agency=agency),
            searched_at=_when(day),
            purpose="violent_crime",
            case_number="RPD-26-1",
            description="Armed robbery",
            plate_query="7ABC123",
        )

    # Districts, cameras in them, reads. A third camera stands in no district; a retired one in Beat 12.
    admin = people[Role.ADMINISTRATOR]
    beat_11 = District.objects.create(
        name="Beat 11",
        population=6000,
        population_shares={"white": 60, "black": 30, "hispanic": 10},
        source="2020 Census",
        updated_at=timezone.now(),
        updated_by=admin,
    )
    beat_12 = District.objects.create(
        name="Beat 12",
        population=4000,
        population_shares={"white": 20, "black": 50, "hispanic": 25, "asian": 5},
        source="2020 Census",
        updated_at=timezone.now(),
        updated_by=admin,
    )
    third = Camera.objects.create(name="Roosevelt at Austin", status=CameraStatus.ACTIVE,
                                  installed_on=date(2026, 2, 1))
    retired = Camera.objects.create(name="Old trailer", status=CameraStatus.RETIRED)
    for cam, district in [(camera, beat_11), (second_camera, beat_12), (retired, beat_12)]:
        CameraDistrict.objects.create(
            camera=cam, district=district, assigned_at=timezone.now(), assigned_by=admin
        )
    reads = [
        (camera, 3),
        (camera, 4),
        (camera, LATE),
        (second_camera, 5),
        (third, 6),
        (third, 7),
        (camera, AFTER),
    ]
    stored = [plate_read(cam, _when(day)) for cam, day in reads]

    # Erroneous-read flags: (kind, flagged, status, reviewed)
    flags = [
        ("misread", 3, "confirmed", 4),
        ("misread", 5, "confirmed", 6),
        ("wrong_time", 7, "rejected", 8),
        ("misread", 9, "open", None),
        ("wrong_camera", BEFORE, "confirmed", 2),  # raised in February, confirmed in March
    ]
    for (kind, flagged, status, reviewed), read in zip(flags, stored, strict=False):
        ErroneousFlag.objects.create(
            read_id=read.pk,
            read_captured_at=read.captured_at,
            kind=kind,
            note="Plate reads 8 for B",
            flagged_by=alice,
            flagged_at=_when(flagged),
            status=status,
            reviewed_by=admin if reviewed else None,
            reviewed_at=_when(reviewed) if reviewed else None,
        )
    return {
        "alice": alice,
        "bob": bob,
        "alerts": alerts,
        "felony": {"march": march, "february": february},
        "felony_searches": felony_searches,
        "outcomes": outcomes,
        "partner": partner,
        "reads": reads,
        "flags": flags,
        "cameras": {"north": camera, "madison": second_camera, "third": third},
    }


def _march(seeds, index=-1):
    return [seed for seed in seeds if _in_march(_when(seed[index]))]


def test_searches_by_purpose_match_the_seeded_month(month_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    ran = [s for s in SEARCHES if s[4] == "allowed" and _in_march(_when(s[2]))]
    ran += [
        ("bob", "search.plate", day, "other_felony", "allowed")
        for _, day in _march(month_of_use["felony_searches"])
    ]
    expected = Counter(PURPOSE_LABELS[purpose] for _, _, _, purpose, _ in ran)
    tables = csv_tables(report)
    assert {row[0]: int(row[1]) for row in tables["searches_by_purpose"]} == dict(expected)
    assert report.summary["Searches"] == len(ran) == 9
    # The refused search and the refused justification: two attempts refused before running.
    assert report.summary["Refused search attempts"] == 2


def test_hits_verified_stops_and_outcomes(month_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    march = _march(month_of_use["alerts"])
    verified = [a for a in march if a[0]]
    tables = csv_tables(report)
    assert report.summary["Hotlist alerts (hits)"] == len(march) == 14
    assert report.summary["Verified alerts"] == len(verified) == 12
    assert report.summary["Confirmed alerts"] == sum(a[0] == "confirmed" for a in march) == 7
    outcomes = {row[0].split(":")[0]: (int(row[1]), row[2]) for row in tables["alert_outcomes"]}
    assert outcomes["Misread"] == (2, f"{100 * 2 / 12:.1f} %")
    assert outcomes["Confirmed"] == (7, f"{100 * 7 / 12:.1f} %")
    assert outcomes["Wrong issuing state"][0] == outcomes["Vehicle does not match the description"][0] == 1
    actions = {row[0]: int(row[1]) for row in tables["alert_actions"]}
    expected = Counter(a[1] for a in march if a[1])
    assert actions == {
        "Vehicle stopped": expected["stop"],
        "No action": expected["no_action"],
        "Arrest": expected["arrest"],
        "Vehicle recovered": expected["vehicle_recovered"],
        "Person located": expected["person_located"],
        "No action recorded yet": 1,
    }
    assert report.summary["Arrests after alerts"] == 2
    contacts = [a for a in march if a[1] in ("stop", "arrest", "vehicle_recovered", "person_located")]
    assert report.summary["Stops after confirmed alerts"] == len(contacts) == 5
    led_to = {row[0]: int(row[1]) for row in tables["search_outcomes"]}
    recorded = Counter(outcome for outcome, day in _march(month_of_use["outcomes"]))
    assert led_to == {
        "Nothing came of it": recorded["nothing"],
        "A lead": recorded["lead"],
        "An arrest": recorded["arrest"],
        "Vehicle recovered": 0,
        "Person located": 0,
    }


def test_approved_felony_exception_searches_are_listed_with_their_searches(month_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    rows = {row[1]: row for row in csv_tables(report)["felony_exceptions"]}
    in_march = Counter(request.case_number for request, day in _march(month_of_use["felony_searches"]))
    # Approved in March (2 searches in March), approved earlier but searched under in March (1); the
    # request unused in March and the denied one are not listed.
    assert set(rows) == {"26-000301", "26-000201"}
    assert int(rows["26-000301"][7]) == in_march["26-000301"] == 2
    assert int(rows["26-000201"][7]) == in_march["26-000201"] == 1
    chief = people[Role.CHIEF]
    assert (
        rows["26-000301"][3] == month_of_use["bob"].audit_label and rows["26-000301"][4] == chief.audit_label
    )
    assert rows["26-000301"][5] == "2026-03-02"
    assert rows["26-000301"][6] == "2026-04-01"  # the policy's felony_approval_days (30) on
    assert report.summary["Felony-exception searches"] == 3


@pytest.mark.rule("USE-2")
@pytest.mark.parametrize("changed_on, days, until", [
    (local(2026, 3, 20, 9), 10, "2026-03-12"),  # shortened in March: the approval ended sooner
    (local(2026, 3, 20, 9), 45, "2026-04-01"),  # raised in March: the approval keeps its 30 days
    (local(2026, 4, 5, 9), 10, "2026-04-01"),  # shortened in April: March's report is not rewritten
])
def test_an_approval_is_valid_for_its_days_as_the_policy_said_at_the_end_of_the_month(month_of_use, people,
                                                                                     changed_on, days, until):
    # Tried: with the policy's approvals shortened to 10 days in April, the March report, generated (or
    # regenerated) afterwards, said the approval of 2 March was valid until 12 March, beside searches
    # made under it on the 12th and 13th while it was valid; and a raise to 45 days said 16 April for an
    # approval the Chief granted for 30.
    with time_machine.travel(changed_on, tick=False):
        AgencyPolicy.objects.create(felony_approval_days=days)
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    rows = {row[1]: row for row in csv_tables(report)["felony_exceptions"]}
    assert rows["26-000301"][6] == until


def test_policy_adherence_counts_the_audit_flags_and_says_whether_the_audit_was_signed_off(
    month_of_use, people
):
    admin = actor(people[Role.ADMINISTRATOR])
    report = report_generate(actor=admin, kind="monthly_oversight", period=PERIOD)
    flags = {row[0]: int(row[1]) for row in csv_tables(report)["adherence_flags"]}
    # The refused search and the refused, flagged justification: two refusals, one flag for audit.
    assert flags["Refused attempt"] == 2
    assert flags["Flagged for audit (vague or prohibited reason)"] == 1
    assert report.summary["Policy-adherence flags"] == sum(flags.values())
    detail = csv_tables(report)["adherence_detail"]
    assert any("prohibited purpose (immigration" in row[4] for row in detail)
    html = bytes(report.files.get(format="html").content).decode()
    assert "has not been generated yet" in html

    audit = report_generate(actor=admin, kind="monthly_audit", period=PERIOD)
    report_sign_off(actor=admin, report_id=audit.pk, review_note="Reviewed every flag")
    again = report_generate(actor=admin, kind="monthly_oversight", period=PERIOD)
    html = bytes(again.files.get(format="html").content).decode()
    assert f"was signed off by {escape(people[Role.ADMINISTRATOR].audit_label)}" in html


def test_stops_by_perceived_race_and_sex_beside_the_district_population(month_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    tables = csv_tables(report)
    contacts = [a for a in _march(month_of_use["alerts"]) if a[1] not in ("", "no_action")]
    by_race = Counter(a[2] for a in contacts)
    rows = {row[0]: row for row in tables["stops_by_race"]}
    # People stopped, share, then: stopped only, arrest, vehicle recovered, person located, population.
    assert rows["Black or African American"][1:7] == [
        str(by_race["black"]),
        f"{100 * by_race['black'] / len(contacts):.1f} %",
        "1",
        "1",
        "0",
        "0",
    ]
    assert rows["White"][1:4] == ["1", "20.0 %", "0"] and rows["White"][4] == "1"
    assert rows["Hispanic or Latino"][6] == "1"  # person located
    assert rows["Not recorded"][1] == "1" and rows["Not recorded"][5] == "1"  # vehicle recovered
    assert rows["Asian"][1] == "0"  # the April arrest is not March's
    # The jurisdiction's population share: districts' shares weighted by population, computed here.
    black = (6000 * 30 + 4000 * 50) / 10000
    assert rows["Black or African American"][7] == f"{black:.1f} %" == "38.0 %"
    assert rows["Asian"][7] == f"{4000 * 5 / 10000:.1f} %"
    assert rows["Not recorded"][7] == ""
    by_sex = {row[0]: int(row[1]) for row in tables["stops_by_sex"]}
    assert by_sex == {"Female": 2, "Male": 2, "Not recorded": 1}


@pytest.fixture
def warrant(hotlist_entry):
    """A second hotlist entry for the plate of `hotlist_entry`: one read of the car raises two alerts."""
    return HotlistEntry.objects.create(
        hotlist=hotlist_entry.hotlist, plate_pattern="7ABC123", plate_exact="7ABC123",
        reason="Felony warrant for the registered owner", case_number="26-004999",
        expires_at=timezone.now() + timedelta(days=400))


def test_a_stop_recorded_on_both_alerts_of_a_car_on_two_hotlists_is_one_person_stopped(
        people, camera, hotlist_entry, warrant):
    """Before, each alert's action counted: the driver arrested on a warrant in a car stolen was two people
    stopped, one of them arrested, the other's car recovered, in the disparate-impact table."""
    when, read_id = local(2026, 3, 12, 14), 990_001
    officer = people[Role.OFFICER]
    for entry, action in ((hotlist_entry, "vehicle_recovered"), (warrant, "arrest")):
        raise_alert(entry, camera, when, outcome="confirmed", action=action, race="black", sex="male",
                    verified_by=officer, read_id=read_id)
    raise_alert(hotlist_entry, camera, when, outcome="confirmed", action="stop", race="white", sex="female",
                verified_by=officer)
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    tables = csv_tables(report)
    assert report.summary["Stops after confirmed alerts"] == 2
    rows = {row[0]: row for row in tables["stops_by_race"]}
    # People stopped, share, then: stopped only, arrest, vehicle recovered, person located.
    assert rows["Black or African American"][1:7] == ["1", "50.0 %", "0", "1", "0", "0"]
    assert rows["White"][1:4] == ["1", "50.0 %", "1"]
    by_sex = {row[0]: int(row[1]) for row in tables["stops_by_sex"]}
    assert by_sex == {"Female": 1, "Male": 1, "Not recorded": 0}


def test_a_person_recorded_on_one_alert_of_a_read_is_counted_as_recorded(people, camera, hotlist_entry,
                                                                         warrant):
    """The stop recorded with the person's race and sex on one alert, the arrest on the other alert of the
    same read left "not recorded" (the form's default): the person counts once, under the arrest, with the
    race and sex recorded. Before, only the arrest's alert was read, and the contact was "not recorded"."""
    when, read_id = local(2026, 3, 12, 14), 990_002
    officer = people[Role.OFFICER]
    raise_alert(hotlist_entry, camera, when, outcome="confirmed", action="stop", race="black", sex="male",
                verified_by=officer, read_id=read_id)
    raise_alert(warrant, camera, when + timedelta(minutes=1), outcome="confirmed", action="arrest",
                race="not_recorded", verified_by=officer, read_id=read_id)
    # Both recorded and different: the weightiest action's alert is the one counted.
    raise_alert(hotlist_entry, camera, when, outcome="confirmed", action="stop", race="white", sex="female",
                verified_by=officer, read_id=990_003)
    raise_alert(warrant, camera, when, outcome="confirmed", action="arrest", race="asian", sex="male",
                verified_by=officer, read_id=990_003)
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    tables = csv_tables(report)
    rows = {row[0]: row for row in tables["stops_by_race"]}
    # People stopped, share, then: stopped only, arrest, vehicle recovered, person located.
    assert rows["Black or African American"][1:7] == ["1", "50.0 %", "0", "1", "0", "0"]
    assert rows["Asian"][1:7] == ["1", "50.0 %", "0", "1", "0", "0"]
    assert rows["White"][1] == "0" and rows["Not recorded"][1] == "0"
    by_sex = {row[0]: int(row[1]) for row in tables["stops_by_sex"]}
    assert by_sex == {"Female": 0, "Male": 2, "Not recorded": 0}


def test_cameras_and_reads_per_district_beside_each_districts_population(month_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    tables = csv_tables(report)
    cams = month_of_use["cameras"]
    reads = Counter(cam.pk for cam, day in _march(month_of_use["reads"]))
    total_reads = sum(reads.values())
    rows = {row[0]: row for row in tables["districts"]}
    # District, population, share of population, cameras in service, share of cameras, reads, share, per 1,000
    assert rows["Beat 11"] == [
        "Beat 11",
        "6000",
        "60.0 %",
        "1",
        f"{100 / 3:.1f} %",
        str(reads[cams["north"].pk]),
        f"{100 * reads[cams['north'].pk] / total_reads:.1f} %",
        f"{1000 * reads[cams['north'].pk] / 6000:.1f}",
    ]
    # The retired camera of Beat 12 is not in service.
    assert rows["Beat 12"][3] == "1" and rows["Beat 12"][5] == str(reads[cams["madison"].pk])
    assert rows["Not in any district"][3] == "1" and rows["Not in any district"][5] == str(
        reads[cams["third"].pk]
    )
    shares = {row[0]: row for row in tables["district_population"]}
    assert shares["Beat 12"][1:7] == ["20.0 %", "50.0 %", "0.0 %", "25.0 %", "5.0 %", "0.0 %"]
    exposure = {row[0]: row[1:] for row in tables["exposure"]}
    north, madison = reads[cams["north"].pk], reads[cams["madison"].pk]
    assert exposure["White"] == [
        f"{(6000 * 60 + 4000 * 20) / 10000:.1f} %",
        f"{(60 + 20) / 2:.1f} %",
        f"{(north * 60 + madison * 20) / (north + madison):.1f} %",
    ]
    assert (
        exposure["Black or African American"][2] == f"{(north * 30 + madison * 50) / (north + madison):.1f} %"
    )


def test_searches_by_outside_agencies_by_name_and_number(month_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    expected = Counter(agency.name for agency, day in _march(month_of_use["partner"]))
    rows = csv_tables(report)["outside_agencies"]
    assert (
        [(row[0], int(row[2])) for row in rows]
        == expected.most_common()
        == [("Riverside PD", 3), ("Maywood PD", 1)]
    )
    assert rows[0][1].startswith("IL")
    assert report.summary["Searches by outside agencies"] == 4


def test_misread_rates_and_erroneous_read_flags(month_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    tables = csv_tables(report)
    march = [a for a in _march(month_of_use["alerts"]) if a[0]]
    misread = sum(a[0] == "misread" for a in march)
    false = sum(a[0] in ("misread", "wrong_state", "vehicle_mismatch") for a in march)
    figures = dict(tables["misreads"])
    assert figures["Closed as misread"] == str(misread) == "2"
    assert figures["Misread rate"] == f"{100 * misread / len(march):.1f} %" == report.summary["Misread rate"]
    assert figures["False-positive rate"] == f"{100 * false / len(march):.1f} %"
    flags = {row[0]: [int(n) for n in row[1:]] for row in tables["erroneous_flags"]}
    raised = Counter(kind for kind, flagged, _, _ in month_of_use["flags"] if _in_march(_when(flagged)))
    confirmed = Counter(
        kind for kind, _, status, reviewed in month_of_use["flags"] if status == "confirmed" and reviewed
    )
    assert flags["Misread plate"] == [raised["misread"], confirmed["misread"], 0] == [3, 2, 0]
    assert flags["Wrong time"] == [1, 0, 1]
    assert flags["Wrong camera or place"] == [0, 1, 0]


def test_the_report_reads_as_html_pdf_and_csv_stored_with_their_hashes(month_of_use, people):
    import hashlib

    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    files = {f.format: f for f in report.files.all()}
    assert set(files) == {"html", "pdf", "csv"}
    for stored in files.values():
        assert stored.sha256 == hashlib.sha256(bytes(stored.content)).hexdigest()
    html = bytes(files["html"].content).decode()
    for heading in (
        "Searches by purpose",
        "Hits, verified stops and outcomes",
        "Approved felony-exception searches",
        "Searches by outside agencies",
        "Policy adherence",
        "Disparate impact",
        "Misreads and erroneous data",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert "7ABC123" not in html and "QXJ4821" not in html  # plates never appear
    assert report.title == "Monthly oversight report, March 2026"


def test_the_pdf_is_a_real_rendering_of_the_report(month_of_use, people):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    pdf = bytes(report.files.get(format="pdf").content)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


def test_an_empty_month_still_makes_a_report(people):
    content = build_monthly_oversight(month(2025, 1))
    assert content.summary["Searches"] == 0 and content.summary["Misread rate"] == "n/a"


def test_the_report_covers_a_whole_month_only(people):
    with pytest.raises(ApplicationError, match="whole month"):
        report_generate(
            actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=quarter(2026, 1)
        )


def test_it_is_generated_on_the_first_for_the_month_before_once(people):
    assert (
        BEAT_SCHEDULE["monthly-oversight-report"]["task"] == "reports.tasks.generate_monthly_oversight_report"
    )
    schedule = BEAT_SCHEDULE["monthly-oversight-report"]["schedule"]
    assert schedule.day_of_month == {1}
    assert generate_monthly_oversight_report() is not None
    assert generate_monthly_oversight_report() is None
    report = Report.objects.get(kind="monthly_oversight")
    assert report.period_start == previous_month().first and report.generated_by is None


def test_board_members_list_read_and_download_it(month_of_use, people, make_verified_client):
    report = report_generate(actor=actor(people[Role.ADMINISTRATOR]), kind="monthly_oversight", period=PERIOD)
    board = make_verified_client(user=people[Role.OVERSIGHT])
    listing = board.get("/reports/").content.decode()
    assert report.title in listing and "Not required" in listing
    assert board.get(f"/reports/{report.pk}/").status_code == 200
    pdf = board.get(f"/reports/{report.pk}/file/pdf/")
    assert (
        pdf["Content-Disposition"]
        == f'attachment; filename="monthly_oversight-2026-03-v{report.version}.pdf"'
    )
    sheet = board.get(f"/reports/{report.pk}/file/csv/")
    assert sheet.status_code == 200 and b"searches_by_purpose" in sheet.content


def test_the_administrator_generates_it_on_demand(people, make_verified_client):
    admin = make_verified_client(user=people[Role.ADMINISTRATOR])
    response = admin.post("/reports/", {"kind": "monthly_oversight", "month": "2026-03"})
    assert response.status_code == 302
    report = Report.objects.get(kind="monthly_oversight")
    assert (report.period_start, report.period_end) == (PERIOD.first, PERIOD.last)
    assert report.generated_by == people[Role.ADMINISTRATOR]
