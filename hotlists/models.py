"""Hotlists, their entries and imports, and the alerts raised when a read matches an entry.

An entry always carries a reason, a case number and an expiry (RET-6); an expired or deactivated entry
stops matching. An alert points at its read by id and capture time only (the read table is
partitioned and purged by day, see ``alpr.models.PlateRead``): it holds no copy of the plate or the
image, so the purge of a read leaves nothing of it behind in the alert.
"""
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class HotlistSource(models.TextChoices):
    INTERNAL = "internal", "Internal (entered by a detective or analyst)"
    NCIC = "ncic", "NCIC hot file"
    LEADS = "leads", "LEADS list"
    CSV = "csv", "CSV import"


class Priority(models.IntegerChoices):
    HIGH = 1, "High"
    NORMAL = 2, "Normal"
    LOW = 3, "Low"


class Hotlist(models.Model):
    """A named list of wanted plates: one internal list or the current version of an imported source."""

    name = models.CharField(max_length=100, unique=True)
    source = models.CharField(max_length=16, choices=HotlistSource.choices, default=HotlistSource.INTERNAL)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True, help_text="When an import last replaced it.")

    class Meta:
        ordering = ["source", "name"]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected (nothing changed)"


class ImportRun(models.Model):
    """One file offered for import, what became of each row, and whether the list was replaced."""

    source = models.CharField(max_length=16, choices=HotlistSource.choices)
    hotlist = models.ForeignKey(Hotlist, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="imports")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ImportStatus.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(default=list, blank=True, help_text="[{line, reason, text}]")
    error = models.TextField(blank=True, help_text="Why the whole file was rejected.")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    imported_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.file_name} ({self.status})"


