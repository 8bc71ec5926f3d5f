"""Matching every new read against the live hotlist entries, raising alerts (ING-2, RET-6, USE-5).

Internal process: it reads plate reads through ``hotlists.reads`` (``PlateRead.system_objects``,
allow-listed) and never returns them to a person; what a person sees of an
alert goes through ``hotlists.alerts``, audited.

Speed (≤ 5 ms a read with 300,000 live entries, see ``manage.py bench_hotlist_match``): one query,
two index-backed arms:

* exact and misread-tolerant: ``plate_folded = ANY(folded read plate and candidate readings)``, a
  partial b-tree index over the entries' plates with look-alike characters folded (O/0/D/Q, I/1/L,
  B/8, S/5, Z/2, G/6); a row whose plate equals the read's is exact, the others possible misreads;
* wildcard: a partial plate has a run of at least three known characters (its *anchor*, folded); a
  read can match it only if its folded plate contains the anchor, so the read's substrings (a few
  dozen) find the candidate entries through an index, and only those are tested with
  ``plate LIKE like_pattern`` on the plate and on its folded form.

Only entries that are active and not yet expired take part: an expired entry stops matching (RET-6).

The issuing state counts when both the entry and the read name one: a different state raises the alert
marked "state differs" for the officer to compare (USE-8), or none, as the policy's
``state_differs_alerts`` says. An entry's code that names no jurisdiction (``alpr.plates``; an NCIC
file's own code, say) is not compared: it must not make a hit "another state". A read without a plate
("no plate read") matches nothing.

A read is marked matched (``hotlist_matched_at``) only after its alerts are committed. A worker that
dies between storing a read and matching it leaves the read unmarked, and ``reads_match_missed``
(scheduled every minute) matches it later (ING-4).
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from alpr.models import ReadStatus
from alpr.plates import ISSUING_JURISDICTIONS
from audit.context import Actor
from audit.services import audit_record
from core.compliance import enforces
from hotlists import audit_actions as actions
from hotlists import patterns
from hotlists.models import Alert, HotlistEntry, MatchKind, VerificationOutcome
from hotlists.reads import read_for_matching, read_mark_matched, reads_unmatched
from policy.models import StateDiffers
from policy.selectors import current_policy
from retention.selectors import is_erroneous

logger = logging.getLogger(__name__)

MATCHING_ACTOR = Actor.system("hotlist matching")
CORRECTION_ACTOR = Actor.system("misread correction")
MAX_CANDIDATES = 3  # the recogniser's next-best readings also count as possible misreads
# The sweep leaves a read to its on-arrival matching (and that task's retries) for MISSED_GRACE, and
# gives up after the policy's ``alert_max_read_age_hours``: an alert that late is no longer a lead. For
# the same reason no read captured longer ago raises an alert, however it is matched (on arrival, by the
# sweep, after a correction): a camera's backlog of weeks-old photos would otherwise raise fresh alerts,
# opening their photo, plate and place to everyone who receives alerts with no justification (USE-1).
# Such a read stays searchable under one.
MISSED_GRACE = timedelta(minutes=2)

# An exact match is also a folded match, so one index probe on the folded plate finds both (told
# apart in Python); the two arms are disjoint (is_wildcard), hence UNION ALL.
_MATCH_SQL = """
SELECT id, is_wildcard, plate_exact, plate_pattern, state FROM hotlists_hotlistentry
 WHERE active AND NOT is_wildcard AND plate_folded = ANY(%(folded)s) AND expires_at > %(now)s
UNION ALL
SELECT id, is_wildcard, plate_exact, plate_pattern, state FROM hotlists_hotlistentry
 WHERE active AND is_wildcard AND wildcard_anchor = ANY(%(anchors)s) AND expires_at > %(now)s
   AND (%(plate)s LIKE like_pattern OR %(plate_folded)s LIKE like_folded)
