"""Alerts reaching officers, and their verification before anyone acts on them (USE-8).

An alert shows ALPR data (the plate, the photo), so each look at it is audited with the purpose
"alert verification" and the hotlist entry's case number (AUD-1). The order of work is enforced here,
not in the page: an officer looks at the image, compares characters, issuing state and vehicle,
records the outcome; only a *confirmed* alert may then have an action recorded. An attempt to record
an action first is refused, audited and flagged; the database refuses it too (a check constraint).

The read of an alert (plate, photo, crop, where it was taken) shows on the alert's page only while the
alert is open in the inbox (``alert_open_condition``, as for the read's page in ``alpr.access``): once
closed, acted on or past the policy's ``alert_open_days``, the page shows the alert's own record and its
images are refused; the read then opens only under a justification, from a search.
"""
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import ensure_alpr_access
from alpr import storage
from audit.context import Actor
from audit.models import AuditEvent
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied
from hotlists import audit_actions as actions
from hotlists.models import (
    CONTACT_ACTIONS,
    Alert,
    AlertAction,
    RaceEthnicity,
    Sex,
    VerificationOutcome,
    alert_open_condition,
)
from hotlists.reads import AlertRead, reads_for_alerts
from policy.roles import Capability
from policy.selectors import current_policy
from retention.selectors import erroneous_read_ids

PURPOSE = "alert verification"
POLL_WINDOW = timedelta(minutes=10)  # a screen opened later sees older alerts in the inbox, not as pop-ups
POLL_LIMIT = 20
STABLE_AFTER = timedelta(seconds=5)
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
# Which comparison a negative outcome rests on: the officer must have recorded it as not matching.
NEGATIVE_OUTCOME_CHECK = {
    VerificationOutcome.MISREAD: "characters_match",
    VerificationOutcome.WRONG_STATE: "state_match",
    VerificationOutcome.VEHICLE_MISMATCH: "vehicle_match",
}


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    read: AlertRead | None  # None once the read has been purged, or while the alert is not open
    read_open: bool = True  # False: the alert is no longer open, so its read is not shown (``_open_ids``)


def require_alert_verifier(actor: Actor) -> None:
    """Officers, dispatchers, analysts and detectives with current training and LEADS certification."""
    if actor.user is None or not actor.user.can(Capability.VERIFY_ALERTS):
        raise PolicyDenied("Your role does not receive or verify hotlist alerts.")
    ensure_alpr_access(actor.user)


def _alert_targets(alert: Alert, *, read: bool = True) -> list[str]:
    """The audit targets of a look at `alert`; with `read`, its read too (not when the read was not shown:
    an entry naming a read opens it to the auditor, ``alpr.access``)."""
    if not read:
        return [f"alert:{alert.pk}", f"hotlist-entry:{alert.entry_id}"]
    return [f"alert:{alert.pk}", f"read:{alert.read_id}", f"hotlist-entry:{alert.entry_id}"]


def _view_targets(view: "AlertView") -> list[str]:
    return _alert_targets(view.alert, read=view.read_open)


def _load(alert_id: int, *, lock: bool = False) -> Alert:
    """Return a shown alert: one whose read was confirmed erroneous (RET-5) is gone from the inbox and the
    feed, and so from its page, images, verification and action too (as from ``alpr.access``'s read scope)."""
    alerts = _shown(Alert.objects.select_related("entry", "entry__hotlist", "camera", "verified_by",
                                                 "action_by"))
    if lock:
        alerts = alerts.select_for_update(of=("self",))
    alert = alerts.filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("No such alert (or its read was confirmed erroneous).")
    return alert


def _shown(alerts):
    """Leave out alerts of reads confirmed erroneous since (RET-5): they must not be acted on."""
    return alerts.exclude(read_id__in=erroneous_read_ids())


def _open_ids(alerts: list[Alert]) -> set[int]:
    """The ids of `alerts` open in the inbox (``alert_open_condition``, the policy's cutoff of now): only
    their reads show to those who receive alerts."""
    since = current_policy().alert_inbox_cutoff()
    return set(Alert.objects.filter(alert_open_condition(since=since), pk__in=[a.pk for a in alerts])
               .values_list("pk", flat=True))


def _is_open(alert: Alert) -> bool:
    return bool(_open_ids([alert]))


CLOSED_READ = ("This alert is no longer open (closed, acted on, or older than the inbox keeps alerts): its "
               "read opens only under a justification, from a search.")


