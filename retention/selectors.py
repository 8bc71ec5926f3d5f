"""Reads of the retention app: holds, packages, flags, and which reads are erroneous.

Other apps exclude confirmed-erroneous reads with ``exclude_erroneous(queryset)`` (or the ids from
``erroneous_read_ids()``) wherever a read is matched to a plate: searches, hotlist matching, alerts.
"""
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from alpr.models import PlateRead, ReadStatus
from policy.roles import Capability
from retention.models import (
    ErroneousFlag,
    ErroneousRead,
    EvidenceHold,
    EvidencePackage,
    FlagStatus,
    HeldRead,
    PurgeRun,
)
from retention.permissions import is_retention_manager

WINDOW_READS_SHOWN = 200


def erroneous_read_ids() -> QuerySet:
    """Return a subquery of the ids of reads confirmed erroneous."""
    return ErroneousRead.objects.values("read_id")


def exclude_erroneous(reads: QuerySet) -> QuerySet:
    """Return `reads` without the reads confirmed erroneous (they must never match a plate)."""
    return reads.exclude(pk__in=erroneous_read_ids())


def is_erroneous(read_id: int) -> bool:
    return ErroneousRead.objects.filter(read_id=read_id).exists()


@dataclass(frozen=True)
class ReadSummary:
    """What a hold or flag page may show of a read: never its image or anything beyond this."""

    id: int
    captured_at: datetime
    camera: str
    plate: str
    erroneous: bool = False


def _summaries(reads: QuerySet) -> list[ReadSummary]:
    rows = list(reads.select_related("camera").only("id", "captured_at", "plate", "camera__name")
                .order_by("captured_at")[:WINDOW_READS_SHOWN])
    erroneous = set(ErroneousRead.objects.filter(read_id__in=[r.pk for r in rows]).values_list("read_id",
                                                                                               flat=True))
    return [ReadSummary(r.pk, r.captured_at, r.camera.name, r.plate, r.pk in erroneous) for r in rows]


def read_summaries(read_ids) -> dict[int, ReadSummary]:
    """Return {id: summary} of the reads among `read_ids` still stored. Called by ``alpr.access``."""
    return {summary.id: summary for summary in _summaries(PlateRead.system_objects.filter(pk__in=read_ids))}


def holds_visible_to(user) -> QuerySet:
    """Administrators see every hold; others the holds they placed."""
    holds = EvidenceHold.objects.select_related("placed_by", "released_by")
    return holds if is_retention_manager(user) else holds.filter(placed_by=user)


def hold_reads(hold: EvidenceHold) -> list[ReadSummary]:
    """Return the reads a hold covers (its ``HeldRead`` rows) that still exist.

    Called by ``alpr.access.hold_reads_list``, which checks the justification and audits."""
    return _summaries(PlateRead.system_objects.filter(pk__in=hold.held_reads.values("read_id")))


def plate_window_reads(plate: str, start: datetime, end: datetime) -> QuerySet:
    """The reads a hold on `plate` in [start, end) takes when it is placed: those a search for the plate
    lists (this department's own, recognised, not confirmed erroneous). Called by ``hold_place``."""
    reads = PlateRead.system_objects.filter(plate=plate, captured_at__gte=start, captured_at__lt=end,
                                            status=ReadStatus.DONE).exclude(origin_agency__gt="")
    return exclude_erroneous(reads)


def active_holds() -> QuerySet:
    return EvidenceHold.objects.filter(released_at__isnull=True)


def held_reads_condition(*, case_number: str | None = None) -> Q:
    """Return a filter on PlateRead matching every read an active hold covers; with `case_number`,
    only the reads the active holds of that case cover.

    For code that caps its time window at the retention period: held reads older than that are
    still stored, on purpose, and ``PlateRead.system_objects.filter(captured_at__gte=oldest) |
    ...filter(held_reads_condition())`` keeps them findable. A search finds them only for the case that
    holds them (RET-2): to every other case they are past retention (RET-1).
    """
    holds = active_holds()
    if case_number is not None:
        holds = holds.filter(case_number__iexact=case_number)
    return Q(pk__in=HeldRead.objects.filter(hold__in=holds).values("read_id"))


def notices_about_kept_reads(notices: QuerySet) -> QuerySet:
    """Return `notices` (``ErroneousDataNotification``) without those about reads no longer stored: once
    the purge deleted a read, nobody is shown a notice about it (RET-1; its message no longer quotes the
    plates either). For the partner API."""
    stored = PlateRead.system_objects.filter(pk=OuterRef("read_id"),
                                             captured_at=OuterRef("flag__read_captured_at"))
    return notices.filter(read_purged_at__isnull=True).filter(Exists(stored))


def packages_visible_to(user) -> QuerySet:
    """Administrators and auditors see every package; others the packages they created."""
    packages = EvidencePackage.objects.select_related("created_by")
    if is_retention_manager(user) or user.can(Capability.READ_AUDIT_LOG):
        return packages
    return packages.filter(created_by=user)


def package_created_by(*, user, package_id: int) -> EvidencePackage | None:
    """Return the package `package_id` if `user` created it, else None."""
    return EvidencePackage.objects.filter(pk=package_id, created_by=user).first()


def flags_queue() -> QuerySet:
    return (ErroneousFlag.objects.filter(status=FlagStatus.OPEN).select_related("flagged_by")
            .order_by("flagged_at"))


def flags_reviewed() -> QuerySet:
    return ErroneousFlag.objects.exclude(status=FlagStatus.OPEN).select_related(
        "flagged_by", "reviewed_by").order_by("-reviewed_at")


def flags_by(user) -> QuerySet:
    return ErroneousFlag.objects.filter(flagged_by=user).order_by("-flagged_at")


def purge_runs() -> QuerySet:
    return PurgeRun.objects.all()


def open_flag_count() -> int:
    """Erroneous-read flags waiting for the administrator's review (RET-5): a count for the start page."""
    return ErroneousFlag.objects.filter(status=FlagStatus.OPEN).count()
