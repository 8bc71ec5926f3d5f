"""The administrator changes a policy value in a real browser: a retention above the general order's 90 days
is refused; 21 days with a reason becomes a new version in force, on the policy page, in the history, in the
audit log and on the public portal (RET-1)."""
import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.models import AgencyPolicy
from policy.roles import Role
from policy.selectors import current_policy
from tests.browser.conftest import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Board resolution 2026-14: keep reads three weeks, not thirty days"


@pytest.mark.rule("RET-1")
def test_administrator_changes_the_retention_and_the_new_version_is_in_force(page, new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR, full_name="Alex Hart")
    if not AgencyPolicy.objects.exists():  # as the migration leaves it (a transactional test empties tables)
        AgencyPolicy.objects.create(change_reason="Initial policy from the department's general order.")
    versions_before = AgencyPolicy.objects.count()
    browser_sign_in(page, live_server, administrator)
    page.get_by_role("link", name="Policy", exact=True).click()
    expect(page.get_by_role("heading", name="The ALPR policy in force")).to_be_visible()
    retention = page.locator("#value-retention_days")
    expect(retention).to_contain_text(str(current_policy().retention_days))

    page.get_by_role("link", name="Change the policy").click()
    page.get_by_role("spinbutton", name="Retention days", exact=True).fill("91")
    page.get_by_label("Why the policy is changing").fill(REASON)
    page.get_by_role("button", name="Put the new version in force").click()
    expect(page.get_by_role("alert")).to_contain_text("Retention cannot exceed 90 days")
    assert_accessible(page, "the policy form with a refused retention")
    assert AgencyPolicy.objects.count() == versions_before

    page.get_by_role("spinbutton", name="Retention days", exact=True).fill("21")
    page.get_by_role("button", name="Put the new version in force").click()
    expect(page.get_by_role("status")).to_contain_text("The new policy version is in force")
    new = AgencyPolicy.objects.latest("id")
    in_force = re.compile(rf"Version {new.pk}, in force since .*, set by Alex Hart")
    expect(page.get_by_text(in_force)).to_be_visible()
    expect(retention.get_by_role("cell").first).to_have_text("21")
    history = page.get_by_role("row").filter(has_text=REASON)
    expect(history).to_contain_text("retention_days")
    expect(history).to_contain_text("Alex Hart")
    assert_accessible(page, "the policy page with a new version")

    assert current_policy().pk == new.pk and new.retention_days == 21 and new.created_by == administrator
    change = AuditEvent.objects.get(action="policy.changed", actor_user=administrator)
    assert change.outcome == Outcome.ALLOWED and change.description == REASON
    assert change.query["retention_days"][1] == 21

    public = new_page()
    public.goto(f"{live_server.url}/portal/")
    expect(public.get_by_text(re.compile(r"permanently deleted after\s+21 days"))).to_be_visible()
