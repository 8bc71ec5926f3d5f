"""A change that loosens the policy is proposed, commented on by the public and approved by the Chief (RPT-4).

Before, `policy_update` put every change in force at once: a longer retention, a new purpose, a higher
cap. Each test below tries one way around the comment period and the Chief's approval.
"""
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from audit.tests.test_concurrency import _in_own_connection
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied
from policy import defaults
from policy.models import AgencyPolicy, PolicyChangeComment, PolicyChangeProposal, ProposalStatus
from policy.roles import Role
from policy.selectors import current_policy
from policy.services import (
    POLICY_LOCK,
    policy_change_approve,
    policy_change_comment_submit,
    policy_change_reject,
    policy_change_withdraw,
    policy_update,
)

pytestmark = pytest.mark.django_db


def end_comment_period(proposal: PolicyChangeProposal) -> None:
    """Move the clock past the proposal's comment period (test setup: the ORM, not a service)."""
    now = timezone.now()
    PolicyChangeProposal.objects.filter(pk=proposal.pk).update(
        proposed_at=now - timedelta(days=31), comment_closes_at=now - timedelta(minutes=1))


@pytest.fixture
def admin(db):
    return Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))


@pytest.fixture
def chief(db):
    return Actor.for_user(UserFactory(role=Role.CHIEF))


def _propose_longer_retention(admin, days: int = 60) -> PolicyChangeProposal:
    done = policy_update(actor=admin, changes={"retention_days": days}, reason="Council asks for 60 days")
    assert done.in_force is None and done.proposal is not None
    return done.proposal


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RPT-4")
def test_a_longer_retention_does_not_take_effect_but_is_proposed_for_comment(admin, client):
    versions = AgencyPolicy.objects.count()
    proposal = _propose_longer_retention(admin)
    assert current_policy().retention_days == 30 and AgencyPolicy.objects.count() == versions
    assert proposal.changes == {"retention_days": 60} and proposal.before == {"retention_days": 30}
    assert proposal.status == ProposalStatus.PROPOSED and proposal.proposed_by == admin.user
    days = current_policy().policy_comment_days
    assert proposal.comment_closes_at - proposal.proposed_at == timedelta(days=days)
    event = AuditEvent.objects.get(action="policy.change_proposed")
    assert event.query == {"retention_days": [30, 60]} and event.targets == [f"policy_change:{proposal.pk}"]
    assert not AuditEvent.objects.filter(action="policy.changed").exists()

    listing = client.get("/portal/policy/").content.decode()
    assert f"/portal/policy/changes/{proposal.pk}/" in listing and "open for public comment" in listing
    assert f"/portal/policy/changes/{proposal.pk}/" in client.get("/portal/").content.decode()
    page = client.get(f"/portal/policy/changes/{proposal.pk}/").content.decode()
    assert "Retention days" in page and "<td>30</td><td>60</td>" in page
    assert "Council asks for 60 days" in page
    assert admin.user.full_name not in page  # the portal never names a person
    assert "Comment on this change" in page


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RPT-4")
def test_the_chief_cannot_approve_before_the_comment_period_ends(admin, chief):
    proposal = _propose_longer_retention(admin)
    with pytest.raises(PolicyDenied, match="cannot be approved before it ends"):
        policy_change_approve(actor=chief, proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED and current_policy().retention_days == 30
    refusal = AuditEvent.objects.get(action="policy.change_approved")
    assert refusal.outcome == Outcome.REFUSED and refusal.actor_user == chief.user


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RPT-4")
def test_after_the_comment_period_the_chiefs_approval_puts_the_change_in_force(admin, chief):
    proposal = _propose_longer_retention(admin)
    end_comment_period(proposal)
    new = policy_change_approve(actor=chief, proposal_id=proposal.pk, note="Comments read; approved.")
    assert current_policy().pk == new.pk and new.retention_days == 60 and new.created_by == chief.user
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.APPROVED, chief.user)
    assert proposal.policy == new
    approval = AuditEvent.objects.get(action="policy.change_approved")
    assert approval.outcome == Outcome.ALLOWED
    assert approval.targets == [f"policy_change:{proposal.pk}", f"policy:{new.pk}"]
    assert AuditEvent.objects.get(action="policy.changed").query == {"retention_days": [30, 60]}
    with pytest.raises(ApplicationError, match="no longer waiting"):  # once only
        policy_change_approve(actor=chief, proposal_id=proposal.pk)


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RPT-4")
def test_a_tightening_change_takes_effect_at_once(admin):
    vague = [*defaults.vague_descriptions(), "routine"]
    # (The cap per release may not exceed the daily cap: both come down together.)
    done = policy_update(actor=admin, changes={"retention_days": 14, "download_cap_per_user_day": 10,
                                               "sharing_reads_per_release": 10, "vague_descriptions": vague},
                         reason="Shorter, fewer")
    assert done.proposal is None and current_policy().pk == done.in_force.pk
    assert current_policy().retention_days == 14 and "routine" in current_policy().vague_descriptions
    assert not PolicyChangeProposal.objects.exists()


