"""Why someone is searching: justifications, the Chief's felony exceptions, downloads and outcomes.

A `Justification` is stated once (purpose, case number, description) and covers the searches its
author runs until it expires (policy.justification_minutes); every search is still its own audit
entry carrying it (USE-1). Rows here are records: they are never edited after the fact except to
close a justification early or decide a pending request.
"""
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, OuterRef, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils import timezone


class JustificationKind(models.TextChoices):
    CASE = "case", "Case search"
    AUDIT = "audit", "Administrative or audit query"


# The purpose code stored for audit queries (USE-4); never one of the policy's search purposes.
AUDIT_QUERY_PURPOSE = "audit_query"


class FelonyRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the Chief"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


def _versions_after(decided_at, policy):
    """The policy versions put in force after `decided_at`, up to `policy`. An unsaved `policy` is the
    defaults that apply before the first version (``policy_in_force_before``): no version is up to it."""
    versions = apps.get_model("policy", "AgencyPolicy").objects.filter(created_at__gt=decided_at)
    return versions.filter(pk__lte=policy.pk) if policy.pk else versions.none()


class FelonyRequestQuerySet(models.QuerySet):
    def usable(self, policy, moment=None):
        """The approved requests whose approval has not lapsed at `moment` (default: now) under `policy`."""
        return self.with_valid_until(policy).filter(status=FelonyRequestStatus.APPROVED,
                                                    valid_until__gt=moment or timezone.now())

    def with_valid_until(self, policy):
        """Each request annotated with `valid_until`: when its approval lapses under `policy` (None unless
        approved): the days it was granted for, or fewer if `policy` or any version in force between the
        decision and it said fewer (see ``FelonyExceptionRequest.lapses_at``)."""
        fewest_since = Subquery(_versions_after(OuterRef("decided_at"), policy)
                                .order_by("felony_approval_days").values("felony_approval_days")[:1])
        days = Least(models.F("granted_days"), models.Value(policy.felony_approval_days),
                     Coalesce(fewest_since, models.F("granted_days")))
        return self.annotate(valid_until=models.Case(
            models.When(status=FelonyRequestStatus.APPROVED,
                        then=models.F("decided_at") + ExpressionWrapper(
                            days * models.Value(timedelta(days=1)), output_field=models.DurationField())),
            default=None, output_field=models.DateTimeField()))


class FelonyExceptionRequest(models.Model):
    """A written request to search for an "other significant felony", decided by the Chief (USE-2).

    An approval lasts the days the Chief granted it for (``granted_days``: the policy's
    ``felony_approval_days`` when decided), and never longer than the policy in force says: a shortening
    ends approvals at once, a raise reaches only the approvals made after it (never one that had lapsed,
    nor one a shortening had cut: the fewest days in force since the decision count)."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="felony_requests")
    case_number = models.CharField(max_length=64)
    offense = models.CharField(max_length=200, help_text="The felony under investigation.")
    description = models.TextField(help_text="Why a plate search is needed for this case.")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=FelonyRequestStatus.choices,
                              default=FelonyRequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    granted_days = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Days the approval was granted for: the policy's felony_approval_days at the decision.")

    objects = FelonyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=FelonyRequestStatus.APPROVED)
                | models.Q(granted_days__isnull=False, granted_days__gte=1),
                name="searches_felony_approval_granted_for_days",
            ),
        ]

    def __str__(self) -> str:
        return f"Felony request #{self.pk} ({self.case_number})"

    def lapses_at(self, *, policy):
        """When the approval lapses under `policy` (None unless approved), as ``with_valid_until()`` says.

        The fewest days of every version in force since the decision count, not only `policy`'s: a
        shortening ended the approvals it reached, and a raise after it must not bring them back."""
        if self.status != FelonyRequestStatus.APPROVED or self.decided_at is None or not self.granted_days:
            return None
        since = _versions_after(self.decided_at, policy).values_list("felony_approval_days", flat=True)
        days = min(self.granted_days, policy.felony_approval_days, *since)
        return self.decided_at + timedelta(days=days)

    def usable_at(self, moment, *, policy) -> bool:
        """Whether a search may cite this request at `moment`: approved, and not lapsed under `policy`."""
        until = self.lapses_at(policy=policy)
        return until is not None and moment < until


class Justification(models.Model):
    """One stated reason to search, valid for a bounded time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="justifications")
    kind = models.CharField(max_length=8, choices=JustificationKind.choices, default=JustificationKind.CASE)
    purpose = models.CharField(max_length=64)
    purpose_label = models.CharField(max_length=200)
    case_number = models.CharField(max_length=64, blank=True)
    description = models.TextField()
    felony_request = models.ForeignKey(FelonyExceptionRequest, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="justifications")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose_label} · {self.case_number or 'audit'}"

    def is_open_at(self, moment) -> bool:
        return self.closed_at is None and self.expires_at > moment

    @property
    def is_audit(self) -> bool:
        return self.kind == JustificationKind.AUDIT

    def remaining_minutes(self) -> int:
        seconds = (self.expires_at - timezone.now()).total_seconds()
        return max(0, int(seconds + 59) // 60)

    def audit_fields(self) -> dict:
        """The purpose, case number and description every audit entry under this justification carries."""
        return {"purpose": self.purpose, "case_number": self.case_number, "description": self.description}


class OutcomeKind(models.TextChoices):
    NOTHING = "nothing", "Nothing came of it"
    LEAD = "lead", "A lead"
    ARREST = "arrest", "An arrest"
    VEHICLE_RECOVERED = "vehicle_recovered", "Vehicle recovered"
    PERSON_LOCATED = "person_located", "Person located"


class SearchOutcome(models.Model):
    """What the searches under one justification led to (feeds the reports, RPT-1/RPT-2)."""

    justification = models.ForeignKey(Justification, on_delete=models.PROTECT, related_name="outcomes")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=24, choices=OutcomeKind.choices)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.justification.case_number})"


class Download(models.Model):
    """One read saved as evidence, or released to another agency, by one person (USE-7); the per-day cap
    counts these rows.

    A release has no justification of ours (the agency's written request is its reason: ``package_ref``
    names it, ``sharing-request:<id>``). ``read_id`` is a plain integer: reads live in a partitioned table
    (no foreign key possible) and are purged after retention, while this record stays for the reports.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    justification = models.ForeignKey(Justification, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="downloads", help_text="None for a release to an agency.")
    read_id = models.BigIntegerField()
    purpose = models.TextField()
    package_ref = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"read {self.read_id} by {self.user_id}"


class JustificationRead(models.Model):
    """A read reached under one justification: listed in one of its search results, opened, or both.

    The read scope of ``alpr.access``: a read opens under a justification that listed it (or as an
    alert's read, or held for the same case), and at most ``read_opens_per_justification`` distinct
    reads open under one justification. Written by the access layer in the transaction of the search
    or opening it records. ``read_id`` is a plain integer: reads live in a partitioned table.
    """

    justification = models.ForeignKey(Justification, on_delete=models.PROTECT, related_name="reads_reached")
    read_id = models.BigIntegerField()
    listed_at = models.DateTimeField(null=True, blank=True, help_text="When a search last listed it.")
    opened_at = models.DateTimeField(null=True, blank=True, help_text="When it was first opened.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["justification", "read_id"],
                                               name="searches_justification_read_once")]

    def __str__(self) -> str:
        return f"read {self.read_id} under justification {self.justification_id}"
