"""Cameras, their credentials, and the plate reads they produce.

Plate reads are the sensitive core of the system. They live in a PostgreSQL table partitioned by
UTC day of capture (see ``alpr.partitions`` and migration 0001) so the purge can drop a whole day in
constant time, and they are reachable only through named managers: ``PlateRead.objects`` refuses to
work, so a view cannot read ALPR data without going through the access layer (``alpr.access``).
"""
import hmac
import uuid
from hashlib import sha256

from django.conf import settings
from django.db import models
from django.utils import timezone


class CameraKind(models.TextChoices):
    FIXED = "fixed", "Fixed"
    MOBILE = "mobile", "Mobile (vehicle-mounted)"
    TRAILER = "trailer", "Trailer"


class CameraStatus(models.TextChoices):
    # Registered, but its installation has not taken effect: the Chief's approval and the public notice
    # come first (CAM-2). Its credential is refused at upload (ingest/auth.py).
    PENDING = "pending", "Awaiting approval and public notice"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    RETIRED = "retired", "Retired"


class Camera(models.Model):
    """One ALPR device in the registry (CAM-1): where it is, what it is, whether it may upload."""

    name = models.CharField(max_length=100, unique=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_description = models.CharField(max_length=300, blank=True)
    heading = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Direction the camera faces, degrees clockwise from north.")
    direction = models.CharField(max_length=40, blank=True, help_text="E.g. 'northbound lanes'.")
    kind = models.CharField(max_length=16, choices=CameraKind.choices, default=CameraKind.FIXED)
    status = models.CharField(max_length=16, choices=CameraStatus.choices, default=CameraStatus.PENDING)
    installed_on = models.DateField(
        null=True, blank=True, help_text="The day its approved installation took effect (CAM-2).")
    # Health: when the camera was last heard from (ingest.health). Uploads mark it at most once a minute
    # per process; an agent's heartbeat marks it each time.
    last_upload_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The moment it last went into service here: a camera never heard from is silent from then, not from
    # its installation day (an installation approved before this system took effect long before).
    in_service_since = models.DateTimeField(null=True, blank=True)
    agent_version = models.CharField(max_length=40, blank=True, help_text="As its last heartbeat said.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Only an installation that took effect puts a camera in service (reports.services.cameras).
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(installed_on__isnull=False),
                name="camera_active_only_once_installed"),
        ]

    def __str__(self) -> str:
        return self.name


class CameraCredential(models.Model):
    """An API key of one camera: a public key id and a secret kept only as an HMAC-SHA256.

    HMAC rather than PBKDF2: the secret is 192 random bits (nothing to brute-force), and a slow hash
    on every upload would cap ingest far below 200 uploads a second.
    A credential with ``revoked_at`` in the future still works until then (rotation overlap).
    """

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="credentials")
    key_id = models.CharField(max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    source_network = models.CharField(
        max_length=49, blank=True,
        help_text="A CIDR network: the credential is accepted only from it, and from it without a key "
                  "(an on-premises Plate Recognizer SDK client sends none).")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.camera_id}:{self.key_id}"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), sha256).hexdigest()

    def secret_matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, self.hash_secret(secret))

    def is_valid_at(self, moment) -> bool:
        return self.revoked_at is None or self.revoked_at > moment


class ReadStatus(models.TextChoices):
    RECEIVED = "received", "Received, waiting for recognition"
    PROCESSING = "processing", "Being recognised"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def plates_read() -> models.Q:
    """The reads every figure of plates read counts: this department's own, recognised, with a plate.
    A photo waiting for recognition, a failed one, a "no plate read" and a read received from another
    agency are not plates this department read."""
    return models.Q(status=ReadStatus.DONE, origin_agency__isnull=True) & ~models.Q(plate="")


class ReadSource(models.TextChoices):
    UPLOAD = "upload", "Photo upload"
    OPENALPR = "openalpr", "OpenALPR agent webhook"
    PLATERECOGNIZER = "platerecognizer", "Plate Recognizer-compatible snapshot"


class AccessLayerRequired(RuntimeError):
    """Raised when code reaches for plate reads without the access layer."""


class _AccessLayerOnlyManager(models.Manager):
    """``PlateRead.objects``: closed. Reads are reached through ``alpr.access`` (user, purpose, case
    number, description, audit entry) or, for internal processes, ``PlateRead.system_objects``."""

    def get_queryset(self):
        raise AccessLayerRequired(
            "PlateRead.objects is closed: use alpr.access (which checks the purpose and case number and "
            "writes the audit entry). Internal processes listed in alpr/tests/test_access_boundary.py "
            "use PlateRead.system_objects."
        )


