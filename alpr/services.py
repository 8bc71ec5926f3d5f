"""Writes on cameras and their credentials. Only the system administrator manages cameras (ACC-7).

A system actor (``Actor.system``) stands for an operator at the server's console, e.g. an installer
running ``manage.py camera_credentials``: whoever has a shell on the server administers it anyway,
and the action is audited under that label.
"""
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from alpr import audit_actions as actions
from alpr.models import Camera, CameraCredential, CameraKind, CameraStatus
from audit.context import Actor
from audit.models import ActorType
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.roles import Capability, only_who_may

KEY_ID_BYTES = 8  # 16 hex characters
SECRET_BYTES = 24  # 48 hex characters
MAX_OVERLAP = timedelta(days=7)
# The broadest network a credential may be bound to: a camera's own subnet, never a whole network
# (a bound credential is accepted from it without its key).
NARROWEST_BINDING_PREFIX = {4: 24, 6: 64}


@dataclass(frozen=True)
class IssuedCredential:
    """A credential and its plaintext key, shown once: ``<key_id>:<secret>``."""

    credential: CameraCredential
    key: str


def _require_camera_manager(actor: Actor) -> None:
    if actor.kind == ActorType.SYSTEM:
        return
    if not actor.user or not actor.user.can(Capability.MANAGE_CAMERAS):
        raise PolicyDenied(only_who_may(Capability.MANAGE_CAMERAS, doing="manage cameras"))


def _locked_camera(camera_id: int) -> Camera:
    try:
        return Camera.objects.select_for_update().get(pk=camera_id)
    except Camera.DoesNotExist:
        raise NotFound("No such camera.") from None


def camera_create(
    *, actor: Actor, name: str, latitude=None, longitude=None, location_description: str = "",
    heading: int | None = None, direction: str = "", kind: str = CameraKind.FIXED,
) -> Camera:
    """Register a camera, pending and without credentials: it goes into service only when its approved
    installation takes effect after the public notice (CAM-2, ``camera_enter_service``)."""
    with refusals_recorded(actor=actor, action=actions.CAMERA_CREATED, targets=[f"camera-name:{name}"]):
        _require_camera_manager(actor)
        name = name.strip()
        if not name:
            raise ApplicationError("A camera needs a name.", field="name")
        if kind not in CameraKind.values:
            raise ApplicationError("Choose a camera type from the list.", field="kind")
        if heading is not None and not 0 <= heading < 360:
            raise ApplicationError("Heading is in degrees, 0 to 359.", field="heading")
        with transaction.atomic():
            if Camera.objects.filter(name__iexact=name).exists():
                raise ApplicationError("A camera with that name exists already.", field="name")
            camera = Camera.objects.create(
                name=name, latitude=latitude, longitude=longitude,
                location_description=location_description, heading=heading, direction=direction,
                kind=kind, status=CameraStatus.PENDING,
            )
            audit_record(actor=actor, action=actions.CAMERA_CREATED, targets=[f"camera:{camera.pk}"],
                         description=name)
        return camera


@enforces("CAM-2")
def camera_enter_service(*, actor: Actor, camera_id: int, installed_on: date) -> Camera:
    """Put a camera in service on the day its approved installation takes effect. Called by the placement
    scheduler (``reports.services.cameras``) once the Chief's approval and the public notice are done."""
    if actor.kind != ActorType.SYSTEM:
        raise PolicyDenied("Only an installation taking effect puts a camera in service.")
    with transaction.atomic():
        camera = _locked_camera(camera_id)
        camera.status, camera.installed_on = CameraStatus.ACTIVE, installed_on
        camera.in_service_since = timezone.now()
        camera.save(update_fields=["status", "installed_on", "in_service_since", "updated_at"])
        audit_record(actor=actor, action=actions.CAMERA_STATUS_CHANGED, targets=[f"camera:{camera.pk}"],
                     description=f"active: installation in effect on {installed_on}")
    return camera


@enforces("CAM-2")
def camera_set_status(*, actor: Actor, camera_id: int, status: str, reason: str) -> Camera:
    """Deactivate, reactivate or retire a camera; only active cameras may upload. A camera whose
    installation has not taken effect cannot be activated here: only its placement does that."""
    with refusals_recorded(actor=actor, action=actions.CAMERA_STATUS_CHANGED,
                           targets=[f"camera:{camera_id}"]):
        _require_camera_manager(actor)
        if status not in CameraStatus.values:
            raise ApplicationError("Choose a status from the list.", field="status")
        with transaction.atomic():
            camera = _locked_camera(camera_id)
            if status == CameraStatus.ACTIVE and camera.installed_on is None:
                raise PolicyDenied("This camera's installation has not taken effect: it goes into service "
                                   "after the Chief's approval and the public notice (CAM-2).")
            if status == CameraStatus.ACTIVE and camera.status != CameraStatus.ACTIVE:
                camera.in_service_since = timezone.now()
            camera.status = status
            camera.save(update_fields=["status", "in_service_since", "updated_at"])
            audit_record(actor=actor, action=actions.CAMERA_STATUS_CHANGED, targets=[f"camera:{camera.pk}"],
                         description=f"{status}: {reason}".strip())
        return camera


def _new_credential(camera: Camera, actor: Actor, source_network: str = "") -> IssuedCredential:
    key_id = secrets.token_hex(KEY_ID_BYTES)
    secret = secrets.token_hex(SECRET_BYTES)
    credential = CameraCredential.objects.create(
        camera=camera, key_id=key_id, secret_hash=CameraCredential.hash_secret(secret),
        created_by_label=actor.label, source_network=source_network,
    )
    return IssuedCredential(credential, f"{key_id}:{secret}")


