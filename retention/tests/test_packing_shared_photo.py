"""Packing keeps the photo that the plates of one photo share (issue 13: every plate is a read).

The further plates of a photo are reads of their own that share the upload's photo reference, and their
ids come at recognition time, so other uploads' ids lie between the upload's read and its siblings.
Packing walks a day's rows in id batches; a batch holding the upload's read but not its sibling must
repoint the sibling too before the single file goes. The batch is shrunk to one row here so the
boundary falls between the two reads (and left at its size, where both are in one batch).
"""
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from alpr import partitions, storage
from alpr.models import PlateRead, ReadStatus
from audit.context import Actor
from audit.models import AuditEvent
from retention.services import packing, reads_pack_images

SCHEDULER = Actor.system("scheduler")


def _single_file(captured, read_uuid, kind, content: bytes) -> str:
    name = storage.read_image_name(captured, read_uuid, kind)
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


def photo_with_two_plates(camera) -> tuple[PlateRead, PlateRead]:
    """An upload's read and the read of its photo's second plate, sharing the photo, with another
    camera's upload between their ids (it arrived before recognition finished); two days old."""
    captured = timezone.now() - timedelta(days=2)
    day = storage.utc_day(captured)
    partitions.ensure_partitions(day, day)
    upload_uuid, sibling_uuid = uuid.uuid4(), uuid.uuid4()
    photo = _single_file(captured, upload_uuid, "full", b"the photo with two plates")
    upload = PlateRead.system_objects.create(
        uuid=upload_uuid, camera=camera, captured_at=captured, plate="KRN5562", image_path=photo,
        crop_path=_single_file(captured, upload_uuid, "crop", b"crop 1"), status=ReadStatus.DONE,
        idempotency_key="upload-1")
    PlateRead.system_objects.create(
        uuid=uuid.uuid4(), camera=camera, captured_at=captured, plate="ZX9Q14", status=ReadStatus.DONE,
        image_path=_single_file(captured, uuid.uuid4(), "full", b"another photo"), idempotency_key="other")
    sibling = PlateRead.system_objects.create(
        uuid=sibling_uuid, camera=camera, captured_at=captured, plate="7ABC123", image_path=photo,
        crop_path=_single_file(captured, sibling_uuid, "crop", b"crop 2"), status=ReadStatus.DONE,
        idempotency_key=f"plate-2:{upload_uuid}", source_read_id=upload.pk)
    return upload, sibling


@pytest.mark.rule("RET-3")
@pytest.mark.parametrize("batch", [1, 5000])
def test_packing_keeps_the_shared_photo_of_every_plate_of_a_photo(camera, monkeypatch, batch):
    monkeypatch.setattr(packing, "PACK_BATCH", batch)
    upload, sibling = photo_with_two_plates(camera)

    reads_pack_images(actor=SCHEDULER)

    upload = PlateRead.system_objects.get(pk=upload.pk)
    sibling = PlateRead.system_objects.get(pk=sibling.pk)
    assert storage.read_bytes(upload.image_path) == b"the photo with two plates"
    assert storage.read_bytes(sibling.image_path) == b"the photo with two plates"
    assert storage.read_bytes(sibling.crop_path) == b"crop 2"


@pytest.mark.rule("RET-3")
@pytest.mark.parametrize("batch", [1, 5000])
def test_the_packing_audit_counts_each_image_and_row_once(camera, monkeypatch, batch):
    """One photo with two plates and another photo: 4 files packed (a photo, two crops, another
    photo) and 3 rows changed, whether the two plates' reads are in one batch or not."""
    monkeypatch.setattr(packing, "PACK_BATCH", batch)
    photo_with_two_plates(camera)

    result = reads_pack_images(actor=SCHEDULER)

    event = AuditEvent.objects.get(action="retention.images_packed")
    assert (result.images, result.rows) == (4, 3)
    assert (event.query["images"], event.result_count) == (4, 3)
