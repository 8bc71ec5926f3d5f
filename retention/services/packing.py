"""Packing: a finished day's images that are still one file or object each go into the day's segments.

Why: the purge removes a day with a handful of deletes only when the day's images sit in a handful
of segments (``alpr.storage``). On the local disk ingest appends to segments already, so there is
nothing to pack except images written before segments existed. On S3 an object cannot be appended
to, so an accepted photo is durable as an object of its own; this job, hourly, packs every day that
is over (UTC) and not yet expired into segment objects, repoints the rows, then deletes the single
objects (1,000 keys per request). Late uploads and late crops of a packed day are packed by the next
run. docs/storage.md has the trade-offs.

Safe to run beside ingest and the purge: each batch takes the retention lock the purge and hold
placement take, repoints a row only while it still names the images that were packed, and deletes a
single image only after the row pointing elsewhere has committed.
"""
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from alpr import partitions, storage
from audit.context import Actor
from audit.services import audit_record
from policy.selectors import current_policy
from retention import audit_actions as actions
from retention.services.holds import take_retention_lock

logger = logging.getLogger(__name__)

PACK_BATCH = 5000
FETCH_WORKERS = 16


@dataclass
class PackResult:
    images: int = 0
    rows: int = 0
    days: list[str] = field(default_factory=list)


def _unpacked(reference: str) -> bool:
    return bool(reference) and not storage.is_packed(reference) and not reference.startswith(
        f"{storage.HELD_DIR}/")


def _pack_batch(table: str, day: date, after_id: int) -> tuple[int, set[int], int]:
    """Pack the next batch of `day`'s unpacked images; return (images packed, ids of the rows repointed,
    last id). A row may be repointed in two batches (a photo's further plate: its shared photo with
    the upload's read, its own crop in its own batch), so the caller counts distinct ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, image_path, crop_path, source_read_id FROM {connection.ops.quote_name(table)} "
            "WHERE id > %s AND ((image_path <> '' AND image_path NOT LIKE %s AND image_path NOT LIKE %s) "
            "OR (crop_path <> '' AND crop_path NOT LIKE %s AND crop_path NOT LIKE %s)) ORDER BY id LIMIT %s",
            [after_id, "%.seg/%", f"{storage.HELD_DIR}/%", "%.seg/%", f"{storage.HELD_DIR}/%", PACK_BATCH])
        rows = cursor.fetchall()
    if not rows:
        return 0, set(), after_id
    wanted = [reference for _, *references, _ in rows for reference in references if _unpacked(reference)]

    def fetch(reference):
        try:
            return reference, storage.read_bytes(reference)
        except FileNotFoundError:
            return reference, None

    with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
        found = {reference: data for reference, data in pool.map(fetch, wanted) if data is not None}
    items = [(reference.rsplit("/", 1)[-1], data) for reference, data in found.items()]
    packed = dict(zip(found, storage.pack_images(day, items), strict=True)) if items else {}
    repointed, superseded, adopted, shared = set(), set(), set(), []
    with transaction.atomic(), connection.cursor() as cursor:
        take_retention_lock()
        if not _partition_exists(cursor, table):
            # The purge dropped the day while its images were being copied (before this lock): the
            # copies name purged reads and go at once (RET-1); the day is done.
            storage.delete_quietly(*sorted(set(packed.values())))
            return 0, set(), after_id
        for read_id, image_path, crop_path, source_read_id in rows:
            new_image, new_crop = packed.get(image_path, image_path), packed.get(crop_path, crop_path)
            if (new_image, new_crop) == (image_path, crop_path):
                continue
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(table)} SET image_path = %s, crop_path = %s "
                "WHERE id = %s AND image_path = %s AND crop_path = %s",
                [new_image, new_crop, read_id, image_path, crop_path])
            if cursor.rowcount:
                repointed.add(read_id)
                adopted.update((new_image, new_crop))
                superseded.update(old for old, new in ((image_path, new_image), (crop_path, new_crop))
                                  if old != new)
                if new_image != image_path:
                    shared.append((source_read_id or read_id, image_path, new_image))
        repointed.update(_repoint_shared_photos(cursor, table, shared))
        # A copy packed for a row that changed or went meanwhile (the purge deleted its expired read
        # between the copy and the repointing) is named by no row: erased, or the purged image would
        # stay stored until its day goes (RET-1). Under the retention lock: on S3 erasing rewrites the
        # segment object, which must not race the purge erasing another record of it.
        orphans = set(packed.values()) - adopted
        if orphans:
            storage.delete_quietly(*sorted(orphans))
    # A row that changed meanwhile kept its own images; what it no longer names goes, after the commit.
    if superseded:
        storage.delete_quietly(*sorted(superseded))
    return len(superseded), repointed, rows[-1][0]


def _partition_exists(cursor, table: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    return cursor.fetchone()[0]


def _repoint_shared_photos(cursor, table: str, moved: list[tuple[int, str, str]]) -> list[int]:
    """Point the other reads of each photo in ``moved`` (upload's read id, old reference, new one) at
    its packed copy. The further plates of a photo share their upload's photo, and their ids come
    later (at recognition), so a batch may hold one of them without the others; the old file is
    deleted once no row names it. Returns the ids of the reads repointed."""
    if not moved:
        return []
    roots, olds, news = (list(column) for column in zip(*moved, strict=True))
    cursor.execute(
        f"UPDATE {connection.ops.quote_name(table)} AS read SET image_path = moved.new "
        "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS moved(root, old, new) "
        "WHERE read.image_path = moved.old AND (read.id = moved.root OR read.source_read_id = moved.root) "
        "RETURNING read.id",
        [roots, olds, news])
    return [read_id for (read_id,) in cursor.fetchall()]


def reads_pack_images(*, actor: Actor, now: datetime | None = None) -> PackResult:
    """Pack the unpacked images of every finished, unexpired day into its segments; audit the counts."""
    now = now or timezone.now()
    today = storage.utc_day(now)
    first_kept = storage.utc_day(current_policy().retention_cutoff(now))
    result = PackResult()
    for day in partitions.existing_partition_days():
        if day < first_kept or day >= today:
            continue
        table, last_id, packed_day, rows_repointed = partitions.partition_name(day), 0, 0, set()
        while True:
            images, repointed, next_id = _pack_batch(table, day, last_id)
            if next_id == last_id:
                break
            result.images += images
            rows_repointed |= repointed
            packed_day += images
            last_id = next_id
        result.rows += len(rows_repointed)
        if packed_day:
            result.days.append(day.isoformat())
    if result.images:
        audit_record(actor=actor, action=actions.IMAGES_PACKED, result_count=result.rows,
                     description=f"Packed {result.images} images of {len(result.days)} days into segments",
                     query={"images": result.images, "rows": result.rows, "days": result.days[:100]})
    return result
