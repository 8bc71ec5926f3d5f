"""Benchmark plate searches on a synthetic month of reads: ``manage.py bench_search --reads 15000000``.

Runs only on a database whose name contains "bench" (it drops and rebuilds the read partitions of
the benchmarked days). The data set: `--days` UTC days ending today, `--reads` spread evenly over
them, `--cameras` fixed cameras on a grid around the town centre, plates drawn from a Zipf-like
distribution (a plate's index is floor(P * u^3) for uniform u: a few thousand plates pass every
day, most are seen once or twice).

Loading is bulk SQL: each day is filled with one ``INSERT ... SELECT generate_series`` into a plain
table named and bounded as ``alpr.partitions`` names it, then attached to the partitioned parent,
which builds every index of the parent on it in one pass (much faster than inserting into indexed
partitions). The data set is kept between runs; ``--rebuild`` makes it again.

Timing: the same ``alpr.selectors`` functions the access layer calls (one results page of 25 and,
when the page is full, the capped count), over a 30-day window for plate searches. The audit insert
of the access layer is *excluded* (one INSERT, measured separately by the audit benchmark).
The last line printed is one JSON object.
"""
import json
import random
import statistics
import time
from datetime import UTC, timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from alpr import partitions, plates
from alpr.models import Camera
from alpr.selectors import Area, SearchMode, reads_by_plate, reads_near

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PLATE_SPACE = 36 ** 7
MULTIPLIER = 2654435761
CENTRE = (41.8850, -87.7850)
CAMERA_SPACING_DEG = 0.004  # about 440 m north-south
PAGE = 25


