"""Fixtures for the retention tests: cameras, reads with image files, isolated storage roots."""
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alpr import partitions, storage
from alpr.models import Camera, PlateRead, ReadStatus
from audit.context import Actor

JPEG = b"\xff\xd8\xff\xe0" + b"placeholder" * 20 + b"\xff\xd9"


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Each test gets its own MEDIA_ROOT and EVIDENCE_ROOT: the purge deletes day directories."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    partitions.forget_known_partitions()
    yield
    partitions.forget_known_partitions()


@pytest.fixture
def camera(db):
    return Camera.objects.create(name=f"Harlem & Lake {uuid.uuid4().hex[:6]}",
                                 location_description="NE corner")


def create_read(camera, *, captured_at=None, age=None, plate="ABC1234", files=True, **fields) -> PlateRead:
    """Store a read (and its two image files) as ingest would."""
    captured_at = captured_at or timezone.now() - (age or timedelta(0))
    day = storage.utc_day(captured_at)
    partitions.ensure_partitions(day, day)
    read_uuid = uuid.uuid4()
    image_path = storage.read_image_name(captured_at, read_uuid, "full")
    crop_path = storage.read_image_name(captured_at, read_uuid, "crop")
    if files:
        image_path = storage.write_durably(image_path, JPEG)
        crop_path = storage.write_durably(crop_path, JPEG + b"crop")
    return PlateRead.system_objects.create(
        uuid=read_uuid, camera=camera, captured_at=captured_at, plate=plate, state="IL", confidence=0.93,
        image_path=image_path, crop_path=crop_path, status=ReadStatus.DONE,
        idempotency_key=uuid.uuid4().hex, **fields)


@pytest.fixture
def make_read(camera):
    def make(**kwargs):
        return create_read(camera, **kwargs)

    return make


def actor_of(user) -> Actor:
    return Actor.for_user(user, client_ip="10.0.0.5")


CASE_DESCRIPTION = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"


def justify(client, *, case_number: str = "26-004512", description: str = CASE_DESCRIPTION,
            purpose: str = "violent_crime") -> None:
    """State a justification at the search gate, as the person would before holds, exports and flags.

    For an auditor or administrator the gate opens an audit justification (purpose is ignored).
    """
    response = client.post(reverse("searches:justification_start"), {
        "purpose": purpose, "case_number": case_number, "description": description})
    assert response.status_code == 302, response.content.decode()[:500]


def search_plate(client, plate: str, **params) -> str:
    """Search `plate` on the search page under the justification the person stated, as they would before
    opening, holding, exporting or flagging one of its reads: only a read a search listed is in scope."""
    response = client.get(reverse("searches:plate_results"), {"plate": plate, **params})
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()
