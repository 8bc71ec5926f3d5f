"""Test data for searches: cameras, finished plate reads with small images, justifications."""
import io
import uuid
from datetime import timedelta

import factory
from django.utils import timezone
from PIL import Image

from alpr import partitions, storage
from alpr.models import Camera, PlateRead, ReadStatus
from audit.context import Actor
from conftest import UserFactory
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
