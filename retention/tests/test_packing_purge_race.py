"""Packing decides at its start which days it packs; a purge that runs meanwhile (the nightly purge
beside a packing run that takes long on S3) may drop the oldest of them. What was tried: the purge
dropping the day while packing copies its images. Packing must then erase the copies it made (they are
purged reads' images, RET-1) and go on, not crash on the dropped partition."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import partitions, storage
from alpr.models import PlateRead, ReadStatus
from audit.context import Actor
from policy.selectors import current_policy
from retention.services import reads_pack_images, reads_purge_expired
from retention.tests.test_packing_shared_photo import _single_file

SCHEDULER = Actor.system("scheduler")


@pytest.mark.rule("RET-1")
@pytest.mark.django_db(transaction=True)
def test_a_purge_during_packing_leaves_no_image_of_the_purged_day(camera, monkeypatch):
    now = timezone.now()
    retention = current_policy().retention_days
    cutoff = now - timedelta(days=retention)
    boundary_day = storage.utc_day(cutoff)
    # A kept read of the boundary day (after the cutoff), its photo one file of its own.
    captured = cutoff + timedelta(seconds=1)
    if storage.utc_day(captured) != boundary_day:
        pytest.skip("too close to midnight")
    partitions.ensure_partitions(boundary_day, boundary_day)
    read_uuid = uuid.uuid4()
    PlateRead.system_objects.create(
        uuid=read_uuid, camera=camera, captured_at=captured, plate="KRN5562", status=ReadStatus.DONE,
        image_path=_single_file(captured, read_uuid, "full", b"photo"), idempotency_key="k1")

    original = storage.pack_images
    purged = []

    def pack_then_purge(day, items):
        if day == boundary_day and not purged:
            # The nightly purge, a day later than packing's start: the whole boundary day expired. It
            # runs while packing copies the day's images (before packing takes the retention lock).
            purged.append(reads_purge_expired(actor=SCHEDULER, now=now + timedelta(days=1)))
        return original(day, items)

    monkeypatch.setattr(storage, "pack_images", pack_then_purge)
    reads_pack_images(actor=SCHEDULER, now=now)
    assert purged, "the purge did not run"
    leftover = storage.stored_names(boundary_day)
    assert leftover == [], f"images of the purged day {boundary_day} stored again: {leftover}"
