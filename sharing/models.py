"""Agencies we may share with, what they signed, what they asked for and what they received.

Illinois law (625 ILCS 5/2-130) and the department's order let ALPR data go to another agency only
when it has signed a declaration (no immigration enforcement, no reproductive-health investigations,
deletion within a set period, no re-sharing) and only on a written request the administrator
approved (SHR-1 to SHR-4). ``sharing.selectors.agency_block_reason`` is the one place that says
whether an agency may receive anything now.
"""

import hmac
import uuid
from hashlib import sha256

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from policy.defaults import DECLARATION_ATTESTATIONS


def declaration_storage():
    """Signed declarations: SHARING_DOCUMENTS_ROOT on the local disk, or the object store's documents/
    prefix; alpr/storage.py decides at each use."""
    from alpr import storage

    return storage.DocumentStorage()


class AgencyKind(models.TextChoices):
    IN_STATE = "in_state", "Illinois agency"
    OUT_OF_STATE = "out_of_state", "Out-of-state agency"
    FEDERAL = "federal", "Federal agency"


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REVOKED = "revoked", "Access revoked"


class Agency(models.Model):
    """A law-enforcement agency in the registry. Registered is not the same as allowed data."""

    name = models.CharField(max_length=200, unique=True)
    ori = models.CharField(max_length=9, unique=True, help_text="NCIC Originating Agency Identifier.")
    state = models.CharField(max_length=2, help_text="Two-letter postal code, e.g. IL.")
    kind = models.CharField(max_length=16, choices=AgencyKind.choices)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    # On only by the Chief's approval of an OnlineSharingRequest (Oak Park GO 4-68 VII.D); off at once.
    sharing_enabled = models.BooleanField(
        default=False, help_text="May its people search our reads through the partner API."
    )
    status = models.CharField(max_length=16, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by_label = models.CharField(max_length=200, blank=True)
    revocation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active") | Q(sharing_enabled=False),
                name="sharing_revoked_agency_shares_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ori})"

    @property
    def is_revoked(self) -> bool:
        return self.status == AgencyStatus.REVOKED


class OnlineSharingStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the Chief"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    CANCELLED = "cancelled", "Cancelled (agency revoked)"


class OnlineSharingRequest(models.Model):
    """The administrator's request to switch an agency's partner searches on, and the Chief's decision.

    Oak Park GO 4-68 VII.D: electronic online sharing of historical ALPR data with an outside agency "will
    be at the discretion of the Chief of Police". Only an approval switches ``Agency.sharing_enabled`` on
    (``sharing.services.online``); a revocation cancels a request still waiting.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="online_sharing_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    status = models.CharField(
        max_length=16, choices=OnlineSharingStatus.choices, default=OnlineSharingStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=Q(status="pending"), name="sharing_one_pending_online_request"
            ),
            # Approved or denied: by someone, at a time. Cancelled (the agency revoked): at a time, by
            # whoever revoked it, the system included. Waiting: by nobody yet.
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | Q(status="cancelled", decided_at__isnull=False)
                | Q(status__in=["approved", "denied"], decided_by__isnull=False, decided_at__isnull=False),
                name="sharing_online_decision_has_decider",
            ),
            # Nobody approves their own request: one person alone never switches sharing on.
            models.CheckConstraint(
                condition=~Q(status="approved", decided_by=models.F("requested_by")),
                name="sharing_online_not_approved_by_requester",
            ),
        ]

    def __str__(self) -> str:
        return f"online sharing request {self.pk} for {self.agency.name}"


class Declaration(models.Model):
    """The written declaration an agency signed (SHR-2, SHR-4). Recorded only when it attests to all."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="declarations")
    signatory_name = models.CharField(max_length=200)
    signatory_title = models.CharField(max_length=200)
    signed_on = models.DateField()
    expires_on = models.DateField()
    deletion_days = models.PositiveSmallIntegerField(
        help_text="The recipient deletes data it receives within this many days."
    )
    no_immigration_enforcement = models.BooleanField(default=False)
    no_reproductive_health_investigation = models.BooleanField(default=False)
    deletes_within_period = models.BooleanField(default=False)
    no_resharing_without_approval = models.BooleanField(default=False)
    document = models.FileField(storage=declaration_storage, upload_to="declarations/%Y/")
    document_sha256 = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            # The database refuses a declaration that leaves out any of the attestations (SHR-4).
            models.CheckConstraint(
                condition=Q(**dict.fromkeys(DECLARATION_ATTESTATIONS, True)),
                name="sharing_declaration_attests_everything",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("signed_on")),
                name="sharing_declaration_expires_after_signing",
            ),
        ]

    def __str__(self) -> str:
        return f"declaration of {self.agency.name}, signed {self.signed_on}"

    def is_valid_on(self, day) -> bool:
        return self.signed_on <= day <= self.expires_on


class PartnerPerson(models.Model):
    """A named person of a partner agency who may search through the API with their own key."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people")
    full_name = models.CharField(max_length=200)
    badge_number = models.CharField(max_length=40)
    email = models.EmailField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__name", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "badge_number"], name="sharing_person_badge_unique_in_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.agency.ori})"

    @property
    def audit_label(self) -> str:
        return f"{self.full_name} #{self.badge_number}, {self.agency.name} ({self.agency.ori})"[:200]


class PartnerCredential(models.Model):
    """A person's API key: a public key id and a secret kept only as an HMAC (as camera keys are)."""

    person = models.ForeignKey(PartnerPerson, on_delete=models.PROTECT, related_name="credentials")
    key_id = models.CharField(max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person}: {self.key_id}"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hmac.new(settings.SECRET_KEY.encode(), f"partner:{secret}".encode(), sha256).hexdigest()

    def secret_matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, self.hash_secret(secret))


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved, not yet released"
    DENIED = "denied", "Denied"
    RELEASED = "released", "Released"
    CANCELLED = "cancelled", "Cancelled (agency revoked)"


