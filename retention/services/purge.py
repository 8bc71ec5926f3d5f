"""The rolling purge (RET-1, RET-3): reads older than the policy's retention period, and their images, go.

Design (retention/README.md and docs/storage.md have the long form):

* The cutoff is ``now - retention_days`` (``AgencyPolicy.retention_cutoff``), to the microsecond: a
  read captured before it is expired.
* A day partition wholly before the cutoff with no held read is emptied in constant time: in one
  transaction its images are deleted (``storage.delete_day``: the day's handful of segment files or
  objects, whatever the number of reads) and the partition is DETACHed and DROPped.
* A day wholly before the cutoff that holds held reads is *swapped*: the held reads' images are
  copied out of the day's segments (``storage.held_name``) and their rows repointed, the day's
  segments are deleted, the held rows are copied aside, the partition is dropped and recreated
  empty, the held rows go back in. The held reads stay in the normal table (search finds them as
  before); the cost follows the number of held rows, not the day's size.
* The day containing the cutoff is purged row by row (exact to the policy, not to the day); the
  images of its expired reads are erased where they lie (a segment record is overwritten with
  zeros), and the segments themselves go with the day, at the next run.
* Images always leave first, rows second, inside the day's transaction: a crash part-way leaves rows
  whose images are gone, never images without rows, and the next run finishes the day. A final
  sweep removes stored images of expired days that have no partition (leftovers from a crash).
* Each day takes the advisory lock that hold placement takes, so no hold can slip in between the
  check for held reads and the delete.
* One purge at a time (a session advisory lock); a ``PurgeRun`` row records each run's counts and is
  marked failed when a run dies, and the next run completes the work.

Not touched: the audit log, reports, evidence packages (evidence, kept by its own rules), holds,
flags and notifications (records about reads), but for the read content they carry: in the deleting
transaction, flags of purged reads lose their plate text (also where their notes quote it) and the
notices to agencies about them are rewritten without the plates and the capture time.
"""
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from alpr import partitions, storage
from alpr.models import PlateRead, plates_read
from audit.context import Actor
from audit.models import Outcome
from audit.services import audit_record
from core.compliance import enforces
from core.errors import ApplicationError
from policy.selectors import current_policy
from retention import audit_actions as actions
from retention.models import ErroneousDataNotification, ErroneousFlag, PurgeRun, PurgeStatus
from retention.services.erroneous import notice_text, without_plates
from retention.services.holds import take_retention_lock

logger = logging.getLogger(__name__)

# Only one purge runs at a time, across processes and machines (a session-level advisory lock).
PURGE_LOCK = 0x50_55_52_47  # "PURG"
PARENT = partitions.PARENT_TABLE
ROW_BATCH = 5000

@dataclass
class DayOutcome:
    day: date
    action: str
    rows: int = 0
    files: int = 0
    held: int = 0
    storage_s: float = 0.0

    def as_dict(self) -> dict:
        return {"day": self.day.isoformat(), "action": self.action, "rows": self.rows, "files": self.files,
                "held": self.held, "storage_s": self.storage_s}


@dataclass
class PurgeTotals:
    days: list[DayOutcome] = field(default_factory=list)

    def add(self, outcome: DayOutcome) -> None:
        self.days.append(outcome)

    @property
    def rows(self) -> int:
        return sum(day.rows for day in self.days)

    @property
    def files(self) -> int:
        return sum(day.files for day in self.days)

    @property
    def partitions(self) -> int:
        return sum(day.action == "dropped" for day in self.days)

    @property
    def held(self) -> int:
        return sum(day.held for day in self.days)


class PurgeAlreadyRunning(ApplicationError):
    code = "purge_running"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _held_in(table: str, start: datetime, end: datetime) -> list[tuple[int, str]]:
    """Return (id, uuid) of the reads in `table` captured in [start, end) that an active hold covers.

    Looks at the holds' reads first (small tables, indexed on the capture time), then fetches only those
    reads, so a day without holds costs one index probe, whatever its size.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT hr.read_id FROM retention_heldread hr
               JOIN retention_evidencehold h ON h.id = hr.hold_id
               WHERE h.released_at IS NULL AND hr.captured_at >= %s AND hr.captured_at < %s""",
            [start, end])
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return []
        cursor.execute(f"SELECT id, uuid FROM {_quote(table)} WHERE captured_at >= %s AND captured_at < %s "
                       "AND id = ANY(%s)", [start, end, ids])
        return [(row[0], str(row[1])) for row in cursor.fetchall()]


