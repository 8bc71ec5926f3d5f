"""Reading the audit log: only for roles that may, and every reading is itself audited (AUD-1).

The log's plate-bearing fields are shown only under an open audit justification (``audit.disclosure``,
USE-4): the functions here withhold them unless ``alpr.access`` hands them a `Disclosure`.
"""
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import ExtractHour
from django.utils import timezone

from audit.audit_actions import AUDIT_LOG_EXPORTED, AUDIT_LOG_VIEWED, UNUSUAL_SEARCHES_VIEWED
from audit.context import Actor
from audit.disclosure import Disclosure, reads_named, shown_event, shown_fields
from audit.models import ActorType, AuditEvent, Outcome
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import PolicyDenied
from core.spreadsheets import spreadsheet_cell
from policy.directions import off_hours as policy_off_hours
from policy.roles import Capability, only_who_may
from policy.selectors import current_policy
from searches import audit_actions as search_actions
from searches.models import Justification, JustificationKind

PAGE_SIZE = 50
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
    entries_of_justification: int | None = None

    def as_query(self) -> dict:
        """Return the filters that were set, JSON-ready, for the audit entry of this reading."""
        return {key: value.isoformat() if isinstance(value, dt.date) else value
                for key, value in asdict(self).items() if value not in (None, "")}


def _require_reader(actor: Actor) -> None:
    if not actor.user or not actor.user.can(Capability.READ_AUDIT_LOG):
        raise PolicyDenied(only_who_may(Capability.READ_AUDIT_LOG, doing="read the audit log"))


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
    if filters.entries_of_justification:
        justification_id = filters.entries_of_justification
        events = events.filter(Q(query__justification=justification_id)
                               | Q(targets__contains=[f"justification:{justification_id}"]))
    return events


def _reading(filters: AuditFilters, disclosure: Disclosure | None) -> tuple[dict, dict]:
    """Return the query and the justification fields of the audit entry of a reading of the log."""
    if disclosure is None:
        return filters.as_query(), {}
    return ({**filters.as_query(), "justification": disclosure.justification_id, "plates_shown": True},
            disclosure.audit_fields)


@enforces("AUD-1", "USE-4")
def audit_log_page(*, actor: Actor, filters: AuditFilters, number=1,
                   disclosure: Disclosure | None = None) -> Page:
    """Return page `number` of the events matching `filters`, newest first, as the reader may see them.

    Without `disclosure` the plate-bearing fields are withheld. The reading is an audit entry in the
    transaction that reads the page: the filters and the count; with plates shown, also the
    justification, the entries shown and the reads they name.
    """
    query, fields = _reading(filters, disclosure)
    with refusals_recorded(actor=actor, action=AUDIT_LOG_VIEWED, query=query, **fields):
        _require_reader(actor)
    events = _filtered(filters).select_related("actor_user").order_by("-occurred_at", "-id")
    with transaction.atomic():
        page = Paginator(events, PAGE_SIZE).get_page(number)
        disclosed = disclosure is not None
        page.object_list = [shown_event(event, disclosed=disclosed) for event in page.object_list]
        targets = ([*(f"audit-event:{event.pk}" for event in page), *reads_named(e.targets for e in page)]
                   if disclosed else ())
        audit_record(actor=actor, action=AUDIT_LOG_VIEWED, query=query, result_count=page.paginator.count,
                     targets=targets, **fields)
    return page


@enforces("AUD-1", "USE-4")
def audit_log_export(*, actor: Actor, filters: AuditFilters,
                     disclosure: Disclosure | None = None) -> Iterator[list[str]]:
    """Return the CSV rows (header first) of the events matching `filters`, oldest first, streamed, as
    the reader may see them (plate-bearing fields withheld without `disclosure`).

    The export is audited before the first row leaves, with its row count and the last event it
    reaches (``through_event``: later events, its own entry included, are not in it); with plates
    shown, also the justification and every read the exported entries name.
    """
    query, fields = _reading(filters, disclosure)
    with refusals_recorded(actor=actor, action=AUDIT_LOG_EXPORTED, query=query, **fields):
        _require_reader(actor)
    with transaction.atomic():
        last = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
        events = _filtered(filters).filter(id__lte=last)
        targets = reads_named(events.values_list("targets", flat=True).iterator(chunk_size=2000)) \
            if disclosure else ()
        audit_record(actor=actor, action=AUDIT_LOG_EXPORTED, query={**query, "through_event": last},
                     result_count=events.count(), targets=targets, **fields)
    return _csv_rows(events.order_by("occurred_at", "id"), disclosed=disclosure is not None)


