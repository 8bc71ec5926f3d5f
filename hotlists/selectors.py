"""Reads about hotlists, imports and alert outcomes (for pages and for the oversight reports).

Hotlist entries are plate data: a person sees them only through ``hotlist_entries_list`` and
``entry_view``, which check the role and the training (ACC-5) and write one audit row naming every
entry shown (AUD-1), in the transaction that reads them. So are the rejected rows of an import (the
file's own text, plates included): an import's report opens through ``import_run_view``, the same way,
to the person who imported the file.
"""
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.selectors import ensure_alpr_access
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotYours, PolicyDenied
from hotlists import audit_actions as actions
from hotlists.models import Alert, AlertAction, Hotlist, HotlistEntry, ImportRun, VerificationOutcome
from policy.roles import Capability

ENTRY_READERS = (Capability.CREATE_HOTLIST, Capability.VERIFY_ALERTS)
LISTING_LIMIT = 200
SEARCH_MAX = 64
PURPOSE = "hotlist review"

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


def _require_entry_reader(actor: Actor, capabilities=ENTRY_READERS) -> None:
    user = actor.user
    if user is None or not any(user.can(capability) for capability in capabilities):
        raise PolicyDenied("Your role does not include hotlists.")
    ensure_alpr_access(user)


def _printable(text: str) -> str:
    """Printable characters only: a NUL can reach neither a query nor the audit row (PostgreSQL
    refuses it in text and in JSON)."""
    return "".join(ch for ch in text if ch.isprintable())


def _search_term(search: str) -> str:
    """The plate or case number to look for, upper case, at most SEARCH_MAX characters."""
    return _printable(search).strip().upper()[:SEARCH_MAX]


def _hotlist_id(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ApplicationError("There is no such list: choose one from the table of lists.", field="list")
    return int(raw)


@enforces("AUD-1", "ACC-5")
def hotlist_entries_list(*, actor: Actor, search: str = "", hotlist_id: str = "",
                         include_inactive: bool = False) -> list[HotlistEntry]:
    """Return the entries a person asked for (at most LISTING_LIMIT, newest first), audited.

    `search` and `hotlist_id` are the raw query-string values: a list id that is not a number is a
    clear error, characters a plate or case number cannot hold are dropped.
    """
    term = _search_term(search)
    query = {"q": term, "list": _printable(hotlist_id)[:32], "include_inactive": include_inactive}
    with refusals_recorded(actor=actor, action=actions.ENTRIES_LISTED, query=query):
        _require_entry_reader(actor)
        list_id = _hotlist_id(hotlist_id)
        entries = HotlistEntry.objects.select_related("hotlist", "created_by")
        if list_id:
            entries = entries.filter(hotlist_id=list_id)
        if not include_inactive:
            entries = entries.filter(active=True, expires_at__gt=timezone.now())
        if term:
            entries = entries.filter(Q(plate_pattern__contains=term) | Q(case_number__contains=term))
        with transaction.atomic():
            shown = list(entries.order_by("-created_at", "-id")[:LISTING_LIMIT])
            audit_record(actor=actor, action=actions.ENTRIES_LISTED, purpose=PURPOSE, query=query,
                         targets=[f"hotlist-entry:{entry.pk}" for entry in shown], result_count=len(shown))
        return shown


@enforces("AUD-1", "ACC-5")
def entry_view(*, actor: Actor, entry_id: int) -> HotlistEntry | None:
    """Return one entry for its edit page (editors only), audited; None if there is no such entry."""
    with refusals_recorded(actor=actor, action=actions.ENTRY_VIEWED, targets=[f"hotlist-entry:{entry_id}"]):
        _require_entry_reader(actor, (Capability.CREATE_HOTLIST,))
        with transaction.atomic():
            entry = HotlistEntry.objects.select_related("hotlist", "created_by").filter(pk=entry_id).first()
            if entry is not None:
                audit_record(actor=actor, action=actions.ENTRY_VIEWED, purpose=PURPOSE,
                             case_number=entry.case_number, targets=[f"hotlist-entry:{entry.pk}"])
        return entry


def import_runs(limit: int = 100):
    return ImportRun.objects.select_related("hotlist", "imported_by")[:limit]


def import_run_openable(user, run: ImportRun) -> bool:
    """Whether `user` may open `run`'s report: their own import, or the scheduled folder's (no person
    imported it; the department's lists are kept by every hotlist editor)."""
    return run.imported_by_id is None or run.imported_by_id == user.pk


@enforces("AUD-1", "ACC-5")
def import_run_view(*, actor: Actor, run_id: int) -> ImportRun:
    """Return an import's report, its rejected rows included, to whom may open it (hotlist editors with
    current training; see `import_run_openable`); audited with the rows shown. Another person's
    import, or none, is refused alike (audited)."""
    with refusals_recorded(actor=actor, action=actions.IMPORT_VIEWED, targets=[f"import:{run_id}"]):
        _require_entry_reader(actor, (Capability.CREATE_HOTLIST,))
        with transaction.atomic():
            run = ImportRun.objects.select_related("hotlist").filter(pk=run_id).first()
            if run is None or not import_run_openable(actor.user, run):
                raise NotYours("No such import, or its report is not yours to open: it shows the rows of "
                               "the file as they were imported.")
            hotlist = [f"hotlist:{run.hotlist_id}"] if run.hotlist_id else []
            audit_record(actor=actor, action=actions.IMPORT_VIEWED, purpose=PURPOSE,
                         targets=[f"import:{run.pk}", *hotlist], result_count=len(run.rejected_rows))
        return run