def with_reads(alerts) -> list[AlertView]:
    """Each alert with its read, the read of an open alert only (``_open_ids``): the inbox's "all alerts"
    lists closed ones too, without their reads."""
    alerts = list(alerts)
    open_ids = _open_ids(alerts)
    reads = reads_for_alerts([(a.read_id, a.read_captured_at) for a in alerts if a.pk in open_ids])
    return [AlertView(alert, reads.get(alert.read_id), read_open=alert.pk in open_ids) for alert in alerts]


def _summary(view: AlertView) -> dict:
    alert, read = view.alert, view.read
    return {
        "id": alert.pk,
        "plate": read.plate if read else "",
        "state": read.state if read else "",
        "state_confidence": read.state_confidence if read and read.state else None,
        "entry_plate": alert.entry.plate_pattern,
        "entry_state": alert.entry.state,
        "state_differs": alert.state_differs,
        "reason": alert.entry.reason,
        "priority": alert.entry.get_priority_display(),
        "match": alert.get_match_kind_display(),
        "camera": alert.camera.name,
        "captured_at": timezone.localtime(alert.read_captured_at).strftime("%H:%M:%S"),
        "url": reverse("hotlists:alert_detail", args=[alert.pk]),
    }


def alerts_poll(*, actor: Actor, after_id: int) -> dict:
    """Return new unverified alerts (id above `after_id`, from the last minutes) for the live banner.

    Each delivery of alerts to a screen is one audit entry, written with the read of the alerts; an
    empty poll writes none. A refused poll (role, training) is recorded.
    """
    with refusals_recorded(actor=actor, action=actions.ALERTS_DELIVERED, query={"after": after_id}):
        require_alert_verifier(actor)
    now = timezone.now()
    unverified = _shown(Alert.objects.filter(verification_outcome=""))
    # Ids are taken before commit, so a lower id can become visible after a higher one: the screen
    # moves its mark only up to alerts older than a few seconds, and ignores repeats (alerts.js).
    stable = (Alert.objects.filter(created_at__lte=now - STABLE_AFTER).order_by("-id")
              .values_list("id", flat=True).first() or 0)
    fresh = (unverified.filter(pk__gt=after_id, created_at__gte=now - POLL_WINDOW)
             .select_related("entry", "camera").order_by("entry__priority", "id")[:POLL_LIMIT])
    with transaction.atomic():
        views = with_reads(fresh)
        if views:
            audit_record(actor=actor, action=actions.ALERTS_DELIVERED, purpose=PURPOSE,
                         targets=[t for view in views for t in _view_targets(view)],
                         result_count=len(views))
    return {"latest": max(after_id, stable), "unverified": unverified.count(),
            "alerts": [_summary(v) for v in views]}


def alert_list(*, actor: Actor, only_open: bool = True, days: int | None = None,
               limit: int = 100) -> list[AlertView]:
    """Return the inbox: the alerts of the last `days` (default: the policy's ``alert_open_days``), open
    ones or all, newest read first; one audit entry naming every alert, read and entry shown, written
    with the read of them."""
    days = current_policy().alert_open_days if days is None else days
    query = {"only_open": only_open, "days": days}
    with refusals_recorded(actor=actor, action=actions.ALERT_LIST_VIEWED, query=query):
        require_alert_verifier(actor)
    since = timezone.now() - timedelta(days=days)
    alerts = _shown(Alert.objects.filter(alert_open_condition(since=since) if only_open
                                         else Q(created_at__gte=since)))
    with transaction.atomic():
        # Newest read first: the inbox shows the read's time, and a camera's backlog raises alerts late.
        views = with_reads(alerts.select_related("entry", "camera", "verified_by")
                           .order_by("-read_captured_at", "-id")[:limit])
        audit_record(actor=actor, action=actions.ALERT_LIST_VIEWED, purpose=PURPOSE, result_count=len(views),
                     query=query, targets=[t for view in views for t in _view_targets(view)])
    return views


def alerts_waiting_counts() -> dict[str, int]:
    """Count the inbox's open alerts: ``to_verify`` (not verified yet) and ``to_act`` (confirmed, no
    action recorded). Numbers only, for the start page; the alerts open in the audited inbox."""
    recent = _shown(Alert.objects.filter(created_at__gte=current_policy().alert_inbox_cutoff()))
    return recent.aggregate(
        to_verify=Count("id", filter=Q(verification_outcome="")),
        to_act=Count("id", filter=Q(verification_outcome=VerificationOutcome.CONFIRMED, action="")))


