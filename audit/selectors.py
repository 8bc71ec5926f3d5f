"""Reading the audit log: only for roles that may, and every reading is itself audited (AUD-1)."""
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import ExtractHour
from django.utils import timezone

from audit.audit_actions import AUDIT_LOG_EXPORTED, AUDIT_LOG_VIEWED, UNUSUAL_SEARCHES_VIEWED
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import PolicyDenied
from policy.roles import Capability
from policy.selectors import current_policy
from searches import audit_actions as search_actions
from searches.models import Justification, JustificationKind

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
    justification: int | None = None

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
    if filters.justification:
        events = events.filter(Q(query__justification=filters.justification)
                               | Q(targets__contains=[f"justification:{filters.justification}"]))
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


# How far back the auditor's page looks for searches that passed the gate but look unusual.
UNUSUAL_WINDOW_DAYS = 30
UNUSUAL_LIMIT = 100
_SEARCH_ACTIONS = (search_actions.PLATE_SEARCHED, search_actions.CANVASS_SEARCHED, search_actions.READ_VIEWED,
                   search_actions.READ_IMAGE_VIEWED, search_actions.READ_DOWNLOADED)
_READ_OPENED = (search_actions.READ_VIEWED, search_actions.READ_IMAGE_VIEWED)


@dataclass(frozen=True)
class UnusualSearch:
    """A justification that passed the gate, with what makes its searches worth a look."""

    justification: Justification
    plates: int
    reads_opened: int
    off_hours_actions: int
    reasons: tuple[str, ...]


def _allowed_under_justification(actions, since: dt.datetime) -> QuerySet[AuditEvent]:
    return (AuditEvent.objects.filter(action__in=[action.code for action in actions], outcome=Outcome.ALLOWED,
                                      occurred_at__gte=since)
            .annotate(justification_id=KT("query__justification")).exclude(justification_id=None)
            .values("justification_id"))


def _off_hours(start: int, end: int) -> list[int]:
    """The local hours from `start` up to `end`, across midnight when start > end ("22 to 6")."""
    if start <= end:
        return list(range(start, end))
    return [*range(start, 24), *range(0, end)]


def _counts_by_justification(since: dt.datetime, off_hours: list[int]) -> dict[int, dict[str, int]]:
    """Per justification id: distinct plates searched, distinct reads opened, actions in off hours."""
    counts: dict[int, dict[str, int]] = {}
    queries = {
        "plates": _allowed_under_justification([search_actions.PLATE_SEARCHED], since)
        .annotate(n=Count(KT("query__plate"), distinct=True)),
        "reads_opened": _allowed_under_justification(_READ_OPENED, since)
        .annotate(n=Count(KT("query__read_id"), distinct=True)),
        "off_hours": _allowed_under_justification(_SEARCH_ACTIONS, since)
        .annotate(hour=ExtractHour("occurred_at", tzinfo=timezone.get_current_timezone()))
        .filter(hour__in=off_hours).values("justification_id").annotate(n=Count("id")),
    }
    for name, rows in queries.items():
        for row in rows.values_list("justification_id", "n"):
            if str(row[0]).isdigit():
                counts.setdefault(int(row[0]), {})[name] = row[1]
    return counts


def _reasons(counts: dict[str, int], policy) -> tuple[str, ...]:
    reasons = []
    if counts.get("plates", 0) > policy.unusual_plates_per_justification:
        reasons.append(f"{counts['plates']} plates searched (more than "
                       f"{policy.unusual_plates_per_justification})")
    if counts.get("reads_opened", 0) > policy.unusual_reads_opened_per_justification:
        reasons.append(f"{counts['reads_opened']} reads opened (more than "
                       f"{policy.unusual_reads_opened_per_justification})")
    if counts.get("off_hours"):
        reasons.append(f"{counts['off_hours']} search(es) or view(s) between "
                       f"{policy.off_hours_start:02d}:00 and {policy.off_hours_end:02d}:00")
    return tuple(reasons)


@enforces("AUD-1", "USE-1")
def unusual_searches(*, actor: Actor) -> list[UnusualSearch]:
    """Return recent case searches that passed the gate but look unusual, newest first; audited.

    Unusual, by the policy's thresholds: more plates searched or reads opened under one justification
    than usual, or searching in off hours. The gate cannot see intent; these are for a person to review.
    """
    with refusals_recorded(actor=actor, action=UNUSUAL_SEARCHES_VIEWED):
        _require_reader(actor)
    policy = current_policy()
    since = timezone.now() - dt.timedelta(days=UNUSUAL_WINDOW_DAYS)
    counts = _counts_by_justification(since, _off_hours(policy.off_hours_start, policy.off_hours_end))
    reasons = {pk: found for pk, found in ((pk, _reasons(c, policy)) for pk, c in counts.items()) if found}
    justifications = (Justification.objects.filter(pk__in=reasons, kind=JustificationKind.CASE)
                      .select_related("user").order_by("-created_at")[:UNUSUAL_LIMIT])
    rows = [UnusualSearch(justification=j, plates=counts[j.pk].get("plates", 0),
                          reads_opened=counts[j.pk].get("reads_opened", 0),
                          off_hours_actions=counts[j.pk].get("off_hours", 0), reasons=reasons[j.pk])
            for j in justifications]
    audit_record(actor=actor, action=UNUSUAL_SEARCHES_VIEWED, result_count=len(rows),
                 query={"days": UNUSUAL_WINDOW_DAYS},
                 targets=[f"justification:{row.justification.pk}" for row in rows])
    return rows


@dataclass(frozen=True)
class FlagsSinceReview:
    """Entries flagged for the auditor since this reader last read the flagged entries."""

    count: int
    last_review: dt.datetime | None  # None: this reader has never read them


def flags_since_last_review(*, user) -> FlagsSinceReview:
    """Count the flagged entries written after `user` last read the log filtered to flagged entries.

    A number for the start page: reading the entries themselves stays on the audited log page, and
    that reading (``audit.log_viewed`` with ``flagged``) is what moves the mark.
    """
    last_review = (AuditEvent.objects.filter(actor_user=user, action=AUDIT_LOG_VIEWED.code,
                                             outcome=Outcome.ALLOWED, query__flagged=True)
                   .order_by("-occurred_at").values_list("occurred_at", flat=True).first())
    flagged = AuditEvent.objects.filter(flagged=True)
    if last_review is not None:
        flagged = flagged.filter(occurred_at__gt=last_review)
    return FlagsSinceReview(count=flagged.count(), last_review=last_review)