def _count_leaving(reads) -> None:
    """Add the plates read among `reads`, about to be deleted, to their camera's and local day's
    ``PurgedReadCount``, in the deleting transaction: the figures of their month stay whole."""
    rows = (reads.filter(plates_read()).annotate(day=TruncDate("captured_at"))
            .values("camera_id", "day").annotate(n=Count("id")).order_by())
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(
                """INSERT INTO retention_purgedreadcount AS kept (camera_id, day, reads) VALUES (%s, %s, %s)
                   ON CONFLICT (camera_id, day) DO UPDATE SET reads = kept.reads + EXCLUDED.reads""",
                [row["camera_id"], row["day"], row["n"]])


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
        return cursor.fetchone()[0]


def _drop_partition(table: str) -> None:
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written in this transaction would block the DROP;
        # only happens when reads and the purge share a transaction (tests), harmless otherwise.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The application's database role owns no table: the owner's function detaches and drops.
        cursor.execute("SELECT alpr_drop_read_partition(%s)", [partitions.day_of(table)])


def _swap_partition(table: str, day: date, held_ids: list[int]) -> None:
    """Replace the day's partition by a new one holding only `held_ids` (copied aside, put back)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE retention_keep ON COMMIT DROP AS "
                       f"SELECT * FROM {_quote(table)} WHERE id = ANY(%s)", [held_ids])
        _drop_partition(table)
        cursor.execute("SELECT alpr_create_read_partition(%s)", [day])
        cursor.execute(f"INSERT INTO {_quote(PARENT)} SELECT * FROM retention_keep")
        cursor.execute("DROP TABLE retention_keep")


def _copy_out_held(table: str, held_ids: list[int]) -> int:
    """Copy the held reads' images out of the day's segments into single held copies, and repoint the
    rows; return how many images were copied. Images already copied out stay where they are."""
    copied, copies = 0, {}  # reads of one photo share its image: copied once
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, image_path, crop_path FROM {_quote(table)} WHERE id = ANY(%s)",
                       [held_ids])
        for read_id, *references in cursor.fetchall():
            moved = []
            for reference in references:
                if not reference or reference.startswith(f"{storage.HELD_DIR}/"):
                    moved.append(reference)
                    continue
                if reference in copies:
                    moved.append(copies[reference])
                    continue
                try:
                    data = storage.read_bytes(reference)
                except FileNotFoundError:
                    moved.append(reference)
                    continue
                copies[reference] = storage.write_durably(storage.held_name(reference), data)
                moved.append(copies[reference])
                copied += 1
            if moved != references:
                cursor.execute(f"UPDATE {_quote(table)} SET image_path = %s, crop_path = %s WHERE id = %s",
                               [*moved, read_id])
    return copied


def _still_named(table: str, references: set[str], leaving_ids: list[int]) -> set[str]:
    """Return which of `references` a row of `table` other than `leaving_ids` still names: reads made
    from one photo (two plates in it) share its image, and one of them may be held or unexpired."""
    if not references:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT image_path, crop_path FROM {_quote(table)} WHERE NOT (id = ANY(%s)) "
                       "AND (image_path = ANY(%s) OR crop_path = ANY(%s))",
                       [leaving_ids, list(references), list(references)])
        return {ref for row in cursor.fetchall() for ref in row} & references


def _erase_released_copies(table: str, held_ids: list[int]) -> int:
    """Erase the held copies of reads that are no longer held (their hold was released)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, image_path, crop_path FROM {_quote(table)} WHERE NOT (id = ANY(%s)) "
                       "AND (image_path LIKE %s OR crop_path LIKE %s)",
                       [held_ids, f"{storage.HELD_DIR}/%", f"{storage.HELD_DIR}/%"])
        rows = cursor.fetchall()
    doomed = {ref for _, *refs in rows for ref in refs if ref.startswith(f"{storage.HELD_DIR}/")}
    doomed -= _still_named(table, doomed, [row[0] for row in rows])
    return storage.delete_quietly(*doomed) if doomed else 0