def alert_get(*, actor: Actor, alert_id: int) -> AlertView:
    """Return one alert for its page; audited. With its read while the alert is open (``with_reads``);
    once not, the alert's own record alone (entry, outcome, action), and the audit entry names no read."""
    with (refusals_recorded(actor=actor, action=actions.ALERT_VIEWED, targets=[f"alert:{alert_id}"]),
          transaction.atomic()):
        require_alert_verifier(actor)
        alert = _load(alert_id)
        [view] = with_reads([alert])
        audit_record(actor=actor, action=actions.ALERT_VIEWED, purpose=PURPOSE,
                     case_number=alert.entry.case_number, targets=_view_targets(view),
                     description="" if view.read_open else "not open: its read not shown",
                     result_count=1 if view.read else 0)
    return view


def alert_image(*, actor: Actor, alert_id: int, kind: str) -> tuple[bytes, str]:
    """Return the read's plate crop or full photo and its content type, while the alert is open; each
    view audited, and so is a refusal (an alert no longer open: whether the image is kept or not)."""
    with (refusals_recorded(actor=actor, action=actions.ALERT_IMAGE_VIEWED, targets=[f"alert:{alert_id}"]),
          transaction.atomic()):
        require_alert_verifier(actor)
        if kind not in ("crop", "full"):
            raise NotFound("No such image.")
        alert = _load(alert_id)
        if not _is_open(alert):
            raise PolicyDenied(CLOSED_READ, code="alert_not_open")
        read = reads_for_alerts([(alert.read_id, alert.read_captured_at)]).get(alert.read_id)
        relative = (read.crop_path if kind == "crop" else read.image_path) if read else ""
        if not relative:
            raise NotFound("This image is no longer kept.")
        try:
            data = storage.read_bytes(relative)
        except (FileNotFoundError, ValueError):
            raise NotFound("This image is no longer kept.") from None
        audit_record(actor=actor, action=actions.ALERT_IMAGE_VIEWED, purpose=PURPOSE,
                     case_number=alert.entry.case_number, targets=_alert_targets(alert), description=kind,
                     result_count=1)
    return data, IMAGE_TYPES.get(PurePosixPath(relative).suffix.lower(), "application/octet-stream")


def _has_seen_image(actor: Actor, alert: Alert, *, kind: str) -> bool:
    """Whether the person opened the alert's image of `kind` ("full": the vehicle; "crop": the plate)."""
    return AuditEvent.objects.filter(action=actions.ALERT_IMAGE_VIEWED.code, actor_user=actor.user,
                                     outcome="allowed", description=kind,
                                     targets__contains=[f"alert:{alert.pk}"]).exists()


@enforces("USE-8")
def alert_verify(
    *, actor: Actor, alert_id: int, outcome: str, characters_match: bool | None, state_match: bool | None,
    vehicle_match: bool | None, records_check: str = "", notes: str = "",
) -> Alert:
    """Record the officer's comparison of the alert against the image, and its outcome (USE-8)."""
    with refusals_recorded(actor=actor, action=actions.ALERT_VERIFIED, targets=[f"alert:{alert_id}"],
                           purpose=PURPOSE):
        require_alert_verifier(actor)
        if outcome not in VerificationOutcome.values:
            raise ApplicationError("Choose the outcome of your verification.", field="outcome")
        with transaction.atomic():
            alert = _load(alert_id, lock=True)
            if alert.verification_outcome:
                by = alert.verified_by.full_name if alert.verified_by else "the system (read corrected)"
                raise ApplicationError(f"This alert was verified already by {by}.")
            read = reads_for_alerts([(alert.read_id, alert.read_captured_at)]).get(alert.read_id)
            if read is None and outcome == VerificationOutcome.CONFIRMED:
                raise ApplicationError("This alert's read is gone (past the retention period): there is "
                                       "nothing left to compare, so it cannot be confirmed.", field="outcome")
            if outcome == VerificationOutcome.CONFIRMED and not _is_open(alert):
                # Its read no longer opens from the alert, so it cannot be compared now; closing it is fine.
                raise ApplicationError("This alert has left the inbox unverified (older than the policy's "
                                       "alert_open_days): its read opens only under a justification, so it "
                                       "cannot be confirmed.", field="outcome")
            has_image = bool(read and (read.crop_path or read.image_path))
            # The vehicle is compared on the full photo; the plate crop alone shows only the plate.
            full = bool(read and read.image_path)
            kind, shown = ("full", "full image of the vehicle") if full else ("crop", "plate image")
            if has_image and not _has_seen_image(actor, alert, kind=kind):
                raise PolicyDenied(f"Compare the alert against the {shown} before verifying it.")
            if not has_image and outcome == VerificationOutcome.CONFIRMED and not records_check.strip():
                # Nothing to compare on screen (an edge read without photo): confirm only on a records check.
                raise ApplicationError("This read has no image: confirm only after a LEADS/NCIC check, and "
                                       "record it.", field="records_check")
            checks = {"characters_match": characters_match, "state_match": state_match,
                      "vehicle_match": vehicle_match}
            if outcome == VerificationOutcome.CONFIRMED:
                if not all(value is True for value in checks.values()):
                    raise ApplicationError("Confirm only after checking that the characters, the issuing "
                                           "state and the vehicle all match.", field="outcome")
                if not alert.entry.is_live(timezone.now()):
                    raise ApplicationError("The hotlist entry has expired or was withdrawn: record "
                                           "'Hotlist entry no longer valid'.", field="outcome")
            elif outcome in NEGATIVE_OUTCOME_CHECK and checks[NEGATIVE_OUTCOME_CHECK[outcome]] is not False:
                raise ApplicationError("That outcome contradicts your comparison above.", field="outcome")
            for name, value in checks.items():
                setattr(alert, name, value)
            alert.verification_outcome = outcome
            alert.records_check = records_check.strip()[:300]
            alert.verification_notes = notes.strip()
            alert.verified_by = actor.user
            alert.verified_at = timezone.now()
            alert.save()
            audit_record(actor=actor, action=actions.ALERT_VERIFIED, purpose=PURPOSE,
                         case_number=alert.entry.case_number, targets=_alert_targets(alert),
                         description=f"{outcome}; records check: {alert.records_check or 'none'}")
        return alert


