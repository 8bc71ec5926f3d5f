"""Camera formats we accept unchanged: what an OpenALPR agent posts to its webhook (Plate Recognizer's
snapshot request is plain multipart, read in ingest/views.py).

An agent posts three kinds of document to one address, told apart by ``data_type``:

- ``alpr_group``: one vehicle's pass, its frames grouped (the best plate, candidates, crops, the state
  and its confidence, the vehicle's colour, make, model and body type): stored as a read, or as "no plate
  read" when the text is not plausibly a plate. The recorded payload of a real agent is in
  ingest/tests/fixtures/.
- ``heartbeat``: once a minute, the agent's health and its video streams: recorded as the camera's last
  contact (and the agent's version) when a stream is up; nothing else is kept.
- ``alpr_results``: the plates of one frame. Acknowledged, not stored: the group of the same pass is, and
  storing each frame too would keep the same vehicle several times over.
"""
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ingest.conf import setting
from ingest.errors import BadUpload
from ingest.services import EdgeReading
from ingest.validation import (
    CheckedImage,
    decode_base64_image,
    epoch_ms_to_datetime,
    parse_position,
)
from ingest.vehicle import openalpr_vehicle

OPENALPR_GROUP, OPENALPR_HEARTBEAT, OPENALPR_FRAME = "alpr_group", "heartbeat", "alpr_results"
OPENALPR_KINDS = (OPENALPR_GROUP, OPENALPR_HEARTBEAT, OPENALPR_FRAME)
AGENT_VERSION = re.compile(r"^[\x21-\x7e]{1,40}$")
# A group's read is idempotent on its uuid: the key is the prefix and the whole uuid, within the
# read's 128-character key (a cut key would make two groups one and drop the second).
IDEMPOTENCY_PREFIX = "openalpr:"
MAX_UUID_LENGTH = 128 - len(IDEMPOTENCY_PREFIX)
SNAPSHOT_PREFIX = "snapshot:"


def snapshot_idempotency_key(photo: CheckedImage) -> str:
    """A Plate Recognizer snapshot's idempotency key: its photo's SHA-256. Plate Recognizer's API has no
    key of its own, and its clients resend the same bytes when an answer times out; the same photo from
    the same camera within the idempotency window is that upload again, not another pass."""
    return SNAPSHOT_PREFIX + hashlib.sha256(photo.data).hexdigest()


@dataclass(frozen=True)
class OpenAlprHeartbeat:
    agent_version: str
    streaming: bool  # one of its video streams is up: an agent naming none says nothing of the camera


@dataclass(frozen=True)
class OpenAlprGroup:
    captured_at: datetime
    idempotency_key: str
    reading: EdgeReading
    vehicle: CheckedImage | None
    latitude: Decimal | None
    longitude: Decimal | None


def _confidence(value, field: str) -> float:
    """OpenALPR confidences are percentages."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise BadUpload(f"{field} must be a percentage between 0 and 100.", field=field)
    return round(float(value) / 100, 4)


def _state(region, group_country) -> str | None:
    """'us-ca' or 'ca' -> 'CA'; another country's region ('au-wa', 'mx-co', or a bare 'wa' from an
    agent whose ``country`` is 'au') is no US state: None."""
    if not isinstance(region, str) or not region:
        return None
    country, _, code = region.lower().rpartition("-")
    if not country and isinstance(group_country, str) and group_country.strip():
        country = group_country.strip().lower()
    if country not in ("", "us"):
        return None
    return code.upper() if code.isascii() and code.isalpha() and len(code) == 2 else None


COORDINATES_FIELD, REGION_FIELD = "best_plate.coordinates", "best_plate.vehicle_region"


def _frame_box(coordinates) -> tuple[int, int, int, int] | None:
    """The agent's plate corners as a box (x, y, w, h) in its full camera frame."""
    if not coordinates:
        return None
    # A point lies in a frame: 0 up to the longest side a photo within INGEST_MAX_PIXELS can have (a
    # box beyond it would not fit the database's integers, and would outline nothing).
    longest = setting("INGEST_MAX_PIXELS")
    try:
        xs = [int(point["x"]) for point in coordinates]
        ys = [int(point["y"]) for point in coordinates]
        # A single point, or a line, outlines no plate.
        if not all(0 <= value <= longest for value in (*xs, *ys)) or min(xs) == max(xs) or min(ys) == max(ys):
            raise ValueError
    except (TypeError, KeyError, ValueError, OverflowError):
        raise BadUpload(f"{COORDINATES_FIELD} must be a list of {{x, y}} corners that outline the plate.",
                        field=COORDINATES_FIELD) from None
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def _vehicle_region(region) -> tuple[int, int, int, int] | None:
    """``best_plate.vehicle_region``: the part of the frame that the vehicle crop shows."""
    if region is None:
        return None
    try:
        values = tuple(int(region[key]) for key in ("x", "y", "width", "height"))
        if min(values) < 0 or 0 in values[2:] or max(values) > setting("INGEST_MAX_PIXELS"):
            raise ValueError
    except (TypeError, KeyError, ValueError, OverflowError):
        raise BadUpload(f"{REGION_FIELD} must be the {{x, y, width, height}} of the frame that the vehicle "
                        "crop shows.", field=REGION_FIELD) from None
    return values


