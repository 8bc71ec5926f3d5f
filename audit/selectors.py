"""Reading the audit log: only for roles that may, and every reading is itself audited (AUD-1)."""
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.audit_actions import AUDIT_LOG_EXPORTED, AUDIT_LOG_VIEWED
from audit.context import Actor
from audit.models import AuditEvent
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import PolicyDenied
from policy.roles import Capability

EXPORT_COLUMNS = (
    "id", "occurred_at", "actor_type", "actor_label", "actor_user_id", "action", "outcome", "purpose",
    "case_number", "description", "reason", "targets", "query", "result_count", "client_ip", "session_ref",
    "flagged", "content_hash",
)


@dataclass(frozen=True)
class AuditFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str = ""
    action: str = ""
    outcome: str = ""
    case_number: str = ""
    flagged: bool | None = None

    def as_query(self) -> dict:
        """Return the filters that were set, JSON-ready, for the audit entry of this reading."""
        return {key: value.isoformat() if isinstance(value, dt.date) else value
                for key, value in asdict(self).items() if value not in (None, "")}


def _require_reader(actor: Actor) -> None:
    if not actor.user or not actor.user.can(Capability.READ_AUDIT_LOG):
        raise PolicyDenied("Only auditors and the system administrator may read the audit log.")


def _filtered(filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    zone = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(occurred_at__gte=dt.datetime.combine(filters.date_from, dt.time.min, zone))
    if filters.date_to:
        next_day = filters.date_to + dt.timedelta(days=1)
        events = events.filter(occurred_at__lt=dt.datetime.combine(next_day, dt.time.min, zone))
    if filters.person:
        events = events.filter(Q(actor_label__icontains=filters.person)
                               | Q(actor_user__username__iexact=filters.person)
                               | Q(actor_user__badge_number__iexact=filters.person))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.case_number:
        events = events.filter(case_number=filters.case_number)
    if filters.flagged is not None:
        events = events.filter(flagged=filters.flagged)
    return events


@enforces("AUD-1")
def audit_log_search(*, actor: Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Return the events matching `filters`, newest first; the reading is audited with its count."""
    query = filters.as_query()
    with refusals_recorded(actor=actor, action=AUDIT_LOG_VIEWED, query=query):
        _require_reader(actor)
    events = _filtered(filters).select_related("actor_user").order_by("-occurred_at", "-id")
    audit_record(actor=actor, action=AUDIT_LOG_VIEWED, query=query, result_count=events.count())
    return events


@enforces("AUD-1")
def audit_log_export(*, actor: Actor, filters: AuditFilters) -> Iterator[list[str]]:
    """Return the CSV rows (header first) of the events matching `filters`, oldest first, streamed.

    The export is audited, with its row count, before the first row leaves.
    """
    query = filters.as_query()
    with refusals_recorded(actor=actor, action=AUDIT_LOG_EXPORTED, query=query):
        _require_reader(actor)
    events = _filtered(filters).order_by("occurred_at", "id")
    audit_record(actor=actor, action=AUDIT_LOG_EXPORTED, query=query, result_count=events.count())
    return _csv_rows(events)


def _csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    yield list(EXPORT_COLUMNS)
    for values in events.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000):
        yield [_cell(value) for value in values]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    text = str(value)
    # Spreadsheet formula injection: a cell must never start a formula in the auditor's tool.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
