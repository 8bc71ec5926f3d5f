"""Anonymised usage figures for the public portal (RPT-3), computed from the audit log.

Counts only: never a plate, an image or who did what. Actions are grouped by their category in the
audit-action registry (``search``, ``alert``, ``hotlist``...), so apps that land later are counted
as soon as they declare their actions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from alpr.models import PlateRead, plates_read
from audit import actions as registry
from audit.models import ActorType, AuditEvent, Outcome
from policy.selectors import purpose_labels_before
from reports.periods import Period

# Searches proper (not the justification, views or downloads that share their category).
SEARCH_ACTIONS = frozenset({"search.plate", "search.canvass"})
# Where the policy refuses a search: the search itself, or the justification (purpose, case) before it.
SEARCH_REFUSAL_ACTIONS = SEARCH_ACTIONS | {"search.justification_stated"}
# Queries that may name a plate without a case number (USE-4), watched for repetition (AUD-5).
PLATE_LOOKUP_ACTIONS = SEARCH_ACTIONS | {"search.audit_lookup"}
ALERT_CATEGORIES = ("alert", "hotlist")
# Every page of a search is audited; one that continues a search whose first page was audited carries
# ``continues_search`` (alpr.access), and the figures count a search once.
FIRST_PAGE = Q(query__continues_search__isnull=True)
LATER_PAGE = ExpressionWrapper(Q(query__continues_search=True), output_field=BooleanField())


def category_of(code: str) -> str:
    """The registry's category of an action; for an undeclared code, the part before the first dot."""
    try:
        return registry.get(code).category
    except KeyError:
        return code.split(".", 1)[0]


def label_of(code: str) -> str:
    try:
        return registry.get(code).label
    except KeyError:
        return code


@dataclass
class MonthUsage:
    period: Period
    reads: int = 0
    searches: int = 0
    searches_by_purpose: dict[str, int] = field(default_factory=dict)
    refused_searches: int = 0
    outside_searches: int = 0
    alert_events: dict[str, int] = field(default_factory=dict)
    reads_purged: int | None = None
    flagged_events: int = 0

    def as_dict(self) -> dict:
        return {
            "month": self.period.slug,
            "reads": self.reads,
            "searches": self.searches,
            "searches_by_purpose": self.searches_by_purpose,
            "refused_searches": self.refused_searches,
            "outside_agency_searches": self.outside_searches,
            "alert_events": self.alert_events,
            "reads_purged": self.reads_purged,
            "flagged_events": self.flagged_events,
        }