class _JoinGuardQuerySet(models.QuerySet):
    """The queryset of PlateRead's *base* manager, which Django uses behind the scenes: to follow a
    relation to a read (``held_read.read``, ``prefetch_related("read")``), to reload an instance
    (``refresh_from_db``, a deferred field), to validate a foreign key, and to save an instance.

    Saving still works (``save()`` INSERTs and UPDATEs through ``_insert``/``_update``); anything
    that would bring read rows or facts about them back raises, so a relation from another model is
    no way around ``PlateRead.objects``. Joins in a query (``values("read__plate")``) build SQL
    without any manager: ``alpr/tests/test_access_boundary.py`` keeps them out of the code.
    """

    def _closed(self, *args, **kwargs):
        raise AccessLayerRequired(
            "Following a relation to a plate read is closed (it goes through PlateRead's base manager): use "
            "alpr.access, or PlateRead.system_objects in an internal process named in "
            "alpr/tests/test_access_boundary.py."
        )

    _fetch_all = iterator = aiterator = count = acount = exists = aexists = aggregate = aaggregate = _closed
    in_bulk = ain_bulk = contains = acontains = explain = aexplain = update = aupdate = delete = _closed
    adelete = _closed


class _JoinGuardManager(models.Manager.from_queryset(_JoinGuardQuerySet)):
    """PlateRead's base manager (``Meta.base_manager_name``): see ``_JoinGuardQuerySet``."""


class SystemReadManager(models.Manager):
    """Plate reads for internal system processes only (ingest, purge, matching, the access layer).

    Where it may be used is fixed by ``alpr/tests/test_access_boundary.py``.
    """


