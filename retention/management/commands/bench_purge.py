"""`manage.py bench_purge --days 31 --reads-per-day 500000 [--backend local|s3]`: how long purging one
day, rows and images, takes.

Builds days of synthetic reads fast: every read gets a photo and a crop (small placeholders), stored
through ``alpr.storage`` as the hourly packing leaves a finished day (``--segments-per-day`` segment
files or objects per day), and its row is COPYed into a bare table ATTACHed as the day's partition.
Then it times ``reads_purge_expired`` dropping one day with 10 days resident and again with
``days - 1`` resident, and prints ONE JSON line last. Refuses to run unless the database's name
contains "bench": it drops every plate-read partition it finds. Images go to a scratch MEDIA_ROOT
(local) or to a SeaweedFS the command starts on loopback for itself (s3); both are removed at the end.
"""
import json
import os
import shutil
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
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
COLUMNS = ("uuid", "captured_at", "plate", "image_path", "crop_path")
FIRST_PHASE_RESIDENT = 10


class Command(BaseCommand):
    help = "Benchmark the purge of one day of plate reads (bench databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=31, help="Days resident before the second purge.")
        parser.add_argument("--reads-per-day", type=int, default=500_000)
        parser.add_argument("--backend", choices=storage.BACKENDS, default="local",
                            help="Where the images live: the local disk, or a SeaweedFS started for the run.")
        parser.add_argument("--segments-per-day", type=int, default=24,
                            help="Segment files or objects a day's images are packed into.")
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
        self.segments = options["segments_per_day"]
        server = self._start_object_store(media) if options["backend"] == "s3" else None
        try:
            result = self._run(days, per_day, options["backend"])
        finally:
            if server is not None:
                server.stop()
            shutil.rmtree(media, ignore_errors=True)
        self.stdout.write(json.dumps(result))

    def _start_object_store(self, media: Path):
        from core.seaweedfs import SeaweedServer

        media.mkdir(parents=True, exist_ok=True)
        directory = Path(tempfile.mkdtemp(prefix="seaweedfs-", dir=media))
        server = SeaweedServer(directory, volume_size_mb=1024).start()
        bucket = server.create_bucket("alpr-bench")
        for name, value in server.settings(bucket).items():
            setattr(settings, name, value)
        self.stderr.write(f"SeaweedFS at {server.endpoint_url}, bucket {bucket}")
        return server

    def _run(self, days: int, per_day: int, backend: str) -> dict:
        self._reset()
        camera, _ = Camera.objects.get_or_create(name="Bench camera")
        retention = current_policy().retention_days
        today = datetime.now(UTC).date()
        oldest = today - timedelta(days=retention + 1)
        actor = Actor.system("bench_purge")
        started = time.monotonic()

        # Phase 1: 11 days, the oldest expired; purging it leaves 10 resident.
        for offset in range(FIRST_PHASE_RESIDENT + 1):
            self._build_day(camera, oldest + timedelta(days=offset), per_day)
        build_s = time.monotonic() - started
        first = self._timed_purge(actor, datetime.combine(today, datetime.min.time(), tzinfo=UTC))

        # Phase 2: fill up to `days` resident, the oldest expired; purging it leaves days - 1.
        for offset in range(FIRST_PHASE_RESIDENT + 1, days + 1):
            self._build_day(camera, oldest + timedelta(days=offset), per_day)
        resident_before = len(partitions.existing_partition_days())
        size_before = self._table_mb()
        # The cutoff moves one day on: exactly the next-oldest day expires.
        second = self._timed_purge(actor, datetime.combine(oldest + timedelta(days=retention + 2),
                                                           datetime.min.time(), tzinfo=UTC))
        size_after = self._table_mb()
        resident_after = len(partitions.existing_partition_days())
        return {
            "backend": backend,
            "reads_per_day": per_day,
            "images_per_day": 2 * per_day,
            "days": days,
            "purge_day_s_10_resident": round(first["seconds"], 3),
            "purge_day_s_30_resident": round(second["seconds"], 3),
            "resident_after_second": resident_after,
            "storage_s": [round(first["storage_s"], 3), round(second["storage_s"], 3)],
            "rows_deleted": [first["rows"], second["rows"]],
            "files_deleted": [first["files"], second["files"]],
            "images_left_of_purged_days": [first["left"], second["left"]],
            "resident_before_second": resident_before,
            "table_mb_before": size_before,
            "table_mb_after": size_after,
            "build_first_phase_s": round(build_s, 1),
        }

    def _reset(self) -> None:
        with connection.cursor() as cursor:
            for day in partitions.existing_partition_days():
                cursor.execute(f"DROP TABLE {partitions.partition_name(day)}")
        partitions.forget_known_partitions()

    def _build_day(self, camera, day, count: int) -> None:
        """Store the day's images in its segments, COPY its rows into a bare table, then ATTACH it: the
        indexes are built in bulk, not row by row."""
        began = time.monotonic()
        table = partitions.partition_name(day)
        start, end = partitions.day_bounds(day)
        parent = partitions.PARENT_TABLE
        step = 86400.0 / count
        rows = []
        per_segment = -(-count // self.segments)
        for first in range(0, count, per_segment):
            batch = [(uuid.uuid4(), start + timedelta(seconds=i * step))
                     for i in range(first, min(count, first + per_segment))]
            names = [f"{read_uuid}-{kind}.jpg" for read_uuid, _ in batch for kind in ("full", "crop")]
            references = storage.pack_images(day, [(name, PLACEHOLDER) for name in names])
            rows += [(read_uuid, captured, read_uuid.hex[:7].upper(), *references[2 * k:2 * k + 2])
                     for k, (read_uuid, captured) in enumerate(batch)]
        stored_s = time.monotonic() - began
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(f"CREATE TABLE {table} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute("CREATE TEMPORARY TABLE bench_rows (uuid uuid, captured_at timestamptz, "
                           "plate text, image_path text, crop_path text)")
            with cursor.cursor.copy(f"COPY bench_rows ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"""INSERT INTO {table} (id, uuid, camera_id, captured_at, received_at, updated_at, plate,
                        state, confidence, candidates, image_path, crop_path, status, attempts, last_error,
                        source, idempotency_key)
                    SELECT nextval(pg_get_serial_sequence('{parent}', 'id')), uuid, %(camera)s, captured_at,
                           captured_at, captured_at, plate, 'IL', 0.9, '[]'::jsonb, image_path, crop_path,
                           'done', 1, '', 'upload', uuid::text
                    FROM bench_rows""", {"camera": camera.pk})
            cursor.execute("DROP TABLE bench_rows")
            # The partition bound as a CHECK lets ATTACH skip its validation scan.
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_bound "
                           "CHECK (captured_at >= %s AND captured_at < %s)", [start, end])
            cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {table} FOR VALUES FROM (%s) TO (%s)",
                           [start, end])
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_bound")
            cursor.execute(f"ANALYZE {table}")
        self.stderr.write(f"built {day}: {count} reads, {2 * count} images in {storage.stored_files(day)} "
                          f"segments ({stored_s:.1f}s), {time.monotonic() - began:.1f}s")

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
        storage_s = sum(day.get("storage_s", 0) for day in run.days)
        purged = [date.fromisoformat(day["day"]) for day in run.days if day["action"] == "dropped"]
        left = sum(storage.stored_files(day) for day in purged)
        return {"seconds": seconds, "rows": run.rows_deleted, "files": run.files_deleted,
                "storage_s": storage_s, "left": left}

    def _table_mb(self) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
                           "WHERE inhparent = %s::regclass", [partitions.PARENT_TABLE])
            return round(float(cursor.fetchone()[0]) / 2**20, 1)