def usage_by_month(periods: list[Period]) -> list[MonthUsage]:
    """Return the usage of each period (whole months), in the order given."""
    if not periods:
        return []
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    by_month = {p.first: MonthUsage(p) for p in periods}
    labels = purpose_labels_before(end)
    rows = (
        AuditEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .annotate(month=TruncMonth("occurred_at"), later_page=LATER_PAGE)
        .values("month", "action", "outcome", "purpose", "actor_type", "flagged", "later_page")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        usage = by_month.get(row["month"].date())
        if usage is None:
            continue
        _count(usage, row, labels)
    _add_reads(by_month, start, end)
    _add_purged(by_month, start, end)
    return [by_month[p.first] for p in periods]


def usage_over(period: Period) -> MonthUsage:
    """Return the usage of a period of whole months (a month or a quarter), summed over its months."""
    total = MonthUsage(period, reads_purged=0)
    for usage in usage_by_month(period.months()):
        total.reads += usage.reads
        total.searches += usage.searches
        total.refused_searches += usage.refused_searches
        total.outside_searches += usage.outside_searches
        total.flagged_events += usage.flagged_events
        if usage.reads_purged is None or total.reads_purged is None:
            total.reads_purged = None
        else:
            total.reads_purged += usage.reads_purged
        for mine, theirs in (
            (total.searches_by_purpose, usage.searches_by_purpose),
            (total.alert_events, usage.alert_events),
        ):
            for label, n in theirs.items():
                mine[label] = mine.get(label, 0) + n
    return total


def reads_by_camera(since, until) -> dict[int, int]:
    """Return {camera id: plates read in [since, until)}, the purged ones included; `since` and `until`
    are local midnights (a period's bounds). Counts only, no read leaves the database."""
    counts = defaultdict(int)
    kept = (PlateRead.system_objects.filter(plates_read(), captured_at__gte=since, captured_at__lt=until)
            .values("camera_id").annotate(n=Count("id")).order_by())
    purged = (_purged_counts(since, until).values("camera_id").annotate(n=Sum("reads")).order_by())
    for row in (*kept, *purged):
        counts[row["camera_id"]] += row["n"]
    return dict(counts)


def _purged_counts(since, until):
    """The purge's counts of plates read on the local days in [since, until) (``PurgedReadCount``)."""
    purged_read_count = apps.get_model("retention", "PurgedReadCount")
    return purged_read_count.objects.filter(day__gte=timezone.localdate(since),
                                            day__lt=timezone.localdate(until))


def _count(usage: MonthUsage, row: dict, purpose_labels: dict[str, str]) -> None:
    n, code = row["n"], row["action"]
    if row["flagged"]:
        usage.flagged_events += n
    if code in SEARCH_ACTIONS and row["outcome"] == Outcome.ALLOWED:
        if row["later_page"]:
            return  # audited as every page is, but the same search: counted once, on its first page
        if row["actor_type"] == ActorType.AGENCY:
            usage.outside_searches += n  # an outside agency's, counted apart from the department's own
            return
        usage.searches += n
        purpose = row["purpose"]
        label = purpose_labels.get(purpose, purpose) if purpose else "Administrative or audit query"
        usage.searches_by_purpose[label] = usage.searches_by_purpose.get(label, 0) + n
    elif code in SEARCH_REFUSAL_ACTIONS and row["outcome"] == Outcome.REFUSED:
        usage.refused_searches += n
    elif category_of(code) in ALERT_CATEGORIES and row["outcome"] == Outcome.ALLOWED:
        label = label_of(row["action"])
        usage.alert_events[label] = usage.alert_events.get(label, 0) + n


def _add_reads(by_month: dict, start, end) -> None:
    """Add the plates read of each month: those still kept, and those the purge has deleted since.
    Aggregate counts by month: no row, plate or image leaves the database."""
    kept = (PlateRead.system_objects.filter(plates_read(), captured_at__gte=start, captured_at__lt=end)
            .annotate(month=TruncMonth("captured_at")).values("month").annotate(n=Count("id")).order_by())
    purged = (_purged_counts(start, end).annotate(month=TruncMonth("day")).values("month")
              .annotate(n=Sum("reads")).order_by())
    for row in (*kept, *purged):
        month = row["month"]
        usage = by_month.get(month.date() if isinstance(month, datetime) else month)
        if usage:
            usage.reads += row["n"]


def _add_purged(by_month: dict, start, end) -> None:
    try:
        purge_run = apps.get_model("retention", "PurgeRun")
    except LookupError:
        return
    totals = defaultdict(int)
    for usage in by_month.values():
        usage.reads_purged = 0
    rows = (
        purge_run.objects.filter(started_at__gte=start, started_at__lt=end)
        .annotate(month=TruncMonth("started_at"))
        .values("month")
        .annotate(n=Sum("rows_deleted"))
        .order_by()
    )
    for row in rows:
        totals[row["month"].date()] += row["n"] or 0
    for first, n in totals.items():
        if first in by_month:
            by_month[first].reads_purged = n


def agencies_with_access() -> list[str]:
    """Names of partner agencies allowed to receive data; empty until the sharing app provides
    ``sharing.selectors.agencies_with_access()`` (a list of names)."""
    try:
        from sharing.selectors import agencies_with_access as from_sharing
    except ImportError:
        return []
    return sorted(str(name) for name in from_sharing())