class SharingRequest(models.Model):
    """A written request from a law-enforcement agency for specific data (SHR-1). Kept on file."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests")
    requester_name = models.CharField(max_length=200)
    requester_title = models.CharField(max_length=200, blank=True)
    requester_email = models.EmailField()
    purpose = models.CharField(max_length=64, help_text="A permitted purpose code of the policy.")
    case_number = models.CharField(max_length=64, help_text="The requesting agency's case number.")
    description = models.TextField()
    plates = models.JSONField(default=list, help_text="Normalised plates asked for.")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    package = models.OneToOneField(
        "retention.EvidencePackage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharing_request",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    delete_by = models.DateField(null=True, blank=True)
    deletion_certified_at = models.DateTimeField(null=True, blank=True)
    deletion_certified_by = models.CharField(
        max_length=200, blank=True, help_text="Who at the recipient certified the deletion."
    )
    deletion_reminded_at = models.DateTimeField(null=True, blank=True)
    deletion_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "delete_by"], name="sharing_request_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="sharing_request_window_forward"
            ),
            # No release without an approval on file, a package and a deletion date (SHR-1, SHR-2).
            models.CheckConstraint(
                condition=~Q(status="released")
                | Q(decided_by__isnull=False, package__isnull=False, delete_by__isnull=False),
                name="sharing_release_needs_approval_and_package",
            ),
        ]

    def __str__(self) -> str:
        return f"request {self.pk} from {self.agency.name} (case {self.case_number})"

    @property
    def awaiting_certification(self) -> bool:
        return self.status == RequestStatus.RELEASED and self.deletion_certified_at is None

    def is_overdue_on(self, day) -> bool:
        return self.awaiting_certification and self.delete_by is not None and day > self.delete_by


class RecordsRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class RecordsRequest(models.Model):
    """A request from outside law enforcement (e.g. FOIA): the records supervisor's, never a release
    through the ALPR workflow (SHR-3)."""

    requester_name = models.CharField(max_length=200)
    requester_organisation = models.CharField(max_length=200, blank=True)
    requester_contact = models.CharField(max_length=200)
    request_text = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=RecordsRequestStatus.choices, default=RecordsRequestStatus.OPEN
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"records request {self.pk} from {self.requester_name}"


class PartnerSearch(models.Model):
    """One search a partner agency's person ran through the API; counted per agency per month (SHR-5)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="searches")
    person = models.ForeignKey(PartnerPerson, on_delete=models.PROTECT, related_name="searches")
    searched_at = models.DateTimeField(default=timezone.now)
    purpose = models.CharField(max_length=64)
    case_number = models.CharField(max_length=64)
    description = models.TextField()
    plate_query = models.CharField(max_length=32)
    result_count = models.PositiveIntegerField(default=0)
    page = models.PositiveIntegerField(default=1)
    continues_search = models.BooleanField(
        default=False, help_text="A later page of a search whose first page ran: not another search.")

    class Meta:
        ordering = ["-searched_at"]
        indexes = [models.Index(fields=["searched_at", "agency"], name="sharing_search_month")]

    def __str__(self) -> str:
        return f"{self.agency.ori} search {self.searched_at:%Y-%m-%d}"


class PartnerNetwork(models.Model):
    """A partner agency's own ALPR network, searched by our officers through its partner API (Oak Park
    GO 4-68 IX.1). Searched only while `searchable` (the agency agreed) and the agency may receive our
    data: the search itself (a plate, the purpose, case number and description) goes to it."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="network")
    api_base_url = models.URLField(
        max_length=300, help_text="Where its partner API answers, e.g. https://alpr.riverside.example.gov/partner/"
    )
    searchable = models.BooleanField(
        default=False, help_text="The agency agreed that our officers search its network."
    )
    configured_at = models.DateTimeField(default=timezone.now)
    configured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["agency__name"]

    def __str__(self) -> str:
        return f"network of {self.agency.name}"


class PartnerSearchKey(models.Model):
    """The key a partner agency issued to one of our people for its partner API.

    It is that person's, never shared: only their own searches use it. The whole key is kept only
    encrypted (``sharing.partner_keys``); its public key id is shown to tell keys apart. A removed key
    keeps its row (who stored and removed it, when) but loses the encrypted key.
    """

    network = models.ForeignKey(PartnerNetwork, on_delete=models.PROTECT, related_name="keys")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="partner_search_keys")
    key_id = models.CharField(max_length=32)
    key_encrypted = models.TextField(blank=True)
    stored_at = models.DateTimeField(default=timezone.now)
    stored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["network", "user__full_name", "-stored_at"]
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], condition=Q(removed_at__isnull=True),
                                    name="sharing_one_partner_key_per_person"),
            # A removed key keeps nothing that could still be used.
            models.CheckConstraint(condition=Q(removed_at__isnull=True) | Q(key_encrypted=""),
                                   name="sharing_removed_partner_key_is_wiped"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.network.agency.name}: {self.key_id}"
