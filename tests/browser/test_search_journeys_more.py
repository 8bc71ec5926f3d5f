"""More search journeys in a real browser: a detective asks for an other-felony search, the Chief approves it
among other waiting requests, and the detective searches under it (USE-2); a dispatcher searches a partial
plate, a misread and a canvass and records what came of it (USE-5, USE-6); the administrator looks up who
searched a plate, with no case number (USE-4)."""
import re

import pytest
from playwright.sync_api import expect

from alpr.access import plate_reads_search
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.roles import Role
from searches.models import FelonyExceptionRequest, FelonyRequestStatus, Justification
from searches.services import felony_request_create
from searches.tests.factories import make_camera, make_read, open_justification
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFENSE = "Arson of an occupied dwelling"
WHY = "Fire at 412 Elm St on Nov 20; a neighbour saw a dark pickup, partial plate 5TR, leave at 02:10"


@pytest.mark.rule("USE-2")
def test_the_chief_approves_an_other_felony_request_and_the_detective_searches_under_it(new_page,
                                                                                       live_server):
    detective = UserFactory(role=Role.DETECTIVE, full_name="Jordan Brooks")
    chief = UserFactory(role=Role.CHIEF)
    # Another request is already waiting, so the Chief's queue holds two.
    colleague = UserFactory(role=Role.ANALYST)
    felony_request_create(actor=Actor.for_user(colleague), case_number="26-004499",
                          offense="Commercial burglary ring", description="Six burglaries of pharmacies "
                          "along North Ave; a white van seen at four of them")
    camera = make_camera("Harlem & North")
    read = make_read(camera=camera, plate="5TRK882")

    detective_page = new_page()
    browser_sign_in(detective_page, live_server, detective)
    nav_go(detective_page, "Search")
    detective_page.get_by_role("link", name="Request the Chief's approval for an other-felony search").click()
    detective_page.get_by_label("Case number").fill("26-004512")
    detective_page.get_by_label("Felony under investigation").fill(OFFENSE)
    detective_page.get_by_label("Why a plate search is needed").fill(WHY)
    detective_page.get_by_role("button", name="Send to the Chief").click()
    ask = FelonyExceptionRequest.objects.get(requested_by=detective)
    expect(detective_page.get_by_role("status")).to_contain_text(f"Request #{ask.pk} sent to the Chief")
    expect(detective_page.get_by_role("listitem").filter(has_text=OFFENSE)).to_contain_text(
        "Waiting for the Chief")

    chief_page = new_page()
    browser_sign_in(chief_page, live_server, chief)
    nav_go(chief_page, "Felony requests")
    waiting = chief_page.get_by_role("article").filter(has_text=OFFENSE)
    expect(waiting).to_contain_text(WHY)
    expect(waiting).to_contain_text("Jordan Brooks")
    assert_accessible(chief_page, "the Chief's queue of two requests")
    waiting.get_by_label("Approve").check()
    waiting.get_by_label("Note (required to deny)").fill("Violent felony; search limited to this case")
    waiting.get_by_role("button", name=re.compile("Record decision")).click()
    expect(chief_page.get_by_role("status")).to_contain_text(f"Request #{ask.pk}: approved")
    ask.refresh_from_db()
    assert (ask.status, ask.decided_by) == (FelonyRequestStatus.APPROVED, chief)
    assert FelonyExceptionRequest.objects.get(requested_by=colleague).status == FelonyRequestStatus.PENDING

    # The detective searches under the approved request.
    detective_page.get_by_role("link", name="Back to search").click()
    detective_page.get_by_label("Purpose").select_option(label="Other significant felony (Chief's written "
                                                               "approval)")
    detective_page.get_by_label("Case number or CAD run number").fill("26-004512")
    detective_page.get_by_label("Description").fill(WHY)
    detective_page.get_by_role("button", name="Continue to search").click()  # no request named: refused
    expect(detective_page.get_by_role("alert")).to_contain_text("needs a written request approved by the "
                                                                "Chief of police")
    assert_accessible(detective_page, "the justification refused without the Chief's approval")
    detective_page.get_by_label("Chief-approved other-felony request").select_option(
        label=f"#{ask.pk} · 26-004512 · {OFFENSE}")
    detective_page.get_by_role("button", name="Continue to search").click()
    banner = detective_page.get_by_role("region", name="Active justification")
    expect(banner).to_contain_text("Other significant felony")
    expect(banner).to_contain_text("26-004512")
    detective_page.get_by_label("Plate", exact=True).fill("5TRK882")
    detective_page.get_by_role("button", name="Search", exact=True).click()
    expect(detective_page.get_by_role("heading", name=re.compile(r"Reads 1–1 of 1"))).to_be_visible()
    expect(detective_page.get_by_role("link", name=re.compile(f"Open read {read.pk}"))).to_be_visible()

    justification = Justification.objects.get(user=detective)
    assert justification.felony_request == ask and justification.purpose == "other_felony"
    search = AuditEvent.objects.get(actor_user=detective, action="search.plate")
    assert (search.outcome, search.case_number, search.result_count) == (Outcome.ALLOWED, "26-004512", 1)
    assert AuditEvent.objects.filter(actor_user=chief, action="felony.decided", outcome=Outcome.ALLOWED,
                                     targets=[f"felony-request:{ask.pk}"]).exists()


def _justify(page, *, case_number: str, description: str) -> None:
    page.get_by_label("Purpose").select_option(label="Stolen vehicle or stolen plate")
    page.get_by_label("Case number or CAD run number").fill(case_number)
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Continue to search").click()
    expect(page.get_by_role("region", name="Active justification")).to_contain_text(case_number)


