"""Evidence holds (RET-2): reads a case needs are exempt from the purge until the hold is released.

A hold covers specific reads and/or the reads of one plate in a past time window, every one recorded as
a ``HeldRead`` when the hold is placed: a read of the plate uploaded later is not held (a hold is not a
watch list), and a held read whose plate is later corrected stays held until the hold is released. Placing
a hold and purging a day take the same advisory lock (``RETENTION_LOCK``), so a hold placed while
the purge runs either lands before the purge looks at that day (and the reads are kept) or after the
day is gone (and placing it fails because the reads no longer exist). Nothing in between.
"""
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from alpr import plates
from alpr.models import PlateRead
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.dates import day_text
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.roles import Capability, who_may
from policy.selectors import current_policy
from retention import audit_actions as actions
from retention.models import EvidenceHold, HeldRead
from retention.permissions import (
    is_retention_manager,
    may_handle_evidence_now,
    require_evidence_handler,
    require_evidence_placer,
    retention_managers,
)
from retention.selectors import plate_window_reads

# Serialises hold placement with the purge of a day (see the module docstring).
RETENTION_LOCK = 0x52_45_54_4E  # "RETN"


def take_retention_lock() -> None:
    """Take the transaction-scoped lock shared by hold placement and the purge."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RETENTION_LOCK])


def _validate(case_number: str, reason: str, read_ids, plate: str, window_start, window_end) -> None:
    if not case_number.strip():
        raise ApplicationError("A hold needs a case number.", field="case_number")
    if not reason.strip():
        raise ApplicationError("Say why the reads must be kept.", field="reason")
    if not read_ids and not plate:
        raise ApplicationError("Choose the reads to hold, or a plate and a time window.", field="read_ids")
    if plate:
        if not window_start or not window_end or window_start >= window_end:
            raise ApplicationError("A plate hold needs a window whose start is before its end.",
                                   field="window_start")
        if window_end > timezone.now():
            raise ApplicationError("A hold keeps reads that exist: its window ends no later than now.",
                                   field="window_end")


@enforces("RET-2")
def hold_place(
    *, actor: Actor, case_number: str, reason: str, read_ids: list[int] = (), plate: str = "",
    window_start: datetime | None = None, window_end: datetime | None = None,
) -> EvidenceHold:
    """Place an evidence hold on specific reads and/or a plate's reads in a window; audited."""
    typed_plate, plate = plate or "", plates.normalize_plate(plate or "")
    ids = sorted({int(read_id) for read_id in read_ids})
    targets = [*(f"read:{read_id}" for read_id in ids[:100]), *([f"plate:{plate}"] if plate else [])]
    with refusals_recorded(actor=actor, action=actions.HOLD_PLACED, case_number=case_number[:64],
                           description=reason, targets=targets):
        require_evidence_placer(actor)
        if problem := plates.typed_plate_problem(typed_plate):
            raise ApplicationError(problem, field="plate")
        _validate(case_number, reason, ids, plate, window_start, window_end)
        with transaction.atomic():
            take_retention_lock()
            found = dict(PlateRead.system_objects.filter(pk__in=ids).values_list("pk", "captured_at"))
            missing = [read_id for read_id in ids if read_id not in found]
            if missing:
                raise NotFound(f"No such read (it may have been purged): {', '.join(map(str, missing))}.")
            # The plate's reads in the window now, under the lock the purge takes: those the hold keeps.
            in_window = dict(plate_window_reads(plate, window_start, window_end).values_list(
                "pk", "captured_at")) if plate else {}
            held = {**found, **in_window}
            hold = EvidenceHold.objects.create(
                case_number=case_number.strip()[:64], reason=reason.strip(), placed_by=actor.user,
                plate=plate, window_start=window_start if plate else None,
                window_end=window_end if plate else None)
            HeldRead.objects.bulk_create(
                HeldRead(hold=hold, read_id=read_id, captured_at=captured_at)
                for read_id, captured_at in sorted(held.items()))
            window = {"plate": plate, "from": window_start.isoformat(), "to": window_end.isoformat(),
                      "window_reads": len(in_window)} if plate else {}
            window_targets = [f"read:{read_id}" for read_id in sorted(set(in_window) - set(found))][:100]
            audit_record(actor=actor, action=actions.HOLD_PLACED, case_number=hold.case_number,
                         description=hold.reason, targets=[f"hold:{hold.pk}", *targets, *window_targets],
                         query=window, result_count=len(held))
        return hold


