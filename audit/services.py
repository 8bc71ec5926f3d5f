"""Writing audit events. Every service that touches ALPR data or accounts records through here."""
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.utils import timezone

from audit.actions import AuditAction
from audit.audit_actions import AUDIT_CHAIN_VERIFIED
from audit.chain import ChainReport, verify_chain
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from core.compliance import enforces
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Capability


@enforces("AUD-1")
def audit_record(
    *,
    actor: Actor,
    action: AuditAction,
    outcome: str = Outcome.ALLOWED,
    purpose: str = "",
    case_number: str = "",
    description: str = "",
    reason: str = "",
    targets: Iterable[str] = (),
    query: dict | None = None,
    result_count: int | None = None,
    flagged: bool = False,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the action it records.

    The content hash is computed by the database on insert (see the migration), so the stored hash
    always describes the stored row.
    """
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor_type=actor.kind,
        actor_user=actor.user,
        actor_label=actor.label,
        action=action.code,
        outcome=outcome,
        purpose=purpose,
        case_number=case_number,
        description=description,
        reason=reason,
        targets=[str(target) for target in targets],
        query=query or {},
        result_count=result_count,
        client_ip=actor.client_ip,
        session_ref=actor.session_ref,
        flagged=flagged,
    )


@contextmanager
@enforces("AUD-1")
def refusals_recorded(*, actor: Actor, action: AuditAction, **fields) -> Iterator[None]:
    """Record an `ApplicationError` raised inside the block, then re-raise it.

    A `PolicyDenied` is recorded as refused, any other application error (bad input, a wrong
    state) as failed. Wrap the block *around* the action's transaction: the action rolls back,
    the record of the attempt stays.
    """
    try:
        yield
    except ApplicationError as error:
        denied = isinstance(error, PolicyDenied)
        audit_record(
            actor=actor,
            action=action,
            outcome=Outcome.REFUSED if denied else Outcome.FAILED,
            reason=error.message,
            flagged=denied and error.flag_for_audit,
            **fields,
        )
        raise


@enforces("AUD-2")
def audit_chain_verify(*, actor: Actor) -> ChainReport:
    """Verify the whole chain for an auditor; the verification and its result are audited (AUD-2).

    A broken chain is recorded flagged, with the first broken link, for everyone who reads the log.
    """
    with refusals_recorded(actor=actor, action=AUDIT_CHAIN_VERIFIED):
        if not actor.user or not actor.user.can(Capability.READ_AUDIT_LOG):
            raise PolicyDenied("Only auditors and the system administrator may verify the audit log.")
    report = verify_chain()
    audit_record(
        actor=actor, action=AUDIT_CHAIN_VERIFIED,
        outcome=Outcome.ALLOWED if report.ok else Outcome.FAILED,
        description="Chain intact." if report.ok else f"Chain broken at link {report.broken_position}: "
                                                      f"{report.problem}",
        query={"head_hash": report.head_hash, "seconds": report.seconds},
        result_count=report.rows, flagged=not report.ok,
    )
    return report
