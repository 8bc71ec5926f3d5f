"""The published text of the ALPR policy, in versions that pass through public comment (RPT-4).

The values the software enforces are ``policy.AgencyPolicy``; this is the document the public reads.
"""

from django.conf import settings
from django.db import models

from policy.models import PublicComment


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMMENT = "comment", "Open for public comment"
    APPROVED = "approved", "Approved, waiting to take effect"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PolicyDocument(models.Model):
    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="Plain text; lines starting with '#' are headings, '- ' list items.")
    summary_of_changes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    comment_opens_at = models.DateTimeField(null=True, blank=True)
    comment_closes_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True, help_text="The annual review is due by this day.")
    reviewed_on = models.DateField(null=True, blank=True, help_text="Last annual review without changes.")

    class Meta:
        ordering = ["-version"]
        constraints = [
            # RPT-4 in the database too: nothing takes effect before its comment period has closed.
            models.CheckConstraint(
                condition=(
                    models.Q(effective_at__isnull=True)
                    | models.Q(
                        comment_closes_at__isnull=False, effective_at__gte=models.F("comment_closes_at")
                    )
                ),
                name="policy_effective_after_comment",
            ),
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="in_force"), name="one_policy_document_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.title}"


class PolicyComment(PublicComment):
    """A comment from the public on a version open for comment. Shown to staff, not published."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="comments")

    def __str__(self) -> str:
        return f"comment on v{self.document_id} {self.submitted_at:%Y-%m-%d}"
