"""An officer's search in a real browser: refused without a case number, with a vague reason and with a
prohibited one; then a proper search, a read opened, and its download as evidence (USE-1, USE-3, USE-7)."""
import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.roles import Role
from searches.tests.factories import make_camera, make_read
from tests.browser.conftest import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The image arrived through the access-layer view and decoded as a picture.
LOADED = "img => img.decode().then(() => img.naturalWidth > 0)"
SPECIFIC = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"


def _state_justification(page, *, case_number: str, description: str) -> None:
    page.get_by_label("Purpose").select_option(label="Violent crime investigation")
    page.get_by_label("Case number or CAD run number").fill(case_number)
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Continue to search").click()


@pytest.mark.rule("USE-1")
@pytest.mark.rule("USE-3")
@pytest.mark.rule("USE-7")
def test_officer_is_refused_then_searches_opens_a_read_and_downloads_it(page, live_server):
    officer = UserFactory(role=Role.OFFICER)
    camera = make_camera("Harlem & North")
    read = make_read(camera=camera, plate="ABC1234")
    make_read(camera=camera, plate="XYZ9876")
    browser_sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/search/")
    expect(page.get_by_role("heading", name="Why are you searching?")).to_be_visible()
    assert_accessible(page, "the justification form")

    # No case number: refused, and told what is missing.
    _state_justification(page, case_number="", description=SPECIFIC)
    expect(page.get_by_role("alert").filter(has_text="case number or CAD run number is required")
           ).to_be_visible()
    assert_accessible(page, "the justification form with its errors")
    # A vague reason: refused with a request for specifics.
    _state_justification(page, case_number="26-004512", description="investigation")
    expect(page.get_by_role("alert").filter(has_text="does not say what this search is for")).to_be_visible()
    # A prohibited purpose: refused and flagged.
    _state_justification(page, case_number="26-004512",
                         description="Cars seen at the protest downtown on Sunday")
    expect(page.get_by_role("alert").filter(has_text="flagged for the auditor")).to_be_visible()
    refusals = AuditEvent.objects.filter(actor_user=officer, action="search.justification_stated",
                                         outcome=Outcome.REFUSED)
    assert refusals.count() == 3 and refusals.filter(flagged=True).count() == 1

    # Properly justified: the banner shows it, and the search runs.
    _state_justification(page, case_number="26-004512", description=SPECIFIC)
    banner = page.get_by_role("region", name="Active justification")
    expect(banner).to_contain_text("26-004512")
    expect(banner).to_contain_text("more minutes")
    assert_accessible(page, "the search page")
    page.get_by_label("Plate", exact=True).fill("abc1234")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"Reads 1–1 of 1"))).to_be_visible()
    row = page.get_by_role("row").filter(has_text="ABC1234")
    expect(row).to_contain_text("Exact")
    expect(row).to_contain_text("Harlem & North")
    crop = row.get_by_role("img")
    expect(crop).to_be_visible()
    assert crop.evaluate(LOADED)
    assert_accessible(page, "the search results")

    row.get_by_role("link", name=re.compile(f"Open read {read.pk}")).click()
    expect(page.get_by_role("heading", name=f"Read {read.pk}: ABC1234")).to_be_visible()
    photo = page.get_by_role("img", name=re.compile("Full photo"))
    expect(photo).to_be_visible()
    assert photo.evaluate(LOADED)
    assert_accessible(page, "a read's page")
    search = AuditEvent.objects.filter(actor_user=officer, action="search.plate").latest("id")
    assert (search.case_number, search.result_count, search.targets) == ("26-004512", 1, [f"read:{read.pk}"])
    assert AuditEvent.objects.filter(actor_user=officer, action="read.viewed",
                                     targets=[f"read:{read.pk}"]).exists()
    assert AuditEvent.objects.filter(actor_user=officer, action="read.image_viewed").count() >= 2

    page.get_by_label("Purpose of the download").fill("evidence")
    page.get_by_role("button", name="Download as evidence").click()
    expect(page.get_by_role("status")).to_contain_text("State what the download is for")
    assert_accessible(page, "a read's page with a refused download")
    page.get_by_label("Purpose of the download").fill(
        "Evidence for the prosecutor in the pharmacy robbery case")
    page.get_by_role("button", name="Download as evidence").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as evidence package")
    download = AuditEvent.objects.filter(actor_user=officer, action="read.downloaded").latest("id")
    assert download.outcome == Outcome.ALLOWED and download.targets == [f"read:{read.pk}"]
