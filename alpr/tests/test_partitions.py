"""Reads are stored by UTC day so the purge (issue 6) can drop a day in constant time (RET-1, RET-3)."""
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from alpr import storage
from alpr.models import PlateRead
from alpr.partitions import ensure_partitions, existing_partition_days, partition_name
from alpr.services import camera_create
from audit.context import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera():
    return camera_create(actor=Actor.system("test"), name="Partition test camera")


def _read(camera, captured_at, key):
    return PlateRead.system_objects.create(camera=camera, captured_at=captured_at, idempotency_key=key,
                                           plate="ABC123", image_path="")


def _partition_of(read_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM alpr_plateread WHERE id = %s", [read_id])
        return cursor.fetchone()[0]


def test_each_read_lands_in_its_utc_day_partition(camera):
    late_evening_chicago = datetime(2026, 3, 4, 0, 30, tzinfo=UTC)  # 18:30 on 3 March in Chicago
    ensure_partitions(date(2026, 3, 3), date(2026, 3, 4))
    read = _read(camera, late_evening_chicago, "a")
    assert _partition_of(read.pk) == partition_name(date(2026, 3, 4)) == "alpr_plateread_p20260304"
    assert PlateRead.system_objects.get(pk=read.pk).plate == "ABC123"  # id alone still finds it


def test_ensure_partitions_is_idempotent_and_there_is_no_default_partition(camera):
    created = ensure_partitions(date(2027, 1, 1), date(2027, 1, 3))
    assert created == [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]
    assert ensure_partitions(date(2027, 1, 1), date(2027, 1, 3)) == []
    assert {date(2027, 1, 1), date(2027, 1, 3)} <= set(existing_partition_days())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_expr(relpartbound, oid) FROM pg_class "
                       "WHERE relname LIKE 'alpr_plateread_%%' AND relispartition")
        bounds = [row[0] for row in cursor.fetchall()]
    assert bounds and "DEFAULT" not in bounds
    # A day without a partition is refused by the database rather than caught by a default partition.
    with pytest.raises(Exception, match="no partition"):
        _read(camera, datetime(2031, 6, 1, tzinfo=UTC), "b")


def test_dropping_a_day_partition_removes_that_day_and_nothing_else(camera):
    ensure_partitions(date(2026, 5, 1), date(2026, 5, 2))
    gone = _read(camera, datetime(2026, 5, 1, 12, tzinfo=UTC), "gone")
    kept = _read(camera, datetime(2026, 5, 2, 12, tzinfo=UTC), "kept")
    with connection.cursor() as cursor:
        # The test inserted in this very transaction; a real purge drops days written long ago.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP TABLE {partition_name(date(2026, 5, 1))}")
    remaining = PlateRead.system_objects.filter(pk__in=[gone.pk, kept.pk]).values_list("pk", flat=True)
    assert list(remaining) == [kept.pk]


def test_images_are_laid_out_by_day_and_a_day_is_deleted_whole(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    moment = datetime(2026, 5, 1, 23, 59, tzinfo=UTC)
    name = storage.read_image_name(moment, "1234", "full")
    assert name == "reads/2026/05/01/1234-full.jpg"
    first = storage.write_durably(name, b"photo")
    second = storage.write_durably(storage.read_image_name(moment, "4321", "full"), b"other")
    following = storage.write_durably(storage.read_image_name(moment + timedelta(minutes=2), "5678", "full"),
                                      b"next day")
    # Both images of the day went into one segment file of this process; no temporary file is left.
    assert [p.name.endswith(".seg") for p in (tmp_path / "reads/2026/05/01").iterdir()] == [True]
    assert (storage.read_bytes(first), storage.read_bytes(second)) == (b"photo", b"other")
    assert storage.delete_day(date(2026, 5, 1)) == 1
    assert not (tmp_path / "reads/2026/05/01").exists() and not storage.exists(first)
    assert storage.read_bytes(following) == b"next day"
    with pytest.raises(ValueError):
        storage.read_bytes("../../etc/passwd")