def _csv_rows(events: QuerySet[AuditEvent], *, disclosed: bool) -> Iterator[list[str]]:
    yield list(EXPORT_COLUMNS)
    for values in events.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000):
        row = dict(zip(EXPORT_COLUMNS, values, strict=True))
        row = shown_fields(row, action=row["action"], disclosed=disclosed)
        yield [_cell(row[column]) for column in EXPORT_COLUMNS]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    # Spreadsheet formula injection: a cell must never start a formula in the auditor's tool.
    return spreadsheet_cell(value)


# How far back the auditor's page looks for searches that passed the gate but look unusual.
UNUSUAL_WINDOW_DAYS = 30
UNUSUAL_LIMIT = 100
_SEARCH_ACTIONS = (search_actions.PLATE_SEARCHED, search_actions.CANVASS_SEARCHED, search_actions.READ_VIEWED,
                   search_actions.READ_IMAGE_VIEWED, search_actions.READ_DOWNLOADED)
_READ_OPENED = (search_actions.READ_VIEWED, search_actions.READ_IMAGE_VIEWED)


@dataclass(frozen=True)
class UnusualSearch:
    """Searches under one stated reason that passed the gate, with what makes them worth a look.

    The reason is a staff justification (`justification`), or, for a partner agency's person, which
    states purpose, case number and description with every search, that person's searches for one case.
    """

    who: str
    purpose: str
    case_number: str
    stated_at: dt.datetime
    plates: int
    reads_opened: int
    off_hours_actions: int
    reasons: tuple[str, ...]
    log_filter: str  # the audit log's query string that lists these searches' entries
    target: str  # how the auditor's reading of this list names it
    justification: Justification | None = None


def _allowed_under_justification(actions, since: dt.datetime) -> QuerySet[AuditEvent]:
    return (AuditEvent.objects.filter(action__in=[action.code for action in actions], outcome=Outcome.ALLOWED,
                                      occurred_at__gte=since)
            .annotate(justification_id=KT("query__justification")).exclude(justification_id=None)
            .values("justification_id"))


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


def _staff_rows(counts: dict[int, dict[str, int]], policy) -> list[UnusualSearch]:
    reasons = {pk: found for pk, found in ((pk, _reasons(c, policy)) for pk, c in counts.items()) if found}
    justifications = (Justification.objects.filter(pk__in=reasons, kind=JustificationKind.CASE)
                      .select_related("user").order_by("-created_at")[:UNUSUAL_LIMIT])
    return [UnusualSearch(who=str(j.user), purpose=j.purpose_label, case_number=j.case_number,
                          stated_at=j.created_at, plates=counts[j.pk].get("plates", 0),
                          reads_opened=counts[j.pk].get("reads_opened", 0),
                          off_hours_actions=counts[j.pk].get("off_hours", 0), reasons=reasons[j.pk],
                          log_filter=urlencode({"justification": j.pk}), target=f"justification:{j.pk}",
                          justification=j)
            for j in justifications]


def _partner_searches(since: dt.datetime) -> QuerySet[AuditEvent]:
    """Partner searches that ran since `since`, by the partner person and the case they searched for."""
    return (AuditEvent.objects.filter(action=search_actions.PLATE_SEARCHED.code, outcome=Outcome.ALLOWED,
                                      actor_type=ActorType.AGENCY, occurred_at__gte=since)
            .annotate(person_id=KT("query__partner_person")).exclude(person_id=None)
            .values("person_id", "case_number"))


