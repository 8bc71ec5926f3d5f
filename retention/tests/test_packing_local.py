"""Upgrading an existing MEDIA_ROOT: images written one file each (the layout before segments) are packed
into their day's segments by the hourly job, and the day then purges as a handful of files."""
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from alpr import partitions, storage
from alpr.models import PlateRead, ReadStatus
from audit.context import Actor
from audit.models import AuditEvent
from retention.services import reads_pack_images

SCHEDULER = Actor.system("scheduler")
pytestmark = pytest.mark.rule("RET-3")


def test_single_image_files_of_the_old_layout_are_packed_and_removed(camera):
    captured = timezone.now() - timedelta(days=2)
    day = storage.utc_day(captured)
    partitions.ensure_partitions(day, day)
    reads = []
    for index in range(3):
        read_uuid = uuid.uuid4()
        names = [storage.read_image_name(captured, read_uuid, kind) for kind in ("full", "crop")]
        for name in names:  # as alpr.storage wrote them before segments: one file per image
            path = settings.MEDIA_ROOT / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f"image {index} {name}".encode())
        reads.append(PlateRead.system_objects.create(
            uuid=read_uuid, camera=camera, captured_at=captured + timedelta(seconds=index),
            plate="OLD0001", image_path=names[0], crop_path=names[1], status=ReadStatus.DONE,
            idempotency_key=uuid.uuid4().hex))
    assert storage.stored_files(day) == 6
    result = reads_pack_images(actor=SCHEDULER)
    assert (result.images, result.rows, result.days) == (6, 3, [day.isoformat()])
    assert storage.stored_files(day) == 1
    for index, read in enumerate(reads):
        current = PlateRead.system_objects.get(pk=read.pk)
        assert storage.read_bytes(current.image_path) == f"image {index} {read.image_path}".encode()
        assert not (settings.MEDIA_ROOT / read.image_path).exists()
    event = AuditEvent.objects.get(action="retention.images_packed")
    assert event.query["images"] == 6 and event.result_count == 3
