"""Generated reports: stored unchanged with their hashes, signed off, discrepancies sent on (AUD-5).

A report row and its files are never updated: regenerating makes a new version. The sign-off is
a separate row, so the stored report stays exactly as it was generated. Triggers in the migration
refuse UPDATE and DELETE on the report and file tables.
"""

from django.conf import settings
from django.db import models


class Report(models.Model):
    kind = models.CharField(max_length=32, help_text="A kind from reports.reporting.registry.")
    period_start = models.DateField()
    period_end = models.DateField(help_text="Last day included.")
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_by_label = models.CharField(max_length=200)
    summary = models.JSONField(default=dict, help_text="Headline figures, for lists and the portal.")

    class Meta:
        ordering = ["-period_start", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start", "version"], name="report_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class ReportFile(models.Model):
    """One rendering of a report (HTML, PDF or CSV), its bytes and their SHA-256."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["report", "format"]
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="report_file_unique")]

    def __str__(self) -> str:
        return f"{self.report_id}.{self.format}"


class ReportSignOff(models.Model):
    """The system administrator's review of one report version (AUD-5)."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="sign_off")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    review_note = models.TextField(blank=True)
    discrepancies = models.TextField(blank=True, help_text="Anything found wrong; sent to the Chief.")

    def __str__(self) -> str:
        return f"sign-off of {self.report_id}"


class DiscrepancyNotice(models.Model):
    """Discrepancies found at a sign-off, sent to one chief (AUD-5)."""

    sign_off = models.ForeignKey(ReportSignOff, on_delete=models.PROTECT, related_name="notices")
    chief = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    emailed_to = models.EmailField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"discrepancy {self.sign_off_id} → {self.chief_id}"
