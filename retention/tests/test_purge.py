"""The purge (RET-1, RET-3), holds surviving it (RET-2), and the audit log outliving it (AUD-3).

Every test runs on both storage backends: the local disk and S3 (a real SeaweedFS on loopback)."""
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from alpr import partitions, storage
from alpr.models import PlateRead
from audit.context import Actor
from audit.models import AuditEvent
from policy.models import AgencyPolicy
from policy.selectors import current_policy
from retention.models import PurgeRun, PurgeStatus
from retention.services import evidence_package_create, hold_place, hold_release, reads_purge_expired
from retention.services import purge as purge_module
from retention.tests.conftest import actor_of

pytestmark = pytest.mark.usefixtures("storage_backend")

SCHEDULER = Actor.system("scheduler")
# Noon UTC, so "29 days" and "31 days" never straddle a partition edge by accident.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _exists(read) -> bool:
    return PlateRead.system_objects.filter(pk=read.pk).exists()


def _files(read) -> list[bool]:
    """Whether the read's images are stored, by the references its row holds now (a held read's
    images are copied out of their day's segments by the purge) or, once the row is gone, held last."""
    current = PlateRead.system_objects.filter(pk=read.pk).first() or read
    return [storage.exists(p) for p in (current.image_path, current.crop_path)]


def _media_files() -> list[str]:
    return storage.stored_names()


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RET-3")
def test_read_29_days_old_stays_31_days_old_is_gone_with_its_files(make_read):
    young = make_read(captured_at=NOW - timedelta(days=29))
    old = make_read(captured_at=NOW - timedelta(days=31))
    old_day = storage.utc_day(old.captured_at)
    files = storage.stored_files(old_day)  # a segment file locally, one object per image on S3
    assert 1 <= files <= 2
    run = reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert _exists(young) and _files(young) == [True, True]
    assert not _exists(old) and _files(old) == [False, False]
    assert storage.stored_files(old_day) == 0 and storage.stored_names(old_day) == []
    assert old_day not in partitions.existing_partition_days()  # the day's partition was dropped
    assert run.status == PurgeStatus.DONE
    assert (run.rows_deleted, run.files_deleted, run.partitions_dropped) == (1, files, 1)
    event = AuditEvent.objects.get(action="retention.purge_run")
    assert (event.query["rows"], event.query["files"], event.query["partitions"]) == (1, files, 1)
    assert event.actor_label == "scheduler"


@pytest.mark.rule("RET-1")
def test_boundary_day_is_purged_to_the_microsecond(make_read):
    cutoff = NOW - timedelta(days=current_policy().retention_days)
    expired = make_read(captured_at=cutoff - timedelta(seconds=1))
    kept = make_read(captured_at=cutoff + timedelta(seconds=1))
    assert storage.utc_day(expired.captured_at) == storage.utc_day(kept.captured_at)
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert not _exists(expired) and _files(expired) == [False, False]
    assert _exists(kept) and _files(kept) == [True, True]


@pytest.mark.rule("RET-1")
def test_retention_follows_the_policy(make_read, administrator):
    AgencyPolicy.objects.create(retention_days=10, created_by=administrator, change_reason="shorter")
    read = make_read(captured_at=NOW - timedelta(days=11))
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert not _exists(read)


@pytest.mark.rule("RET-1")
def test_retention_above_90_days_is_refused_by_validation_and_database(db):
    policy = AgencyPolicy(retention_days=91)
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "retention_days" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyPolicy.objects.create(retention_days=91)


