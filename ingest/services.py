"""Accepting camera uploads durably and turning photos into plate reads (ING-1, ING-3, ING-4).

Accepted means durable: the photo is fsync'ed under its final name and the row is committed before
the caller hears "accepted"; recognition is queued only after the commit, with the read's id. If the
row cannot be committed the photo is removed, so no file outlives a failed upload. Recognition is
idempotent by read id and the sweeper (``reads_requeue_stuck``) picks up whatever a dead worker or a
down broker left behind.
"""
import io
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, partial

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from PIL import Image

from alpr import storage
from alpr.geo import haversine_m
from alpr.models import Camera, CameraKind, PlateRead, ReadSource, ReadStatus
from alpr.partitions import ensure_partitions, forget_known_partitions
from alpr.signals import send_read_stored
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from audit.services import audit_record
from core.compliance import enforces
from core.errors import NotFound
from ingest import audit_actions as actions
from ingest.auth import camera_actor
from ingest.broker import send_recognition
from ingest.conf import setting
from ingest.health import camera_upload_seen
from ingest.prepared import ensure_prepared
from ingest.recognition import (
    plate_is_plausible,
    plate_text,
    reading_is_plausible,
    recognize_photo,
    state_is_plausible,
)
from ingest.validation import CheckedImage
from ingest.vehicle import recognized_vehicle

logger = logging.getLogger(__name__)

CROP_MARGIN = 0.08
MAX_CANDIDATES = 10
# How far a camera that stays put (fixed, trailer) may report itself from its approved placement before
# it is taken to be somewhere else (CAM-2). A GPS on a pole wanders by tens of metres, more between tall
# buildings; a few hundred metres is beyond that error and about a city block. An engineering threshold,
# not policy: it decides only whether the report is flagged, never where a read is placed.
PLACEMENT_TOLERANCE_M = 300
# The cameras this process has flagged away from their placement, and on which local day: one audit
# entry a camera a day, however many of its uploads say so (the database is asked once a day a process).
_away_flagged: dict[int, date] = {}


@dataclass(frozen=True)
class Accepted:
    read: PlateRead
    created: bool


@dataclass
class EdgeReading:
    """A plate already read by the camera or its agent (OpenALPR): stored without OCR.

    A text that is not plausibly a plate (``reading_is_plausible``) is stored as "no plate read".
    """

    plate: str
    confidence: float | None
    candidates: list[dict] = field(default_factory=list)
    state: str | None = None
    box: list[int] | None = None
    crop: CheckedImage | None = None
    state_confidence: float | None = None
    vehicle: dict = field(default_factory=dict)


@enforces("ING-1", "ING-3", "ING-4")
def read_accept(
    *, camera: Camera, photo: CheckedImage | None, captured_at: datetime, idempotency_key: str | None = None,
    latitude: Decimal | None = None, longitude: Decimal | None = None, heading: int | None = None,
    source: str = ReadSource.UPLOAD, edge: EdgeReading | None = None, queue: bool = True,
) -> Accepted:
    """Store one checked upload durably and return its read; a repeated idempotency key returns the
    first read and stores nothing (the photo written meanwhile is removed: retries are rare, so the
    common path pays for one idempotency look-up, under the camera's lock).

    Without `edge`, the read waits for recognition, queued after commit when `queue` is true. With
    `edge` (a plate read on the camera), it is stored done and ``read_stored`` is sent after commit.

    The position a device sends (`latitude`, `longitude`) places the read only for a mobile camera. A
    fixed or trailer camera's read is placed where its approved placement was at capture (set by the
    database on insert, ``camera_latitude``); its device's position is only compared with that place,
    and a camera reporting itself beyond PLACEMENT_TOLERANCE_M is flagged for the auditor
    (``_compare_reported_place``), its read still accepted.
    """
    key = idempotency_key or uuid.uuid4().hex
    on_insert = None
    if latitude is not None and camera.kind != CameraKind.MOBILE:
        on_insert = partial(_compare_reported_place, camera, (latitude, longitude))
        latitude = longitude = None
    read = PlateRead(
        camera_id=camera.pk, captured_at=captured_at, idempotency_key=key, source=source,
        latitude=latitude, longitude=longitude, heading=heading,
    )
    read.received_at = read.updated_at = timezone.now()
    written = _write_images(read, photo, edge)
    try:
        duplicate = _insert(read, check_duplicate=bool(idempotency_key), edge=edge is not None, queue=queue,
                            on_insert=on_insert)
    except BaseException:
        storage.delete_quietly(*written)
        raise
    camera_upload_seen(camera.pk)
    if duplicate is not None:
        storage.delete_quietly(*written)
        return Accepted(duplicate, created=False)
    return Accepted(read, created=True)


