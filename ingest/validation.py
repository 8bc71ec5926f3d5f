"""Checks every upload passes before anything is stored (ING-3).

A photo must be a complete JPEG or PNG (magic bytes, Pillow's own format detection limited to those
two, a decode of the whole image, a JPEG's at 1/8 scale), no larger than the byte and pixel limits;
a capture time must carry its UTC offset and fall inside the retention window (no default partition
would take anything else), and not before the camera went into service (CAM-2).
"""
import base64
import binascii
import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from PIL import Image

from alpr.models import Camera
from core.compliance import enforces
from ingest.conf import setting
from ingest.errors import BadUpload, CapturedBeforeService, UploadTooLarge
from policy.models import retention_cutoff
from policy.selectors import current_policy

_MAGIC = {b"\xff\xd8\xff": ("JPEG", "jpg"), b"\x89PNG\r\n\x1a\n": ("PNG", "png")}
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    format: str  # "JPEG" or "PNG"
    extension: str
    width: int
    height: int


@enforces("ING-3")
def check_image(data: bytes, *, what: str = "photo") -> CheckedImage:
    """Return `data` as a checked image, or raise `BadUpload` / `UploadTooLarge` saying why."""
    if not data:
        raise BadUpload(f"The {what} is empty.", field=what)
    if len(data) > setting("INGEST_MAX_UPLOAD_BYTES"):
        raise UploadTooLarge(f"The {what} is larger than {setting('INGEST_MAX_UPLOAD_BYTES')} bytes.",
                             field=what)
    kind = next((kind for magic, kind in _MAGIC.items() if data.startswith(magic)), None)
    if kind is None:
        raise BadUpload(f"The {what} is not a JPEG or PNG image.", field=what)
    image_format, extension = kind
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            width, height = image.size
            _check_pixels(width, height, what)
            if image_format == "JPEG":
                _decode_jpeg_at_an_eighth(image)
            else:
                image.verify()  # the chunks' CRCs, which decoding does not check
        if image_format == "PNG":
            # verify() leaves the image unusable and decodes nothing: decode it fully.
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadUpload(f"The {what} has too many pixels.", field=what) from None
    except BadUpload:
        raise
    except Exception:  # Pillow raises many types for corrupt data; any of them means refuse.
        raise BadUpload(f"The {what} is truncated or corrupt and cannot be decoded.", field=what) from None
    return CheckedImage(data, image_format, extension, width, height)


def _decode_jpeg_at_an_eighth(image) -> None:
    """Decode the whole JPEG at 1/8 scale (libjpeg's scaled decode, Pillow's draft mode).

    libjpeg still reads every marker and entropy-decodes every scan, so a truncated or corrupt
    photo fails exactly as in a full decode (ingest/tests/test_validation.py compares the two on
    mangled photos), but only 1/64 of the pixels are made: a 1080p photo checks in a quarter of
    the time. Pillow's verify() checks nothing in a JPEG, so it is not called.
    """
    image.draft(None, (1, 1))  # at least 1x1 pixels: libjpeg's smallest scale, 1/8
    image.load()


def _check_pixels(width: int, height: int, what: str) -> None:
    if width < 1 or height < 1 or width * height > setting("INGEST_MAX_PIXELS"):
        raise BadUpload(f"The {what} has too many pixels ({width}x{height}).", field=what)


def decode_base64_image(text, *, what: str) -> CheckedImage:
    """Decode a base64 image field (standard alphabet) and check it.

    The padding may be missing: OpenALPR agents send ``vehicle_crop_jpeg`` without it (the recorded
    payload in ingest/tests/fixtures/). Anything else outside the alphabet is still refused.
    """
    if not isinstance(text, str) or not text:
        raise BadUpload(f"{what} must be a base64 string.", field=what)
    if len(text) > setting("INGEST_MAX_UPLOAD_BYTES") * 4 // 3 + 4:
        raise UploadTooLarge(f"{what} is too large.", field=what)
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise BadUpload(f"{what} is not valid base64.", field=what) from None
    return check_image(data, what=what)


def parse_captured_at(value, *, field: str = "captured_at", naive_is_utc: bool = False) -> datetime:
    """Parse an ISO 8601 capture time with an explicit offset; with `naive_is_utc`, one without an
    offset is UTC (Plate Recognizer's API says its ``timestamp`` is UTC, e.g. ``2019-08-19T13:11:25``)."""
    if not isinstance(value, str) or not value.strip():
        raise BadUpload("The capture time is required (ISO 8601 with a UTC offset).", field=field)
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise BadUpload("The capture time is not an ISO 8601 date and time.", field=field)
    if timezone.is_naive(moment) and naive_is_utc:
        return moment.replace(tzinfo=UTC)
    if timezone.is_naive(moment):
        raise BadUpload("The capture time needs a UTC offset, e.g. 2026-05-01T14:03:22-05:00.", field=field)
    return moment


