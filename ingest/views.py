"""Camera endpoints (namespace ``camera_api``): cameras authenticate with their own keys, never users.

Plain Django views rather than DRF: these are machine endpoints on the hot path (200 uploads a
second on two cores), and they return nothing but a camera's own upload receipts. Every refusal is a
JSON body ``{"error": code, "detail": message[, "field": name]}`` and stores nothing.

A receipt says that an upload was accepted and how far its processing has got, never what was read:
no plate, state, candidates, confidence, box or crop, not even of the photo just sent. A camera is a
device, not a person with a purpose and a case number: plate text goes only to a person's justified,
audited request (USE-1, AUD-1), and a copied camera key must not turn the endpoints into a plate
reader or a way to read back what a camera saw.
"""
import logging
import time
from functools import wraps

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from alpr.models import ReadSource
from core.errors import ApplicationError
from core.strict_json import strict_loads
from ingest import services
from ingest.auth import (
    address_upload_record,
    authenticate_camera,
    authenticate_camera_or_address,
    check_capture,
)
from ingest.conf import setting
from ingest.errors import BadUpload, UploadTooLarge, error_response
from ingest.formats import (
    OPENALPR_FRAME,
    OPENALPR_HEARTBEAT,
    openalpr_kind,
    parse_openalpr_group,
    parse_openalpr_heartbeat,
    snapshot_idempotency_key,
)
from ingest.health import camera_heartbeat_seen, camera_upload_seen
from ingest.ratelimit import check_camera_rate
from ingest.validation import (
    check_image,
    decode_base64_image,
    parse_captured_at,
    parse_heading,
    parse_idempotency_key,
    parse_position,
)

logger = logging.getLogger(__name__)
# Room for multipart boundaries and form fields around the photo itself.
BODY_OVERHEAD = 64 * 1024


class _PhotoInMemory(MemoryFileUploadHandler):
    """Keep an uploaded photo in memory whatever its size (Django spills files over 2.5 MB to a
    temporary file): the body is refused above INGEST_MAX_UPLOAD_BYTES before it is read, and the
    photo is read into memory for its checks anyway, so a spill would only add a write and a read."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


def camera_endpoint(*methods: str):
    """Wrap a camera view: method check, body-size ceiling, and errors rendered as JSON."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return JsonResponse({"error": "method_not_allowed", "detail": f"Use {', '.join(methods)}."},
                                    status=405, headers={"Allow": ", ".join(methods)})
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            try:
                if length > setting("INGEST_MAX_UPLOAD_BYTES") + BODY_OVERHEAD:
                    raise UploadTooLarge(
                        f"The upload is larger than {setting('INGEST_MAX_UPLOAD_BYTES')} bytes.")
                request.upload_handlers = [_PhotoInMemory(request)]
                return view(request, *args, **kwargs)
            except ApplicationError as error:
                return error_response(error)
            except RequestDataTooBig:
                return error_response(UploadTooLarge("The upload is too large."))
            except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError):
                return error_response(BadUpload("The request body is not a well-formed multipart form."))

        return wrapper

    return decorate


def _file_field(request, name: str) -> bytes:
    upload = request.FILES.get(name)
    if upload is None:
        raise BadUpload(f"Send the image as the multipart file field '{name}'.", field=name)
    if upload.size > setting("INGEST_MAX_UPLOAD_BYTES"):
        raise UploadTooLarge(f"The {name} is larger than {setting('INGEST_MAX_UPLOAD_BYTES')} bytes.",
                             field=name)
    return upload.read()


def _status_url(request, read_id: int) -> str:
    return request.build_absolute_uri(reverse("camera_api:read_status", args=[read_id]))


def _receipt(request, accepted: services.Accepted) -> JsonResponse:
    read = accepted.read
    return JsonResponse(
        {
            "read_id": read.pk,
            "status": read.status,
            "status_url": _status_url(request, read.pk),
            "duplicate": not accepted.created,
        },
        status=202 if accepted.created else 200,
    )


@camera_endpoint("POST")
def upload_read(request):
    """POST /api/v1/cameras/reads/: a photo (multipart `photo`) and its capture time -> 202."""
    camera = authenticate_camera(request)
    check_camera_rate(camera.pk)
    idempotency_key = parse_idempotency_key(request.headers.get("Idempotency-Key"))
    captured_at = parse_captured_at(request.POST.get("captured_at"))
    check_capture(camera, captured_at, request)
    latitude, longitude = parse_position(request.POST.get("latitude"), request.POST.get("longitude"))
    heading = parse_heading(request.POST.get("heading"))
    photo = check_image(_file_field(request, "photo"))
    accepted = services.read_accept(
        camera=camera, photo=photo, captured_at=captured_at, idempotency_key=idempotency_key,
        latitude=latitude, longitude=longitude, heading=heading,
    )
    return _receipt(request, accepted)