def _insert(read: PlateRead, *, check_duplicate: bool, edge: bool, queue: bool,
            on_insert=None) -> PlateRead | None:
    """Insert `read` unless its idempotency key is taken; return the read that took it. `on_insert` is
    called with the inserted read in the insert's transaction."""
    day = storage.utc_day(read.captured_at)
    for attempt in (1, 2):
        ensure_partitions(day, day)
        try:
            with transaction.atomic():
                if check_duplicate and (duplicate := _locked_duplicate(read.camera_id, read.idempotency_key,
                                                                        read.captured_at)):
                    return duplicate
                _insert_row(read)
                if on_insert is not None:
                    on_insert(read)
                if edge:
                    transaction.on_commit(partial(send_read_stored, read.pk), robust=True)
                elif queue:
                    transaction.on_commit(partial(queue_recognition, read.pk), robust=True)
                return None
        except IntegrityError as error:
            # The process's partition cache was stale (a rolled-back creation): look again, once.
            if attempt == 2 or "no partition" not in str(error):
                raise
            read.pk = None
            forget_known_partitions()
    raise AssertionError("unreachable")


@cache
def _insert_sql() -> tuple[str, str, tuple]:
    """The INSERT, to prepare (its parameters take the columns' types), and the EXECUTE that runs it."""
    fields = tuple(field for field in PlateRead._meta.concrete_fields if not field.primary_key)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    parameters = ", ".join(f"${number}" for number in range(1, len(fields) + 1))
    insert = (f"INSERT INTO alpr_plateread ({columns}) VALUES ({parameters}) "
              "RETURNING id, camera_latitude, camera_longitude, camera_location")
    return insert, f"EXECUTE alpr_ingest_insert ({', '.join(['%s'] * len(fields))})", fields


