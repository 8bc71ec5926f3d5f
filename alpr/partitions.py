"""Day partitions of the plate-read table: one per UTC day of capture, and no default partition.

A default partition would catch rows for days that have no partition, and then dropping a day would
no longer be a constant-time ``DROP TABLE``. Instead, ingest refuses capture times outside the
retention window and creates the day's partition before inserting (``ensure_partitions``); a daily
task creates the next days in advance.
"""
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction

PARENT_TABLE = "alpr_plateread"
# Serialises partition creation across processes (two CREATEs of one day would collide).
_ADVISORY_LOCK_KEY = 0x41_4C_50_52  # "ALPR"
_known_days: set[date] = set()


def partition_name(day: date) -> str:
    return f"{PARENT_TABLE}_p{day:%Y%m%d}"


def day_of(partition: str) -> date:
    """Return the day a partition named by `partition_name` holds."""
    return datetime.strptime(partition.rsplit("_p", 1)[1], "%Y%m%d").date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def existing_partition_days() -> list[date]:
    """Return the days that have a partition, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT child.relname FROM pg_inherits
            JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
            JOIN pg_class child ON child.oid = pg_inherits.inhrelid
            WHERE parent.relname = %s
            """,
            [PARENT_TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    prefix = f"{PARENT_TABLE}_p"
    return sorted(datetime.strptime(name[len(prefix):], "%Y%m%d").date()
                  for name in names if name.startswith(prefix))


def ensure_partitions(from_day: date, to_day: date) -> list[date]:
    """Create the missing day partitions from `from_day` to `to_day` inclusive; return those created.

    Idempotent and safe to call concurrently. Cheap when the days exist already (a per-process cache,
    then one catalogue query), so ingest calls it for every read's day.
    """
    wanted = [from_day + timedelta(days=n) for n in range((to_day - from_day).days + 1)]
    missing = [day for day in wanted if day not in _known_days]
    if not missing:
        return []
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        for day in missing:
            # The application's database role owns no table; this SECURITY DEFINER function
            # (core/migrations/0002) creates the partition as the owner.
            cursor.execute("SELECT alpr_create_read_partition(%s)", [day])
            if cursor.fetchone()[0]:
                created.append(day)
        # Remember only what is committed: a rolled-back transaction takes its partitions with it.
        transaction.on_commit(lambda: _known_days.update(missing))
    return created


def forget_known_partitions() -> None:
    """Drop the per-process cache (after a partition was dropped, or between tests)."""
    _known_days.clear()
