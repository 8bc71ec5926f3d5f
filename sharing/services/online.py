"""Online sharing: whether an agency's people search our reads through the partner API.

Oak Park GO 4-68 VII.D: electronic online sharing of historical ALPR data with an outside agency "will be
at the discretion of the Chief of Police". So switching partner searches on takes two people: the
reviewer of sharing asks, with a reason, for an agency that may receive data; the Chief approves or
denies, with a reason, and may not approve a request of their own. Switching off is a tightening and
immediate, for either of them. A revocation cancels a request still waiting (``agencies._revoke``).
"""

from django.db import transaction
from django.utils import timezone

from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied
from sharing import audit_actions as actions
from sharing.models import Agency, OnlineSharingRequest, OnlineSharingStatus
from sharing.permissions import (
    require_online_sharing_decider,
    require_sharing_reviewer,
    require_sharing_switch_off,
)
from sharing.selectors import agency_block_reason

REASON_MIN_CHARS = 10


def _agency(agency_id: int) -> Agency:
    agency = Agency.objects.select_for_update().filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("No such agency.")
    return agency


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_CHARS:
        raise ApplicationError(f"Say why {what} (at least {REASON_MIN_CHARS} characters).", field="reason")
    return reason


def online_sharing_request(*, actor: Actor, agency_id: int, reason: str) -> OnlineSharingRequest:
    """Ask the Chief to switch partner searches on for an agency that may receive data; nothing is on yet."""
    with refusals_recorded(actor=actor, action=actions.ONLINE_SHARING_REQUESTED,
                           targets=[f"agency-id:{agency_id}"]):
        require_sharing_reviewer(actor)
        reason = _reason(reason, "its people should search our reads")
        with transaction.atomic():
            agency = _agency(agency_id)
            blocked = agency_block_reason(agency)
            if blocked:
                raise ApplicationError(blocked)
            if agency.sharing_enabled:
                raise ApplicationError(f"Partner searches are on for {agency.name} already.")
            if agency.online_sharing_requests.filter(status=OnlineSharingStatus.PENDING).exists():
                raise ApplicationError(f"A request for {agency.name} is waiting for the Chief already.")
            asked = OnlineSharingRequest.objects.create(agency=agency, requested_by=actor.user, reason=reason)
            audit_record(
                actor=actor,
                action=actions.ONLINE_SHARING_REQUESTED,
                targets=[f"agency:{agency.ori}", f"online-sharing-request:{asked.pk}"],
                reason=reason,
            )
    return asked


@enforces("ACC-7", "SHR-4")
def online_sharing_decide(
    *, actor: Actor, request_id: int, approve: bool, reason: str
) -> OnlineSharingRequest:
    """The Chief approves (partner searches on, if the agency may still receive data) or denies."""
    with refusals_recorded(actor=actor, action=actions.ONLINE_SHARING_DECIDED,
                           targets=[f"online-sharing-request:{request_id}"]):
        require_online_sharing_decider(actor)
        reason = _reason(reason, "you decide so")
        with transaction.atomic():
            asked = (OnlineSharingRequest.objects.select_for_update().select_related("agency")
                     .filter(pk=request_id).first())
            if asked is None:
                raise NotFound("No such request.")
            agency = _agency(asked.agency_id)
            if asked.status != OnlineSharingStatus.PENDING:
                raise ApplicationError("This request has been decided already.")
            if approve and asked.requested_by_id == actor.user.pk:
                raise PolicyDenied("You asked for this yourself: someone else decides it.")
            if approve:
                # Checked now, not when asked: the declaration may have lapsed or a certificate fallen due.
                blocked = agency_block_reason(agency)
                if blocked:
                    raise ApplicationError(f"Partner searches stay off: {blocked}")
                agency.sharing_enabled = True
                agency.save(update_fields=["sharing_enabled"])
            asked.status = OnlineSharingStatus.APPROVED if approve else OnlineSharingStatus.DENIED
            asked.decided_by, asked.decided_at, asked.decision_reason = actor.user, timezone.now(), reason
            asked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
            audit_record(
                actor=actor,
                action=actions.ONLINE_SHARING_DECIDED,
                targets=[f"agency:{agency.ori}", f"online-sharing-request:{asked.pk}"],
                reason=reason,
                description=("approved" if approve else "denied") + f": {reason}",
                query={"approved": approve, "sharing_enabled": agency.sharing_enabled},
            )
    return asked


def agency_sharing_off(*, actor: Actor, agency_id: int) -> Agency:
    """Switch partner searches off for an agency, at once: the reviewer of sharing or the Chief."""
    with refusals_recorded(actor=actor, action=actions.AGENCY_UPDATED, targets=[f"agency-id:{agency_id}"]):
        require_sharing_switch_off(actor)
        with transaction.atomic():
            agency = _agency(agency_id)
            agency.sharing_enabled = False
            agency.save(update_fields=["sharing_enabled"])
            audit_record(
                actor=actor,
                action=actions.AGENCY_UPDATED,
                targets=[f"agency:{agency.ori}"],
                query={"sharing_enabled": False},
            )
    return agency


def cancel_waiting_requests(*, actor: Actor, agency: Agency, reason: str) -> int:
    """Cancel the agency's request waiting for the Chief, inside the caller's transaction (a revocation)."""
    return agency.online_sharing_requests.filter(status=OnlineSharingStatus.PENDING).update(
        status=OnlineSharingStatus.CANCELLED,
        decided_by=actor.user,
        decided_at=timezone.now(),
        decision_reason=f"Cancelled: the agency's access was revoked ({reason})",
    )