@enforces("RET-2")
def hold_release(*, actor: Actor, hold_id: int, reason: str) -> EvidenceHold:
    """Release a hold (its placer or an administrator); its reads return to normal retention."""
    with refusals_recorded(actor=actor, action=actions.HOLD_RELEASED, targets=[f"hold:{hold_id}"],
                           description=reason):
        # The placer's role and training are checked again: a placer moved to a role that handles no
        # evidence (or whose training lapsed) no longer decides what the purge may take.
        require_evidence_handler(actor)
        if not reason.strip():
            raise ApplicationError("Say why the hold is released.", field="reason")
        with transaction.atomic():
            hold = EvidenceHold.objects.select_for_update().filter(pk=hold_id).first()
            if hold is None:
                raise NotFound("No such hold.")
            user = actor.user
            is_placer = bool(user) and user.is_usable and user.pk == hold.placed_by_id
            if not is_placer and not is_retention_manager(user):
                raise PolicyDenied(f"Only the person who placed a hold, or "
                                   f"{who_may(Capability.MANAGE_RETENTION)}, may release it.")
            if hold.released_at is not None:
                raise ApplicationError("This hold was released already.")
            hold.released_at = timezone.now()
            hold.released_by = user
            hold.release_reason = reason.strip()
            hold.save(update_fields=["released_at", "released_by", "release_reason"])
            audit_record(actor=actor, action=actions.HOLD_RELEASED, case_number=hold.case_number,
                         description=hold.release_reason, targets=[f"hold:{hold.pk}"])
        return hold


def _reviewers(hold: EvidenceHold) -> list:
    """Who is reminded of `hold`: its placer while they may release it; once they no longer may (separated,
    suspended, moved to a role that handles no evidence, training lapsed), those who release any hold."""
    if may_handle_evidence_now(hold.placed_by):
        return [hold.placed_by]
    return list(retention_managers().order_by("pk"))


def hold_reviews_remind(*, actor: Actor, now: datetime | None = None) -> int:
    """Remind who may release each hold due for review (every policy ``hold_review_days``); return how
    many holds were reminded."""
    now = now or timezone.now()
    due_before = now - timedelta(days=current_policy().hold_review_days)
    reminded = 0
    due = EvidenceHold.objects.filter(released_at__isnull=True, placed_at__lte=due_before).select_related(
        "placed_by")
    for hold in due:
        if hold.last_reminded_at and hold.last_reminded_at > due_before:
            continue
        reviewers = _reviewers(hold)
        to_placer = reviewers == [hold.placed_by]
        with transaction.atomic():
            hold.last_reminded_at = now
            hold.save(update_fields=["last_reminded_at"])
            audit_record(actor=actor, action=actions.HOLD_REVIEW_REMINDED, case_number=hold.case_number,
                         targets=[f"hold:{hold.pk}", *(f"user:{user.pk}" for user in reviewers)],
                         reason="" if to_placer else "Its placer can no longer release it.")
            recipients = [user.email for user in reviewers if user.email]
            if recipients:
                transaction.on_commit(lambda h=hold, to=recipients, p=to_placer: _send_review_reminder(
                    h, to, to_placer=p))
        reminded += 1
    return reminded


def _send_review_reminder(hold: EvidenceHold, recipients: list[str], *, to_placer: bool) -> None:
    placer = hold.placed_by
    if to_placer:
        greeting, whose = placer.full_name, "you placed"
        action = "release it in the ALPR system if the case no longer needs the reads"
    else:
        greeting, whose = "To those who release evidence holds", f"{placer.full_name} placed"
        action = (f"{placer.full_name} can no longer release it; check with the case's investigators and "
                  "release it in the ALPR system if the case no longer needs the reads")
    send_mail(
        subject=f"Review evidence hold {hold.pk} (case {hold.case_number})",
        message=(
            f"{greeting},\n\nThe evidence hold {whose} on {day_text(hold.placed_at)} for case "
            f"{hold.case_number} keeps plate reads beyond the retention period. Review it: {action}.\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
