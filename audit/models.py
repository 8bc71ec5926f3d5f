"""The append-only audit log and its hash chain.

Events are written by the application's own transactions, in parallel, each with the SHA-256 of its
own content. A single sealer (``audit.chain``) appends every committed event to the chain in a
separate table, so concurrent writers never wait on a chain lock and the chain has no forks or gaps.
PostgreSQL triggers (see the migrations) refuse UPDATE, DELETE and TRUNCATE on both tables.
"""
from django.conf import settings
from django.db import models


class ActorType(models.TextChoices):
    USER = "user", "User"
    CAMERA = "camera", "Camera"
    AGENCY = "agency", "Partner agency"
    SYSTEM = "system", "System"
    ANONYMOUS = "anonymous", "Unauthenticated"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,  # (actor_user, occurred_at) below serves it
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    purpose = models.CharField(max_length=64, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why a request was refused or failed.")
    targets = models.JSONField(default=list, blank=True)
    query = models.JSONField(default=dict, blank=True)
    result_count = models.IntegerField(null=True, blank=True)
    client_ip = models.CharField(max_length=64, blank=True)
    session_ref = models.CharField(max_length=64, blank=True)
    flagged = models.BooleanField(default=False, help_text="Raised for the auditor's attention.")
    content_hash = models.CharField(max_length=64)
    # Set by the insert trigger to the inserting transaction's id. The sealer uses it to know when
    # every event below a horizon has committed, so late committers are never skipped (audit.chain).
    txid = models.BigIntegerField(default=0, editable=False)
    # Which formula `audit_event_digest` applies (set by the insert trigger; see migration 0005).
    digest_version = models.PositiveSmallIntegerField(default=2, editable=False)

    class Meta:
        ordering = ["id"]
        # Every index costs each of the many concurrent inserts; these are the ones reads use.
        # (Plain Index, not db_index: no extra LIKE-pattern index on the text columns.)
        indexes = [
            models.Index(fields=["actor_user", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"], name="audit_event_action_idx"),
            models.Index(fields=["case_number"], name="audit_event_case_idx"),
            models.Index(fields=["txid", "id"], name="audit_event_txid_idx"),
            # Partial: only flagged rows pay for it. Counts the auditor's new flags (start page).
            models.Index(fields=["occurred_at"], name="audit_event_flagged_idx",
                         condition=models.Q(flagged=True)),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.outcome}"


class AuditSeal(models.Model):
    """One link of the chain: the event at position `position`, hashed onto the link before it."""

    position = models.BigIntegerField(primary_key=True)
    # No foreign-key constraint in the database: its check would lock (and so write) every sealed
    # event row. Events cannot be deleted anyway, and verification reports a link without its event.
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="seal",
                                 db_constraint=False)
    event_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    # Not indexed: links are found by position, and a random-hash index would slow every seal.
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()
    # Every event whose transaction id is below this had committed, and was sealed, by this link's run.
    horizon = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"#{self.position} {self.chain_hash[:12]}"
