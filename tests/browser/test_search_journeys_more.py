"""More search journeys in a real browser: a detective asks for an other-felony search, the Chief approves it
among other waiting requests, and the detective searches under it (USE-2)."""
import re

import pytest
from playwright.sync_api import expect

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.roles import Role
from searches.models import FelonyExceptionRequest, FelonyRequestStatus, Justification
from searches.services import felony_request_create
from searches.tests.factories import make_camera, make_read
from tests.browser.conftest import assert_accessible, browser_sign_in

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
    detective_page.get_by_role("link", name="Search", exact=True).click()
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
    chief_page.get_by_role("link", name="Felony requests").click()
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
                                                                "Chief")
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