@pytest.mark.rule("RPT-4")
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR, Role.OVERSIGHT, Role.OFFICER])
def test_nobody_but_the_chief_approves_or_rejects(admin, role):
    proposal = _propose_longer_retention(admin)
    end_comment_period(proposal)
    other = Actor.for_user(UserFactory(role=role))
    with pytest.raises(PolicyDenied, match="Only the Chief"):
        policy_change_approve(actor=other, proposal_id=proposal.pk)
    with pytest.raises(PolicyDenied, match="Only the Chief"):
        policy_change_reject(actor=other, proposal_id=proposal.pk, note="No")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED and current_policy().retention_days == 30
    refusals = AuditEvent.objects.filter(actor_user=other.user).values_list("action", "outcome")
    assert sorted(refusals) == [("policy.change_approved", Outcome.REFUSED),
                                ("policy.change_rejected", Outcome.REFUSED)]


@pytest.mark.rule("RPT-4")
def test_a_non_chief_posting_approve_on_the_page_changes_nothing(admin, make_verified_client):
    proposal = _propose_longer_retention(admin)
    end_comment_period(proposal)
    client = make_verified_client(Role.ADMINISTRATOR)
    response = client.post(f"/policy/changes/{proposal.pk}/approve/", follow=True)
    assert "Only the Chief of police may approve a change" in response.content.decode()
    assert current_policy().retention_days == 30


@pytest.mark.rule("RPT-4")
def test_the_chief_sees_the_waiting_proposal_and_approves_it_on_its_page(admin, make_verified_client):
    proposal = _propose_longer_retention(admin)
    client = make_verified_client(Role.CHIEF)
    waiting = client.get("/reports/policy-text/").content.decode()
    assert "Proposed changes waiting" in waiting and f"/policy/changes/{proposal.pk}/" in waiting
    page = client.get(f"/policy/changes/{proposal.pk}/").content.decode()
    assert "Approve (after the comment period)" in page and "<td>30</td><td>60</td>" in page
    early = client.post(f"/policy/changes/{proposal.pk}/approve/", follow=True).content.decode()
    assert "cannot be approved before it ends" in early and current_policy().retention_days == 30
    end_comment_period(proposal)
    done = client.post(f"/policy/changes/{proposal.pk}/approve/", {"note": "Read the comments"}, follow=True)
    assert "Approved: the change is in force." in done.content.decode()
    assert current_policy().retention_days == 60


@pytest.mark.rule("RPT-4")
def test_the_public_comments_on_an_open_proposal_and_not_after_it_closes(admin, client):
    proposal = _propose_longer_retention(admin)
    url = f"/portal/policy/changes/{proposal.pk}/"
    response = client.post(url, {"text": "Thirty days is enough.", "name": "A resident"})
    assert response.status_code == 302
    comment = PolicyChangeComment.objects.get()
    assert (comment.proposal, comment.text) == (proposal, "Thirty days is enough.")
    audited = AuditEvent.objects.get(action="policy.change_commented")
    assert audited.targets == [f"policy_change:{proposal.pk}", f"policy_change_comment:{comment.pk}"]
    assert "Thirty days" not in str(audited.query) + audited.description  # the log does not copy the text
    end_comment_period(proposal)
    assert client.post(url, {"text": "Too late?"}).status_code == 400
    with pytest.raises(ApplicationError, match="closed"):
        policy_change_comment_submit(actor=Actor.anonymous(""), proposal_id=proposal.pk, text="Too late")
    assert PolicyChangeComment.objects.count() == 1


