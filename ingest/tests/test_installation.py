"""A camera uploads only once its installation is approved by the Chief and its public notice has run
(CAM-2): registering it and issuing its key is not enough; and once it is, it uploads only what it
captured in service."""
import base64
import io
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from alpr.models import Camera, CameraStatus, PlateRead
from alpr.services import camera_create, camera_credential_rotate, camera_set_status
from audit.context import Actor
from audit.models import AuditEvent
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied
from ingest.conf import setting
from ingest.tests.conftest import UPLOAD_URL, stored_images
from ingest.tests.test_formats import OPENALPR_URL, PLATE_READER_URL, alpr_group
from policy.roles import Role
from reports.models import CameraPlacementRequest
from reports.services.cameras import (
    placement_decide,
    placement_record_prior,
    placement_request,
    placements_apply_due,
)

pytestmark = pytest.mark.django_db

NAME = "Lake St at Harlem Ave"


def _installation(*, approve: bool = True) -> CameraPlacementRequest:
    placement = placement_request(
        actor=Actor.for_user(UserFactory(role=Role.ADMINISTRATOR)), kind="install", camera_name=NAME,
        latitude="41.888100", longitude="-87.803000", location_description="Lake St at Harlem Ave, NE corner",
        justification="Eleven stolen-vehicle recoveries passed this corner in 2025; analysis memo 25-31.",
        nondiscrimination="Commercial corner; coverage checked against census tracts, none over-represented.")
    if approve:
        placement = placement_decide(actor=Actor.for_user(UserFactory(role=Role.CHIEF)),
                                     placement_id=placement.pk, approve=True)
    return placement


