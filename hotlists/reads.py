"""The one place in this app that reaches plate reads (``PlateRead.system_objects``, allow-listed).

It serves the matching process and the alert services, which check the person and write the audit
entry before anything of a read is shown (``hotlists.alerts``). Reads are looked up with their
capture time, so PostgreSQL touches only that day's partition.
"""
from dataclasses import dataclass
from datetime import datetime

from alpr.models import PlateRead, ReadStatus
from policy.selectors import current_policy


@dataclass(frozen=True)
class AlertRead:
    """What an alert shows of its read."""

    id: int
    plate: str
    state: str
    confidence: float | None
    captured_at: datetime
    camera_id: int
    candidates: list
    image_path: str
    crop_path: str
    state_confidence: float | None
    vehicle: dict  # what the camera's reader said of the vehicle (ingest.vehicle), for USE-8
    box: list[int] | None  # where in the photo this read's plate is (a photo may show several)
    source_read_id: int | None
    camera_location: str  # where the camera was when it took the photo (it may have moved since)


_FIELDS = ("id", "plate", "state", "confidence", "captured_at", "camera_id", "candidates", "image_path",
           "crop_path", "state_confidence", "vehicle", "box_x", "box_y", "box_w", "box_h", "source_read_id",
           "camera_location")


def _as_alert_read(row: dict) -> AlertRead:
    box = [row.pop(name) for name in ("box_x", "box_y", "box_w", "box_h")]
    return AlertRead(**{**row, "state": row["state"] or "", "candidates": row["candidates"] or [],
                        "vehicle": row["vehicle"] or {}, "box": box if box[0] is not None else None})


def read_for_matching(read_id: int) -> PlateRead | None:
    """Return the read for the matching process, or None if it is gone."""
    return PlateRead.system_objects.filter(pk=read_id).first()


def read_mark_matched(read: PlateRead, *, at: datetime) -> None:
    """Record that matching of `read` finished, so the sweep for missed matches leaves it alone."""
    PlateRead.system_objects.filter(pk=read.pk, captured_at=read.captured_at).update(hotlist_matched_at=at)


def reads_unmatched(*, done_after: datetime, done_before: datetime, limit: int) -> list[PlateRead]:
    """Return done reads with a plate whose matching never finished, oldest first (partial index
    ``alpr_read_unmatched``: it holds only such reads, so this stays cheap however many are stored)."""
    return list(PlateRead.system_objects
                .filter(status=ReadStatus.DONE, hotlist_matched_at__isnull=True,
                        updated_at__gte=done_after, updated_at__lt=done_before)
                .exclude(plate="").order_by("updated_at")[:limit])


def reads_for_alerts(pairs: list[tuple[int, datetime]]) -> dict[int, AlertRead]:
    """Return {read id: AlertRead} for (read id, captured_at) pairs; purged reads are absent, and so are
    reads older than retention: an evidence hold keeps such a read for its own case only (RET-1, RET-2;
    see ``alpr.access``), never for whoever receives alerts."""
    if not pairs:
        return {}
    ids = [read_id for read_id, _ in pairs]
    times = [captured_at for _, captured_at in pairs]
    oldest = current_policy().retention_cutoff()
    rows = PlateRead.system_objects.filter(pk__in=ids, captured_at__gte=max(min(times), oldest),
                                           captured_at__lte=max(times)).values(*_FIELDS)
    return {row["id"]: _as_alert_read(row) for row in rows}