def _purge_whole_day(day: date) -> DayOutcome:
    """Empty an expired day: drop its partition, or keep only its held reads. One transaction."""
    table = partitions.partition_name(day)
    start, end = partitions.day_bounds(day)
    with transaction.atomic():
        take_retention_lock()
        held = _held_in(table, start, end)
        total = _count(table)
        _count_leaving(PlateRead.system_objects.filter(captured_at__gte=start, captured_at__lt=end)
                       .exclude(id__in=[read_id for read_id, _ in held]))
        started = time.monotonic()
        if not held:
            # Constant time: the day's images are a handful of segments, deleted before the rows.
            files = storage.delete_day(day)
            storage_s = time.monotonic() - started
            _drop_partition(table)
            outcome = DayOutcome(day, "dropped", rows=total, files=files)
        else:
            held_ids = [read_id for read_id, _ in held]
            _copy_out_held(table, held_ids)
            files = _erase_released_copies(table, held_ids) + storage.delete_read_day(day)
            storage_s = time.monotonic() - started
            if total > len(held):
                _swap_partition(table, day, held_ids)
                outcome = DayOutcome(day, "held-kept", rows=total - len(held), files=files, held=len(held))
            else:
                outcome = DayOutcome(day, "held-only", files=files, held=len(held))
        _scrub_records(end, since=start)
        outcome.storage_s = round(storage_s, 3)
    if not held:
        partitions.forget_known_partitions()
    return outcome


def _purge_partial_day(day: date, cutoff: datetime) -> DayOutcome:
    """Delete the reads of the boundary day captured before `cutoff`, except held ones, in batches."""
    table = partitions.partition_name(day)
    start, _ = partitions.day_bounds(day)
    outcome = DayOutcome(day, "partial")
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            take_retention_lock()
            held_ids = [read_id for read_id, _ in _held_in(table, start, cutoff)]
            cursor.execute(
                f"SELECT id, image_path, crop_path FROM {_quote(table)} "
                "WHERE captured_at < %s AND NOT (id = ANY(%s)) ORDER BY id LIMIT %s",
                [cutoff, held_ids, ROW_BATCH])
            rows = cursor.fetchall()
            if not rows:
                outcome.held = len(held_ids)
                return outcome
            started = time.monotonic()
            doomed = {ref for _, *refs in rows for ref in refs if ref}
            doomed -= _still_named(table, doomed, [row[0] for row in rows])
            outcome.files += storage.delete_quietly(*doomed)
            outcome.storage_s = round(outcome.storage_s + time.monotonic() - started, 3)
            leaving = [row[0] for row in rows]
            _count_leaving(PlateRead.system_objects.filter(captured_at__gte=start, captured_at__lt=cutoff,
                                                           id__in=leaving))
            cursor.execute(f"DELETE FROM {_quote(table)} WHERE id = ANY(%s)", [leaving])
            outcome.rows += cursor.rowcount
            _scrub_records(cutoff, since=start)


def _sweep_orphan_images(cutoff_day: date, partition_days: set[date]) -> list[DayOutcome]:
    """Delete stored images of expired days whose partition is gone (left by a crash)."""
    outcomes = []
    for day in storage.stored_days():
        if day < cutoff_day and day not in partition_days:
            outcomes.append(DayOutcome(day, "orphan-files", files=storage.delete_day(day)))
    return outcomes