class HotlistEntry(models.Model):
    """One wanted plate (or partial plate) with why, for which case, until when."""

    hotlist = models.ForeignKey(Hotlist, on_delete=models.PROTECT, related_name="entries")
    plate_pattern = models.CharField(max_length=16, help_text="A-Z, 0-9, ? one unknown, * unknown run.")
    # Derived from plate_pattern on save (see hotlists.services._set_match_keys); indexed for matching.
    is_wildcard = models.BooleanField(default=False)
    plate_exact = models.CharField(max_length=16, blank=True)
    plate_folded = models.CharField(max_length=16, blank=True)
    like_pattern = models.CharField(max_length=32, blank=True)
    like_folded = models.CharField(max_length=32, blank=True)
    wildcard_anchor = models.CharField(
        max_length=16, blank=True, help_text="Longest run of known characters of a partial plate, folded: "
                                             "a read can match only if its folded plate contains it.")

    state = models.CharField(max_length=8, blank=True, help_text="Issuing state, e.g. IL; empty if unknown.")
    reason = models.CharField(max_length=300)
    case_number = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    vehicle_description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    # NCIC / LEADS fields, when imported.
    parse_code = models.CharField(max_length=2, blank=True)
    nic = models.CharField(max_length=10, blank=True, help_text="NCIC number.")
    ori = models.CharField(max_length=9, blank=True, help_text="Originating agency.")
    entry_date = models.DateField(null=True, blank=True)
    plate_year = models.PositiveSmallIntegerField(null=True, blank=True)
    plate_type = models.CharField(max_length=2, blank=True)
    vehicle_year = models.PositiveSmallIntegerField(null=True, blank=True)
    vehicle_make = models.CharField(max_length=4, blank=True)
    vehicle_model = models.CharField(max_length=3, blank=True)
    vehicle_style = models.CharField(max_length=2, blank=True)
    vehicle_colour = models.CharField(max_length=7, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="entries")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_by_label = models.CharField(max_length=200, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "hotlist entries"
        indexes = [
            models.Index(fields=["plate_folded"], name="hotlist_entry_folded",
                         condition=Q(active=True, is_wildcard=False)),
            models.Index(fields=["expires_at"], name="hotlist_entry_wildcards",
                         condition=Q(active=True, is_wildcard=True)),
            models.Index(fields=["wildcard_anchor"], name="hotlist_entry_anchor",
                         condition=Q(active=True, is_wildcard=True)),
            models.Index(fields=["hotlist", "active"], name="hotlist_entry_list"),
        ]
        constraints = [
            # RET-6, also for rows written past the services (imports in bulk, the shell).
            models.CheckConstraint(condition=~Q(reason="") & ~Q(case_number="") & ~Q(plate_pattern=""),
                                   name="hotlist_entry_reason_case_plate"),
        ]

    def __str__(self) -> str:
        return f"{self.plate_pattern} ({self.case_number})"

    @property
    def ncic_vehicle(self) -> str:
        parts = [str(self.vehicle_year or ""), self.vehicle_make, self.vehicle_model, self.vehicle_style,
                 self.vehicle_colour]
        return " ".join(part for part in parts if part)

    def is_live(self, moment) -> bool:
        return self.active and self.expires_at > moment


class MatchKind(models.TextChoices):
    EXACT = "exact", "Exact"
    WILDCARD = "wildcard", "Partial plate (wildcard)"
    MISREAD = "misread", "Possible misread (look-alike characters)"


class VerificationOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed: plate, state and vehicle match"
    MISREAD = "misread", "Misread: characters do not match"
    WRONG_STATE = "wrong_state", "Wrong issuing state"
    VEHICLE_MISMATCH = "vehicle_mismatch", "Vehicle does not match the description"
    ENTRY_INVALID = "entry_invalid", "Hotlist entry no longer valid"


class AlertAction(models.TextChoices):
    STOP = "stop", "Vehicle stopped"
    NO_ACTION = "no_action", "No action"
    ARREST = "arrest", "Arrest"
    VEHICLE_RECOVERED = "vehicle_recovered", "Vehicle recovered"
    PERSON_LOCATED = "person_located", "Person located"


class RaceEthnicity(models.TextChoices):
    """Perceived race or ethnicity, in the categories of the Illinois Traffic and Pedestrian Stop
    Statistical Study (625 ILCS 5/11-212). The one list of these categories: stops record them and the
    districts' population shares use them (reports.District), so the two compare (RPT-1)."""

    WHITE = "white", "White"
    BLACK = "black", "Black or African American"
    AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
    HISPANIC = "hispanic", "Hispanic or Latino"
    ASIAN = "asian", "Asian"
    PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Other Pacific Islander"
    NOT_RECORDED = "not_recorded", "Not recorded"

    @classmethod
    def recorded(cls) -> list["RaceEthnicity"]:
        """The categories proper, without "not recorded" (a district's population is shared among these)."""
        return [member for member in cls if member != cls.NOT_RECORDED]


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_RECORDED = "not_recorded", "Not recorded"


# Actions in which an officer met a person: the ones that may carry the person's demographics.
CONTACT_ACTIONS = (AlertAction.STOP, AlertAction.ARREST, AlertAction.VEHICLE_RECOVERED,
                   AlertAction.PERSON_LOCATED)


def alert_open_condition(*, since: datetime) -> Q:
    """The alerts open in the inbox: raised `since` (the policy's ``alert_inbox_cutoff``) and not closed:
    unverified, or confirmed with the action not recorded yet (the officer still has to record it).

    The one definition of an open alert: the inbox lists these, and an alert's read (its plate, photo,
    crop and place) opens to those who receive alerts only while the alert is one of them, on the alert's
    page (``hotlists.alerts``) as on the read's (``alpr.selectors.read_of_alert``). Alerts of reads
    confirmed erroneous are left out by both too (``retention.selectors.erroneous_read_ids``).
    """
    return Q(created_at__gte=since, action="") & (
        Q(verification_outcome="") | Q(verification_outcome=VerificationOutcome.CONFIRMED))


class Alert(models.Model):
    """A read matched a live hotlist entry (ING-2). Verified before anyone acts on it (USE-8)."""

    read_id = models.BigIntegerField()
    read_captured_at = models.DateTimeField()
    camera = models.ForeignKey("alpr.Camera", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(HotlistEntry, on_delete=models.PROTECT, related_name="alerts")
    match_kind = models.CharField(max_length=16, choices=MatchKind.choices)
    state_differs = models.BooleanField(
        default=False, help_text="The read's state and the entry's state are both known and differ.")
    created_at = models.DateTimeField()

    verification_outcome = models.CharField(max_length=20, choices=VerificationOutcome.choices, blank=True)
    characters_match = models.BooleanField(null=True)
    state_match = models.BooleanField(null=True)
    vehicle_match = models.BooleanField(null=True)
    records_check = models.CharField(max_length=300, blank=True, help_text="LEADS/NCIC check, if made.")
    verification_notes = models.TextField(blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)

    action = models.CharField(max_length=20, choices=AlertAction.choices, blank=True)
    action_notes = models.TextField(blank=True)
    action_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    action_at = models.DateTimeField(null=True, blank=True)
    # Recorded with the action for the disparate-impact figures of the oversight report (RPT-1); the
    # officer's perception, never looked up. Empty until an action is recorded.
    subject_race = models.CharField("perceived race or ethnicity of the person stopped", max_length=20,
                                    choices=RaceEthnicity.choices, blank=True)
    subject_sex = models.CharField("sex of the person stopped", max_length=16, choices=Sex.choices,
                                   blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], name="hotlist_alert_created"),
            models.Index(fields=["id"], name="hotlist_alert_unverified",
                         condition=Q(verification_outcome="")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["read_id", "entry"], name="hotlist_alert_once_per_read_entry"),
            # USE-8 in the database too: no action without a confirmed verification.
            models.CheckConstraint(condition=Q(action="") | Q(verification_outcome="confirmed"),
                                   name="hotlist_alert_action_needs_confirmation"),
            # Demographics belong to a person met in an action, nowhere else.
            models.CheckConstraint(
                condition=Q(action__in=CONTACT_ACTIONS) | (Q(subject_race__in=["", "not_recorded"])
                                                           & Q(subject_sex__in=["", "not_recorded"])),
                name="hotlist_alert_demographics_need_contact"),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk}: read {self.read_id} / entry {self.entry_id}"

    @property
    def is_verified(self) -> bool:
        return bool(self.verification_outcome)

    @property
    def status_label(self) -> str:
        if self.action:
            return "Action recorded"
        if self.verification_outcome == VerificationOutcome.CONFIRMED:
            return "Confirmed, action pending"
        if self.verification_outcome:
            return "Closed: " + self.get_verification_outcome_display().split(":")[0]
        return "Not verified"