def _partner_rows(since: dt.datetime, off_hours: list[int], policy) -> list[UnusualSearch]:
    """The partner people's searches for one case, on the criteria of a staff justification (USE-1)."""
    searches = _partner_searches(since)
    off = {(row["person_id"], row["case_number"]): row["n"] for row in searches
           .annotate(hour=ExtractHour("occurred_at", tzinfo=timezone.get_current_timezone()))
           .filter(hour__in=off_hours).values("person_id", "case_number").annotate(n=Count("id"))}
    rows = []
    for group in searches.annotate(plates=Count(KT("query__plate"), distinct=True), first=Min("occurred_at"),
                                   who=Max("actor_label"), purpose_code=Max("purpose")):
        key = (group["person_id"], group["case_number"])
        counts = {"plates": group["plates"], "off_hours": off.get(key, 0)}
        reasons = _reasons(counts, policy)
        if reasons:
            rows.append(UnusualSearch(
                who=group["who"], purpose=policy.purpose_label(group["purpose_code"]),
                case_number=group["case_number"], stated_at=group["first"], plates=group["plates"],
                reads_opened=0, off_hours_actions=counts["off_hours"], reasons=reasons,
                log_filter=urlencode({"person": group["who"], "case_number": group["case_number"]}),
                target=f"partner-person:{group['person_id']}"))
    return rows


@enforces("AUD-1", "USE-1")
def unusual_searches(*, actor: Actor) -> list[UnusualSearch]:
    """Return recent searches that passed the gate but look unusual, newest first; audited.

    Unusual, by the policy's thresholds: more plates searched or reads opened under one justification
    than usual, or searching in off hours. A partner agency's person is judged the same way, their
    searches for one case standing for a justification (they open no single reads). The gate cannot
    see intent; these are for a person to review.
    """
    with refusals_recorded(actor=actor, action=UNUSUAL_SEARCHES_VIEWED):
        _require_reader(actor)
    policy = current_policy()
    since = timezone.now() - dt.timedelta(days=UNUSUAL_WINDOW_DAYS)
    off_hours = sorted(policy_off_hours(policy.off_hours_start, policy.off_hours_end))
    rows = [*_staff_rows(_counts_by_justification(since, off_hours), policy),
            *_partner_rows(since, off_hours, policy)]
    rows = sorted(rows, key=lambda row: row.stated_at, reverse=True)[:UNUSUAL_LIMIT]
    audit_record(actor=actor, action=UNUSUAL_SEARCHES_VIEWED, result_count=len(rows),
                 query={"days": UNUSUAL_WINDOW_DAYS}, targets=list(dict.fromkeys(row.target for row in rows)))
    return rows


@dataclass(frozen=True)
class FlagsSinceReview:
    """Entries flagged for the auditor since this reader last read the flagged entries."""

    count: int
    last_review: dt.datetime | None  # None: this reader has never read them


# Filters that leave flagged entries out of a reading: reading the flagged entries of one person, action,
# outcome, case or justification, or up to a past day, is not reading them all.
_NARROWING_FILTERS = ["date_to", "person", "action", "outcome", "case_number", "entries_of_justification"]


def _last_review(user) -> dt.datetime | None:
    """When `user` last read every flagged entry not yet reviewed: a reading of the flagged entries with
    no narrowing filter, starting (``date_from``) no later than the day of the review before it."""
    readings = (AuditEvent.objects.filter(actor_user=user, action=AUDIT_LOG_VIEWED.code,
                                          outcome=Outcome.ALLOWED, query__flagged=True)
                .exclude(query__has_any_keys=_NARROWING_FILTERS)
                .order_by("occurred_at").values_list("occurred_at", "query"))
    last = None
    for occurred_at, query in readings.iterator():
        starts = query.get("date_from")
        if starts is None or (last is not None and starts <= timezone.localtime(last).date().isoformat()):
            last = occurred_at
    return last


def flags_since_last_review(*, user) -> FlagsSinceReview:
    """Count the flagged entries written after `user` last read the log filtered to flagged entries.

    A number for the start page: reading the entries themselves stays on the audited log page, and
    that reading (``audit.log_viewed`` with ``flagged``) is what moves the mark.
    """
    last_review = _last_review(user)
    flagged = AuditEvent.objects.filter(flagged=True)
    if last_review is not None:
        flagged = flagged.filter(occurred_at__gt=last_review)
    return FlagsSinceReview(count=flagged.count(), last_review=last_review)
