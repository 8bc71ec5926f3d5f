"""Camera authentication: per-camera API keys, never a user's session or token.

Header forms (the key is ``<key_id>:<secret>`` as printed by ``manage.py camera_credentials``):
    Authorization: Camera <key_id>:<secret>      (our upload API and the OpenALPR webhook)
    Authorization: Token <key_id>:<secret>       (Plate Recognizer-compatible clients)
    Authorization: Token <key_id><secret>        (the same, for clients that refuse a colon)

A credential bound to a source network (``camera_credentials --bind``) is accepted only from it. When
it is bound to one address, the camera's own, the Plate Recognizer-compatible endpoint also takes a
request from that address with no ``Authorization`` at all, as that credential's camera: Plate
Recognizer's own client (``plate_recognition.py --sdk-url``) sends no key to an on-premises SDK. A
subnet binding never stands in for the key: the subnet's other devices would upload as the camera.
Each keyless upload is audited as the camera, naming the address.
"""
import ipaddress
import logging
import re
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from alpr.models import Camera, CameraCredential, CameraStatus
from alpr.services import KEY_ID_BYTES
from audit.context import Actor
from audit.models import ActorType, Outcome
from audit.services import audit_record
from core.compliance import enforces
from core.net import address_in_networks, client_ip
from core.ratelimit import attempts_counted
from ingest import audit_actions as actions
from ingest.errors import CameraAuthFailed, CapturedBeforeService
from ingest.prepared import ensure_prepared
from ingest.validation import check_capture_window, check_captured_in_service

logger = logging.getLogger(__name__)

_HEADER = re.compile(rf"^(Camera|Token)\s+([0-9a-f]{{{KEY_ID_BYTES * 2}}}):?([0-9a-f]{{16,128}})$",
                     re.IGNORECASE)


def camera_actor(camera: Camera, request=None) -> Actor:
    return Actor(kind=ActorType.CAMERA, label=f"camera:{camera.pk} {camera.name}"[:200],
                 client_ip=client_ip(request) if request is not None else "")


def _credential(key_id: str) -> tuple[CameraCredential, bool] | None:
    """Load a credential, its camera (its kind, and when it went into service, for the capture times it
    may send) and whether the camera's installation is in effect, in one query (raw SQL, prepared: this runs
    on every upload).

    In effect means an installation placement approved by the Chief whose public notice has run and
    which took effect (reports.CameraPlacementRequest, CAM-2): a camera registered ahead of it, or
    made active by hand, is still refused.
    """
    with connection.cursor() as cursor:
        ensure_prepared(cursor, "alpr_ingest_credential", """
            SELECT k.id, k.secret_hash, k.revoked_at, k.source_network, c.id, c.name, c.kind, c.status,
                   c.installed_on, c.in_service_since,
                   EXISTS (SELECT 1 FROM reports_cameraplacementrequest p
                           WHERE p.camera_id = c.id AND p.kind = 'install' AND p.status = 'done'
                             AND p.decided_by_id IS NOT NULL AND p.effective_on <= $2)
            FROM alpr_cameracredential k JOIN alpr_camera c ON c.id = k.camera_id
            WHERE k.key_id = $1
            """, types=("text", "date"))
        cursor.execute("EXECUTE alpr_ingest_credential (%s, %s)", [key_id, timezone.localdate()])
        row = cursor.fetchone()
    if row is None:
        return None
    (credential_id, secret_hash, revoked_at, source_network, camera_id, name, kind, status, installed_on,
     in_service_since, installed) = row
    # Its kind too: a mobile camera's reads are placed by its device, the others' by their placement.
    camera = Camera(id=camera_id, name=name, kind=kind, status=status, installed_on=installed_on,
                    in_service_since=in_service_since)
    credential = CameraCredential(id=credential_id, key_id=key_id, secret_hash=secret_hash,
                                  revoked_at=revoked_at, source_network=source_network, camera=camera)
    return credential, installed


def _key_ids_bound_to(address: str) -> list[str]:
    """The live credentials bound to exactly `address` (a /32 or /128), newest first (one camera's,
    normally; two during a rotation's overlap). A credential bound to a wider subnet is not one of them:
    an address shared with other devices proves nothing about who sent the request."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT k.key_id, k.camera_id FROM alpr_cameracredential k
            WHERE k.source_network <> '' AND (k.revoked_at IS NULL OR k.revoked_at > now())
              AND k.source_network::cidr = %s::inet::cidr
            ORDER BY k.created_at DESC""", [address])
        rows = cursor.fetchall()
    return [key_id for key_id, _ in rows] if len({camera for _, camera in rows}) == 1 else []


def _refusal(credential: CameraCredential, installed: bool) -> tuple[str, str] | None:
    """Why a known credential may not upload now (for the audit row, for the camera), or None."""
    camera = credential.camera
    if not credential.is_valid_at(timezone.now()):
        return "revoked credential", "These camera credentials are revoked."
    if camera.status == CameraStatus.PENDING or (camera.status == CameraStatus.ACTIVE and not installed):
        return ("installation not in effect",
                "This camera is not in service yet: its installation needs the Chief's approval and the "
                "public notice period before it may upload (CAM-2).")
    if camera.status != CameraStatus.ACTIVE:
        return f"camera {camera.status}", "This camera is not active."
    return None


