"""Camera placement (CAM-2, CAM-3), location history (CAM-1) and costs (CAM-4).

The camera itself is ``alpr.Camera``; these records point at it and never duplicate it.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from alpr.models import Camera, CameraKind


class PlacementKind(models.TextChoices):
    INSTALL = "install", "New installation"
    RELOCATE = "relocate", "Relocation"


class PlacementStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the Chief's decision"
    APPROVED = "approved", "Approved; public notice running"
    DENIED = "denied", "Denied"
    DONE = "done", "In effect"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CameraPlacementRequest(models.Model):
    """A request to install a camera or move one, with its justification and the Chief's decision."""

    kind = models.CharField(max_length=16, choices=PlacementKind.choices)
    camera = models.ForeignKey(
        Camera,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placement_requests",
        help_text="The camera to move; empty for a new installation.",
    )
    camera_name = models.CharField(max_length=100, blank=True, help_text="Name of a new camera.")
    camera_kind = models.CharField(max_length=16, choices=CameraKind.choices, default=CameraKind.FIXED)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    location_description = models.CharField(max_length=300)
    heading = models.PositiveSmallIntegerField(null=True, blank=True)
    justification = models.TextField(help_text="The crime analysis that supports this placement.")
    nondiscrimination = models.TextField(
        help_text="How the placement was weighed against disparate impact on any community (CAM-3)."
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    earliest_effective_on = models.DateField(
        null=True, blank=True, help_text="The requester's preferred date, if any."
    )
    status = models.CharField(max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    notice_from = models.DateField(null=True, blank=True, help_text="First day of the public notice.")
    effective_on = models.DateField(null=True, blank=True, help_text="When the placement takes effect.")
    applied_at = models.DateTimeField(null=True, blank=True)
    # An installation approved before this system, recorded by the Chief (placement_record_prior): the
    # original approval and public notice, as the department's records show them. Empty otherwise.
    prior_approved_on = models.DateField(null=True, blank=True, help_text="Date of the original approval.")
    prior_approved_by = models.CharField(max_length=200, blank=True, help_text="Who approved, and as what.")
    prior_approval_document = models.CharField(
        max_length=300, blank=True, help_text="Reference of the approval document (memo, minutes...).")
    prior_public_notice = models.CharField(
        max_length=300, blank=True, help_text="Where and how the public was notified.")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="relocate", camera__isnull=False)
                    | models.Q(kind="install", camera_name__gt="")
                ),
                name="placement_names_its_camera",
            ),
            models.CheckConstraint(condition=~models.Q(justification=""), name="placement_justified"),
            models.CheckConstraint(
                condition=~models.Q(nondiscrimination=""), name="placement_nondiscrimination_considered"
            ),
            models.CheckConstraint(
                condition=(
                    ~models.Q(status__in=["approved", "done"])
                    | models.Q(notice_from__isnull=False, effective_on__gt=models.F("notice_from"))
                ),
                name="placement_notice_before_effect",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(prior_approved_on__isnull=True, prior_approved_by="",
                             prior_approval_document="", prior_public_notice="")
                    | models.Q(prior_approved_on__isnull=False, prior_approved_by__gt="",
                               prior_approval_document__gt="", prior_public_notice__gt="",
                               notice_from__gte=models.F("prior_approved_on"))
                ),
                name="placement_prior_approval_complete",
            ),
            # Its camera is registered under this name when it takes effect: two installations awaited
            # under one name would leave the second unable to take effect (reports.services.cameras).
            models.UniqueConstraint(
                Lower("camera_name"),
                condition=models.Q(kind="install", status__in=["pending", "approved"]),
                name="placement_install_name_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"

    @property
    def subject(self) -> str:
        return self.camera.name if self.camera_id else self.camera_name

    @property
    def recorded_after_the_fact(self) -> bool:
        """An approval given before this system and recorded in it later (placement_record_prior)."""
        return self.prior_approved_on is not None


class CameraLocationHistory(models.Model):
    """Where a camera was, from when: one row each time a placement takes effect."""

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="location_history")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_description = models.CharField(max_length=300, blank=True)
    previous_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    previous_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    previous_description = models.CharField(max_length=300, blank=True)
    effective_at = models.DateTimeField()
    placement = models.OneToOneField(
        CameraPlacementRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="history"
    )

    class Meta:
        ordering = ["-effective_at", "-id"]

    def __str__(self) -> str:
        return f"{self.camera_id} @ {self.effective_at:%Y-%m-%d}"


class CostKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    SUBSCRIPTION = "subscription", "Subscription"
    MAINTENANCE = "maintenance", "Maintenance"
    INSTALLATION = "installation", "Installation"
    OTHER = "other", "Other"


class CameraCost(models.Model):
    """One cost of the ALPR programme, for cost reporting (CAM-4). ``camera`` empty: programme-wide."""

    camera = models.ForeignKey(Camera, null=True, blank=True, on_delete=models.PROTECT, related_name="costs")
    kind = models.CharField(max_length=16, choices=CostKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    incurred_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-incurred_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="camera_cost_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.incurred_on}"