"""


@dataclass(frozen=True)
class Match:
    entry_id: int
    kind: str
    state_differs: bool


def _kind(row, plate: str) -> str:
    _id, wildcard, exact, pattern, _state = row
    if wildcard:
        return MatchKind.WILDCARD if patterns.pattern_matches(pattern, plate) else MatchKind.MISREAD
    return MatchKind.EXACT if exact == plate else MatchKind.MISREAD


@enforces("ING-2", "RET-6", "USE-5")
def find_matches(plate: str, *, state: str | None = None, candidates=(), now=None) -> list[Match]:
    """Return the live entries that `plate` (or one of its candidate readings) matches, and how."""
    plate = patterns.normalise_plate(plate)
    if not plate:
        return []
    plates = [plate]
    for candidate in list(candidates)[:MAX_CANDIDATES]:
        text = patterns.normalise_plate(candidate.get("text") if isinstance(candidate, dict) else candidate)
        if text and text not in plates:
            plates.append(text)
    folded = sorted({patterns.fold(text) for text in plates})
    with connection.cursor() as cursor:
        cursor.execute(_MATCH_SQL, {"folded": folded, "plate": plate,
                                    "plate_folded": patterns.fold(plate),
                                    "anchors": patterns.substrings(patterns.fold(plate)),
                                    "now": now or timezone.now()})
        rows = cursor.fetchall()
    read_state = (state or "").upper()
    return [Match(entry_id=row[0], kind=_kind(row, plate),
                  state_differs=bool(read_state and row[4] in ISSUING_JURISDICTIONS and row[4] != read_state))
            for row in rows]


def _read_is_flagged_erroneous(read) -> bool:
    """RET-5: a read confirmed erroneous matches nothing (``retention.selectors``)."""
    return is_erroneous(read.pk)


@enforces("ING-2")
def read_match_hotlists(read_id: int) -> list[Alert]:
    """Check read `read_id` against every live entry and raise one alert per matching entry.

    Idempotent: an alert exists at most once per (read, entry), so a retried or repeated call adds
    nothing. Returns the alerts this call created.
    """
    read = read_for_matching(read_id)
    if read is None or read.status != ReadStatus.DONE or not read.plate:
        return []
    return _match_read(read)


@enforces("ING-2", "USE-1")
def _too_old_to_alert(read, now: datetime, *, cutoff: datetime | None = None) -> bool:
    """A read captured longer ago than the policy's ``alert_max_read_age_hours`` raises no alert: it is no
    longer a lead. `cutoff` is the policy's ``alert_read_cutoff`` when the caller has read it already (the
    sweep reads the policy once, not once per read)."""
    return read.captured_at < (cutoff or current_policy().alert_read_cutoff(now))


def _match_read(read, *, listed_by: datetime | None = None,
                read_cutoff: datetime | None = None) -> list[Alert]:
    """Raise the alerts of `read`, then mark it matched: after the alerts, so a crash in between
    leaves the read to the sweep, which adds only the alerts still missing. A read too old to be a lead
    (captured before `read_cutoff`, else the policy's) raises none, and is marked matched all the same."""
    now = timezone.now()
    if _read_is_flagged_erroneous(read):
        created = []
    elif _too_old_to_alert(read, now, cutoff=read_cutoff):
        logger.info("read %s was captured %s ago: too old to raise an alert", read.pk, now - read.captured_at)
        created = []
    else:
        created = _raise_alerts(read, listed_by=listed_by)
    read_mark_matched(read, at=timezone.now())
    return created


@enforces("ING-2", "USE-8")
def alerting_matches(matches: list[Match]) -> list[Match]:
    """The matches that raise an alert: all, or (policy ``state_differs_alerts``) those whose state
    does not differ from the entry's."""
    if any(match.state_differs for match in matches) and (
            current_policy().state_differs_alerts == StateDiffers.SUPPRESSED):
        kept = [match for match in matches if not match.state_differs]
        logger.info("%d match(es) of another state suppressed by the policy", len(matches) - len(kept))
        return kept
    return matches


def _raise_alerts(read, *, listed_by: datetime | None, plate_confirmed: bool = False) -> list[Alert]:
    """Raise an alert per live entry `read` matches and has none for yet; only entries created by
    `listed_by`, when given. A ``plate_confirmed`` by a person matches no entry as a possible misread."""
    now = timezone.now()
    found = find_matches(read.plate, state=read.state, candidates=read.candidates or (), now=now)
    if plate_confirmed:
        found = _not_misread_tolerant(found)
    matches = alerting_matches(found)
    already = set(Alert.objects.filter(read_id=read.pk).values_list("entry_id", flat=True))
    _record_suppressed(read, [m for m in found if m not in matches and m.entry_id not in already],
                       listed_by=listed_by)
    if not matches:
        return []
    entries = HotlistEntry.objects.in_bulk([m.entry_id for m in matches if m.entry_id not in already])
    created = []
    for match in matches:
        entry = entries.get(match.entry_id)
        if entry is None or (listed_by and entry.created_at > listed_by):
            continue
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    read_id=read.pk, read_captured_at=read.captured_at, camera_id=read.camera_id, entry=entry,
                    match_kind=match.kind, state_differs=match.state_differs, created_at=now)
                audit_record(actor=MATCHING_ACTOR, action=actions.READ_MATCHED, case_number=entry.case_number,
                             reason=entry.reason[:300],
                             targets=[f"read:{read.pk}", f"alert:{alert.pk}", f"hotlist-entry:{entry.pk}"],
                             description=f"{match.kind} match, hotlist {entry.hotlist_id}"
                                         + (", state differs" if match.state_differs else ""))
        except IntegrityError:  # a concurrent call raised it first
            continue
        created.append(alert)
    if created:
        logger.info("read %s raised %d alert(s)", read.pk, len(created))
    return created