@camera_endpoint("GET")
def read_status(request, read_id: int):
    """GET /api/v1/cameras/reads/<id>/: the status of one of this camera's own uploads."""
    camera = authenticate_camera(request)
    status = services.camera_read_status(camera=camera, read_id=read_id)
    return JsonResponse({"read_id": read_id, "status": status})


def _json_body(request, limit: int) -> dict:
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise UploadTooLarge(f"The body is larger than {limit} bytes.")
    try:
        body = strict_loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadUpload("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadUpload("The body must be a JSON object.")
    return body


@camera_endpoint("POST")
def openalpr_webhook(request):
    """POST /api/v1/cameras/openalpr/: what an OpenALPR agent posts (ingest/formats.py): a group is
    stored as a read; a heartbeat and a frame's results are acknowledged with 200."""
    camera = authenticate_camera(request)
    check_camera_rate(camera.pk)
    document = _json_body(request, setting("INGEST_MAX_UPLOAD_BYTES") * 2)
    kind = openalpr_kind(document)
    if kind == OPENALPR_HEARTBEAT:
        heartbeat = parse_openalpr_heartbeat(document)
        camera_heartbeat_seen(camera.pk, agent_version=heartbeat.agent_version, streaming=heartbeat.streaming)
        return JsonResponse({"data_type": kind, "recorded": True, "streaming": heartbeat.streaming})
    if kind == OPENALPR_FRAME:
        camera_upload_seen(camera.pk)
        return JsonResponse({"data_type": kind, "stored": False,
                             "detail": "Single-frame results are not stored: the agent's plate group "
                                       "(alpr_group) of the same pass is. Keep plate groups enabled."})
    parsed = parse_openalpr_group(document)
    check_capture(camera, parsed.captured_at, request, field="epoch_start")
    accepted = services.read_accept(
        camera=camera, photo=parsed.vehicle, captured_at=parsed.captured_at,
        idempotency_key=parsed.idempotency_key, latitude=parsed.latitude, longitude=parsed.longitude,
        source=ReadSource.OPENALPR, edge=parsed.reading,
    )
    return _receipt(request, accepted)


@camera_endpoint("POST")
def platerecognizer_snapshot(request):
    """POST /v1/plate-reader/: Plate Recognizer-compatible upload; stores the read and queues it.

    Signed with ``Authorization: Token``, or keyless from a bound source address as Plate Recognizer's
    own client sends to an on-premises SDK (ingest/auth.py).

    Plate Recognizer answers with the plates it read; we answer in its shape with no results (see the
    module docstring: a camera gets no plate text back) and with our receipt fields, so its clients
    keep working as uploaders.
    """
    started = time.perf_counter()
    camera, bound_key_id = authenticate_camera_or_address(request)
    check_camera_rate(camera.pk)
    timestamp = request.POST.get("timestamp")
    # Plate Recognizer's timestamp is UTC, sent without an offset (2019-08-19T13:11:25).
    captured_at = (parse_captured_at(timestamp, field="timestamp", naive_is_utc=True) if timestamp
                   else timezone.now())
    check_capture(camera, captured_at, request, field="timestamp")
    if "upload" in request.FILES:
        filename = request.FILES["upload"].name
        photo = check_image(_file_field(request, "upload"), what="upload")
    else:
        filename = "upload"
        photo = decode_base64_image(request.POST.get("upload"), what="upload")
    accepted = services.read_accept(camera=camera, photo=photo, captured_at=captured_at,
                                    idempotency_key=snapshot_idempotency_key(photo),
                                    source=ReadSource.PLATERECOGNIZER)
    read = accepted.read
    if bound_key_id is not None:
        address_upload_record(camera, request, key_id=bound_key_id, read_id=read.pk)
    return JsonResponse(
        {
            "processing_time": round((time.perf_counter() - started) * 1000, 1),
            "results": [],
            "filename": filename,
            "version": 1,
            "camera_id": request.POST.get("camera_id") or None,
            "timestamp": captured_at.isoformat(),
            "read_id": read.pk,
            "status": read.status,
            "status_url": _status_url(request, read.pk),
            "duplicate": not accepted.created,
        },
        status=201 if accepted.created else 200,
    )
