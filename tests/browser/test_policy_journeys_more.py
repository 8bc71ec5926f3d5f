"""Policy journeys in a real browser. The administrator changes a policy value: a retention above the general
order's 90 days is refused; 21 days with a reason becomes a new version in force, on the policy page, in the
history, in the audit log and on the public portal (RET-1). A longer retention is only proposed: the portal
shows it for comment and the Chief approves it once the period has ended (RET-1, RPT-4). A new policy text is
published for public comment, a resident comments, and the Chief approves it only once the period has ended
(RPT-4)."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.models import AgencyPolicy, PolicyChangeProposal, ProposalStatus
from policy.roles import Role
from policy.selectors import current_policy
from policy.tests.test_proposals import end_comment_period
from reports.models import PolicyDocument, PolicyStatus
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Board resolution 2026-14: keep reads three weeks, not thirty days"


@pytest.mark.rule("RET-1")
def test_administrator_changes_the_retention_and_the_new_version_is_in_force(page, new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR, full_name="Alex Hart")
    if not AgencyPolicy.objects.exists():  # as the migration leaves it (a transactional test empties tables)
        AgencyPolicy.objects.create(change_reason="Initial policy from the department's general order.")
    versions_before = AgencyPolicy.objects.count()
    browser_sign_in(page, live_server, administrator)
    nav_go(page, "Policy")
    expect(page.get_by_role("heading", name="The ALPR policy in force")).to_be_visible()
    retention = page.locator("#value-retention_days")
    expect(retention).to_contain_text(str(current_policy().retention_days))

    page.get_by_role("link", name="Change the policy").click()
    page.get_by_role("spinbutton", name="Retention days", exact=True).fill("91")
    page.get_by_label("Why the policy is changing").fill(REASON)
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("alert")).to_contain_text("Retention cannot exceed 90 days")
    assert_accessible(page, "the policy form with a refused retention")
    assert AgencyPolicy.objects.count() == versions_before

    page.get_by_role("spinbutton", name="Retention days", exact=True).fill("21")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("status")).to_contain_text("The new policy version is in force")
    new = AgencyPolicy.objects.latest("id")
    in_force = re.compile(rf"Version {new.pk}, in force since .*, set by Alex Hart")
    expect(page.get_by_text(in_force)).to_be_visible()
    expect(retention.get_by_role("cell").first).to_have_text("21")
    history = page.get_by_role("row").filter(has_text=REASON)
    expect(history).to_contain_text("Retention days")
    expect(history).to_contain_text("Alex Hart")
    assert_accessible(page, "the policy page with a new version")

    assert current_policy().pk == new.pk and new.retention_days == 21 and new.created_by == administrator
    change = AuditEvent.objects.get(action="policy.changed", actor_user=administrator)
    assert change.outcome == Outcome.ALLOWED and change.description == REASON
    assert change.query["retention_days"][1] == 21

    public = new_page()
    public.goto(f"{live_server.url}/portal/")
    expect(public.get_by_text(re.compile(r"permanently deleted after\s+21 days"))).to_be_visible()


LONGER = "Board resolution 2026-20: keep reads 45 days for burglary series"


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RPT-4")
def test_a_longer_retention_is_proposed_commented_and_approved_by_the_chief(new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    chief = UserFactory(role=Role.CHIEF)
    if not AgencyPolicy.objects.exists():
        AgencyPolicy.objects.create(change_reason="Initial policy from the department's general order.")
    in_force = current_policy()

    # The administrator asks for 45 days: it loosens, so nothing changes yet and a proposal is made.
    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    admin_page.goto(f"{live_server.url}/policy/edit/")
    retention = admin_page.get_by_role("spinbutton", name="Retention days", exact=True)
    says = admin_page.get_by_text(re.compile(r"Raising it is proposed for public comment"))
    expect(says.first).to_be_visible()
    retention.fill("45")
    admin_page.get_by_label("Why the policy is changing").fill(LONGER)
    admin_page.get_by_role("button", name="Save the change").click()
    expect(admin_page.get_by_role("status")).to_contain_text("proposed for public comment")
    expect(admin_page.locator("#value-retention_days").get_by_role("cell").first).to_have_text("30")
    proposal = PolicyChangeProposal.objects.get()
    assert current_policy().pk == in_force.pk and proposal.changes == {"retention_days": 45}
    assert_accessible(admin_page, "the policy page with a proposal waiting")

    # The portal shows the change, before and after, and takes a comment.
    public = new_page()
    public.goto(f"{live_server.url}/portal/policy/")
    public.get_by_role("link", name=f"See the change {proposal.pk} and comment").click()
    row = public.get_by_role("row").filter(has_text="Retention days")
    expect(row).to_contain_text("30")
    expect(row).to_contain_text("45")
    public.get_by_label("Your comment").fill("Forty-five days is too long for a burglary series.")
    public.get_by_role("button", name="Send comment").click()
    expect(public.get_by_role("status")).to_contain_text("Your comment has been received")
    assert_accessible(public, "a proposed change on the portal")

    # The Chief sees it waiting, cannot approve it during the period, and approves it after.
    chief_page = new_page()
    browser_sign_in(chief_page, live_server, chief)
    chief_page.goto(f"{live_server.url}/reports/policy-text/")
    chief_page.get_by_role("link", name=f"Proposal {proposal.pk}").click()
    expect(chief_page.get_by_text("Forty-five days is too long")).to_be_visible()
    assert_accessible(chief_page, "a proposed change waiting for the Chief")
    approve = chief_page.get_by_role("button", name="Approve (after the comment period)")
    approve.click()
    expect(chief_page.get_by_role("status")).to_contain_text("cannot be approved before it ends")
    assert current_policy().retention_days == in_force.retention_days
    end_comment_period(proposal)
    chief_page.get_by_label("Note").fill("Comments read; the board's resolution stands.")
    approve.click()
    expect(chief_page.get_by_role("status")).to_contain_text("Approved: the change is in force.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and current_policy().retention_days == 45

    chief_page.goto(f"{live_server.url}/policy/")
    expect(chief_page.locator("#value-retention_days").get_by_role("cell").first).to_have_text("45")
    expect(chief_page.get_by_role("row").filter(has_text=LONGER)).to_contain_text("Retention days")
    public.goto(f"{live_server.url}/portal/")
    expect(public.get_by_text(re.compile(r"permanently deleted after\s+45 days"))).to_be_visible()


POLICY_TEXT = ("# Purpose\nPlate reads serve listed purposes only.\n"
               "# Retention\n- Reads are deleted after 21 days.")


@pytest.mark.rule("RPT-4")
def test_a_policy_text_is_published_for_comment_then_approved_by_the_chief(new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    chief = UserFactory(role=Role.CHIEF, full_name="Morgan Chen")

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    nav_go(admin_page, "Reports")
    admin_page.get_by_role("link", name="Policy text").click()
    admin_page.get_by_label("Title").fill("ALPR policy, 2027 revision")
    admin_page.get_by_label("Policy text").fill(POLICY_TEXT)
    admin_page.get_by_label("What changes from the version in force").fill("Retention shortened to 21 days")
    admin_page.get_by_role("button", name="Save draft").click()
    document = PolicyDocument.objects.get()
    expect(admin_page.get_by_role("heading", name=re.compile(r"ALPR policy, 2027 revision"))).to_be_visible()
    admin_page.get_by_role("button", name=re.compile(r"Publish for \d+ days of public comment")).click()
    expect(admin_page.get_by_role("status")).to_contain_text("Published on the portal for public comment")
    document.refresh_from_db()
    assert document.status == PolicyStatus.COMMENT

    # A resident reads it on the portal and comments.
    public = new_page()
    public.goto(f"{live_server.url}/portal/policy/")
    public.get_by_role("link", name="Read it and comment").click()
    expect(public.get_by_role("heading", name="What changes")).to_be_visible()
    public.get_by_label("Your comment").fill("Please publish how many reads each camera takes a month.")
    public.get_by_role("button", name="Send comment").click()
    expect(public.get_by_role("status")).to_contain_text("Your comment has been received")

    # The Chief cannot approve while the public may still comment.
    chief_page = new_page()
    browser_sign_in(chief_page, live_server, chief)
    chief_page.goto(f"{live_server.url}/reports/policy-text/{document.pk}/")
    expect(chief_page.get_by_text("Please publish how many reads each camera takes")).to_be_visible()
    chief_page.get_by_role("button", name="Approve (after the comment period)").click()
    expect(chief_page.get_by_role("status")).to_contain_text("cannot be approved before it ends")
    # The comment period ends.
    PolicyDocument.objects.filter(pk=document.pk).update(
        comment_closes_at=timezone.now() - timedelta(minutes=1))
    chief_page.get_by_role("button", name="Approve (after the comment period)").click()
    expect(chief_page.get_by_role("status")).to_contain_text(f"Version {document.version} is in force")
    assert_accessible(chief_page, "a policy text in force")
    document.refresh_from_db()
    assert (document.status, document.approved_by) == (PolicyStatus.IN_FORCE, chief)
    assert document.effective_at >= document.comment_closes_at
    approvals = AuditEvent.objects.filter(action="policy_doc.approved", actor_user=chief)
    assert sorted(approvals.values_list("outcome", flat=True)) == sorted([Outcome.FAILED, Outcome.ALLOWED])

    public.goto(f"{live_server.url}/portal/policy/")
    in_force = public.get_by_role("region", name="Policy in force")
    expect(in_force).to_contain_text(f"Version {document.version}, “ALPR policy, 2027 revision”")
    expect(in_force).to_contain_text("Reads are deleted after 21 days.")