@pytest.mark.rule("RPT-4")
def test_the_comment_form_shares_the_portal_submission_limit(admin, client, settings):
    proposal = _propose_longer_retention(admin)
    limit = int(settings.PORTAL_SUBMISSION_RATE.split("/")[0])
    url = f"/portal/policy/changes/{proposal.pk}/"
    for n in range(limit):
        assert client.post(url, {"text": f"Comment {n}"}).status_code == 302
    assert client.post(url, {"text": "One more"}).status_code == 429
    assert PolicyChangeComment.objects.count() == limit


@pytest.mark.rule("RPT-4")
def test_the_chief_rejects_with_a_reason_and_the_administrator_withdraws(admin, chief):
    rejected, withdrawn = _propose_longer_retention(admin), _propose_longer_retention(admin, days=45)
    with pytest.raises(ApplicationError, match="Say why"):
        policy_change_reject(actor=chief, proposal_id=rejected.pk, note=" ")
    policy_change_reject(actor=chief, proposal_id=rejected.pk, note="Thirty days suffice.")
    with pytest.raises(PolicyDenied):
        policy_change_withdraw(actor=chief, proposal_id=withdrawn.pk)
    policy_change_withdraw(actor=admin, proposal_id=withdrawn.pk, note="Superseded")
    rejected.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (rejected.status, withdrawn.status) == (ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN)
    assert current_policy().retention_days == 30
    assert AuditEvent.objects.filter(action="policy.change_rejected", outcome=Outcome.ALLOWED).count() == 1
    assert AuditEvent.objects.filter(action="policy.change_withdrawn", outcome=Outcome.ALLOWED).count() == 1
    end_comment_period(rejected)
    with pytest.raises(ApplicationError, match="no longer waiting"):
        policy_change_approve(actor=chief, proposal_id=rejected.pk)


@pytest.mark.rule("RPT-4")
def test_a_new_purpose_is_proposed(admin):
    purposes = [*defaults.permitted_purposes(), {"code": "burglary", "label": "Burglary investigation"}]
    done = policy_update(actor=admin, changes={"permitted_purposes": purposes}, reason="Burglary wave")
    assert done.in_force is None and not current_policy().is_permitted_purpose("burglary")


@pytest.mark.rule("RPT-4")
def test_the_whole_change_is_proposed_when_its_tightening_part_cannot_stand_alone(admin):
    # Removing the other-felony purpose tightens, moving the felony exception loosens; alone, the removal
    # would leave the exception naming a purpose that is no longer permitted.
    purposes = [p for p in defaults.permitted_purposes() if p["code"] != defaults.FELONY_EXCEPTION]
    changes = {"permitted_purposes": purposes, "felony_exception_purpose": "violent_crime"}
    done = policy_update(actor=admin, changes=changes, reason="Fold the felony exception into violent crime")
    assert done.in_force is None and done.proposal.changes == changes
    assert current_policy().is_permitted_purpose(defaults.FELONY_EXCEPTION)


@pytest.mark.rule("RET-1")
def test_a_value_the_general_order_forbids_is_refused_not_proposed(admin):
    with pytest.raises(ApplicationError, match="90"):
        policy_update(actor=admin, changes={"retention_days": 91}, reason="Longer")
    assert not PolicyChangeProposal.objects.exists()


@pytest.mark.rule("RPT-4")
def test_approval_validates_the_proposal_against_the_policy_then_in_force(admin, chief):
    # Proposed: the felony exception moves to "missing person". Meanwhile that purpose is removed (at once,
    # it tightens). Approving the stale proposal would name a purpose that is not permitted: refused.
    proposal = policy_update(actor=admin, changes={"felony_exception_purpose": "missing_person"},
                             reason="Missing persons need the Chief").proposal
    purposes = [p for p in defaults.permitted_purposes() if p["code"] != "missing_person"]
    assert policy_update(actor=admin, changes={"permitted_purposes": purposes}, reason="Narrower").in_force
    end_comment_period(proposal)
    with pytest.raises(ApplicationError, match="felony-exception purpose must be a permitted purpose"):
        policy_change_approve(actor=chief, proposal_id=proposal.pk)
    assert current_policy().felony_exception_purpose == defaults.FELONY_EXCEPTION
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED  # the Chief may still reject it