def _scrub_records(before: datetime, since: datetime | None = None) -> None:
    """Take the plate text out of the records about reads captured in [since, before) that are gone.

    A notice to an agency is rewritten without the read's plates and capture time (``notice_text``), a
    flag loses its plates and they are taken out of its notes. Run in each day's deleting transaction,
    and over the whole expired range at the end of a run (what a crash or an earlier version left).
    """
    bounds, params = "f.read_captured_at < %s", [before]
    if since is not None:
        bounds, params = bounds + " AND f.read_captured_at >= %s", [*params, since]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT n.id FROM retention_erroneousdatanotification n
                JOIN retention_erroneousflag f ON f.id = n.flag_id
                WHERE n.read_purged_at IS NULL AND {bounds}
                  AND NOT EXISTS (SELECT 1 FROM {_quote(PARENT)} r
                                  WHERE r.id = n.read_id AND r.captured_at = f.read_captured_at)""", params)
        notice_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"""SELECT f.id FROM retention_erroneousflag f
                WHERE {bounds} AND (f.suggested_plate <> '' OR f.plate_before <> '' OR f.plate_after <> '')
                  AND NOT EXISTS (SELECT 1 FROM {_quote(PARENT)} r
                                  WHERE r.id = f.read_id AND r.captured_at = f.read_captured_at)""", params)
        flag_ids = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    for notice in ErroneousDataNotification.objects.filter(pk__in=notice_ids).select_related("flag"):
        notice.message = notice_text(notice.flag, notice.read_id, read_purged=True)
        notice.read_purged_at = now
        notice.save(update_fields=["message", "read_purged_at"])
    for flag in ErroneousFlag.objects.filter(pk__in=flag_ids):
        named = (flag.plate_before, flag.plate_after, flag.suggested_plate)
        flag.note = without_plates(flag.note, *named)
        flag.review_note = without_plates(flag.review_note, *named)
        flag.plate_before = flag.plate_after = flag.suggested_plate = ""
        flag.save(update_fields=["note", "review_note", "plate_before", "plate_after", "suggested_plate"])


def _run_days(run: PurgeRun, cutoff: datetime, totals: PurgeTotals) -> None:
    cutoff_day = cutoff.astimezone(UTC).date()
    existing = partitions.existing_partition_days()
    for day in existing:
        if day < cutoff_day:
            outcome = _purge_whole_day(day)
        elif day == cutoff_day:
            if cutoff == partitions.day_bounds(day)[0]:
                continue  # the cutoff falls on the day's first instant: nothing of it is expired
            outcome = _purge_partial_day(day, cutoff)
        else:
            break
        totals.add(outcome)
        _save_progress(run, totals)
    for outcome in _sweep_orphan_images(cutoff_day, set(existing)):
        totals.add(outcome)
    with transaction.atomic():
        _scrub_records(cutoff)


def _save_progress(run: PurgeRun, totals: PurgeTotals) -> None:
    run.rows_deleted = totals.rows
    run.files_deleted = totals.files
    run.partitions_dropped = totals.partitions
    run.held_rows_kept = totals.held
    run.days = [outcome.as_dict() for outcome in totals.days]
    run.save(update_fields=["rows_deleted", "files_deleted", "partitions_dropped", "held_rows_kept", "days"])


def _acquire_purge_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [PURGE_LOCK])
        return cursor.fetchone()[0]


def _release_purge_lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [PURGE_LOCK])


@enforces("RET-1", "RET-3")
def reads_purge_expired(*, actor: Actor, now: datetime | None = None) -> PurgeRun:
    """Delete every read captured before now − retention_days, with its images, except held reads.

    Idempotent and resumable: run it again after a failure and it finishes the work. Writes a
    ``PurgeRun`` and one audit entry with the counts.
    """
    now = now or timezone.now()
    policy = current_policy()
    retention_days, cutoff = policy.retention_days, policy.retention_cutoff(now)
    if not _acquire_purge_lock():
        raise PurgeAlreadyRunning("A purge is running already.")
    try:
        PurgeRun.objects.filter(status=PurgeStatus.RUNNING).update(
            status=PurgeStatus.FAILED, error="Interrupted; finished by a later run.", finished_at=now)
        run = PurgeRun.objects.create(cutoff=cutoff, retention_days=retention_days, actor_label=actor.label)
        totals = PurgeTotals()
        try:
            storage.check_erasable()
            _run_days(run, cutoff, totals)
        except Exception as error:
            _finish(run, totals, actor, status=PurgeStatus.FAILED, error=f"{type(error).__name__}: {error}")
            raise
        _finish(run, totals, actor, status=PurgeStatus.DONE)
        return run
    finally:
        _release_purge_lock()


def _finish(run: PurgeRun, totals: PurgeTotals, actor: Actor, *, status: str, error: str = "") -> None:
    with transaction.atomic():
        _save_progress(run, totals)
        run.status = status
        run.error = error[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        audit_record(
            actor=actor, action=actions.PURGE_RUN,
            outcome=Outcome.ALLOWED if status == PurgeStatus.DONE else Outcome.FAILED,
            description=f"Purged reads captured before {run.cutoff:%Y-%m-%d %H:%M:%S} UTC "
                        f"(retention {run.retention_days} days)",
            reason=run.error, targets=[f"purge-run:{run.pk}"],
            query={"cutoff": run.cutoff.isoformat(), "rows": totals.rows, "files": totals.files,
                   "partitions": totals.partitions, "held_rows_kept": totals.held,
                   "days": [outcome.as_dict() for outcome in totals.days][:200]},
            result_count=totals.rows)