def plate_of(index: int) -> str:
    """The synthetic plate of plate index `index` (same formula as the SQL below)."""
    h = (index * MULTIPLIER + 12345) % PLATE_SPACE
    return "".join(ALPHABET[(h // 36 ** k) % 36] for k in range(7))


PLATE_SQL = (
    "CREATE OR REPLACE FUNCTION pg_temp.bench_plate(idx bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ "
    f"SELECT string_agg(substr('{ALPHABET}', (((idx * {MULTIPLIER} + 12345) % {PLATE_SPACE}) "
    "/ (36::bigint ^ k)::bigint % 36)::int + 1, 1), '' ORDER BY k) FROM generate_series(0, 6) k $$"
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Command(BaseCommand):
    help = "Build a synthetic month of plate reads and time exact, partial, misread and canvass searches."

    def add_arguments(self, parser):
        parser.add_argument("--reads", type=int, default=15_000_000)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--cameras", type=int, default=100)
        parser.add_argument("--queries", type=int, default=60, help="Timed queries per kind (at least 50).")
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the data set even if present.")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, **options):
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise CommandError(f"Refusing to run on database {name!r}: use a dedicated database whose name "
                               "contains 'bench' (it rebuilds the plate-read partitions).")
        if options["queries"] < 50:
            raise CommandError("Time at least 50 queries of each kind.")
        call_command("migrate", verbosity=0)
        self.rng = random.Random(options["seed"])  # noqa: S311  (synthetic data, not secrets)
        reads, days, camera_count = options["reads"], options["days"], options["cameras"]
        self.plate_pool = max(1000, reads // 5)
        cameras = self._cameras(camera_count)
        today = timezone.now().astimezone(UTC).date()
        self.days = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
        if options["rebuild"] or self._count() != reads:
            self._build(reads, cameras)
        total = self._count()
        self.stdout.write(f"data set: {total} reads, {days} days, {len(cameras)} cameras")
        results = {"reads": total, "days": days, "cameras": len(cameras), "queries_each": options["queries"]}
        results.update(self._bytes_per_read(total))
        results.update(self._time_all(cameras, options["queries"]))
        results["timed"] = "alpr.selectors page (25) + capped count; audit insert excluded; 30-day window"
        self.stdout.write(json.dumps(results))

    # --- data ------------------------------------------------------------------------------------

    def _count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM alpr_plateread")
            return cursor.fetchone()[0]

    def _cameras(self, count: int) -> list[Camera]:
        existing = list(Camera.objects.filter(name__startswith="bench-cam-").order_by("name"))
        if len(existing) >= count:
            return existing[:count]
        side = int(count ** 0.5 + 0.999)
        for n in range(len(existing), count):
            row, col = divmod(n, side)
            Camera.objects.create(
                name=f"bench-cam-{n:03d}",
                latitude=round(CENTRE[0] + (row - side / 2) * CAMERA_SPACING_DEG, 6),
                longitude=round(CENTRE[1] + (col - side / 2) * CAMERA_SPACING_DEG * 1.34, 6),
                location_description="synthetic benchmark camera")
        return list(Camera.objects.filter(name__startswith="bench-cam-").order_by("name"))[:count]

    def _build(self, reads: int, cameras: list[Camera]) -> None:
        per_day = reads // len(self.days)
        camera_ids = [camera.pk for camera in cameras]
        existing = set(partitions.existing_partition_days())
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(PLATE_SQL)
            # Remove every read of the benchmark days (and anything else in the table).
            for day in existing:
                cursor.execute(f"DROP TABLE IF EXISTS {partitions.partition_name(day)}")
            partitions.forget_known_partitions()
            for number, day in enumerate(self.days):
                count = per_day + (reads - per_day * len(self.days) if number == len(self.days) - 1 else 0)
                self._load_day(cursor, day, number * per_day, count, camera_ids)
                self.stdout.write(f"  {day}: {count} reads ({time.perf_counter() - started:.0f} s)")
            cursor.execute("SELECT setval(pg_get_serial_sequence('alpr_plateread', 'id'), "
                           "(SELECT coalesce(max(id), 1) FROM alpr_plateread))")
        partitions.ensure_partitions(self.days[0], self.days[-1])  # all there already: a check
        self.stdout.write(f"built in {time.perf_counter() - started:.0f} s")

    def _load_day(self, cursor, day, first_id: int, count: int, camera_ids: list[int]) -> None:
        table = partitions.partition_name(day)
        start, end = partitions.day_bounds(day)
        with transaction.atomic():
            cursor.execute(f"CREATE TABLE {table} "
                           "(LIKE alpr_plateread INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            # A plain table, not yet a partition: the read table's trigger does not place these reads, so
            # the load copies their camera's place (the benchmark's cameras never move).
            cursor.execute(
                f"""
                INSERT INTO {table} (id, uuid, camera_id, captured_at, received_at, updated_at, plate, state,
                    confidence, box_x, box_y, box_w, box_h, candidates, image_path, crop_path, status,
                    attempts, last_error, source, idempotency_key, hotlist_matched_at, camera_latitude,
                    camera_longitude, camera_location)
                SELECT %(first)s + g, t.id, c.id,
                       t.ts, t.ts, t.ts, t.plate, 'IL', t.confidence, 410, 388, 170, 60,
                       jsonb_build_array(jsonb_build_object('text', t.plate, 'confidence', t.confidence),
                                         jsonb_build_object('text', t.plate, 'confidence', 0.1)),
                       to_char(t.ts, '"reads/"YYYY/MM/DD/') || t.id || '-full.jpg',
                       to_char(t.ts, '"reads/"YYYY/MM/DD/') || t.id || '-crop.jpg',
                       'done', 1, '', 'upload', md5(g::text || '-' || %(first)s::text), t.ts,
                       c.latitude, c.longitude, c.location_description
                FROM generate_series(1, %(count)s) g
                     CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id,
                                     (%(cameras)s::bigint[])[1 + floor(random() * %(n)s)::int + g * 0]
                                     AS camera,
                                     pg_temp.bench_plate(floor(%(pool)s * power(random(), 3))::bigint + g * 0)
                                     AS plate, round((0.6 + random() * 0.4)::numeric, 4)::float AS confidence,
                                     %(start)s::timestamptz + random() * interval '1 day' + g * interval '0'
                                     AS ts) t
                     JOIN alpr_camera c ON c.id = t.camera
                """,
                {"first": first_id, "cameras": camera_ids, "n": len(camera_ids), "count": count,
                 "pool": self.plate_pool, "start": start},
            )
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_bounds "
                           "CHECK (captured_at >= %s AND captured_at < %s)", [start, end])
            cursor.execute(f"ALTER TABLE alpr_plateread ATTACH PARTITION {table} "
                           "FOR VALUES FROM (%s) TO (%s)", [start, end])
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_bounds")
        cursor.execute(f"ANALYZE {table}")

    def _bytes_per_read(self, total: int) -> dict:
        """Disk bytes per read of the day partitions: the rows (with TOAST) and each index."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(pg_table_size(inhrelid)) FROM pg_inherits "
                           "WHERE inhparent = 'alpr_plateread'::regclass")
            rows_bytes = cursor.fetchone()[0] or 0
            cursor.execute(
                """
                SELECT parent_index.relname, sum(pg_relation_size(i.indexrelid))
                FROM pg_inherits child_of
                JOIN pg_class parent ON parent.oid = child_of.inhparent AND parent.relname = 'alpr_plateread'
                JOIN pg_index i ON i.indrelid = child_of.inhrelid
                JOIN pg_inherits index_parent ON index_parent.inhrelid = i.indexrelid
                JOIN pg_class parent_index ON parent_index.oid = index_parent.inhparent
                GROUP BY parent_index.relname ORDER BY 2 DESC
                """)
            indexes = {name: round(int(size) / max(total, 1), 1) for name, size in cursor.fetchall()}
        result = {"row_bytes_per_read": round(int(rows_bytes) / max(total, 1), 1),
                  "index_bytes_per_read": round(sum(indexes.values()), 1)}
        self.stdout.write(f"bytes per read: rows {result['row_bytes_per_read']}, indexes "
                          f"{result['index_bytes_per_read']} ({json.dumps(indexes)})")
        return result

    # --- timing ----------------------------------------------------------------------------------

    def _random_plate(self) -> str:
        index = int(self.plate_pool * self.rng.random() ** 3)
        return plate_of(index)

    def _partial(self, plate: str) -> str:
        shape = self.rng.randrange(4)
        if shape == 0:
            return plate[:4] + "*"
        if shape == 1:
            return "*" + plate[-4:]
        if shape == 2:
            position = self.rng.randrange(1, len(plate) - 1)
            return plate[:position] + "?" + plate[position + 1:]
        return plate[0] + "?" + plate[2:5] + "*"

    def _misread(self, plate: str) -> str:
        """Swap one character for a look-alike (as a camera or witness might)."""
        swaps = {c: group for group in plates.LOOKALIKE_CLASSES for c in group}
        positions = [i for i, c in enumerate(plate) if c in swaps]
        if not positions:
            return plate
        i = self.rng.choice(positions)
        choices = [c for c in swaps[plate[i]] if c != plate[i]]
        return plate[:i] + self.rng.choice(choices) + plate[i + 1:]

    def _time(self, label: str, runs: int, make_call) -> dict:
        calls = [make_call() for _ in range(runs + 5)]
        timings, found = [], []
        for n, call in enumerate(calls):
            started = time.perf_counter()
            page = call()
            elapsed = (time.perf_counter() - started) * 1000
            if n >= 5:  # the first few warm the connection and the catalogue caches
                timings.append(elapsed)
                found.append(page.total)
        self.stdout.write(f"{label:>13}: p50 {percentile(timings, .5):7.1f} ms  "
                          f"p95 {percentile(timings, .95):7.1f} ms  max {max(timings):7.1f} ms  "
                          f"median results {statistics.median(found):.0f}")
        return {f"{label}_p50_ms": round(percentile(timings, .5), 2),
                f"{label}_p95_ms": round(percentile(timings, .95), 2)}

    def _time_all(self, cameras: list[Camera], runs: int) -> dict:
        now = timezone.now()
        since = now - timedelta(days=30)

        def by_plate(query: str, mode: str):
            return lambda: reads_by_plate(query=query, mode=mode, since=since, until=now, limit=PAGE)

        def canvass():
            camera = self.rng.choice(cameras)
            area = Area(float(camera.latitude) + self.rng.uniform(-0.001, 0.001),
                        float(camera.longitude) + self.rng.uniform(-0.001, 0.001),
                        self.rng.choice([300, 500, 800]))
            end = now - timedelta(hours=self.rng.uniform(0, 24 * (len(self.days) - 1)))
            return lambda: reads_near(area=area, since=end - timedelta(hours=2), until=end, limit=PAGE)

        results = {}
        results.update(self._time("exact", runs, lambda: by_plate(self._random_plate(), SearchMode.EXACT)))
        results.update(self._time("wildcard", runs, lambda: by_plate(
            self._partial(self._random_plate()), SearchMode.PARTIAL)))
        results.update(self._time("misread", runs, lambda: by_plate(
            self._misread(self._random_plate()), SearchMode.MISREAD)))
        results.update(self._time("misread_edit", runs, lambda: by_plate(
            self._misread(self._random_plate()), SearchMode.MISREAD_EDIT)))
        results.update(self._time("canvass", runs, canvass))
        return results