def _search_plate(page, plate: str, *, mode: str | None = None) -> None:
    page.get_by_label("Plate", exact=True).fill(plate)
    if mode:
        page.get_by_role("group", name="Match").get_by_label(mode).check()
    page.get_by_role("button", name="Search", exact=True).click()


@pytest.mark.rule("USE-5")
@pytest.mark.rule("USE-6")
def test_dispatcher_searches_a_partial_plate_a_misread_and_a_canvass_then_records_the_outcome(page,
                                                                                              live_server):
    dispatcher = UserFactory(role=Role.DISPATCHER)
    harlem = make_camera("Harlem & North", latitude=41.9093, longitude=-87.8061)
    austin = make_camera("Austin & Madison", latitude=41.8802, longitude=-87.7745)
    stolen = make_read(camera=harlem, plate="KRN5562")
    lookalike = make_read(camera=austin, plate="KRT5562")
    make_read(camera=harlem, plate="XYZ9876")
    browser_sign_in(page, live_server, dispatcher)
    nav_go(page, "Search")
    _justify(page, case_number="CAD-2611220042",
             description="Grey Toyota Camry stolen from 300 Lake St overnight; the owner recalls KR and 5562")

    # A partial plate: one unknown character.
    _search_plate(page, "KR?5562")
    expect(page.get_by_role("heading", name=re.compile(r"Reads 1–2 of 2"))).to_be_visible()
    results = page.get_by_role("table", name="Plate reads, newest first")
    expect(results).to_contain_text("KRN5562")
    expect(results).to_contain_text("KRT5562")
    expect(results).not_to_contain_text("XYZ9876")
    assert_accessible(page, "partial-plate results")
    # A misread: G for 6 is a look-alike.
    _search_plate(page, "KRN55G2", mode="Misread-tolerant: O/0/D/Q")
    expect(page.get_by_role("heading", name=re.compile(r"Reads 1–1 of 1"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(f"Open read {stolen.pk}"))).to_be_visible()

    # A canvass: the reads near Harlem & North in the last hours.
    page.get_by_role("link", name="Canvass (place and time)").click()
    page.get_by_label("Latitude").fill("41.9090")
    page.get_by_label("Longitude").fill("-87.8060")
    page.get_by_label("Radius (metres)").fill("300")
    page.get_by_role("button", name="Canvass").click()
    expect(page.get_by_role("heading", name=re.compile(r"Reads 1–2 of 2"))).to_be_visible()
    canvass = page.get_by_role("table", name="Plate reads, newest first")
    expect(canvass).to_contain_text("Harlem & North")
    expect(canvass).not_to_contain_text("Austin & Madison")
    expect(page.get_by_role("link", name=re.compile(f"Open read {lookalike.pk}"))).to_have_count(0)
    # The camera map above appears once its script has run; until then the form below it still moves.
    camera_map = page.get_by_role("application", name="Camera map: place the centre of the canvass")
    expect(camera_map).to_be_visible()

    page.get_by_role("group", name="What did this search lead to?").get_by_label("Vehicle recovered").check()
    page.get_by_label("Note (optional)").fill("Recovered on Harlem Ave, driver fled")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_role("status")).to_contain_text("Outcome recorded")
    expect(page.get_by_role("region", name="Record what this search led to")).to_contain_text(
        "Vehicle recovered (Recovered on Harlem Ave, driver fled)")

    justification = Justification.objects.get(user=dispatcher)
    assert list(justification.outcomes.values_list("outcome", flat=True)) == ["vehicle_recovered"]
    searches = AuditEvent.objects.filter(actor_user=dispatcher, case_number="CAD-2611220042")
    plate_searches = searches.filter(action="search.plate").order_by("id")
    assert [event.result_count for event in plate_searches] == [2, 1]
    assert searches.get(action="search.canvass").result_count == 2
    assert searches.filter(action="search.outcome_recorded", outcome=Outcome.ALLOWED).exists()


@pytest.mark.rule("USE-4")
def test_administrator_looks_up_who_searched_a_plate_without_a_case_number(page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    detective = UserFactory(role=Role.DETECTIVE, full_name="Jordan Brooks")
    read = make_read(camera=make_camera("Harlem & North"), plate="KRN5562")
    make_read(camera=make_camera("Austin & Madison"), plate="KRN5562")
    justification = open_justification(detective)
    plate_reads_search(actor=Actor.for_user(detective), justification=justification, plate="KRN5562")

    browser_sign_in(page, live_server, administrator)
    nav_go(page, "Search")
    expect(page.get_by_label("Audit reference (optional)")).to_be_visible()
    page.get_by_label("Description").fill("Monthly audit of November: who searched the plate KRN5562")
    page.get_by_role("button", name="Continue to search").click()
    expect(page.get_by_role("heading", name="Audit lookup: who searched a plate or case")).to_be_visible()
    page.get_by_label("Plate").fill("KRN5562")
    page.get_by_role("button", name="Look up").click()
    entry = page.get_by_role("row").filter(has_text="search.plate")
    expect(entry).to_contain_text("Jordan Brooks")
    expect(entry).to_contain_text("26-004512")
    assert_accessible(page, "an audit lookup with its entries")
    # Only a read an entry names opens, and under that entry.
    entry.get_by_role("link", name=f"read:{read.pk}").click()
    expect(page.get_by_role("heading", name=f"Read {read.pk}: KRN5562")).to_be_visible()

    lookup = AuditEvent.objects.get(actor_user=administrator, action="search.audit_lookup")
    assert lookup.case_number == "" and lookup.outcome == Outcome.ALLOWED
    stated = AuditEvent.objects.get(actor_user=administrator, action="search.justification_stated")
    assert stated.query["kind"] == "audit"
    assert AuditEvent.objects.filter(actor_user=administrator, action="read.viewed",
                                     targets=[f"read:{read.pk}"]).exists()