def _insert_row(read: PlateRead) -> None:
    """INSERT the read, as ``save(force_insert=True)`` would, minus the ORM's per-call query building
    and PostgreSQL's planning (a prepared statement): this is the hottest statement of ingest. The read
    gets its id and the place its camera's placement gave it (set by the database on insert)."""
    insert, execute, fields = _insert_sql()
    params = [field.get_db_prep_save(field.pre_save(read, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        ensure_prepared(cursor, "alpr_ingest_insert", insert)
        cursor.execute(execute, params)
        read.pk, read.camera_latitude, read.camera_longitude, read.camera_location = cursor.fetchone()
    read._state.adding, read._state.db = False, connection.alias


@enforces("CAM-2")
def _compare_reported_place(camera: Camera, reported: tuple[Decimal, Decimal], read: PlateRead) -> None:
    """Flag, for the auditor, a fixed or trailer camera that reports itself beyond PLACEMENT_TOLERANCE_M
    from the placement approved for it at the read's capture: it may have been moved without the Chief's
    approval and the public notice (CAM-2). The read is accepted and placed at the approved placement
    either way. One flagged entry a camera a local day, written in the read's transaction."""
    if read.camera_latitude is None or read.camera_longitude is None:
        return  # no approved place to compare with
    distance = haversine_m(float(reported[0]), float(reported[1]),
                           float(read.camera_latitude), float(read.camera_longitude))
    today = timezone.localdate()
    if distance <= PLACEMENT_TOLERANCE_M or _away_flagged.get(camera.pk) == today:
        return
    with connection.cursor() as cursor:
        # The camera's uploads in other processes wait here, so the day's entry is written once.
        cursor.execute("SELECT id FROM alpr_camera WHERE id = %s FOR UPDATE", [camera.pk])
    target = f"camera:{camera.pk}"
    day_start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    if not AuditEvent.objects.filter(action=actions.CAMERA_AWAY_FROM_PLACEMENT.code,
                                     occurred_at__gte=day_start, targets__contains=[target]).exists():
        audit_record(
            actor=camera_actor(camera), action=actions.CAMERA_AWAY_FROM_PLACEMENT, flagged=True,
            targets=[target, f"read:{read.pk}"],
            description=(
                f"{camera.name} reports its position as {reported[0]}, {reported[1]}, {distance:,.0f} m from "
                f"its approved placement ({read.camera_latitude}, {read.camera_longitude}, "
                f"{read.camera_location or 'no description'}) for a photo captured "
                f"{timezone.localtime(read.captured_at):%Y-%m-%d %H:%M %Z}. Possibly moved without the "
                "Chief's approval and public notice (CAM-2). Its reads are accepted and placed at the "
                "approved placement; its further reports today are not recorded again."),
            query={"reported": [str(reported[0]), str(reported[1])],
                   "approved": [str(read.camera_latitude), str(read.camera_longitude)],
                   "distance_m": round(distance), "tolerance_m": PLACEMENT_TOLERANCE_M})
    transaction.on_commit(partial(_away_flagged.__setitem__, camera.pk, today))


def _locked_duplicate(camera_id: int, idempotency_key: str, captured_at: datetime) -> PlateRead | None:
    """Lock the camera's row, then look for a read with this key (the database cannot enforce the
    key's uniqueness alone across partitions). Raw SQL: two statements on every upload's hot path,
    sent in one message (one round trip less: ~0.1 ms of CPU here and ~0.05 ms in PostgreSQL).

    Only reads captured within INGEST_IDEMPOTENCY_WINDOW_SECONDS of this one are looked at, so the
    look-up opens the one or two day partitions of that window, not every day of the retention period
    (PostgreSQL prunes the others when it executes the prepared statement)."""
    window = timedelta(seconds=setting("INGEST_IDEMPOTENCY_WINDOW_SECONDS"))
    with connection.cursor() as cursor:
        # Prepared once per connection: planning over ~30 day partitions costs more than running it.
        # Only an upload's own read (the further plates of its photo carry keys of their own), and only
        # captures within the idempotency window: the partitions a retry can be in.
        ensure_prepared(cursor, "alpr_ingest_upload_duplicate",
                        "SELECT id FROM alpr_plateread WHERE camera_id = $1 AND idempotency_key = $2 "
                        "AND source_read_id IS NULL AND captured_at BETWEEN $3 AND $4 LIMIT 1",
                        types=("bigint", "text", "timestamptz", "timestamptz"))
        # The lock serialises one camera's uploads, so two deliveries of one upload cannot both insert.
        # The look-up is a separate statement (not a subquery, not a CTE): each statement of a message
        # takes its own snapshot, so it sees whatever was committed while the lock was awaited
        # (test_a_retry_racing_the_first_delivery_is_stored_once). Two statements with parameters in one
        # message need client-side binding, Django's default with psycopg.
        cursor.execute("SELECT id FROM alpr_camera WHERE id = %s FOR UPDATE; "
                       "EXECUTE alpr_ingest_upload_duplicate (%s, %s, %s, %s)",
                       [camera_id, camera_id, idempotency_key, captured_at - window, captured_at + window])
        cursor.nextset()
        row = cursor.fetchone()
    return PlateRead.system_objects.get(pk=row[0]) if row else None


def _write_images(read: PlateRead, photo: CheckedImage | None, edge: EdgeReading | None) -> list[str]:
    written: list[str] = []
    try:
        if photo is not None:
            read.image_path = storage.write_durably(
                storage.read_image_name(read.captured_at, read.uuid, "full", photo.extension), photo.data)
            written.append(read.image_path)
        if edge is not None:
            _apply_edge_reading(read, edge)
            if edge.crop is not None:
                read.crop_path = storage.write_durably(
                    storage.read_image_name(read.captured_at, read.uuid, "crop", edge.crop.extension),
                    edge.crop.data)
                written.append(read.crop_path)
    except BaseException:
        storage.delete_quietly(*written)
        raise
    return written


@enforces("ING-1")
def _apply_edge_reading(read: PlateRead, edge: EdgeReading) -> None:
    """Store what the camera read; a text that is not plausibly a plate is "no plate read" (issue 13):
    the read keeps its photo, box, crop and vehicle, but no plate, state or candidate to search or match."""
    plate = plate_text(edge.plate)
    if edge.box:
        read.box_x, read.box_y, read.box_w, read.box_h = edge.box
    read.vehicle = dict(edge.vehicle or {})
    read.status = ReadStatus.DONE
    state, state_confidence = _plausible_state(edge.state, edge.state_confidence)
    if reading_is_plausible(plate, edge.confidence, state is not None):
        read.plate, read.confidence = plate, edge.confidence
        read.candidates = _clean_candidates(edge.candidates)
        read.state, read.state_confidence = state, state_confidence


def _plausible_state(state, confidence) -> tuple[str | None, float | None]:
    """(state, confidence) to store: a US state told with enough confidence, else unknown (None, None).
    A region that is no US state, one the reader was unsure of, or one told without any confidence
    must not mark or suppress a hotlist hit as "state differs"."""
    state = state.strip().upper() if isinstance(state, str) else None
    confidence = _unit(confidence)
    if confidence is None or not state_is_plausible(state, confidence):
        return None, None
    return state, confidence


def _unit(value) -> float | None:
    """A confidence as stored: 0–1 rounded, or None when it is not a number in that range."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return None
    return round(float(value), 4)


def _clean_candidates(candidates: list[dict]) -> list[dict]:
    """Normalised, deduplicated candidate readings, best first; those not plausibly a plate are left
    out, so a reading scored 0.004 never reaches a page, a search or the matching as a plate."""
    cleaned, seen = [], set()
    for candidate in candidates:
        text = plate_text(candidate.get("text"))
        confidence = round(float(candidate.get("confidence") or 0.0), 4)
        if text and text not in seen and plate_is_plausible(text, confidence):
            seen.add(text)
            cleaned.append({"text": text, "confidence": confidence})
    return cleaned[:MAX_CANDIDATES]


def queue_recognition(read_id: int) -> bool:
    """Queue recognition of a committed read; return False (and log) if the broker is unreachable.

    Never raises: the read is already accepted, and the sweeper queues it again later. The broker
    is tried once, briefly (`ingest.broker`): an upload must not wait on a dead broker.
    """
    try:
        send_recognition(read_id)
    except Exception as error:
        logger.warning("could not queue recognition of read %s (the sweeper will): %s", read_id, error)
        return False
    return True


def camera_read_status(*, camera: Camera, read_id: int) -> str:
    """Return the processing status of one of `camera`'s own uploads, and nothing of what was read: the
    status column alone is loaded, so no plate can slip into a camera's receipt (ingest/views.py). The
    further plates found in an upload's photo are not uploads: a camera asking for one learns nothing,
    not even that its photo showed more than one plate."""
    status = PlateRead.system_objects.filter(pk=read_id, camera_id=camera.pk, source_read_id__isnull=True
                                             ).values_list("status", flat=True).first()
    if status is None:
        raise NotFound("This camera has no read with that id.")
    return status


# --- Recognition ---------------------------------------------------------------------------------

def _locked_read(read_id: int) -> PlateRead | None:
    return PlateRead.system_objects.select_for_update().filter(pk=read_id).first()


@enforces("ING-1")
def read_recognize(*, read_id: int) -> list[dict] | None:
    """Recognise the plates in a received read and store them; return the plates stored, best first.

    The read takes the first plate; each further plate of the photo becomes a read of its own
    (``source_read_id`` = this read, the same photo, its own box and crop), so every plate found is
    searched and matched. Texts that are not plausibly plates are dropped; a photo without one is
    stored as "no plate read".

    Idempotent: a read already done (or failed) is left alone and None is returned; the further
    plates' reads are written in the transaction that marks it done, so they exist once. Two
    deliveries racing on one read may both run the recognizer, but only the first stores a result.
    """
    read = _start_processing(read_id)
    if read is None:
        return None
    started = time.perf_counter()
    try:
        photo = storage.read_bytes(read.image_path)
        plates = plausible_plates(recognize_photo(photo))
        crops = [plate_crop_jpeg(photo, plate["box"]) if plate.get("box") else None for plate in plates]
    except Exception as error:
        logger.exception("recognition of read %s failed", read_id)
        _record_failure(read_id, f"{type(error).__name__}: {error}")
        return None
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    stored = _store_result(read_id, plates, crops, elapsed_ms)
    return plates if stored else None


@enforces("ING-1")
def plausible_plates(plates: list[dict]) -> list[dict]:
    """The recognizer's plates whose text may be a plate (``reading_is_plausible``), in its order; a text
    found twice is one plate seen twice (one vehicle cannot be two reads of the same photo), kept once."""
    kept, seen = [], set()
    for plate in plates:
        text, confidence = plate_text(plate.get("text")), _unit(plate.get("confidence"))
        state, _ = _plausible_state(plate.get("state"), plate.get("state_confidence"))
        # A confidence that is not a number in 0–1 (NaN, 5.0, missing) is no reading, not "confidence
        # not told": it would pass the plausibility check and be stored as the read's confidence.
        plausible = confidence is not None and reading_is_plausible(text, confidence, state is not None)
        if text not in seen and plausible:
            seen.add(text)
            kept.append(plate)
    return kept


def _start_processing(read_id: int) -> PlateRead | None:
    with transaction.atomic():
        read = _locked_read(read_id)
        if read is None:
            logger.warning("read %s does not exist (purged?); nothing to recognise", read_id)
            return None
        if read.status in (ReadStatus.DONE, ReadStatus.FAILED):
            return None
        if read.attempts >= setting("INGEST_MAX_ATTEMPTS"):
            _give_up(read, read.last_error or "too many attempts")
            return None
        read.status, read.attempts, read.updated_at = ReadStatus.PROCESSING, read.attempts + 1, timezone.now()
        read.save(update_fields=["status", "attempts", "updated_at"])
        return read


def _store_result(read_id: int, plates: list[dict], crops: list[bytes | None], elapsed_ms: int) -> bool:
    written: list[str] = []
    try:
        with transaction.atomic():
            read = _locked_read(read_id)
            if read is None or read.status in (ReadStatus.DONE, ReadStatus.FAILED):
                return False
            if plates:
                _apply_plate(read, plates[0])
                read.crop_path = _write_crop(read, crops[0], written)
            read.status, read.processing_ms, read.last_error = ReadStatus.DONE, elapsed_ms, ""
            read.updated_at = timezone.now()
            read.save(update_fields=["plate", "confidence", "candidates", "state", "state_confidence",
                                     "vehicle", "box_x", "box_y", "box_w", "box_h", "crop_path", "status",
                                     "processing_ms", "last_error", "updated_at"])
            transaction.on_commit(partial(send_read_stored, read.pk), robust=True)
            for number, (plate, crop) in enumerate(zip(plates[1:], crops[1:], strict=True), start=2):
                sibling = _sibling_read(read, number)
                _apply_plate(sibling, plate)
                sibling.crop_path = _write_crop(sibling, crop, written)
                _insert_row(sibling)
                transaction.on_commit(partial(send_read_stored, sibling.pk), robust=True)
    except BaseException:
        storage.delete_quietly(*written)
        raise
    return True


def _apply_plate(read: PlateRead, plate: dict) -> None:
    """Set what the recognizer read of one plate on `read`: text, confidence, candidates, state, box."""
    read.plate = plate_text(plate["text"])
    read.confidence = _unit(plate["confidence"])
    read.candidates = _clean_candidates(plate.get("candidates") or [plate])
    read.state, read.state_confidence = _plausible_state(plate.get("state"), plate.get("state_confidence"))
    read.vehicle = recognized_vehicle(plate)
    if plate.get("box"):
        read.box_x, read.box_y, read.box_w, read.box_h = (int(v) for v in plate["box"])


def _write_crop(read: PlateRead, crop: bytes | None, written: list[str]) -> str:
    """Write the plate crop under the read's own name; return its path ('' without a crop)."""
    if crop is None:
        return ""
    reference = storage.write_durably(storage.read_image_name(read.captured_at, read.uuid, "crop"), crop)
    written.append(reference)
    return reference


def _sibling_read(read: PlateRead, number: int) -> PlateRead:
    """A read for the `number`-th plate of `read`'s photo: the same upload (camera, time, place, photo),
    done, pointing at `read`. Its key names the upload's read, so it never answers an upload's retry
    (``_locked_duplicate`` looks only at uploads' own reads)."""
    sibling = PlateRead(
        camera_id=read.camera_id, captured_at=read.captured_at, received_at=read.received_at,
        idempotency_key=f"plate-{number}:{read.uuid}", source=read.source, latitude=read.latitude,
        longitude=read.longitude, heading=read.heading, origin_agency=read.origin_agency,
        image_path=read.image_path, source_read_id=read.pk, status=ReadStatus.DONE, attempts=read.attempts,
        processing_ms=read.processing_ms,
    )
    sibling.updated_at = read.updated_at
    return sibling


def _record_failure(read_id: int, error: str) -> None:
    with transaction.atomic():
        read = _locked_read(read_id)
        if read is None or read.status != ReadStatus.PROCESSING:
            return
        if read.attempts >= setting("INGEST_MAX_ATTEMPTS"):
            _give_up(read, error)
            return
        # Back to the queue's care: the sweeper retries it after its delay.
        read.status, read.last_error, read.updated_at = ReadStatus.RECEIVED, error[:2000], timezone.now()
        read.save(update_fields=["status", "last_error", "updated_at"])


def _give_up(read: PlateRead, error: str) -> None:
    read.status, read.last_error, read.updated_at = ReadStatus.FAILED, error[:2000], timezone.now()
    read.save(update_fields=["status", "last_error", "updated_at"])
    audit_record(actor=Actor.system("ingest"), action=actions.READ_RECOGNITION_FAILED,
                 outcome=Outcome.FAILED, targets=[f"read:{read.pk}"], reason=read.last_error,
                 description=f"after {read.attempts} attempts")


def plate_crop_jpeg(photo: bytes, box) -> bytes | None:
    """Cut the plate (with a small margin) out of the photo, as a JPEG: the crop recognition stores, and
    the one the demo sends with a photo it had recognised before (demo/photos.py)."""
    x, y, w, h = (int(v) for v in box)
    with Image.open(io.BytesIO(photo)) as image:
        margin_x, margin_y = round(w * CROP_MARGIN), round(h * CROP_MARGIN)
        left, top = max(0, x - margin_x), max(0, y - margin_y)
        right, bottom = min(image.width, x + w + margin_x), min(image.height, y + h + margin_y)
        if right <= left or bottom <= top:
            return None
        crop = image.crop((left, top, right, bottom)).convert("RGB")
    out = io.BytesIO()
    crop.save(out, format="JPEG", quality=90)
    return out.getvalue()


# --- The sweeper ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepResult:
    requeued: int
    failed: int


@enforces("ING-4")
def reads_requeue_stuck(*, older_than: timedelta | None = None, limit: int = 1000) -> SweepResult:
    """Queue again reads left unfinished for `older_than`; give up on those out of attempts (ING-4).

    Unfinished means received (its task was never queued, or lost) or processing (its worker died).
    """
    if older_than is None:
        older_than = timedelta(minutes=setting("INGEST_STUCK_AFTER_MINUTES"))
    cutoff = timezone.now() - older_than
    requeued = failed = 0
    with transaction.atomic():
        stuck = list(
            PlateRead.system_objects.select_for_update(skip_locked=True)
            .filter(status__in=[ReadStatus.RECEIVED, ReadStatus.PROCESSING], updated_at__lte=cutoff)
            .order_by("updated_at")[:limit]
        )
        for read in stuck:
            if read.attempts >= setting("INGEST_MAX_ATTEMPTS"):
                _give_up(read, read.last_error or "worker lost too many times")
                failed += 1
                continue
            read.status, read.updated_at = ReadStatus.RECEIVED, timezone.now()
            read.save(update_fields=["status", "updated_at"])
            transaction.on_commit(partial(queue_recognition, read.pk), robust=True)
            requeued += 1
    if requeued or failed:
        logger.info("sweeper: %s reads requeued, %s given up", requeued, failed)
    return SweepResult(requeued, failed)


def read_partitions_prepare(*, days_ahead: int = 2) -> list:
    """Create today's and the next days' partitions ahead of the uploads that need them."""
    today = storage.utc_day(timezone.now())
    return ensure_partitions(today, today + timedelta(days=days_ahead))
