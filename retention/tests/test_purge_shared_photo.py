"""Two plates of one photo are two reads sharing its file: the purge keeps the photo while either read is
held, and removes it with the last of them (RET-1, RET-2, RET-3; issue 13)."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from alpr import storage
from alpr.models import PlateRead, ReadStatus
from audit.context import Actor
from policy.selectors import current_policy
from retention.services import hold_place, hold_release, reads_purge_expired
from retention.tests.conftest import JPEG, actor_of, create_read

SCHEDULER = Actor.system("scheduler")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def second_plate_of(read: PlateRead, plate: str = "KRN5562") -> PlateRead:
    """Another plate found in `read`'s photo, stored as ingest stores it: the same photo, its own crop."""
    sibling_uuid = uuid.uuid4()
    crop_path = storage.write_durably(
        storage.read_image_name(read.captured_at, sibling_uuid, "crop"), JPEG + b"second crop")
    return PlateRead.system_objects.create(
        uuid=sibling_uuid, camera_id=read.camera_id, captured_at=read.captured_at, plate=plate, state="IN",
        image_path=read.image_path, crop_path=crop_path, status=ReadStatus.DONE, source_read_id=read.pk,
        idempotency_key=f"plate-2:{read.uuid}")


def _exists(read) -> bool:
    return PlateRead.system_objects.filter(pk=read.pk).exists()


def _on_disk(*references) -> list[bool]:
    return [storage.exists(reference) for reference in references]


def _stored(read) -> PlateRead:
    """The read as stored now: a held read's images are copied out of its purged day and repointed."""
    return PlateRead.system_objects.get(pk=read.pk)


@pytest.mark.rule("RET-2")
@pytest.mark.rule("RET-3")
@pytest.mark.parametrize("held_one", ["upload", "second plate"])
def test_a_held_plate_keeps_the_shared_photo_of_an_expired_day(camera, detective, held_one):
    first = create_read(camera, captured_at=NOW - timedelta(days=40))
    second = second_plate_of(first)
    other = create_read(camera, captured_at=first.captured_at + timedelta(minutes=5))  # not held
    held, gone = (first, second) if held_one == "upload" else (second, first)
    hold = hold_place(actor=actor_of(detective), case_number="26-004512", reason="Hit-and-run evidence",
                      read_ids=[held.pk])
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert _exists(held) and not _exists(gone) and not _exists(other)
    kept = _stored(held)
    assert _on_disk(kept.image_path, kept.crop_path) == [True, True]  # the photo too, whoever's name it has
    assert _on_disk(gone.crop_path, other.image_path) == [False, False]
    hold_release(actor=actor_of(detective), hold_id=hold.pk, reason="Case closed")
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert _on_disk(kept.image_path, kept.crop_path, first.image_path, first.crop_path, second.crop_path) \
        == [False] * 5


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RET-2")
def test_the_boundary_day_keeps_the_shared_photo_of_a_held_plate(camera, detective):
    cutoff = NOW - timedelta(days=current_policy().retention_days)
    first = create_read(camera, captured_at=cutoff - timedelta(seconds=5))
    second = second_plate_of(first)
    create_read(camera, captured_at=cutoff + timedelta(seconds=5))  # keeps the day only partly expired
    hold_place(actor=actor_of(detective), case_number="26-004512", reason="Hit-and-run evidence",
               read_ids=[second.pk])
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert not _exists(first) and _exists(second)
    kept = _stored(second)
    assert _on_disk(kept.image_path, kept.crop_path, first.crop_path) == [True, True, False]