def _outside_network(credential: CameraCredential, address: str) -> tuple[str, str] | None:
    if credential.source_network and not address_in_networks(address, [credential.source_network]):
        return (f"outside its bound network {credential.source_network} (from {address or 'unknown'})",
                "These camera credentials are accepted only from the camera's own network.")
    return None


def _accepted(credential: CameraCredential, installed: bool, request) -> Camera:
    """The credential's camera, or an audited refusal (CameraAuthFailed) saying why not."""
    refusal = _refusal(credential, installed) or _outside_network(credential, client_ip(request))
    if refusal is not None:
        why, message = refusal
        _refusal_recorded(credential, request, why)
        raise CameraAuthFailed(message)
    return credential.camera


def _refusal_recorded(credential: CameraCredential, request, why: str) -> None:
    """Audit a refused upload of `credential` (within ``_audit_rate_reason``)."""
    reason = _audit_rate_reason(request, key=f"credential:{credential.key_id}", why=why)
    if reason is not None:
        audit_record(actor=camera_actor(credential.camera, request), action=actions.CAMERA_AUTH_REFUSED,
                     outcome=Outcome.REFUSED, reason=reason, targets=[f"credential:{credential.key_id}"])


def _audit_rate_reason(request, *, key: str, why: str) -> str | None:
    """The reason to audit a refused upload under, or None past ``CAMERA_REFUSAL_AUDIT_RATE`` for `key`
    (a credential, a camera): one more entry says they keep coming, and the rest of the window's go
    unrecorded (logged only). A retired camera left switched on, or one sending a backlog it may not,
    uploads every few seconds; each would add a row to the hash-chained audit log for every reader
    of it to wade through."""
    if request is None:
        return why
    rate = settings.CAMERA_REFUSAL_AUDIT_RATE
    usage = attempts_counted(request, group="camera-refused", key=key, rate=rate)
    if usage is None or usage["count"] <= usage["limit"]:
        return why
    if usage["count"] == usage["limit"] + 1:
        minutes = max(1, round(usage["time_left"] / 60))
        return (f"{why}; refused uploads keep coming: more than {usage['limit']} in the window, the next "
                f"{minutes} minute(s) of them are refused without an entry each")
    logger.warning("camera upload refused (%s), not audited: over %s", why, rate)
    return None


@enforces("ING-1", "ING-3", "CAM-2")
def authenticate_camera(request) -> Camera:
    """Return the camera whose live credential signs `request`, or raise `CameraAuthFailed` (401)."""
    match = _HEADER.match(request.headers.get("Authorization", "").strip())
    if not match:
        raise CameraAuthFailed("Camera credentials required: 'Authorization: Camera <key_id>:<secret>'.")
    key_id, secret = match.group(2).lower(), match.group(3).lower()
    found = _credential(key_id)
    if found is None or not found[0].secret_matches(secret):
        logger.warning("camera upload with an unknown key id or wrong secret from %s", client_ip(request))
        raise CameraAuthFailed("Unknown camera credentials.")
    return _accepted(*found, request)


@enforces("ING-1", "ING-3", "CAM-2")
def authenticate_camera_or_address(request) -> tuple[Camera, str | None]:
    """Like `authenticate_camera`; a request with no ``Authorization`` at all is its camera's when it
    comes from a network a live credential is bound to. Return the camera, and that credential's key id
    when the address alone authenticated it (the upload is then audited: `address_upload_record`)."""
    if request.headers.get("Authorization", "").strip():
        return authenticate_camera(request), None
    address = client_ip(request)
    key_ids = _key_ids_bound_to(address)
    found = _credential(key_ids[0]) if key_ids else None
    if found is None:
        logger.warning("keyless camera upload from %s, which no credential is bound to", address)
        raise CameraAuthFailed("Camera credentials required: 'Authorization: Token <key_id>:<secret>', "
                               "or a credential bound to this address.")
    return _accepted(*found, request), key_ids[0]


@enforces("ING-3", "CAM-2")
def check_capture(camera: Camera, captured_at: datetime, request=None, *, field: str = "captured_at") -> None:
    """Refuse a capture time outside the upload window (``check_capture_window``) or from before `camera`
    went into service (``check_captured_in_service``); the latter, a camera sending what it was not
    allowed to collect, is audited as the credential refusals are. Nothing is stored either way."""
    check_capture_window(captured_at, field=field)
    try:
        check_captured_in_service(captured_at, camera=camera, field=field)
    except CapturedBeforeService as refusal:
        reason = _audit_rate_reason(request, key=f"camera:{camera.pk}",
                                    why="captured before the camera went into service")
        if reason is not None:
            audit_record(actor=camera_actor(camera, request), action=actions.CAPTURE_BEFORE_SERVICE,
                         outcome=Outcome.REFUSED, reason=reason, targets=[f"camera:{camera.pk}"],
                         description=refusal.message, query={"captured_at": captured_at.isoformat()})
        raise


def address_upload_record(camera: Camera, request, *, key_id: str, read_id: int) -> None:
    """Audit an upload its address alone authenticated, as the camera whose credential is bound to it."""
    audit_record(actor=camera_actor(camera, request), action=actions.CAMERA_ADDRESS_UPLOAD,
                 targets=[f"camera:{camera.pk}", f"credential:{key_id}", f"read:{read_id}"],
                 description=f"keyless upload from {client_ip(request)}")
