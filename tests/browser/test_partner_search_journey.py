"""Searching partner networks in a real browser (Oak Park GO 4-68 IX.1), against a second running
instance of this system (tests/partner_instance.py): the administrator records the partner's network
and the key it issued to an officer on the agency's page; the officer states a justification, includes
partner networks in a plate search and sees the partner's reads labelled with the agency, with the way
to ask the agency for one as evidence and no way to keep or share it (SHR-6). Both pages pass axe-core."""
import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent
from conftest import UserFactory
from policy.roles import Role
from searches.tests.factories import make_camera, make_read
from sharing.tests.conftest import AgencyFactory, DeclarationFactory
from tests.browser.conftest import assert_accessible, browser_sign_in, browser_state_justification
from tests.partner_instance import PARTNER_NAME, PARTNER_ORI, PLATE, running_partner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESCRIPTION = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"


@pytest.fixture(scope="module")
def partner(django_db_setup, tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock(), running_partner(tmp_path_factory.mktemp("partner")) as running:
        yield running


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _administrator_records_the_network(page, live_server, agency, officer, partner) -> None:
    browser_sign_in(page, live_server, UserFactory(role=Role.ADMINISTRATOR))
    page.goto(f"{live_server.url}/sharing/agencies/{agency.pk}/")
    page.get_by_label("Its partner API address").fill(partner.url)
    page.get_by_label("The agency agreed that our officers search its network").check()
    page.get_by_role("button", name="Save the network").click()
    expect(page.get_by_role("status").filter(has_text="searched by our officers")).to_be_visible()
    page.get_by_label("Person of ours").select_option(
        label=f"{officer.full_name} (#{officer.badge_number}, {officer.get_role_display()})")
    page.get_by_label("Their key").fill(partner.key)
    page.get_by_role("button", name="Store the key").click()
    expect(page.get_by_role("status").filter(has_text="only their searches use it")).to_be_visible()
    keys = page.get_by_role("table", name="Keys this agency issued to our people")
    expect(keys).to_contain_text(partner.key.split(":")[0])
    assert partner.key.split(":")[1] not in page.content()  # never shown again
    assert_accessible(page, "an agency's page with its network and keys")


@pytest.mark.rule("SHR-6")
@pytest.mark.rule("AUD-1")
def test_officer_includes_a_running_partners_network_in_a_plate_search(new_page, live_server, partner):
    officer = UserFactory(role=Role.OFFICER, full_name="Olivia Reyes")
    agency = AgencyFactory(name=PARTNER_NAME, ori=PARTNER_ORI)
    DeclarationFactory(agency=agency)
    make_read(camera=make_camera("Harlem & North"), plate=PLATE)
    _administrator_records_the_network(new_page(), live_server, agency, officer, partner)

    page = new_page()
    browser_sign_in(page, live_server, officer)
    browser_state_justification(page, live_server, DESCRIPTION)
    page.get_by_label("Plate", exact=True).fill(PLATE.lower())
    page.get_by_label("Also search partner agencies' networks").check()
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile(r"Reads 1–1 of 1"))).to_be_visible()
    section = page.get_by_role("region", name=re.compile(PARTNER_NAME))
    expect(section.get_by_role("heading", level=3)).to_contain_text("Answered")
    expect(section).to_contain_text("2 reads in its network")
    rows = section.get_by_role("table", name=f"Reads from the network of {PARTNER_NAME}, as it answered")
    expect(rows.get_by_role("row").filter(has_text=PLATE)).to_have_count(2)
    first = partner.reads[0]
    request = section.get_by_role("link", name=f"Request read {first} from {PARTNER_NAME}")
    expect(request).to_have_attribute("href", re.compile(rf"^mailto:{re.escape(agency.contact_email)}\?"))
    expect(section.get_by_role("link", name=re.compile("Open read"))).to_have_count(0)  # not one of ours
    expect(section.get_by_role("button")).to_have_count(0)  # nothing to save, hold or share
    assert_accessible(page, "search results with a partner's network")

    recorded = AuditEvent.objects.get(action="search.partner_networks", actor_user=officer)
    assert recorded.query["partners"][0]["outcome"] == "answered"
    assert f"partner-read:{PARTNER_ORI}:{first}" in recorded.targets
