"""Test data for searches: cameras, finished plate reads with small images, justifications."""
import io
import uuid
from datetime import date, timedelta

import factory
from django.utils import timezone
from PIL import Image

from alpr import partitions, storage
from alpr.models import Camera, CameraStatus, PlateRead, ReadStatus
from audit.context import Actor
from conftest import UserFactory
from policy.roles import Role
from reports.models import CameraPlacementRequest
from reports.services.cameras import placement_decide, placement_request, placements_apply_due
from searches import services
from searches.models import Justification

DESCRIPTION = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"


def jpeg(text_colour=(20, 20, 20), size=(64, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, text_colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def make_camera(name: str | None = None, *, latitude=41.885, longitude=-87.785, **fields) -> Camera:
    return Camera.objects.create(name=name or f"Camera {uuid.uuid4().hex[:6]}", latitude=latitude,
                                 longitude=longitude, **fields)


RELOCATION_JUSTIFICATION = ("Fourteen stolen-vehicle recoveries in 2025 passed this corridor; crime analysis "
                            "memo 25-17.")
RELOCATION_CONSIDERATION = ("The corridor is commercial; coverage checked against census tracts, none "
                            "over-represented.")


def camera_in_service(name: str, *, latitude, longitude, location_description: str) -> Camera:
    """A fixed camera whose installation took effect long ago (only such a camera is relocated)."""
    return make_camera(name, latitude=latitude, longitude=longitude,
                       location_description=location_description, status=CameraStatus.ACTIVE,
                       installed_on=date(2024, 6, 1))


def relocate(camera: Camera, *, latitude: str, longitude: str, location_description: str) -> Camera:
    """Move `camera` the way the policy does (CAM-2): requested, approved by the Chief, its public notice
    run (moved back 30 days), and applied now by the daily task. Return the camera as registered now."""
    move = placement_request(
        actor=actor(UserFactory(role=Role.ADMINISTRATOR)), kind="relocate", camera_id=camera.pk,
        latitude=latitude, longitude=longitude, location_description=location_description,
        justification=RELOCATION_JUSTIFICATION, nondiscrimination=RELOCATION_CONSIDERATION)
    placement_decide(actor=actor(UserFactory(role=Role.CHIEF)), placement_id=move.pk, approve=True)
    today = timezone.localdate()
    CameraPlacementRequest.objects.filter(pk=move.pk).update(notice_from=today - timedelta(days=30),
                                                             effective_on=today)
    assert [done.pk for done in placements_apply_due()] == [move.pk]
    camera.refresh_from_db()
    return camera


def make_read(*, camera: Camera, plate: str, captured_at=None, images: bool = True,
              status: str = ReadStatus.DONE, **fields) -> PlateRead:
    """Store a finished read (and, by default, a crop and a photo) the way ingest does."""
    captured_at = captured_at or timezone.now() - timedelta(hours=1)
    day = storage.utc_day(captured_at)
    partitions.ensure_partitions(day, day)
    read_uuid = uuid.uuid4()
    paths = {}
    if images:
        paths["crop_path"] = storage.write_durably(storage.read_image_name(captured_at, read_uuid, "crop"),
                                                   jpeg())
        paths["image_path"] = storage.write_durably(storage.read_image_name(captured_at, read_uuid, "full"),
                                                    jpeg(size=(320, 240)))
    fields.setdefault("confidence", 0.91)
    return PlateRead.system_objects.create(
        uuid=read_uuid, camera=camera, plate=plate, captured_at=captured_at, status=status,
        idempotency_key=uuid.uuid4().hex, **paths, **fields)


def open_justification(user, *, purpose="violent_crime", case_number="26-004512", description=DESCRIPTION,
                       **kwargs):
    return services.justification_open(actor=Actor.for_user(user, client_ip="10.1.2.3"), purpose=purpose,
                                       case_number=case_number, description=description, **kwargs)


def actor(user) -> Actor:
    return Actor.for_user(user, client_ip="10.1.2.3")


class JustificationFactory(factory.django.DjangoModelFactory):
    """A case justification stated two hours ago, ended an hour later (pass expires_at to keep it open)."""

    class Meta:
        model = Justification

    user = factory.SubFactory(UserFactory)
    purpose = "stolen_vehicle"
    purpose_label = "Stolen vehicle or plate"
    case_number = factory.Sequence(lambda n: f"26-{n:06d}")
    description = "Silver sedan taken from the Oak Street lot overnight"
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    expires_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