@enforces("USE-8", "RPT-1")
def alert_record_action(*, actor: Actor, alert_id: int, action: str, notes: str = "",
                        subject_race: str = RaceEthnicity.NOT_RECORDED,
                        subject_sex: str = Sex.NOT_RECORDED) -> Alert:
    """Record what was done about a confirmed alert; refused (and flagged) before confirmation.

    With a stop, arrest, recovery or person located, the officer may record the perceived race or
    ethnicity and the sex of the person met, for the oversight report's disparate-impact figures
    (RPT-1); "not recorded" is always accepted.
    """
    with refusals_recorded(actor=actor, action=actions.ALERT_ACTION, targets=[f"alert:{alert_id}"],
                           purpose=PURPOSE):
        require_alert_verifier(actor)
        if action not in AlertAction.values:
            raise ApplicationError("Choose the action taken.", field="action")
        subject_race = subject_race or RaceEthnicity.NOT_RECORDED
        subject_sex = subject_sex or Sex.NOT_RECORDED
        if subject_race not in RaceEthnicity.values:
            raise ApplicationError("Choose a race or ethnicity from the list, or not recorded.",
                                   field="subject_race")
        if subject_sex not in Sex.values:
            raise ApplicationError("Choose a sex from the list, or not recorded.", field="subject_sex")
        if action not in CONTACT_ACTIONS and (subject_race != RaceEthnicity.NOT_RECORDED
                                              or subject_sex != Sex.NOT_RECORDED):
            raise ApplicationError("No one was met when no action was taken: leave race, ethnicity and sex "
                                   "as not recorded.", field="subject_race")
        with transaction.atomic():
            alert = _load(alert_id, lock=True)
            if alert.verification_outcome != VerificationOutcome.CONFIRMED and alert.verified_by is None \
                    and alert.verification_outcome:
                # Closed by the system on a misread correction, perhaps after this officer confirmed it:
                # not an attempt to act without verifying, so not flagged; the page says why.
                raise ApplicationError("This alert was closed by the system: its read was confirmed misread "
                                       "and corrected, so the vehicle is not the one wanted.")
            if alert.verification_outcome != VerificationOutcome.CONFIRMED:
                raise PolicyDenied("An alert can be acted on only after it is verified and confirmed.",
                                   flag_for_audit=True)
            if alert.action:
                raise ApplicationError("The action on this alert is recorded already.")
            alert.action = action
            alert.action_notes = notes.strip()
            alert.action_by = actor.user
            alert.action_at = timezone.now()
            alert.subject_race = subject_race
            alert.subject_sex = subject_sex
            alert.save(update_fields=["action", "action_notes", "action_by", "action_at", "subject_race",
                                      "subject_sex"])
            audit_record(actor=actor, action=actions.ALERT_ACTION, purpose=PURPOSE,
                         case_number=alert.entry.case_number, targets=_alert_targets(alert),
                         description=action, query={"subject_race": subject_race, "subject_sex": subject_sex})
        return alert