class PlateRead(models.Model):
    """One photo from one camera and what was read in it.

    Storage: the table is PARTITIONED BY RANGE (captured_at), one partition per UTC day, created by
    ``alpr.partitions.ensure_partitions``; there is no default partition. The database primary key is
    (id, captured_at) because PostgreSQL requires the partition key in every unique constraint;
    ``id`` alone is still unique (one identity sequence) and Django addresses rows by it.
    Another model never has a foreign key TO PlateRead: it points at ``ReadReference`` (the read's id
    only), with ``db_constraint=False`` (PostgreSQL cannot reference a partial key), and the purge is
    responsible for what such rows point at.

    Images are stored through ``alpr.storage`` under the same UTC day (``reads/YYYY/MM/DD/``, in a
    handful of segments per day), so a day's images go with its partition; ``image_path`` and
    ``crop_path`` hold the storage's references (segment, offset, length, image name).
    Access: ``PlateRead.objects`` raises; see ``_AccessLayerOnlyManager``.
    """

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    # No reverse relation: ``Camera.objects.filter(reads__plate=...)`` would join to reads unguarded.
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="+")
    captured_at = models.DateTimeField(help_text="When the camera took the photo (UTC).")
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, help_text="Last change of processing status.")
    plate = models.CharField(
        max_length=16, blank=True,
        help_text="Normalised: A-Z and 0-9 only. Empty: no plate read (nothing plausible was read).")
    # NULL: the state could not be told (not the same as a known empty value).
    state = models.CharField(max_length=8, null=True, blank=True, help_text="Issuing state, e.g. 'IL'.")  # noqa: DJ001
    state_confidence = models.FloatField(
        null=True, blank=True, help_text="How sure the reader was of the state (0–1); NULL when not told.")
    confidence = models.FloatField(null=True, blank=True)
    candidates = models.JSONField(default=list, blank=True, help_text="[{text, confidence}], best first.")
    vehicle = models.JSONField(
        default=dict, blank=True,
        help_text="What the camera's reader said of the vehicle: {colour|make|make_model|body_type: "
                  "{name, confidence}}; empty when it said nothing.")
    box_x = models.IntegerField(null=True, blank=True)
    box_y = models.IntegerField(null=True, blank=True)
    box_w = models.IntegerField(null=True, blank=True)
    box_h = models.IntegerField(null=True, blank=True)
    image_path = models.CharField(max_length=200, blank=True, help_text="Full photo: its storage reference.")
    crop_path = models.CharField(max_length=200, blank=True, help_text="Plate crop: its storage reference.")
    status = models.CharField(max_length=16, choices=ReadStatus.choices, default=ReadStatus.RECEIVED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    processing_ms = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=ReadSource.choices, default=ReadSource.UPLOAD)
    idempotency_key = models.CharField(max_length=128)
    # The position a mobile camera's device sent (both or neither). Ingest stores none for a fixed or
    # trailer camera: its reads are placed at its approved placement (ingest.services.read_accept).
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    heading = models.PositiveSmallIntegerField(null=True, blank=True)
    # Where the registry put the camera when the photo was taken: the read's place unless the device sent
    # its own position above. Copied at insert by the database (trigger ``alpr_read_camera_place``, see
    # migration 0011) from the camera's placement history, so a later relocation never moves the read and
    # a photo uploaded after a move (a camera's backlog) keeps the place of its capture (CAM-1, USE-6).
    camera_latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, editable=False,
        help_text="The camera's registered latitude when the photo was taken (set by the database).")
    camera_longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, editable=False,
        help_text="The camera's registered longitude when the photo was taken (set by the database).")
    camera_location = models.CharField(
        max_length=300, blank=True, editable=False,
        help_text="The camera's registered location description when the photo was taken (set by the "
                  "database).")
    # A photo may show several plates: the upload's read holds the first, and each other plate found is
    # a read of its own that points here (same photo, its own box and crop). NULL: the upload's read.
    source_read_id = models.BigIntegerField(
        null=True, blank=True, help_text="The upload's read, for another plate found in the same photo.")
    # NULL means this department's own read: the rule (SHR-6) is stated on NULL, not on "".
    origin_agency = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True,
        help_text="Agency (ORI) the read came from; empty for this department's own reads (SHR-6).")
    # NULL on a done read with a plate: hotlist matching has not finished (ING-2, ING-4).
    hotlist_matched_at = models.DateTimeField(
        null=True, blank=True, help_text="When hotlist matching finished; done reads without it are swept.")

    objects = _AccessLayerOnlyManager()
    system_objects = SystemReadManager()
    join_guard = _JoinGuardManager()

    class Meta:
        base_manager_name = "join_guard"
        # The table and its indexes are created by raw SQL in migration 0001 (a partitioned table);
        # these declarations keep Django's model state in step with it.
        indexes = [
            models.Index(fields=["plate", "captured_at"], name="alpr_read_plate_time"),
            models.Index(fields=["camera", "captured_at"], name="alpr_read_camera_time"),
            models.Index(fields=["updated_at"], name="alpr_read_unfinished",
                         condition=models.Q(status__in=["received", "processing"])),
            # Only done reads whose matching never finished: nearly empty, so the sweep is cheap.
            models.Index(fields=["updated_at"], name="alpr_read_unmatched",
                         condition=models.Q(status="done", hotlist_matched_at__isnull=True)
                         & ~models.Q(plate="")),
            # The further plates of a photo, which share its upload's images (packing, flags).
            models.Index(fields=["source_read_id"], name="alpr_read_source",
                         condition=models.Q(source_read_id__isnull=False)),
        ]
        constraints = [
            # Also the index for idempotency look-ups by (camera, key).
            models.UniqueConstraint(fields=["camera", "idempotency_key", "captured_at"],
                                    name="alpr_read_idempotency_unique"),
        ]

    def __str__(self) -> str:
        return f"read {self.pk} {self.plate or '?'} @ {self.captured_at:%Y-%m-%d %H:%M:%S}"

    @property
    def upload_read_id(self) -> int:
        """The read of the upload this read came from (itself, unless it is another plate of its photo)."""
        return self.source_read_id or self.pk

    @property
    def box(self) -> list[int] | None:
        if self.box_x is None:
            return None
        return [self.box_x, self.box_y, self.box_w, self.box_h]


class ReadReference(models.Model):
    """What another model's foreign key to a plate read points at: the read's id, and nothing else.

    Records about reads (holds, flags, shares) declare ``ForeignKey(ReadReference, ...)``, not a key
    to PlateRead: the same table, but only its id is mapped, so ``HeldRead.objects.values("read__plate")``
    or ``filter(read__plate=...)`` is an error (no such field), not a join that reads plates around
    the access layer. Unmanaged: the table is PlateRead's. Its managers are closed like PlateRead's.
    """

    id = models.BigAutoField(primary_key=True)

    objects = _AccessLayerOnlyManager()
    join_guard = _JoinGuardManager()

    class Meta:
        managed = False
        db_table = PlateRead._meta.db_table
        base_manager_name = "join_guard"

    def __str__(self) -> str:
        return f"read {self.pk}"
