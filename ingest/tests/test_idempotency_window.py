"""The idempotency look-up reads only the day partitions a retry can be in (ING-4).

A retry is the same camera and Idempotency-Key with a capture time within INGEST_IDEMPOTENCY_WINDOW_SECONDS
of the first delivery's; PostgreSQL prunes every other day partition when it executes the look-up.
"""
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from alpr import partitions
from alpr.models import PlateRead
from ingest import services
from ingest.conf import setting
from ingest.validation import check_image

pytestmark = pytest.mark.django_db


def _accept(cam, photo, key: str, captured_at: datetime):
    return services.read_accept(camera=cam.camera, photo=check_image(photo), captured_at=captured_at,
                                idempotency_key=key)


@pytest.mark.rule("ING-4")
def test_a_retry_within_the_window_is_the_same_read_and_the_same_key_much_later_is_a_new_one(cam, photo):
    window = setting("INGEST_IDEMPOTENCY_WINDOW_SECONDS")
    first_at = timezone.now() - timedelta(hours=3)
    first = _accept(cam, photo, "shot-7", first_at)
    retry = _accept(cam, photo, "shot-7", first_at + timedelta(seconds=window - 1))
    assert first.created and not retry.created and retry.read.pk == first.read.pk
    reused = _accept(cam, photo, "shot-7", first_at - timedelta(seconds=window + 60))
    assert reused.created and reused.read.pk != first.read.pk
    assert PlateRead.system_objects.filter(camera=cam.camera, idempotency_key="shot-7").count() == 2


def _partitions_read(camera_id: int, captured_at: datetime, *, generic: bool) -> set[str]:
    """The day partitions the look-up's plan reads, as PostgreSQL runs it (custom or generic plan)."""
    window = timedelta(seconds=setting("INGEST_IDEMPOTENCY_WINDOW_SECONDS"))
    with transaction.atomic():
        services._locked_duplicate(camera_id, "any-key", captured_at)  # prepares the statement
        with connection.cursor() as cursor:
            mode = "force_generic_plan" if generic else "force_custom_plan"
            cursor.execute(f"SET LOCAL plan_cache_mode = {mode}")
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                           "EXECUTE alpr_ingest_upload_duplicate (%s, %s, %s, %s)",
                           [camera_id, "any-key", captured_at - window, captured_at + window])
            plan = "\n".join(row[0] for row in cursor.fetchall())
    return set(re.findall(r"alpr_plateread_p\d{8}", plan))


@pytest.mark.rule("ING-4")
@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_the_look_up_reads_only_the_partitions_of_its_window(cam, generic):
    today = timezone.now().astimezone(UTC).date()
    partitions.ensure_partitions(today - timedelta(days=10), today + timedelta(days=1))
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=UTC) - timedelta(days=3)
    assert _partitions_read(cam.camera.pk, noon, generic=generic) == {partitions.partition_name(noon.date())}
    # Just after midnight the window reaches back into the day before: two partitions, no more.
    after_midnight = noon.replace(hour=0, minute=10)
    assert _partitions_read(cam.camera.pk, after_midnight, generic=generic) == {
        partitions.partition_name(after_midnight.date()),
        partitions.partition_name(after_midnight.date() - timedelta(days=1))}
