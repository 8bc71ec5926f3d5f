"""Reads about hotlists, imports and alert outcomes (for pages and for the oversight reports)."""
from django.db.models import Count, Q
from django.utils import timezone

from hotlists.models import Alert, AlertAction, Hotlist, HotlistEntry, ImportRun, VerificationOutcome

# Outcomes that mean the system alerted on the wrong vehicle (USE-8 false-positive rate). An entry
# that is no longer valid is the list's fault, not the reader's, and is counted on its own.
FALSE_POSITIVE_OUTCOMES = (VerificationOutcome.MISREAD, VerificationOutcome.WRONG_STATE,
                           VerificationOutcome.VEHICLE_MISMATCH)


def alert_outcome_counts(since, until) -> dict:
    """Count alerts raised in [since, until) by verification outcome and by action taken.

    Returns ``{"alerts", "verified", "unverified", "outcomes": {outcome: n}, "actions": {action: n},
    "hit_rate", "false_positive_rate"}``; the rates are shares of verified alerts (None when none).
    """
    alerts = Alert.objects.filter(created_at__gte=since, created_at__lt=until)
    by_outcome = dict(alerts.values_list("verification_outcome").annotate(n=Count("id")).order_by())
    by_action = dict(alerts.exclude(action="").values_list("action").annotate(n=Count("id")).order_by())
    outcomes = {outcome: by_outcome.get(outcome, 0) for outcome in VerificationOutcome.values}
    verified = sum(outcomes.values())
    false_positives = sum(outcomes[o] for o in FALSE_POSITIVE_OUTCOMES)
    return {
        "alerts": verified + by_outcome.get("", 0),
        "verified": verified,
        "unverified": by_outcome.get("", 0),
        "outcomes": outcomes,
        "actions": {action: by_action.get(action, 0) for action in AlertAction.values},
        "hit_rate": outcomes[VerificationOutcome.CONFIRMED] / verified if verified else None,
        "false_positive_rate": false_positives / verified if verified else None,
    }


def hotlists_with_counts():
    now = timezone.now()
    return Hotlist.objects.annotate(
        live=Count("entries", filter=Q(entries__active=True, entries__expires_at__gt=now)),
        total=Count("entries"),
    ).order_by("source", "name")


def hotlist_entries(*, hotlist_id: int | None = None, search: str = "", include_inactive: bool = False):
    entries = HotlistEntry.objects.select_related("hotlist", "created_by")
    if hotlist_id:
        entries = entries.filter(hotlist_id=hotlist_id)
    if not include_inactive:
        entries = entries.filter(active=True, expires_at__gt=timezone.now())
    term = search.strip().upper()
    if term:
        entries = entries.filter(Q(plate_pattern__contains=term) | Q(case_number__contains=term))
    return entries.order_by("-created_at", "-id")


def entry_get(entry_id: int) -> HotlistEntry | None:
    return HotlistEntry.objects.select_related("hotlist", "created_by").filter(pk=entry_id).first()


def import_runs(limit: int = 100):
    return ImportRun.objects.select_related("hotlist", "imported_by")[:limit]


def import_run_get(run_id: int) -> ImportRun | None:
    return ImportRun.objects.select_related("hotlist", "imported_by").filter(pk=run_id).first()
