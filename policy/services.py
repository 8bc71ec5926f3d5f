"""Changes of the agency policy: tightening at once, loosening only after public comment (RPT-4).

A change of the administrator is split by `policy.directions`: the values that tighten the policy
take effect at once; the values that loosen it become a `PolicyChangeProposal`, published on the
portal for the comment period and put in force only by the Chief's approval once it has ended.
When the tightening part cannot stand alone (e.g. a purpose is removed that the felony exception still
names, and the exception moves in the same change), the whole change is proposed.
"""
import json
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from audit.context import Actor
from audit.models import ActorType
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy import audit_actions as actions
from policy.directions import loosening
from policy.models import AgencyPolicy, PolicyChangeComment, PolicyChangeProposal, ProposalStatus
from policy.roles import Capability, only_who_may
from policy.selectors import current_policy

_NOT_POLICY = {"id", "created_at", "created_by", "change_reason"}
# Taken by every change before it reads the version in force (see `_values_in_force`).
POLICY_LOCK = 0x50_4F_4C_59  # "POLY"


@dataclass(frozen=True)
class PolicyChange:
    """What a change did: the version in force at once, the proposal of the rest; either may be None."""

    in_force: AgencyPolicy | None
    proposal: PolicyChangeProposal | None


def policy_values(policy: AgencyPolicy) -> dict:
    """Return the policy's values by field name, without its bookkeeping (id, author, reason)."""
    return {k: v for k, v in model_to_dict(policy).items() if k not in _NOT_POLICY}


@enforces("RET-1", "AUD-3", "RPT-4")
def policy_update(*, actor: Actor, changes: dict, reason: str) -> PolicyChange:
    """Put the tightening values in force at once and propose the loosening ones; audited."""
    with refusals_recorded(actor=actor, action=actions.POLICY_CHANGED, query=_jsonable(changes)):
        _require(actor, Capability.MANAGE_RETENTION, "change the agency policy")
        if not reason.strip():
            raise ApplicationError("Say why the policy is changing.", field="reason")
        with transaction.atomic():
            values = _values_in_force()
            unknown = set(changes) - set(values)
            if unknown:
                raise ApplicationError(f"Not a policy setting: {', '.join(sorted(unknown))}")
            changes = {name: value for name, value in changes.items() if values[name] != value}
            if not changes:
                raise ApplicationError("Nothing changed.")
            _validate(AgencyPolicy(**{**values, **changes}), in_force=values)
            at_once, proposed = _split(values, changes)
            return PolicyChange(
                in_force=_new_version(actor=actor, values=values, changes=at_once, reason=reason)
                if at_once else None,
                proposal=_propose(actor=actor, values=values, changes=proposed, reason=reason)
                if proposed else None)