@pytest.mark.rule("RET-2")
def test_held_read_survives_and_goes_after_release(make_read, detective):
    held = make_read(captured_at=NOW - timedelta(days=40))
    neighbour = make_read(captured_at=held.captured_at + timedelta(minutes=5))
    hold = hold_place(actor=actor_of(detective), case_number="26-004512", reason="Hit-and-run evidence",
                      read_ids=[held.pk])
    run = reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert _exists(held) and _files(held) == [True, True]
    assert not _exists(neighbour) and _files(neighbour) == [False, False]
    assert run.held_rows_kept == 1 and run.rows_deleted == 1
    # Still found through the normal table, in a fresh partition of its own day.
    assert PlateRead.system_objects.filter(plate=held.plate, captured_at=held.captured_at).count() == 1
    again = reads_purge_expired(actor=SCHEDULER, now=NOW)  # idempotent: nothing more to do
    assert _exists(held) and again.rows_deleted == 0
    hold_release(actor=actor_of(detective), hold_id=hold.pk, reason="Case closed")
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert not _exists(held) and _files(held) == [False, False]
    assert _media_files() == []


@pytest.mark.rule("RET-2")
def test_plate_window_hold_keeps_that_plates_reads_only(make_read, detective):
    start = NOW - timedelta(days=45)
    inside = make_read(captured_at=start + timedelta(hours=2), plate="HOLD123")
    other_plate = make_read(captured_at=start + timedelta(hours=2), plate="OTHER1")
    outside = make_read(captured_at=start - timedelta(days=2), plate="HOLD123")
    hold_place(actor=actor_of(detective), case_number="26-1", reason="Stolen vehicle pattern",
               plate="hold 123", window_start=start, window_end=start + timedelta(days=1))
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert _exists(inside) and _files(inside) == [True, True]
    assert not _exists(other_plate) and not _exists(outside)


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RET-3")
def test_purge_killed_part_way_is_finished_by_the_next_run(make_read, monkeypatch):
    reads = [make_read(captured_at=NOW - timedelta(days=days)) for days in (33, 34, 35, 36)]
    young = make_read(captured_at=NOW - timedelta(days=2))
    real_drop = purge_module._drop_partition
    calls = {"n": 0}

    def dies_on_second_day(table):
        calls["n"] += 1
        if calls["n"] == 2:  # that day's files are gone, its rows not yet: the crash to survive
            raise RuntimeError("worker killed")
        real_drop(table)

    monkeypatch.setattr(purge_module, "_drop_partition", dies_on_second_day)
    with pytest.raises(RuntimeError):
        reads_purge_expired(actor=SCHEDULER, now=NOW)
    failed = PurgeRun.objects.get()
    assert failed.status == PurgeStatus.FAILED and failed.partitions_dropped == 1
    assert sum(_exists(read) for read in reads) == 3
    # Also leave an image directory with no partition behind, as a crash between steps could.
    storage.write_durably(storage.read_image_name(NOW - timedelta(days=50), "leftover", "full"), b"x")
    monkeypatch.setattr(purge_module, "_drop_partition", real_drop)
    second = reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert second.status == PurgeStatus.DONE
    assert not any(_exists(read) for read in reads)
    assert _media_files() == sorted([young.image_path, young.crop_path])
    cutoff_day = (NOW - timedelta(days=30)).date()
    assert [day for day in partitions.existing_partition_days() if day < cutoff_day] == []
    assert AuditEvent.objects.filter(action="retention.purge_run").count() == 2


@pytest.mark.rule("AUD-3")
def test_audit_entries_and_evidence_survive_the_purge(make_read, detective):
    read = make_read(captured_at=NOW - timedelta(days=31))
    package = evidence_package_create(actor=actor_of(detective), read_ids=[read.pk], purpose="violent_crime",
                                      case_number="26-77", description="Robbery getaway car photo")
    old_event = AuditEvent.objects.create(
        occurred_at=NOW - timedelta(days=400), actor_type="system", actor_label="old", action="bench.event",
        outcome="allowed", content_hash="")
    before = AuditEvent.objects.count()
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert not _exists(read)
    assert AuditEvent.objects.filter(pk=old_event.pk).exists()
    assert AuditEvent.objects.count() == before + 1  # only the purge's own entry was added
    assert f"images/{read.pk}-full.jpg" in storage.evidence_files(package.directory)


def test_a_second_purge_cannot_run_alongside(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [purge_module.PURGE_LOCK])
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [purge_module.PURGE_LOCK])
            assert cursor.fetchone()[0] is False
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [purge_module.PURGE_LOCK])
