"""Online sharing in a real browser (Oak Park GO 4-68 VII.D): the administrator asks the Chief to switch an
agency's partner searches on, the Chief approves on their own page, and the agency's page says "On" and
who decided. Neither alone switches them on."""

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.roles import Role
from sharing.models import OnlineSharingRequest, OnlineSharingStatus
from sharing.tests.conftest import AgencyFactory, DeclarationFactory
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.rule("ACC-7")]

REASON = "Neighbouring department; its detectives work our cross-border cases"


def test_the_administrator_asks_and_the_chief_approves_partner_searches(new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    chief = UserFactory(role=Role.CHIEF)
    agency = DeclarationFactory(agency=AgencyFactory(name="Riverside Police Department")).agency

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    nav_go(admin_page, "Sharing")
    admin_page.get_by_role("link", name="Agencies", exact=True).click()
    admin_page.get_by_role("link", name="Riverside Police Department").click()
    expect(admin_page.locator("#partner-searches")).to_have_text("Off")
    expect(admin_page.get_by_role("button", name="Switch partner searches on", exact=True)).to_have_count(0)
    admin_page.get_by_label("Why its people should search our reads").fill(REASON)
    admin_page.get_by_role("button", name="Ask the Chief to switch partner searches on").click()
    expect(admin_page.get_by_role("status").first).to_contain_text("They stay off until the Chief approves")
    expect(admin_page.locator("#partner-searches")).to_have_text("Requested, waiting for the Chief")
    assert_accessible(admin_page, "an agency whose partner searches wait for the Chief")
    agency.refresh_from_db()
    assert not agency.sharing_enabled

    chief_page = new_page()
    browser_sign_in(chief_page, live_server, chief)
    tile = chief_page.get_by_role("region", name="Online sharing waiting")
    expect(tile.locator(".tile-figure")).to_have_text("1")
    nav_go(chief_page, "Online sharing")
    expect(chief_page.get_by_role("heading", name="Online sharing with other agencies")).to_be_visible()
    request = chief_page.get_by_role("article", name="Riverside Police Department")
    expect(request).to_contain_text(REASON)
    expect(request).to_contain_text(administrator.full_name)
    assert_accessible(chief_page, "the Chief's online-sharing page")
    request.get_by_label("Approve: switch partner searches on").check()
    request.get_by_label("Reason for the decision").fill("Declaration in force; a neighbouring department")
    request.get_by_role("button", name="Record the decision").click()
    expect(chief_page.get_by_role("status").first).to_contain_text(
        "partner searches are now on for Riverside Police Department")
    sharing_on = chief_page.get_by_role("table", name="Agencies whose people may search our reads")
    expect(sharing_on).to_contain_text("Riverside Police Department")

    admin_page.reload()
    expect(admin_page.locator("#partner-searches")).to_have_text("On")
    expect(admin_page.locator("#partner-searches-decision")).to_contain_text(
        f"Approved by {chief.full_name} (Chief of police)")
    asked = OnlineSharingRequest.objects.get()
    assert (asked.status, asked.requested_by, asked.decided_by) == (OnlineSharingStatus.APPROVED,
                                                                   administrator, chief)
    for action, who in (("sharing.online_sharing_requested", administrator),
                        ("sharing.online_sharing_decided", chief)):
        assert AuditEvent.objects.filter(action=action, actor_user=who, outcome=Outcome.ALLOWED).exists()