def camera_credential_rotate(
    *, actor: Actor, camera_id: int, overlap: timedelta = timedelta(0),
) -> IssuedCredential:
    """Issue a new credential; the camera's other live credentials stop working after `overlap`.

    With no overlap the old keys stop at once; an overlap (up to a week) lets the installer
    reconfigure the camera before its old key dies. Also issues a camera's first credential. The new key
    keeps the source network the camera's current key is bound to (an SDK client sends no key at all).
    """
    with refusals_recorded(actor=actor, action=actions.CAMERA_CREDENTIAL_ROTATED,
                           targets=[f"camera:{camera_id}"]):
        _require_camera_manager(actor)
        if not timedelta(0) <= overlap <= MAX_OVERLAP:
            raise ApplicationError("The overlap is between none and seven days.", field="overlap")
        with transaction.atomic():
            camera = _locked_camera(camera_id)
            if camera.status == CameraStatus.RETIRED:
                raise ApplicationError("A retired camera gets no credentials.")
            now = timezone.now()
            ends = now + overlap
            retired = [c for c in camera.credentials.all() if c.is_valid_at(now)]
            for credential in retired:
                if credential.revoked_at is None or credential.revoked_at > ends:
                    credential.revoked_at = ends
                    credential.save(update_fields=["revoked_at"])
            network = next((c.source_network for c in retired if c.source_network), "")
            issued = _new_credential(camera, actor, network)
            audit_record(
                actor=actor,
                action=actions.CAMERA_CREDENTIAL_ROTATED if retired else actions.CAMERA_CREDENTIAL_ISSUED,
                targets=[f"camera:{camera.pk}", f"credential:{issued.credential.key_id}",
                         *(f"revoked-credential:{c.key_id}" for c in retired)],
                description=f"overlap {overlap}" if retired else "",
            )
        return issued


def camera_credential_revoke(*, actor: Actor, key_id: str, reason: str) -> CameraCredential:
    """Revoke one credential at once (a stolen or decommissioned camera)."""
    with refusals_recorded(actor=actor, action=actions.CAMERA_CREDENTIAL_REVOKED,
                           targets=[f"credential:{key_id}"]):
        _require_camera_manager(actor)
        with transaction.atomic():
            try:
                credential = CameraCredential.objects.select_for_update().get(key_id=key_id)
            except CameraCredential.DoesNotExist:
                raise NotFound("No such credential.") from None
            now = timezone.now()
            if credential.revoked_at is None or credential.revoked_at > now:
                credential.revoked_at = now
                credential.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action=actions.CAMERA_CREDENTIAL_REVOKED,
                         targets=[f"camera:{credential.camera_id}", f"credential:{key_id}"],
                         description=reason)
        return credential


def _checked_network(network: str) -> str:
    """The network in its canonical form ("10.20.30.40" -> "10.20.30.40/32"), or an error saying why not."""
    try:
        parsed = ipaddress.ip_network(network.strip(), strict=False)
    except ValueError:
        raise ApplicationError("Enter an address or a network, e.g. 10.20.30.40 or 10.20.30.0/28.",
                               field="network") from None
    if parsed.prefixlen < NARROWEST_BINDING_PREFIX[parsed.version]:
        raise ApplicationError(f"Bind to the camera's own address or subnet: at most a "
                               f"/{NARROWEST_BINDING_PREFIX[parsed.version]} network.", field="network")
    return str(parsed)


def _overlapping_credential(camera: Camera, network: str) -> CameraCredential | None:
    """A live credential of another camera bound to a network that overlaps `network`."""
    now = timezone.now()
    wanted = ipaddress.ip_network(network)
    others = CameraCredential.objects.exclude(camera=camera).exclude(source_network="")
    return next((c for c in others.select_related("camera") if c.is_valid_at(now)
                 and ipaddress.ip_network(c.source_network).version == wanted.version
                 and ipaddress.ip_network(c.source_network).overlaps(wanted)), None)


@enforces("ING-1", "ING-3")
def camera_credential_bind_network(*, actor: Actor, key_id: str, network: str) -> CameraCredential:
    """Bind a credential to a source network, or unbind it (`network` empty).

    A bound credential is accepted only from that network; bound to one address, from there even
    without its key, as its camera: an on-premises Plate Recognizer SDK client sends no key
    (ingest/auth.py). Two cameras' live
    credentials cannot share an address, or a keyless request could not say whose it is.
    """
    with refusals_recorded(actor=actor, action=actions.CAMERA_CREDENTIAL_BOUND,
                           targets=[f"credential:{key_id}"]):
        _require_camera_manager(actor)
        canonical = _checked_network(network) if network.strip() else ""
        with transaction.atomic():
            try:
                credential = CameraCredential.objects.select_for_update().select_related("camera").get(
                    key_id=key_id)
            except CameraCredential.DoesNotExist:
                raise NotFound("No such credential.") from None
            if not credential.is_valid_at(timezone.now()):
                raise ApplicationError("This credential is revoked.")
            clash = canonical and _overlapping_credential(credential.camera, canonical)
            if clash:
                raise ApplicationError(f"{clash.source_network} is bound to the camera {clash.camera.name!r} "
                                       "already: two cameras cannot share an address.", field="network")
            credential.source_network = canonical
            credential.save(update_fields=["source_network"])
            audit_record(actor=actor, action=actions.CAMERA_CREDENTIAL_BOUND,
                         targets=[f"camera:{credential.camera_id}", f"credential:{key_id}"],
                         description=f"bound to {canonical}" if canonical else "unbound")
        return credential
