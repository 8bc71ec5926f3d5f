"""Erroneous data (RET-5): flag a read, review the flag, correct or mark the read, notify agencies.

A confirmed misread with a corrected plate rewrites the read's plate (the old value is kept on the
flag, and in the audit log). Any other confirmed error marks the read erroneous (``ErroneousRead``):
searches and hotlist matching must leave it out, see ``retention.selectors.exclude_erroneous``.
Every agency the read was shared with (``ReadShare``, registered by the sharing code through
``read_share_register``) gets an ``ErroneousDataNotification``, which the sharing code delivers.
"""
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alpr import plates
from alpr.models import PlateRead
from alpr.signals import read_corrected
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound
from ingest.recognition import plate_is_plausible
from retention import audit_actions as actions
from retention.models import (
    ErroneousDataNotification,
    ErroneousFlag,
    ErroneousRead,
    ErrorKind,
    FlagStatus,
    ReadShare,
)
from retention.permissions import require_read_viewer, require_retention_manager


def _read(read_id: int) -> PlateRead:
    read = PlateRead.system_objects.filter(pk=read_id).first()
    if read is None:
        raise NotFound("No such read (it may have been purged).")
    return read


@enforces("RET-5")
def read_flag_erroneous(
    *, actor: Actor, read_id: int, kind: str, note: str, suggested_plate: str = "",
) -> ErroneousFlag:
    """Report read `read_id` as erroneous, for an administrator's review."""
    with refusals_recorded(actor=actor, action=actions.READ_FLAGGED, targets=[f"read:{read_id}"],
                           description=note):
        require_read_viewer(actor)
        if kind not in ErrorKind.values:
            raise ApplicationError("Choose what is wrong with the read.", field="kind")
        if not note.strip():
            raise ApplicationError("Describe the error.", field="note")
        if problem := plates.typed_plate_problem(suggested_plate or ""):
            raise ApplicationError(problem, field="suggested_plate")
        with transaction.atomic():
            read = _read(read_id)
            flag = ErroneousFlag.objects.create(
                read_id=read.pk, read_captured_at=read.captured_at, kind=kind, note=note.strip(),
                suggested_plate=plates.normalize_plate(suggested_plate), flagged_by=actor.user,
                plate_before=read.plate)
            audit_record(actor=actor, action=actions.READ_FLAGGED, description=flag.note,
                         targets=[f"read:{read.pk}", f"flag:{flag.pk}"], query={"kind": kind})
        return flag


def notice_text(flag: ErroneousFlag, read_id: int, *, read_purged: bool = False) -> str:
    """The message of the notice about read `read_id` that the confirmed `flag` owes an agency.

    Once the purge deleted the read (`read_purged`), the message names it by number only: no plate and
    no capture time of a read this department no longer keeps stays in it (RET-1, RET-3)."""
    if read_purged:
        what = ("its plate was misread and is corrected" if flag.plate_after
                else f"it is marked erroneous ({flag.get_kind_display().lower()})")
        return (f"Plate read {read_id}, which we shared with your agency, was confirmed erroneous on "
                f"{flag.reviewed_at:%Y-%m-%d}: {what}. We have since deleted it under our retention "
                "period. Correct or delete your copy.")
    if flag.plate_after:
        what = f"its plate was misread as {flag.plate_before} and is corrected to {flag.plate_after}"
    else:
        what = f"it is marked erroneous ({flag.get_kind_display().lower()}) and must not be relied on"
        if read_id != flag.read_id:  # the agency may not have the flagged read: no id of it
            what += ", as is every plate read from the same photo"
    return (f"Plate read {read_id} captured {flag.read_captured_at:%Y-%m-%d %H:%M} UTC, which we shared "
            f"with your agency, was confirmed erroneous on {flag.reviewed_at:%Y-%m-%d}: {what}. "
            "Correct or delete your copy.")


def without_plates(text: str, *plates_named: str) -> str:
    """`text` with each of `plates_named` taken out, however it was typed in it (case, spaces, dashes
    or dots between its characters): for a note about a read the purge deleted."""
    for plate in filter(None, plates_named):
        typed = r"[\s.\-]*".join(re.escape(char) for char in plate)
        text = re.sub(rf"(?<![A-Za-z0-9]){typed}(?![A-Za-z0-9])", "[plate]", text, flags=re.IGNORECASE)
    return text


def _notify_shared_agencies(flag: ErroneousFlag, read_ids: list[int]) -> list[ErroneousDataNotification]:
    """A notice to every agency that received one of ``read_ids`` (the reads the confirmed ``flag`` made
    erroneous), one per read and agency."""
    created = []
    for share in ReadShare.objects.filter(read_id__in=read_ids).order_by("read_id", "pk"):
        notice, new = ErroneousDataNotification.objects.get_or_create(
            flag=flag, read_id=share.read_id, agency_name=share.agency_name, agency_ori=share.agency_ori,
            defaults={"message": notice_text(flag, share.read_id)})
        if new:
            created.append(notice)
    return created


# Errors of the upload, not of one plate: the other plates of the same photo (issue 13) carry the same
# camera and time, so they are as wrong as the flagged read. A misread is one plate's own.
SHARED_BY_THE_PHOTO = (ErrorKind.WRONG_TIME, ErrorKind.WRONG_CAMERA)


