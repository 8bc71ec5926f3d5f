"""What the public sees and sends: contacts, complaints (AUD-4), incidents (RPT-5), chain heads."""

from django.conf import settings
from django.db import models


class ContactRole(models.TextChoices):
    PUBLIC = "public", "The department's point of contact for the public"
    OVERSIGHT = "oversight", "Designated external oversight contact (receives complaints)"


class Contact(models.Model):
    """A published contact. The newest of each role is the one in use."""

    role = models.CharField(max_length=16, choices=ContactRole.choices)
    name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["role", "-id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class ComplaintKind(models.TextChoices):
    ERROR = "error", "An error in the data (e.g. a misread plate)"
    COMPLAINT = "complaint", "A complaint"
    VIOLATION = "violation", "A suspected violation of the policy"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    INVESTIGATING = "investigating", "Under investigation"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Closed without finding"


class Complaint(models.Model):
    """A report from the public or a user, tracked to resolution and routed to oversight (AUD-4)."""

    reference = models.CharField(max_length=16, unique=True)
    kind = models.CharField(max_length=16, choices=ComplaintKind.choices)
    description = models.TextField()
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    routed_to = models.EmailField(blank=True, help_text="The oversight contact it was sent to.")
    routed_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING)


class ComplaintUpdate(models.Model):
    """One step of a complaint's history: its status and what was done."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=16, choices=ComplaintStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.status}"


class SecurityIncident(models.Model):
    """A security incident affecting the system, and its public notice when one is required (RPT-5)."""

    title = models.CharField(max_length=200)
    occurred_on = models.DateField()
    discovered_on = models.DateField()
    description = models.TextField(help_text="Internal account of what happened.")
    public_notice_required = models.BooleanField(default=False)
    public_notice = models.TextField(blank=True, help_text="Text published on the portal.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-discovered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(public_notice_required=False) | ~models.Q(public_notice=""),
                name="incident_notice_has_text",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PublishedChainHead(models.Model):
    """The audit chain's head as published on a day; anyone can later check the log against it.

    Verification checks every one (audit.chain.verify_chain); the database keeps them append-only
    (migration 0005).
    """

    published_on = models.DateField(unique=True)
    position = models.BigIntegerField()
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_on"]

    def __str__(self) -> str:
        return f"{self.published_on} #{self.position} {self.chain_hash[:12]}"