def _values_in_force() -> dict:
    """Return the values in force, holding the policy lock until the transaction ends.

    Two changes at once (an approval and an edit) would otherwise both start from the same version,
    and the later would silently undo the earlier.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [POLICY_LOCK])
    return policy_values(current_policy())


def _split(values: dict, changes: dict) -> tuple[dict, dict]:
    """Return (the changes that take effect at once, the changes to propose)."""
    loose = loosening(values, {**values, **changes})
    at_once = {name: value for name, value in changes.items() if name not in loose}
    proposed = {name: value for name, value in changes.items() if name in loose}
    if at_once and proposed:
        try:
            _validate(AgencyPolicy(**{**values, **at_once}), in_force=values)
        except ApplicationError:
            return {}, changes
    return at_once, proposed


def _new_version(*, actor: Actor, values: dict, changes: dict, reason: str) -> AgencyPolicy:
    """Save the values with `changes` applied as the version in force; audited as a policy change."""
    new = AgencyPolicy(**{**values, **changes}, created_by=actor.user, change_reason=reason)
    _validate(new, in_force=values)
    new.save()
    diff = {name: [values[name], value] for name, value in changes.items() if values[name] != value}
    audit_record(actor=actor, action=actions.POLICY_CHANGED, description=reason,
                 targets=[f"policy:{new.pk}"], query=_jsonable(diff))
    return new


def _propose(*, actor: Actor, values: dict, changes: dict, reason: str) -> PolicyChangeProposal:
    now = timezone.now()
    # The period of the version in force now: longer if the tightening part of this change lengthened it.
    days = current_policy().policy_comment_days
    proposal = PolicyChangeProposal.objects.create(
        changes=_jsonable(changes), before=_jsonable({name: values[name] for name in changes}),
        reason=reason.strip(), proposed_by=actor.user, proposed_at=now,
        comment_closes_at=now + timedelta(days=days))
    audit_record(actor=actor, action=actions.POLICY_CHANGE_PROPOSED, description=reason,
                 targets=[f"policy_change:{proposal.pk}"],
                 query=_jsonable({name: [values[name], value] for name, value in changes.items()}))
    return proposal


@enforces("RPT-4")
def policy_change_comment_submit(*, actor: Actor, proposal_id: int, text: str, name: str = "",
                                 email: str = "") -> PolicyChangeComment:
    """Store a public comment on a proposal whose comment period is open; audited without its text."""
    if not text.strip():
        raise ApplicationError("Write your comment.", field="text")
    with transaction.atomic():
        proposal = _locked(proposal_id)
        if not proposal.is_open_for_comment:
            raise ApplicationError("The comment period for this proposed change is closed.")
        comment = PolicyChangeComment.objects.create(
            proposal=proposal, text=text.strip()[:10000], name=name[:120], email=email,
            submitted_at=timezone.now())
        audit_record(actor=actor.without_public_identity(), action=actions.POLICY_CHANGE_COMMENTED,
                     targets=[f"policy_change:{proposal.pk}", f"policy_change_comment:{comment.pk}"])
        return comment


@enforces("RPT-4", "RET-1")
def policy_change_approve(*, actor: Actor, proposal_id: int, note: str = "") -> AgencyPolicy:
    """The Chief puts a proposal in force, only once its comment period has ended; audited.

    The proposed values are applied to the policy then in force and validated again, so a proposal
    cannot bring back a value the general order forbids or contradict a change made since.
    """
    with refusals_recorded(actor=actor, action=actions.POLICY_CHANGE_APPROVED,
                           targets=[f"policy_change:{proposal_id}"]):
        _require(actor, Capability.APPROVE_POLICY_TEXT, "approve a change of the policy")
        with transaction.atomic():
            proposal = _locked(proposal_id)
            _require_waiting(proposal)
            now = timezone.now()
            if now < proposal.comment_closes_at:
                raise PolicyDenied(
                    "The public comment period runs until "
                    f"{timezone.localtime(proposal.comment_closes_at):%Y-%m-%d %H:%M}; "
                    "the change cannot be approved before it ends.")
            reason = f"{proposal.reason} (proposal {proposal.pk}, approved by the Chief after public comment)"
            values = _values_in_force()
            new = _new_version(actor=actor, values=values, changes=_rebased(proposal, values), reason=reason)
            _decide(proposal, actor=actor, status=ProposalStatus.APPROVED, note=note, at=now, policy=new)
            audit_record(actor=actor, action=actions.POLICY_CHANGE_APPROVED, description=note.strip(),
                         targets=[f"policy_change:{proposal.pk}", f"policy:{new.pk}"],
                         query=_jsonable(proposal.changes))
            return new


def _rebased(proposal: PolicyChangeProposal, values: dict) -> dict:
    """The proposal's changes applied to the values in force now. A list (purposes, vocabulary) changed
    since the proposal gets only the proposal's own additions and removals: putting the whole proposed
    list in force would also undo what was added or removed since, which nobody proposed or commented on."""
    changes = {}
    for name, proposed in proposal.changes.items():
        before, now = proposal.before.get(name), values.get(name)
        if all(isinstance(value, list) for value in (proposed, before, now)) and now != before:
            removed = [item for item in before if item not in proposed]
            added = [item for item in proposed if item not in before and item not in now]
            proposed = [item for item in now if item not in removed] + added
        changes[name] = proposed
    return changes


def policy_change_reject(*, actor: Actor, proposal_id: int, note: str) -> PolicyChangeProposal:
    """The Chief rejects a proposal, with a reason; the policy stays as it is. Audited."""
    with refusals_recorded(actor=actor, action=actions.POLICY_CHANGE_REJECTED,
                           targets=[f"policy_change:{proposal_id}"]):
        _require(actor, Capability.APPROVE_POLICY_TEXT, "reject a proposed change")
        if not note.strip():
            raise ApplicationError("Say why the change is rejected.", field="note")
        return _close(actor=actor, proposal_id=proposal_id, status=ProposalStatus.REJECTED, note=note,
                      action=actions.POLICY_CHANGE_REJECTED)


def policy_change_withdraw(*, actor: Actor, proposal_id: int, note: str = "") -> PolicyChangeProposal:
    """The administrator withdraws a proposal that is still waiting. Audited."""
    with refusals_recorded(actor=actor, action=actions.POLICY_CHANGE_WITHDRAWN,
                           targets=[f"policy_change:{proposal_id}"]):
        _require(actor, Capability.MANAGE_RETENTION, "withdraw a proposed change")
        return _close(actor=actor, proposal_id=proposal_id, status=ProposalStatus.WITHDRAWN, note=note,
                      action=actions.POLICY_CHANGE_WITHDRAWN)


def _close(*, actor: Actor, proposal_id: int, status: str, note: str, action) -> PolicyChangeProposal:
    with transaction.atomic():
        proposal = _locked(proposal_id)
        _require_waiting(proposal)
        _decide(proposal, actor=actor, status=status, note=note, at=timezone.now())
        audit_record(actor=actor, action=action, description=note.strip(),
                     targets=[f"policy_change:{proposal.pk}"])
        return proposal


def _decide(proposal: PolicyChangeProposal, *, actor: Actor, status: str, note: str, at, policy=None) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at = status, actor.user, at
    proposal.decision_note, proposal.policy = note.strip(), policy
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "policy"])


def _require(actor: Actor, capability: str, doing: str) -> None:
    """Refuse unless the actor is a person whose role grants `capability`, saying who may be `doing` it."""
    if actor.kind != ActorType.USER or not actor.user or not actor.user.can(capability):
        raise PolicyDenied(only_who_may(capability, doing=doing))


def _require_waiting(proposal: PolicyChangeProposal) -> None:
    if proposal.status != ProposalStatus.PROPOSED:
        raise ApplicationError(
            f"This proposal is no longer waiting for a decision ({proposal.get_status_display()}).")


def _locked(proposal_id: int) -> PolicyChangeProposal:
    try:
        return PolicyChangeProposal.objects.select_for_update().get(pk=proposal_id)
    except PolicyChangeProposal.DoesNotExist:
        raise NotFound("No such proposed change.") from None


def _validate(policy: AgencyPolicy, *, in_force: dict) -> None:
    """Run the model's checks; a value the general order forbids becomes an audited refusal. The purpose
    codes of the values `in_force` are accepted as they are (``AgencyPolicy.codes_in_force``)."""
    listed = [*in_force["permitted_purposes"], *in_force["prohibited_purposes"]]
    policy.codes_in_force = frozenset(purpose["code"] for purpose in listed
                                      if isinstance(purpose, dict) and isinstance(purpose.get("code"), str))
    try:
        policy.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=field) from None


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))
