"""`manage.py bench_purge --days 31 --reads-per-day 500000`: how long purging one day takes.

Builds days of synthetic reads fast (INSERT ... SELECT generate_series straight into each day's
partition), writes placeholder image files (every read of the days that get purged, a sample of the
others), then times ``reads_purge_expired`` dropping one day with 10 days resident and again with
``days - 1`` resident, and prints ONE JSON line last. Refuses to run unless the database's name
contains "bench": it drops every plate-read partition it finds. Images go to a scratch MEDIA_ROOT.
"""
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from alpr import partitions, storage
from alpr.models import Camera
from audit.context import Actor
from policy.selectors import current_policy
from retention.services import reads_purge_expired

PLACEHOLDER = b"\xff\xd8\xff\xe0bench\xff\xd9"
FIRST_PHASE_RESIDENT = 10


class Command(BaseCommand):
    help = "Benchmark the purge of one day of plate reads (bench databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=31, help="Days resident before the second purge.")
        parser.add_argument("--reads-per-day", type=int, default=500_000)
        parser.add_argument("--file-sample", type=int, default=1000,
                            help="Reads with image files on days that are not purged.")
        parser.add_argument("--purged-day-files", type=int, default=0,
                            help="Reads with image files on the two purged days (default: all of them).")
        parser.add_argument("--media-root", default=str(Path(settings.BASE_DIR) / "var" / "bench-media"))

    def handle(self, *args, **options):
        database = connection.settings_dict["NAME"]
        if "bench" not in database:
            raise CommandError(f"Refusing to run on database {database!r}: its name must contain 'bench'.")
        days, per_day = options["days"], options["reads_per_day"]
        if days <= FIRST_PHASE_RESIDENT + 1:
            raise CommandError(f"--days must be more than {FIRST_PHASE_RESIDENT + 1}.")
        media = Path(options["media_root"])
        shutil.rmtree(media, ignore_errors=True)
        settings.MEDIA_ROOT = media
        self._reset()
        camera, _ = Camera.objects.get_or_create(name="Bench camera")
        retention = current_policy().retention_days
        today = datetime.now(UTC).date()
        oldest = today - timedelta(days=retention + 1)
        actor = Actor.system("bench_purge")
        started = time.monotonic()

        # Phase 1: 11 days, the oldest expired; purging it leaves 10 resident.
        for offset in range(FIRST_PHASE_RESIDENT + 1):
            day = oldest + timedelta(days=offset)
            self._build_day(camera, day, per_day, sample=options["file_sample"],
                             all_files=offset in (0, 1) and not options["purged_day_files"])
            if offset in (0, 1) and options["purged_day_files"]:
                self._write_files(day, options["purged_day_files"])
        build_s = time.monotonic() - started
        first = self._timed_purge(actor, datetime.combine(today, datetime.min.time(), tzinfo=UTC))

        # Phase 2: fill up to `days` resident, the oldest expired; purging it leaves days - 1.
        for offset in range(FIRST_PHASE_RESIDENT + 1, days + 1):
            day = oldest + timedelta(days=offset)
            self._build_day(camera, day, per_day, all_files=False, sample=options["file_sample"])
        resident_before = len(partitions.existing_partition_days())
        size_before = self._table_mb()
        # The cutoff moves one day on: exactly the next-oldest day expires.
        second = self._timed_purge(actor, datetime.combine(oldest + timedelta(days=retention + 2),
                                                           datetime.min.time(), tzinfo=UTC))
        size_after = self._table_mb()
        resident_after = len(partitions.existing_partition_days())
        shutil.rmtree(media, ignore_errors=True)
        result = {
            "reads_per_day": per_day,
            "days": days,
            "purge_day_s_10_resident": round(first["seconds"], 3),
            "purge_day_s_30_resident": round(second["seconds"], 3),
            "resident_after_second": resident_after,
            "purge_day_db_s_10_resident": round(first["seconds"] - first["unlink_s"], 3),
            "purge_day_db_s_30_resident": round(second["seconds"] - second["unlink_s"], 3),
            "unlink_s": [round(first["unlink_s"], 3), round(second["unlink_s"], 3)],
            "rows_deleted": [first["rows"], second["rows"]],
            "files_deleted": [first["files"], second["files"]],
            "resident_before_second": resident_before,
            "table_mb_before": size_before,
            "table_mb_after": size_after,
            "build_first_phase_s": round(build_s, 1),
        }
        self.stdout.write(json.dumps(result))

    def _reset(self) -> None:
        with connection.cursor() as cursor:
            for day in partitions.existing_partition_days():
                cursor.execute(f"DROP TABLE {partitions.partition_name(day)}")
        partitions.forget_known_partitions()

    def _build_day(self, camera, day, count: int, *, all_files: bool, sample: int) -> None:
        """Load a day into a bare table, then ATTACH it: the indexes are built in bulk, not row by row."""
        began = time.monotonic()
        table = partitions.partition_name(day)
        start, end = partitions.day_bounds(day)
        prefix = f"{storage.READS_DIR}/{day:%Y/%m/%d}/"
        parent = partitions.PARENT_TABLE
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(f"CREATE TABLE {table} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(
                f"""INSERT INTO {table} (id, uuid, camera_id, captured_at, received_at, updated_at, plate,
                        state, confidence, candidates, image_path, crop_path, status, attempts, last_error,
                        source, idempotency_key)
                    SELECT nextval(pg_get_serial_sequence('{parent}', 'id')), u, %(camera)s, ts, ts, ts,
                           plate, 'IL', 0.9, '[]'::jsonb, %(prefix)s || u || '-full.jpg',
                           %(prefix)s || u || '-crop.jpg', 'done', 1, '', 'upload', u::text
                    FROM (SELECT gen_random_uuid() AS u,
                                 %(start)s::timestamptz
                                     + (g * (86400.0 / %(count)s)) * interval '1 second' AS ts,
                                 upper(substr(md5(g::text), 1, 7)) AS plate
                          FROM generate_series(0, %(count)s - 1) AS g) AS generated""",
                {"camera": camera.pk, "prefix": prefix, "start": start, "count": count})
            # The partition bound as a CHECK lets ATTACH skip its validation scan.
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_bound "
                           "CHECK (captured_at >= %s AND captured_at < %s)", [start, end])
            cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {table} FOR VALUES FROM (%s) TO (%s)",
                           [start, end])
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_bound")
            cursor.execute(f"SELECT image_path, crop_path FROM {table}"
                           + ("" if all_files else " LIMIT %s"), [] if all_files else [sample])
            paths = cursor.fetchall()
            cursor.execute(f"ANALYZE {table}")
        directory = storage.day_directory(day)
        directory.mkdir(parents=True, exist_ok=True)
        self._write_placeholders(paths)
        self.stderr.write(f"built {day}: {count} reads, {2 * len(paths)} files, "
                          f"{time.monotonic() - began:.1f}s")

    def _write_files(self, day, count: int) -> None:
        table = partitions.partition_name(day)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT image_path, crop_path FROM {table} LIMIT %s", [count])
            self._write_placeholders(cursor.fetchall())
        self.stderr.write(f"  + files for {count} reads of {day}")

    def _write_placeholders(self, paths) -> None:
        root = str(settings.MEDIA_ROOT)

        def write(relative: str) -> None:
            fd = os.open(os.path.join(root, relative), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
            os.write(fd, PLACEHOLDER)
            os.close(fd)

        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(write, [relative for pair in paths for relative in pair]))

    def _timed_purge(self, actor, now) -> dict:
        started = time.monotonic()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            run = profiler.runcall(reads_purge_expired, actor=actor, now=now)
            pstats.Stats(profiler, stream=self.stderr).sort_stats("cumulative").print_stats(25)
        else:
            run = reads_purge_expired(actor=actor, now=now)
        seconds = time.monotonic() - started
        self.stderr.write(f"purge at {now:%Y-%m-%d}: {seconds:.3f}s, {run.rows_deleted} rows, "
                          f"{run.files_deleted} files, {run.partitions_dropped} partitions")
        unlink = sum(day.get("unlink_s", 0) for day in run.days)
        return {"seconds": seconds, "rows": run.rows_deleted, "files": run.files_deleted, "unlink_s": unlink}

    def _table_mb(self) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
                           "WHERE inhparent = %s::regclass", [partitions.PARENT_TABLE])
            return round(float(cursor.fetchone()[0]) / 2**20, 1)