def _create(placement_id: int | None = None) -> str:
    out, err = StringIO(), StringIO()
    args = ["--placement", str(placement_id)] if placement_id else []
    call_command("camera_credentials", NAME, "--create", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def _upload(client, key: str, photo: bytes):
    data = {"captured_at": timezone.now().isoformat(), "photo": io.BytesIO(photo)}
    return client.post(UPLOAD_URL, data, HTTP_AUTHORIZATION=f"Camera {key}")


@pytest.mark.rule("CAM-2")
def test_camera_credentials_create_needs_an_installation_the_chief_approved():
    # Tried: `camera_credentials NAME --create` alone (it used to register a live camera at once), and
    # with the number of an installation still waiting for the Chief. Neither registers a camera.
    with pytest.raises(CommandError, match="--placement"):
        _create()
    pending = _installation(approve=False)
    with pytest.raises(CommandError, match="approved"):
        _create(pending.pk)
    assert not Camera.objects.exists()
    refusal = AuditEvent.objects.get(action="camera.placement_camera_registered")
    assert refusal.outcome == "refused" and refusal.targets == [f"placement:{pending.pk}"]


@pytest.mark.rule("CAM-2")
@pytest.mark.rule("ING-3")
def test_a_camera_registered_during_its_notice_is_refused_until_the_installation_takes_effect(
        client, photo, media_root):
    # Tried: the installer registers the camera of an approved installation and configures its key the
    # same day, while the public notice runs; the camera uploads at once.
    placement = _installation()
    key = _create(placement.pk)
    camera = Camera.objects.get(name=NAME)
    assert camera.status == CameraStatus.PENDING and camera.installed_on is None
    refused = _upload(client, key, photo)
    assert refused.status_code == 401 and "public notice" in refused.json()["detail"]
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    audit = AuditEvent.objects.get(action="ingest.camera_auth_refused")
    assert audit.outcome == "refused" and audit.reason == "installation not in effect"
    portal = client.get("/portal/cameras/").content.decode()
    assert NAME in portal and "Awaiting approval and public notice" in portal  # not shown as in service
    # The notice runs out (dated back here, as time would) and the daily task applies the installation.
    today = timezone.localdate()
    CameraPlacementRequest.objects.filter(pk=placement.pk).update(
        notice_from=today - (placement.effective_on - placement.notice_from), effective_on=today)
    assert [p.pk for p in placements_apply_due()] == [placement.pk]
    camera.refresh_from_db()
    assert camera.status == CameraStatus.ACTIVE and camera.installed_on == today
    assert _upload(client, key, photo).status_code == 202


@pytest.mark.rule("CAM-2")
def test_a_camera_made_active_by_hand_without_an_installation_is_refused(client, photo):
    # Tried: the camera's row is switched to active behind the services' back (the shell, SQL) with no
    # installation approved: ingest looks at the placement itself, not only at the camera's status.
    placement = _installation()
    key = _create(placement.pk)
    Camera.objects.filter(name=NAME).update(status=CameraStatus.ACTIVE, installed_on=timezone.localdate())
    response = _upload(client, key, photo)
    assert response.status_code == 401 and "Chief's approval" in response.json()["detail"]
    assert PlateRead.system_objects.count() == 0


@pytest.mark.rule("CAM-2")
def test_the_administrator_cannot_activate_a_camera_whose_installation_has_not_taken_effect():
    # Tried: the administrator sets a registered camera active through the camera service.
    placement = _installation()
    _create(placement.pk)
    camera = Camera.objects.get(name=NAME)
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    with pytest.raises(PolicyDenied, match="public notice"):
        camera_set_status(actor=admin, camera_id=camera.pk, status=CameraStatus.ACTIVE, reason="installed")
    camera.refresh_from_db()
    assert camera.status == CameraStatus.PENDING
    refusal = AuditEvent.objects.get(action="camera.status_changed")
    assert refusal.outcome == "refused"


@pytest.mark.rule("CAM-2")
def test_a_camera_registered_before_installations_were_enforced_uploads_once_the_chief_records_it(
        client, photo):
    # A camera made live by the old `--create` is pending since the migration, and refused at upload;
    # the Chief records its installation, approved on paper long ago, and it is in service again.
    camera = camera_create(actor=Actor.system("old installer"), name=NAME)
    key = camera_credential_rotate(actor=Actor.system("old installer"), camera_id=camera.pk).key
    assert _upload(client, key, photo).status_code == 401
    chief = Actor.for_user(UserFactory(role=Role.CHIEF))
    fields = {"camera_name": NAME, "latitude": "41.888100", "longitude": "-87.803000",
              "location_description": "Lake St at Harlem Ave, NE corner",
              "justification": "Installed in 2024 on the crime analysis of memo 24-09 (stolen vehicles).",
              "nondiscrimination": "Weighed in 2024 against the census tracts, on paper: memo 24-09.",
              "approved_by": "Chief R. Alvarez", "approval_document": "Memo 24-09",
              "public_notice": "Village website, March 2024"}
    placement = placement_record_prior(actor=chief, approved_on=timezone.localdate() - timedelta(days=400),
                                       **fields)
    camera.refresh_from_db()
    assert placement.camera_id == camera.pk and camera.status == CameraStatus.ACTIVE
    assert camera.location_description == "Lake St at Harlem Ave, NE corner"
    assert _upload(client, key, photo).status_code == 202
    with pytest.raises(ApplicationError, match="recorded already"):
        placement_record_prior(actor=chief, approved_on=timezone.localdate() - timedelta(days=400), **fields)
    too_recent = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ApplicationError, match="public notice"):
        placement_record_prior(actor=chief, approved_on=too_recent, **{**fields, "camera_name": "Other"})
    assert not Camera.objects.filter(name="Other").exists()


def _plain(client, key: str, photo: bytes, captured_at):
    data = {"captured_at": captured_at.isoformat(), "photo": io.BytesIO(photo)}
    return client.post(UPLOAD_URL, data, HTTP_AUTHORIZATION=f"Camera {key}")


