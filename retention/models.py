"""Retention records: purge runs, evidence holds, evidence packages, erroneous-data flags.

Plate reads live in a partitioned table (see ``alpr.models.PlateRead``), so nothing here has a
database foreign key to them: references are ``ForeignKey(ReadReference, db_constraint=False)`` (the
read's id only: no query here can join to a read's plate) carrying the read's ``captured_at`` beside
it (the partition key), and the purge decides what happens to them.
None of these tables is purged with the reads: they are records about reads, not reads (AUD-3).
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from alpr.models import ReadReference


class PurgeStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed (the next run finishes it)"


class PurgeRun(models.Model):
    """One run of the purge, with what it removed. A failed run is finished by the next one."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    cutoff = models.DateTimeField(help_text="Reads captured before this moment were expired.")
    retention_days = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=PurgeStatus.choices, default=PurgeStatus.RUNNING)
    actor_label = models.CharField(max_length=200, blank=True)
    rows_deleted = models.BigIntegerField(default=0)
    files_deleted = models.BigIntegerField(default=0)
    partitions_dropped = models.PositiveIntegerField(default=0)
    held_rows_kept = models.BigIntegerField(default=0)
    days = models.JSONField(default=list, blank=True, help_text="Days handled, with what was done to each.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"purge {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class PurgedReadCount(models.Model):
    """How many plates read the purge deleted, per camera and local day (the department's time zone).

    Monthly, quarterly and portal figures of plates read add these to the reads still kept, so a
    month's figure does not shrink as its days pass retention (RPT-1 to RPT-3). Counts only: no
    plate, image or time of day is kept.
    """

    camera = models.ForeignKey("alpr.Camera", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(help_text="The local date the reads were captured on.")
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["camera", "day"], name="purged_read_count_camera_day")]

    def __str__(self) -> str:
        return f"{self.reads} purged reads of camera {self.camera_id} on {self.day}"


class EvidenceHold(models.Model):
    """A hold that exempts reads from the purge for a case (RET-2).

    It covers the reads listed in ``HeldRead``, and only those: the reads chosen by number and, when
    ``plate`` is set, the reads of that plate captured in [``window_start``, ``window_end``) *when the
    hold was placed* (``hold_place`` records them). The plate and window are kept as what was asked; they
    match nothing later: a read uploaded afterwards is not held, and a held read whose plate is corrected
    stays held.
    """

    case_number = models.CharField(max_length=64)
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    plate = models.CharField(max_length=16, blank=True, help_text="Normalised plate, for a window hold.")
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plate="") | models.Q(window_start__isnull=False, window_end__isnull=False,
                                                        window_start__lt=models.F("window_end")),
                name="retention_hold_window_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"hold {self.pk} case {self.case_number}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None

    @property
    def covers_window(self) -> bool:
        return bool(self.plate)