@pytest.mark.rule("RPT-4")
@pytest.mark.django_db(transaction=True)
def test_a_change_made_meanwhile_is_not_undone_by_a_change_that_started_from_the_version_before():
    # Tried: the Chief's approval (here: any change holding the policy lock) commits a version while an
    # administrator's edit is under way. Without the lock, the edit starts from the older version and its
    # new version silently brings the old download cap back.
    AgencyPolicy.objects.create()
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    errors = []

    def edit():
        try:
            policy_update(actor=admin, changes={"retention_days": 14}, reason="Shorter")
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [POLICY_LOCK])
        editor = threading.Thread(target=_in_own_connection(edit))
        editor.start()
        editor.join(timeout=1)
        assert editor.is_alive(), "the edit did not wait for the change under way"
        AgencyPolicy.objects.create(download_cap_per_user_day=5, sharing_reads_per_release=5)
    editor.join(timeout=30)
    assert not errors
    assert (current_policy().retention_days, current_policy().download_cap_per_user_day) == (14, 5)


@pytest.mark.rule("RPT-4", "USE-2")
def test_approving_an_older_list_proposal_keeps_what_was_changed_since(admin, chief):
    # Tried: proposed, dropping "test" from the vague descriptions; meanwhile "per chief" was added (a
    # tightening, at once); the approval wrote the proposal's whole list back and "per chief" was gone.
    # The same brought back a purpose removed since: loosenings nobody proposed or commented on.
    loosened = [d for d in defaults.vague_descriptions() if d != "test"]
    vague = policy_update(actor=admin, changes={"vague_descriptions": loosened},
                          reason="A real word here").proposal
    purposes = [*defaults.permitted_purposes(), {"code": "burglary", "label": "Burglary investigation"}]
    purpose = policy_update(actor=admin, changes={"permitted_purposes": purposes},
                            reason="Burglary wave").proposal
    narrower = [p for p in defaults.permitted_purposes() if p["code"] != "missing_person"]
    assert policy_update(actor=admin, reason="Abuse seen; missing persons go to the state police", changes={
        "vague_descriptions": [*defaults.vague_descriptions(), "per chief"],
        "permitted_purposes": narrower}).in_force
    for proposal in (vague, purpose):
        end_comment_period(proposal)
        policy_change_approve(actor=chief, proposal_id=proposal.pk)
    policy = current_policy()
    assert "per chief" in policy.vague_descriptions and "test" not in policy.vague_descriptions
    assert policy.is_permitted_purpose("burglary") and not policy.is_permitted_purpose("missing_person")


@pytest.mark.rule("RPT-4", "ACC-4")
def test_retiring_the_lockout_window_leaves_every_proposal_readable(admin):
    """The migration that retired `lockout_window_minutes` takes it out of stored proposals (their pages
    label each field they name) and withdraws an open one that proposed nothing else."""
    import importlib

    from django.apps import apps

    retire = importlib.import_module("policy.migrations.0016_lockout_window_retired")
    now = timezone.now()
    stored = (({retire.RETIRED: 5}, {retire.RETIRED: 15}, ProposalStatus.PROPOSED),
              ({retire.RETIRED: 5, "retention_days": 60}, {retire.RETIRED: 15, "retention_days": 30},
               ProposalStatus.PROPOSED),
              ({retire.RETIRED: 5}, {retire.RETIRED: 15}, ProposalStatus.REJECTED))
    only_window, with_more, decided = (PolicyChangeProposal.objects.create(
        changes=changes, before=before, reason="Fewer lockouts for the night shift", proposed_by=admin.user,
        proposed_at=now, comment_closes_at=now + timedelta(days=30), status=status)
        for changes, before, status in stored)
    retire.forget_the_window_in_proposals(apps, None)
    for proposal in (only_window, with_more, decided):
        proposal.refresh_from_db()
    assert (only_window.status, only_window.changes) == (ProposalStatus.WITHDRAWN, {})
    assert "no longer exists" in only_window.decision_note
    assert (with_more.status, with_more.changes, with_more.before) == (
        ProposalStatus.PROPOSED, {"retention_days": 60}, {"retention_days": 30})
    assert (decided.status, decided.changes) == (ProposalStatus.REJECTED, {})