def _openalpr(client, key: str, photo: bytes, captured_at):
    epoch = int(captured_at.timestamp() * 1000)
    group = alpr_group(epoch_start=epoch, epoch_end=epoch + 800, best_uuid=f"AGENT-1288-{epoch}",
                       vehicle_crop_jpeg=base64.b64encode(photo).decode())
    return client.post(OPENALPR_URL, json.dumps(group), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Camera {key}")


def _plate_recognizer(client, key: str, photo: bytes, captured_at):
    return client.post(PLATE_READER_URL, {"upload": io.BytesIO(photo), "timestamp": captured_at.isoformat()},
                       HTTP_AUTHORIZATION=f"Token {key}")


ENDPOINTS = {  # each upload endpoint: how it is called, the field that carries the capture time
    "plain upload": (_plain, "captured_at"),
    "OpenALPR webhook": (_openalpr, "epoch_start"),
    "Plate Recognizer-compatible": (_plate_recognizer, "timestamp"),
}


@pytest.mark.rule("CAM-2")
@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_camera_mounted_during_its_notice_cannot_upload_what_it_captured_before_it_was_in_service(
        client, photo, media_root, endpoint):
    """Tried: the installer mounts the camera and configures its key while the public notice runs; the
    camera captures, is refused (not in service yet) and keeps its backlog; the installation takes effect
    and the camera sends the backlog, on each upload endpoint. It used to be stored and searchable."""
    send, field = ENDPOINTS[endpoint]
    placement = _installation()
    key = _create(placement.pk)
    assert send(client, key, photo, timezone.now()).status_code == 401  # refused during the notice
    CameraPlacementRequest.objects.filter(pk=placement.pk).update(  # the notice runs out, as time would
        notice_from=timezone.localdate() - (placement.effective_on - placement.notice_from),
        effective_on=timezone.localdate())
    placements_apply_due()
    camera = Camera.objects.get(name=NAME)
    skew = timedelta(seconds=setting("INGEST_CLOCK_SKEW_SECONDS"))
    backlog = (camera.in_service_since - skew - timedelta(seconds=1)).replace(microsecond=0)  # OpenALPR: ms
    refused = send(client, key, photo, backlog)
    assert refused.status_code == 400, refused.content
    assert refused.json()["error"] == "captured_before_service" and refused.json()["field"] == field
    assert "before this camera went into service" in refused.json()["detail"]
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    audit = AuditEvent.objects.get(action="ingest.capture_before_service")
    assert audit.outcome == "refused" and audit.targets == [f"camera:{camera.pk}"]
    assert audit.actor_type == "camera" and audit.query["captured_at"] == backlog.isoformat()
    # Within the clock-skew allowance, a capture is the camera's in service.
    assert send(client, key, photo, camera.in_service_since - skew / 2).status_code in (201, 202)
    assert PlateRead.system_objects.count() == 1


@pytest.mark.rule("CAM-2")
def test_reads_captured_while_a_camera_was_inactive_are_refused_once_it_is_reactivated(client, cam, photo):
    """Tried: the administrator deactivates a camera; it keeps capturing (refused: inactive), is made
    active again and sends what it captured meanwhile. Only what it captured since is stored."""
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    camera_set_status(actor=admin, camera_id=cam.camera.pk, status=CameraStatus.INACTIVE, reason="repair")
    while_inactive = timezone.now() - timedelta(hours=1)  # beyond the clock-skew allowance
    assert _plain(client, cam.key, photo, timezone.now()).status_code == 401
    camera_set_status(actor=admin, camera_id=cam.camera.pk, status=CameraStatus.ACTIVE, reason="repaired")
    refused = _plain(client, cam.key, photo, while_inactive)
    assert refused.status_code == 400 and refused.json()["error"] == "captured_before_service"
    assert PlateRead.system_objects.count() == 0
    assert _plain(client, cam.key, photo, timezone.now()).status_code == 202


@pytest.mark.rule("AUD-1", "CAM-2")
def test_a_reactivated_camera_sending_its_backlog_cannot_flood_the_audit_log(client, cam, photo, settings):
    """Tried (outside review): the backlog of a camera made active again, sent upload after upload. Each
    refusal was audited, where a refused key's uploads stop at CAMERA_REFUSAL_AUDIT_RATE."""
    settings.CAMERA_REFUSAL_AUDIT_RATE = "3/h"
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    camera_set_status(actor=admin, camera_id=cam.camera.pk, status=CameraStatus.INACTIVE, reason="repair")
    camera_set_status(actor=admin, camera_id=cam.camera.pk, status=CameraStatus.ACTIVE, reason="repaired")
    backlog = timezone.now() - timedelta(hours=2)
    for second in range(10):
        refused = _plain(client, cam.key, photo, backlog + timedelta(seconds=second))
        assert refused.status_code == 400 and refused.json()["error"] == "captured_before_service"
    rows = list(AuditEvent.objects.filter(action="ingest.capture_before_service").order_by("id"))
    assert len(rows) == 4 and "refused uploads keep coming" in rows[-1].reason
    assert PlateRead.system_objects.count() == 0
