"""Writing audit events. Every service that touches ALPR data or accounts records through here."""
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from audit.actions import AuditAction
from audit.audit_actions import AUDIT_CHAIN_VERIFIED
from audit.chain import ChainReport, verify_chain
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from core.compliance import enforces
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Capability, only_who_may


@enforces("AUD-1")
def _storable(value):
    """Return `value` with NUL characters shown as U+FFFD: PostgreSQL stores no NUL in text or jsonb,
    and a tampered input must still be recorded as submitted, not turn the record into a server error."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


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

    The content hash is computed by the database on insert (see the migrations), so the stored hash
    always describes the stored row; the returned event carries it, with its id and transaction id.
    """
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_type=actor.kind,
        actor_user=actor.user,
        actor_label=actor.label,
        action=action.code,
        outcome=outcome,
        purpose=_storable(purpose),
        case_number=_storable(case_number),
        description=_storable(description),
        reason=_storable(reason),
        targets=[_storable(str(target)) for target in targets],
        query=_storable(query or {}),
        result_count=result_count,
        client_ip=actor.client_ip,
        session_ref=actor.session_ref,
        flagged=flagged,
    )
    _insert(event)
    return event


# Every audited action appends an event, so this insert is the log's hottest statement. The ORM's
# save() builds the INSERT anew each time and PostgreSQL parses and plans it anew; instead it is prepared
# once per connection, its values converted by the model's own fields, as save() would. An append with
# its transaction went from 651 to 476 µs of client CPU (docs/benchmarks.md, "Audit log"). Django turns
# off psycopg's own prepared statements, hence PREPARE/EXECUTE, as in alpr.selectors.
_INSERT_STATEMENT = "audit_event_insert"
_SET_BY_DATABASE = ("id", "content_hash", "txid", "digest_version")  # the insert trigger sets the last 3
_prepared_on: "weakref.WeakSet[object]" = weakref.WeakSet()  # connections that have prepared it


@cache
def _insert_sql() -> tuple[tuple, str, str]:
    """Return the fields an insert writes, the statement's PREPARE and its EXECUTE."""
    fields = tuple(field for field in AuditEvent._meta.concrete_fields if not field.primary_key)
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    prepare = (
        f"PREPARE {_INSERT_STATEMENT} AS INSERT INTO {quote(AuditEvent._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(f'${n}' for n in range(1, len(fields) + 1))}) "
        f"RETURNING {', '.join(quote(column) for column in _SET_BY_DATABASE)}"
    )
    execute = f"EXECUTE {_INSERT_STATEMENT} ({', '.join(['%s'] * len(fields))})"
    return fields, prepare, execute


def _insert(event: AuditEvent) -> None:
    """INSERT the event, as ``save(force_insert=True)`` would; take what the database set from RETURNING."""
    fields, prepare, execute = _insert_sql()
    db = connections[DEFAULT_DB_ALIAS]
    params = [field.get_db_prep_save(field.pre_save(event, add=True), db) for field in fields]
    with db.cursor() as cursor:
        if db.connection not in _prepared_on:
            cursor.execute(prepare)  # it outlives a rollback: a prepared statement is the session's
            _prepared_on.add(db.connection)
        cursor.execute(execute, params)
        event.pk, event.content_hash, event.txid, event.digest_version = cursor.fetchone()
    event._state.adding, event._state.db = False, db.alias


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
    """Verify the whole chain, and the heads published on the portal, for an auditor; the verification
    and its result are audited (AUD-2).

    A broken chain is recorded flagged, with the first broken link, for everyone who reads the log.
    """
    with refusals_recorded(actor=actor, action=AUDIT_CHAIN_VERIFIED):
        if not actor.user or not actor.user.can(Capability.READ_AUDIT_LOG):
            raise PolicyDenied(only_who_may(Capability.READ_AUDIT_LOG, doing="verify the audit log"))
    report = verify_chain()
    audit_record(
        actor=actor, action=AUDIT_CHAIN_VERIFIED,
        outcome=Outcome.ALLOWED if report.ok else Outcome.FAILED,
        description="Chain intact." if report.ok else f"Chain broken at link {report.broken_position}: "
                                                      f"{report.problem}",
        query={"head_hash": report.head_hash, "seconds": report.seconds,
               "published_heads_checked": report.heads_checked},
        result_count=report.rows, flagged=not report.ok,
    )
    return report