def epoch_ms_to_datetime(value, *, field: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadUpload(f"{field} must be milliseconds since the epoch.", field=field)
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise BadUpload(f"{field} is out of range.", field=field) from None


@enforces("ING-3")
def check_capture_window(captured_at: datetime, *, field: str = "captured_at") -> None:
    """Refuse capture times in the future (beyond the clock-skew allowance) or older than retention."""
    now = timezone.now()
    if captured_at > now + timedelta(seconds=setting("INGEST_CLOCK_SKEW_SECONDS")):
        raise BadUpload("The capture time is in the future; check the camera's clock.", field=field)
    retention_days = _retention_days()
    if captured_at < retention_cutoff(retention_days, now):
        raise BadUpload(f"The capture time is older than the {retention_days}-day retention period.",
                        field=field)


@enforces("CAM-2")
def check_captured_in_service(captured_at: datetime, *, camera: Camera, field: str = "captured_at") -> None:
    """Refuse a capture time from before `camera` last went into service, beyond the clock-skew allowance:
    during its public notice, before its installation took effect, or while it was inactive, the camera
    was not allowed to collect. A camera put in service before that moment was recorded (alpr 0007)
    counts from the start of its installation day."""
    since = camera.in_service_since
    if since is None and camera.installed_on is not None:
        since = timezone.make_aware(datetime.combine(camera.installed_on, datetime.min.time()))
    if since is not None and captured_at < since - timedelta(seconds=setting("INGEST_CLOCK_SKEW_SECONDS")):
        raise CapturedBeforeService(
            f"The capture time is before this camera went into service "
            f"({timezone.localtime(since):%Y-%m-%d %H:%M %Z}): it was not allowed to collect then (CAM-2).",
            field=field)


_policy_cache: dict[str, tuple[float, int]] = {}
POLICY_CACHE_SECONDS = 30


def _retention_days() -> int:
    """The policy's retention period, re-read at most every 30 s (one query less per upload)."""
    now = time.monotonic()
    cached = _policy_cache.get("retention_days")
    if cached is None or now - cached[0] > POLICY_CACHE_SECONDS:
        cached = (now, current_policy().retention_days)
        _policy_cache["retention_days"] = cached
    return cached[1]


def parse_decimal(value, *, field: str, low: float, high: float) -> Decimal | None:
    """Parse an optional coordinate; None when absent."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise BadUpload(f"{field} is not a number.", field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise BadUpload(f"{field} must be between {low} and {high}.", field=field)
    return number.quantize(Decimal("0.000001"))


@enforces("ING-3", "USE-6")
def parse_position(latitude, longitude, *, fields: tuple[str, str] = ("latitude", "longitude")
                   ) -> tuple[Decimal | None, Decimal | None]:
    """Parse a device's optional position: both coordinates, or neither (None, None).

    Half a position is refused: a read with a latitude and no longitude is placed nowhere, and no
    canvass would ever find it (neither by its own position nor by its camera's). Exactly (0, 0) is a
    GPS without a fix, which reports zeros (the sea off West Africa, where no camera of ours stands): no
    position, so the read is placed by its camera.
    """
    lat_field, lon_field = fields
    lat = parse_decimal(latitude, field=lat_field, low=-90, high=90)
    lon = parse_decimal(longitude, field=lon_field, low=-180, high=180)
    if (lat is None) != (lon is None):
        sent, missing = (lat_field, lon_field) if lon is None else (lon_field, lat_field)
        raise BadUpload(f"{sent} was sent without {missing}: send both, or neither when the device has "
                        "no position.", field=missing)
    if lat == 0 and lon == 0:
        return None, None
    return lat, lon


def parse_heading(value, *, field: str = "heading") -> int | None:
    if value is None or value == "":
        return None
    try:
        heading = int(float(str(value)))
    except (ValueError, OverflowError):
        raise BadUpload("heading is not a number of degrees.", field=field) from None
    if not 0 <= heading < 360:
        raise BadUpload("heading must be between 0 and 359 degrees.", field=field)
    return heading


def parse_idempotency_key(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not IDEMPOTENCY_KEY.match(value):
        raise BadUpload("Idempotency-Key must be 1 to 128 printable ASCII characters.",
                        field="Idempotency-Key")
    return value