def _record_suppressed(read, suppressed: list[Match], *, listed_by: datetime | None) -> None:
    """Audit each hit the policy kept from alerting (``state_differs_alerts``): the auditor can see
    which reads matched an entry of another state and raised nothing, and under which policy. Once per
    (read, entry) in the ordinary course (a read is matched once; only a worker lost mid-match makes the
    sweep look at it again, and then the row says so again)."""
    if not suppressed:
        return
    entries = HotlistEntry.objects.in_bulk([match.entry_id for match in suppressed])
    policy = current_policy()
    for match in suppressed:
        entry = entries.get(match.entry_id)
        if entry is None or (listed_by and entry.created_at > listed_by):
            continue
        targets = [f"read:{read.pk}", f"hotlist-entry:{entry.pk}"]
        audit_record(actor=MATCHING_ACTOR, action=actions.MATCH_SUPPRESSED, case_number=entry.case_number,
                     reason=entry.reason[:300], targets=targets,
                     query={"read_state": read.state, "entry_state": entry.state,
                            "policy_version": policy.pk},
                     description=f"{match.kind} match, hotlist {entry.hotlist_id}, state differs: no alert "
                                 f"(policy state_differs_alerts={policy.state_differs_alerts})")


@enforces("RET-5", "USE-8", "ING-2")
def alerts_after_correction(read_id: int, *, plate_before: str, flag_id: int) -> list[Alert]:
    """Undo what a confirmed misread set off, in the transaction that corrects the read's plate.

    An alert that the corrected plate no longer matches exactly or by wildcard (a plate a person read off
    the photo is no possible misread of another), unverified or confirmed with no action yet, was
    raised by the misread, never by the wanted vehicle: it is closed as a misread, so nobody stops a car
    on it (a confirmation made before the correction keeps its audit entry). The corrected plate then
    raises the alerts it would have raised on arrival (entries listed by then, as the sweep does), if the
    read is recent enough for an alert to be a lead (``alert_max_read_age_hours``). Returns the new alerts.
    """
    read = read_for_matching(read_id)
    if read is None or _read_is_flagged_erroneous(read):
        return []
    now = timezone.now()
    still_matched = {match.entry_id
                     for match in _not_misread_tolerant(find_matches(read.plate, state=read.state, now=now))}
    open_alerts = (Q(verification_outcome="")
                   | Q(verification_outcome=VerificationOutcome.CONFIRMED, action=""))
    stale = (Alert.objects.select_for_update(of=("self",)).select_related("entry", "verified_by")
             .filter(open_alerts, read_id=read.pk).exclude(entry_id__in=still_matched))
    for alert in stale:
        confirmer = alert.verified_by.full_name if alert.verified_by else "an officer"
        confirmed = (f" {confirmer} had confirmed it before the correction."
                     if alert.verification_outcome else "")
        alert.verification_outcome, alert.characters_match, alert.verified_at, alert.verified_by = (
            VerificationOutcome.MISREAD, False, now, None)
        # The alert's page is seen by everyone who receives alerts, its read closed to them: the note names
        # the flag, not the plates (the audit entry, withheld without an audit justification, names both).
        alert.verification_notes = (f"Closed by the system: its read was confirmed misread and its plate "
                                    f"corrected (flag {flag_id}); it no longer matches this entry."
                                    f"{confirmed}")
        alert.save(update_fields=["verification_outcome", "characters_match", "verified_at", "verified_by",
                                  "verification_notes"])
        audit_record(actor=CORRECTION_ACTOR, action=actions.ALERT_CLOSED_ON_CORRECTION,
                     case_number=alert.entry.case_number,
                     targets=[f"read:{read.pk}", f"alert:{alert.pk}", f"flag:{flag_id}"],
                     description=f"The read's plate {plate_before} was confirmed misread and corrected to "
                                 f"{read.plate} (flag {flag_id}).{confirmed}")
    if not read.plate or _too_old_to_alert(read, now):
        return []
    return _raise_alerts(read, listed_by=read.hotlist_matched_at or now, plate_confirmed=True)


def _not_misread_tolerant(matches: list[Match]) -> list[Match]:
    """The exact and wildcard matches: a plate a person has read off the photo is what it says, so
    an entry it matches only as a look-alike (``8BC1234`` for ``BBC1234``) is another vehicle."""
    return [match for match in matches if match.kind != MatchKind.MISREAD]


@dataclass(frozen=True)
class MissedMatches:
    reads: int
    alerts: int


@enforces("ING-2", "ING-4")
def reads_match_missed(*, now: datetime | None = None, limit: int = 500) -> MissedMatches:
    """Match the done reads whose matching never finished (a worker died after storing the read).

    Each read is matched against the entries listed when it arrived, never against entries added
    since: a late match must not become a search of stored reads for a new entry. Idempotent.
    """
    now = now or timezone.now()
    cutoff = current_policy().alert_read_cutoff(now)
    reads = reads_unmatched(done_after=cutoff, done_before=now - MISSED_GRACE, limit=limit)
    alerts = 0
    for read in reads:
        try:
            alerts += len(_match_read(read, listed_by=read.updated_at, read_cutoff=cutoff))
        except Exception:  # one read must not hold up the others; it stays unmarked for the next sweep
            logger.exception("matching missed read %s failed", read.pk)
    if reads:
        logger.warning("matched %d read(s) whose matching had not finished: %d alert(s)", len(reads), alerts)
    return MissedMatches(len(reads), alerts)
