"""The recognition task and the sweeper: idempotent by read id, nothing accepted is lost (ING-1, ING-4)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import storage
from alpr.models import PlateRead, ReadStatus
from audit.models import AuditEvent
from ingest import services, tasks
from ingest.tests.conftest import stored_images
from ingest.validation import check_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(cam, photo):
    return services.read_accept(camera=cam.camera, photo=check_image(photo), captured_at=timezone.now(),
                                queue=False).read


@pytest.mark.rule("ING-1")
def test_recognition_stores_plate_candidates_box_crop_and_tells_the_extension_point(
        received, media_root, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.recognize_read(received.pk)
    read = PlateRead.system_objects.get(pk=received.pk)
    assert (read.status, read.plate, read.state, read.attempts) == (ReadStatus.DONE, "7ABC123", "IL", 1)
    assert read.confidence == 0.91 and read.candidates[1] == {"text": "7A8C123", "confidence": 0.12}
    assert len(read.candidates) == 2, "the junk candidate scored 0.004 is not stored"
    assert read.state_confidence == 0.83 and read.source_read_id is None
    assert read.box == [224, 248, 192, 96] and read.processing_ms is not None
    assert read.crop_path.endswith(f"{read.uuid}-crop.jpg")
    crop = check_image(storage.read_bytes(read.crop_path))
    assert (crop.width, crop.height) == (222, 112)  # the box plus its margin
    assert heard == [read.pk]


@pytest.mark.rule("ING-4")
def test_recognition_is_idempotent_by_read_id(received, media_root, heard,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.recognize_read(received.pk)
        tasks.recognize_read(received.pk)
    read = PlateRead.system_objects.get(pk=received.pk)
    assert read.attempts == 1 and heard == [read.pk]
    assert len(stored_images()) == 2


def test_a_missing_read_is_ignored(db):
    assert services.read_recognize(read_id=987654321) is None


@pytest.mark.rule("ING-4")
def test_failures_go_back_to_the_sweeper_then_give_up_after_max_attempts(received, settings):
    settings.INGEST_RECOGNIZER = "ingest.tests.fake_recognizer.broken"
    settings.INGEST_MAX_ATTEMPTS = 2
    services.read_recognize(read_id=received.pk)
    read = PlateRead.system_objects.get(pk=received.pk)
    assert read.status == ReadStatus.RECEIVED and read.attempts == 1 and "exploded" in read.last_error
    services.read_recognize(read_id=received.pk)
    read = PlateRead.system_objects.get(pk=received.pk)
    assert read.status == ReadStatus.FAILED and read.attempts == 2
    assert AuditEvent.objects.filter(action="ingest.read_failed", targets=[f"read:{read.pk}"]).exists()


@pytest.mark.rule("ING-4")
def test_sweeper_requeues_reads_a_dead_worker_or_down_broker_left_behind(
        received, monkeypatch, django_capture_on_commit_callbacks, settings):
    queued = []
    monkeypatch.setattr(services, "queue_recognition", queued.append)
    # A worker took it and died: processing, one attempt, long ago.
    PlateRead.system_objects.filter(pk=received.pk).update(
        status=ReadStatus.PROCESSING, attempts=1, updated_at=timezone.now() - timedelta(minutes=2))
    assert services.reads_requeue_stuck().requeued == 0  # not yet: the default delay is 5 minutes
    PlateRead.system_objects.filter(pk=received.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.reads_requeue_stuck()
    assert (result.requeued, result.failed) == (1, 0) and queued == [received.pk]
    read = PlateRead.system_objects.get(pk=received.pk)
    assert read.status == ReadStatus.RECEIVED and read.updated_at > timezone.now() - timedelta(minutes=1)
    # Fresh reads are left to their queued task.
    assert services.reads_requeue_stuck().requeued == 0
    # Out of attempts: given up, and audited.
    settings.INGEST_MAX_ATTEMPTS = 1
    PlateRead.system_objects.filter(pk=received.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    assert services.reads_requeue_stuck().failed == 1
    assert PlateRead.system_objects.get(pk=received.pk).status == ReadStatus.FAILED


def test_sweeper_task_also_prepares_the_coming_days_partitions(db, monkeypatch):
    monkeypatch.setattr(services, "queue_recognition", lambda read_id: True)
    assert tasks.requeue_stuck_reads() == {"requeued": 0, "failed": 0}
    from alpr.partitions import existing_partition_days

    today = timezone.now().astimezone(timezone.get_fixed_timezone(0)).date()
    assert {today, today + timedelta(days=1), today + timedelta(days=2)} <= set(existing_partition_days())