class HeldRead(models.Model):
    """One read a hold covers (a through table to the partitioned reads): chosen by number, or of the
    hold's plate in its window when it was placed."""

    hold = models.ForeignKey(EvidenceHold, on_delete=models.PROTECT, related_name="held_reads")
    read = models.ForeignKey(ReadReference, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    captured_at = models.DateTimeField(help_text="The read's capture time: its partition.")

    class Meta:
        ordering = ["captured_at"]
        constraints = [models.UniqueConstraint(fields=["hold", "read"], name="retention_held_read_once")]
        indexes = [models.Index(fields=["captured_at"], name="retention_held_read_time")]

    def __str__(self) -> str:
        return f"read {self.read_id} in hold {self.hold_id}"


class EvidencePackage(models.Model):
    """A package of evidence written under ``settings.EVIDENCE_ROOT`` (RET-4).

    ``manifest_sha256`` is the SHA-256 of the package's ``manifest.json`` as written: the manifest lists
    the SHA-256 of every other file, so this one hash detects any change to the package.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_by_label = models.CharField(max_length=200)
    purpose = models.TextField(help_text="A purpose code or the downloader's stated purpose, in full.")
    case_number = models.CharField(max_length=64)
    description = models.TextField()
    recipient = models.CharField(max_length=200, blank=True)
    directory = models.CharField(max_length=200, help_text="Relative to EVIDENCE_ROOT.")
    manifest_sha256 = models.CharField(max_length=64)
    read_ids = models.JSONField(default=list)
    file_count = models.PositiveIntegerField(default=0)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    last_verified_ok = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"evidence package {self.uuid} (case {self.case_number})"


class ErrorKind(models.TextChoices):
    MISREAD = "misread", "Misread plate"
    WRONG_TIME = "wrong_time", "Wrong time"
    WRONG_CAMERA = "wrong_camera", "Wrong camera or place"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    CONFIRMED = "confirmed", "Confirmed error"
    REJECTED = "rejected", "Rejected"


class ErroneousFlag(models.Model):
    """A report that a read is wrong, and the administrator's review of it (RET-5)."""

    read = models.ForeignKey(ReadReference, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    read_captured_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=ErrorKind.choices)
    note = models.TextField()
    suggested_plate = models.CharField(max_length=16, blank=True)
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    plate_before = models.CharField(max_length=16, blank=True)
    plate_after = models.CharField(max_length=16, blank=True, help_text="Set when the plate was corrected.")

    class Meta:
        ordering = ["-flagged_at"]
        indexes = [models.Index(fields=["status", "flagged_at"], name="retention_flag_queue")]

    def __str__(self) -> str:
        return f"flag {self.pk} on read {self.read_id} ({self.status})"


class ErroneousRead(models.Model):
    """A read confirmed erroneous: it must no longer match any plate (search, hotlists, alerts).

    Kept apart from ``PlateRead`` until the read table carries its own flag; see
    ``retention.selectors.exclude_erroneous``.
    """

    read = models.OneToOneField(ReadReference, on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+", primary_key=True)
    captured_at = models.DateTimeField()
    flag = models.ForeignKey(ErroneousFlag, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"erroneous read {self.read_id}"


class ReadShare(models.Model):
    """Read X went to agency Y: registered by the sharing code, so a confirmed error reaches Y."""

    read = models.ForeignKey(ReadReference, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    captured_at = models.DateTimeField()
    agency_name = models.CharField(max_length=200)
    agency_ori = models.CharField(max_length=16, blank=True)
    shared_at = models.DateTimeField(default=timezone.now)
    reference = models.CharField(max_length=100, blank=True, help_text="E.g. the sharing request's id.")

    class Meta:
        ordering = ["shared_at"]
        constraints = [models.UniqueConstraint(fields=["read", "agency_name", "agency_ori"],
                                               name="retention_read_share_once")]

    def __str__(self) -> str:
        return f"read {self.read_id} shared with {self.agency_name}"


class ErroneousDataNotification(models.Model):
    """A notice owed to an agency that received a read later confirmed erroneous (RET-5).

    Delivered by the sharing code, which sets ``delivered_at``. When the purge deletes the read, it
    rewrites ``message`` without the read's plates and capture time and sets ``read_purged_at``; the
    partner API lists no notice about a read we no longer keep.
    """

    flag = models.ForeignKey(ErroneousFlag, on_delete=models.PROTECT, related_name="notifications")
    read_id = models.BigIntegerField()
    agency_name = models.CharField(max_length=200)
    agency_ori = models.CharField(max_length=16, blank=True)
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_purged_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the purge deleted the read and took its plates and capture time out of the message.")

    class Meta:
        ordering = ["created_at"]
        # One notice per read and agency: a flag on one plate of a photo can make its other plates
        # erroneous too (a wrong time or camera), and an agency may have received any of them.
        constraints = [models.UniqueConstraint(fields=["flag", "read_id", "agency_name", "agency_ori"],
                                               name="retention_notification_once")]

    def __str__(self) -> str:
        return f"notify {self.agency_name} about read {self.read_id}"