def _same_photo(read: PlateRead) -> list[int]:
    """The ids of `read` and of every other read of its upload's photo (the upload's read and the reads
    of its further plates: one camera, one capture time, so one partition)."""
    upload_id = read.upload_read_id
    return sorted(PlateRead.system_objects.filter(camera_id=read.camera_id, captured_at=read.captured_at)
                  .filter(Q(pk=upload_id) | Q(source_read_id=upload_id)).values_list("pk", flat=True)
                  ) or [read.pk]


@enforces("RET-5")
def flag_review(
    *, actor: Actor, flag_id: int, confirm: bool, note: str, corrected_plate: str = "",
) -> ErroneousFlag:
    """Confirm or reject a flag (administrator); confirming corrects or marks the read, notifies agencies."""
    with refusals_recorded(actor=actor, action=actions.FLAG_REVIEWED, targets=[f"flag:{flag_id}"],
                           description=note):
        require_retention_manager(actor, "review erroneous-read flags")
        if problem := plates.typed_plate_problem(corrected_plate or ""):
            raise ApplicationError(problem, field="corrected_plate")
        corrected_plate = plates.normalize_plate(corrected_plate or "")
        if corrected_plate and not plate_is_plausible(corrected_plate):
            raise ApplicationError(f"{corrected_plate} is not a plate this system stores: a corrected plate "
                                   "is 4 to 8 letters and digits, and not a word such as NOREAD.",
                                   field="corrected_plate")
        with transaction.atomic():
            flag = ErroneousFlag.objects.select_for_update().filter(pk=flag_id).first()
            if flag is None:
                raise NotFound("No such flag.")
            if flag.status != FlagStatus.OPEN:
                raise ApplicationError("This flag was reviewed already.")
            if confirm and corrected_plate and flag.kind != ErrorKind.MISREAD:
                raise ApplicationError("Only a misread plate is corrected; other errors mark the read.",
                                       field="corrected_plate")
            flag.status = FlagStatus.CONFIRMED if confirm else FlagStatus.REJECTED
            flag.reviewed_by = actor.user
            flag.reviewed_at = timezone.now()
            flag.review_note = note.strip()
            notices, marked = [], []
            if confirm:
                read = _read(flag.read_id)
                flag.plate_before = read.plate
                if corrected_plate:
                    # The reader's other readings were of the misread: kept, they would still match
                    # (and list) the wrong plate. The old plate stays on the flag and in the audit log.
                    PlateRead.system_objects.filter(pk=read.pk, captured_at=read.captured_at).update(
                        plate=corrected_plate, candidates=[], updated_at=timezone.now())
                    flag.plate_after = corrected_plate
                    read_corrected.send(sender=PlateRead, read_id=read.pk, plate_before=read.plate,
                                        flag_id=flag.pk)
                else:
                    marked = _same_photo(read) if flag.kind in SHARED_BY_THE_PHOTO else [read.pk]
                    for read_id in marked:
                        ErroneousRead.objects.get_or_create(
                            read_id=read_id, defaults={"captured_at": read.captured_at, "flag": flag})
            flag.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "plate_before",
                                     "plate_after"])
            if confirm:
                notices = _notify_shared_agencies(flag, marked or [flag.read_id])
            audit_record(
                actor=actor, action=actions.FLAG_REVIEWED, description=flag.review_note,
                targets=[f"flag:{flag.pk}", f"read:{flag.read_id}",
                         *(f"read:{read_id}" for read_id in marked if read_id != flag.read_id),
                         *(f"notification:{notice.pk}" for notice in notices)],
                query={"decision": flag.status, "plate_before": flag.plate_before,
                       "plate_after": flag.plate_after, "agencies_notified": len(notices)})
        return flag


def read_share_register(
    *, actor: Actor, read_id: int, agency_name: str, agency_ori: str = "", reference: str = "",
) -> ReadShare:
    """Record that read `read_id` went to an agency, so a later confirmed error reaches it.

    The sharing code calls this for every read it releases. Idempotent per (read, agency). If the read
    is already confirmed erroneous, the agency's notification is created at once.
    """
    agency_name = agency_name.strip()
    if not agency_name:
        raise ApplicationError("Name the agency the read was shared with.", field="agency_name")
    with transaction.atomic():
        read = _read(read_id)
        share, created = ReadShare.objects.get_or_create(
            read_id=read.pk, agency_name=agency_name[:200], agency_ori=agency_ori.strip()[:16],
            defaults={"captured_at": read.captured_at, "reference": reference[:100]})
        if created:
            audit_record(actor=actor, action=actions.READ_SHARE_REGISTERED,
                         targets=[f"read:{read.pk}", f"agency:{agency_ori or agency_name}"],
                         description=reference)
            # The flags confirmed on this read, and one on another plate of its photo that marked it too.
            marked_by = ErroneousRead.objects.filter(read_id=read.pk).values("flag_id")
            for flag in ErroneousFlag.objects.filter(Q(read_id=read.pk) | Q(pk__in=marked_by),
                                                     status=FlagStatus.CONFIRMED):
                _notify_shared_agencies(flag, [read.pk])
        return share