def _photo_box(best_plate: dict, photo: CheckedImage | None) -> list[int] | None:
    """The plate's box in the photo that is stored, ``vehicle_crop_jpeg``.

    The agent gives the plate's corners in its full camera frame, and the vehicle crop is
    ``best_plate.vehicle_region`` of that frame, scaled (the recorded agent's 834 x 493 region arrives as a
    224 x 132 JPEG), so the corners are moved and scaled into the crop; a group without a region gives
    them in the photo's own pixels. A box is kept within the photo; one mostly outside it outlines
    nothing there and is refused. Without a photo there is nothing to outline: no box.
    """
    box = _frame_box(best_plate.get("coordinates"))
    region = _vehicle_region(best_plate.get("vehicle_region"))
    if box is None or photo is None:
        return None
    x, y, w, h = box
    if region is not None:
        scale_x, scale_y = photo.width / region[2], photo.height / region[3]
        x, y, w, h = (x - region[0]) * scale_x, (y - region[1]) * scale_y, w * scale_x, h * scale_y
    left, top = max(0, round(x)), max(0, round(y))
    right, bottom = min(photo.width, round(x + w)), min(photo.height, round(y + h))
    if right <= left or bottom <= top or (right - left) * (bottom - top) < w * h / 2:
        raise BadUpload(f"{COORDINATES_FIELD} must outline the plate within the vehicle photo "
                        f"({photo.width} x {photo.height}).", field=COORDINATES_FIELD)
    return [left, top, right - left, bottom - top]


def openalpr_kind(document: dict) -> str:
    """The document's `data_type` (a group when absent, as the first agents sent); raise for others."""
    kind = document.get("data_type", OPENALPR_GROUP)
    if kind not in OPENALPR_KINDS:
        raise BadUpload(f"data_type must be one of {', '.join(OPENALPR_KINDS)}.", field="data_type")
    return kind


def parse_openalpr_heartbeat(heartbeat: dict) -> OpenAlprHeartbeat:
    """The agent's version (``agent_version``, or ``openalpr_version`` of older agents; may be absent)
    and whether any of its video streams is up (none when it lists none: the camera is not heard from)."""
    version = heartbeat.get("agent_version") or heartbeat.get("openalpr_version") or ""
    if version and not (isinstance(version, str) and AGENT_VERSION.match(version)):
        raise BadUpload("agent_version must be up to 40 printable characters.", field="agent_version")
    streams = heartbeat.get("video_streams", [])
    if not isinstance(streams, list) or not all(isinstance(stream, dict) for stream in streams):
        raise BadUpload("video_streams must be a list of objects.", field="video_streams")
    return OpenAlprHeartbeat(version, streaming=any(stream.get("is_streaming") is True for stream in streams))


def parse_openalpr_group(group: dict) -> OpenAlprGroup:
    """Check and convert an `alpr_group` document; raise `BadUpload` for anything malformed."""
    # Any text: one that is no plate ("7AB?123", another script, "") is stored as "no plate read"
    # with its photo, box and vehicle (services._apply_edge_reading).
    if not isinstance(group.get("best_plate_number"), str):
        raise BadUpload("best_plate_number is required.", field="best_plate_number")
    plate = group["best_plate_number"]
    uuid = group.get("best_uuid")
    # Printable: a NUL cannot be stored (PostgreSQL refuses it in text, which was a server error), and
    # no agent's uuid holds a control character.
    if not isinstance(uuid, str) or not 1 <= len(uuid) <= MAX_UUID_LENGTH or not uuid.isprintable():
        raise BadUpload(f"best_uuid is required, 1 to {MAX_UUID_LENGTH} printable characters (it makes a "
                        "resent group idempotent).", field="best_uuid")
    captured_at = epoch_ms_to_datetime(group.get("epoch_start"), field="epoch_start")
    best_plate = group.get("best_plate") or {}
    candidates = group.get("candidates") or []
    if not isinstance(best_plate, dict) or not isinstance(candidates, list):
        raise BadUpload("best_plate must be an object and candidates a list.", field="best_plate")
    parsed_candidates = []
    for index, candidate in enumerate(candidates[:20]):
        if not isinstance(candidate, dict) or not isinstance(candidate.get("plate"), str):
            raise BadUpload("Each candidate needs a plate and a confidence.", field=f"candidates[{index}]")
        score = _confidence(candidate.get("confidence"), f"candidates[{index}]")
        parsed_candidates.append({"text": candidate["plate"], "confidence": score})
    confidence = _confidence(group.get("best_confidence"), "best_confidence")
    state = _state(group.get("best_region"), group.get("country"))
    region_confidence = group.get("best_region_confidence")
    crop_b64 = best_plate.get("plate_crop_jpeg")
    vehicle_b64 = group.get("vehicle_crop_jpeg") or best_plate.get("vehicle_crop_jpeg")
    vehicle_photo = decode_base64_image(vehicle_b64, what="vehicle_crop_jpeg") if vehicle_b64 else None
    reading = EdgeReading(
        plate=plate,
        confidence=confidence,
        candidates=[{"text": plate, "confidence": confidence}, *parsed_candidates],
        state=state,
        state_confidence=(_confidence(region_confidence, "best_region_confidence")
                          if state and region_confidence is not None else None),
        box=_photo_box(best_plate, vehicle_photo),
        crop=decode_base64_image(crop_b64, what="best_plate.plate_crop_jpeg") if crop_b64 else None,
        vehicle=openalpr_vehicle(group.get("vehicle")),
    )
    latitude, longitude = parse_position(group.get("gps_latitude"), group.get("gps_longitude"),
                                         fields=("gps_latitude", "gps_longitude"))
    return OpenAlprGroup(
        captured_at=captured_at,
        idempotency_key=f"{IDEMPOTENCY_PREFIX}{uuid}",
        reading=reading,
        vehicle=vehicle_photo,
        latitude=latitude,
        longitude=longitude,
    )
