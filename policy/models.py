"""The agency's ALPR policy: every configurable value that any check in the system reads.

Each change creates a new row (the old ones are the history); the newest row is in force.
Validation lives in `clean()` and in database constraints, so no path can store a policy that the
general order forbids (e.g. retention over 90 days).
"""
import ipaddress
import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from alpr.plates import MIN_KNOWN_RUN
from core.compliance import enforces
from core.net import address_in_networks
from policy import defaults, vocabulary
from searches.models import Justification

MAX_RETENTION_DAYS = 90  # Oak Park GO 4-68 VI: no configuration may keep reads longer.
MIN_AUDIT_RETENTION_DAYS = 730  # AUD-3: audit entries are kept at least two years.
MIN_PASSWORD_LENGTH = 12  # ACC-4
MAX_IDLE_MINUTES = 30  # ACC-9
MIN_COMMENT_DAYS = 14  # RPT-4: a comment period shorter than two weeks is not public comment.
# Longer periods take effect at once (more notice is a tightening), so without a ceiling one change could
# hold every later loosening, and every camera move, back for years.
MAX_COMMENT_DAYS = 90
MAX_CAMERA_NOTICE_DAYS = 90
# A canvass asks "which vehicles were here, then": hours and a few city blocks. The policy sets its
# limits within these bounds; past them it is a dragnet, not a canvass (USE-6).
MAX_CANVASS_HOURS = 72
MIN_CANVASS_RADIUS_M, MAX_CANVASS_RADIUS_M = 100, 5000
# Fewer known characters than the indexes use (alpr.plates.MIN_KNOWN_RUN) match a large share of all
# reads; more than this leaves too little for a partially reported plate (USE-5).
MAX_PARTIAL_PLATE_KNOWN = 6
# A partner agency's person searches for their own cases, a few plates an hour; more is harvesting.
MAX_PARTNER_SEARCHES_PER_HOUR = 200
# A partner network that has not answered in this long is shown as unavailable; the officer's page
# waits for the slowest partner, so longer than this keeps an officer waiting for nothing.
MAX_PARTNER_SEARCH_TIMEOUT_SECONDS = 30
# An alert's read opens to everyone who receives alerts while the alert is in the inbox; past a month
# that is a standing window onto reads, not an alert being worked.
MAX_ALERT_OPEN_DAYS = 30
# The Chief approves an other-felony request for one investigation (USE-2); an approval that lasts past
# three months is a standing licence to search under the exception, not a decision on a case.
MAX_FELONY_APPROVAL_DAYS = 90
# A written request from another agency names the vehicles of one case; more plates than this is a list to
# trawl our reads with, not a case (and the request form's 200 characters hold twenty plates of eight).
MAX_SHARING_PLATES_PER_REQUEST = 20
# A release answers one case's written request; more reads than this in one release is a bulk export.
MAX_SHARING_READS_PER_RELEASE = 100
# Looking up one plate again and again without a case is how a person is followed through the system;
# a monthly audit that flags only more than ten such lookups would not show it.
MAX_REPEATED_PLATE_SEARCHES = 10
# The monthly audit judges a person's hours by their own history once it is long enough. Less than a month
# says too little about anyone's shifts; over a year, hours from an assignment long left count as usual.
MIN_AUDIT_BASELINE_DAYS, MAX_AUDIT_BASELINE_DAYS = 30, 365
# More actions than this before a person's own hours count would judge almost everyone by the policy's
# off-hours, people on night shifts included (a day's searching is a few dozen actions).
MAX_AUDIT_BASELINE_MIN_EVENTS = 500
# RET-6: an entry runs at most a year, then is renewed with its reason; longer is a standing watch list
# nobody looks at again.
MAX_HOTLIST_ENTRY_DAYS = 365
# NCIC and LEADS extracts are refreshed daily; an import a week old alerts on records cleared since (a
# vehicle recovered, a person found), and an officer stops someone on it.
MAX_HOTLIST_IMPORT_VALID_HOURS = 168
# An alert opens its read (photo, plate, place) to everyone who receives alerts, without a justification;
# a pass three days old is no vehicle to stop, only a look at where someone was (USE-1).
MAX_ALERT_READ_AGE_HOURS = 72
# A camera placement's crime analysis and nondiscrimination note (CAM-2, CAM-3): under twenty characters is
# a word or two, not an analysis; over two thousand, a sound one is refused for being a page long.
MIN_PLACEMENT_TEXT_LENGTH, MAX_PLACEMENT_TEXT_LENGTH = 20, 2000
# A search's description names at least one fact of its own (USE-1); requiring more than ten refuses short,
# specific ones ("blue Civic, 100 Main St burglary" has five).
MAX_DESCRIPTION_SPECIFIC_WORDS = 10
# Allowing one differing character in a plate shorter than four matches a large share of all reads; eight
# is the longest plate an issuing state writes, so more would refuse every such search (USE-5).
MIN_ONE_EDIT_LENGTH, MAX_ONE_EDIT_LENGTH = 4, 8
# A purpose's code is recorded with every search under it (the justification, the audit log, a partner's
# search), its label with the justification: longer than these columns, every search would fail at the
# database. A code is a slug, so it reads the same wherever it is compared or shown.
PURPOSE_CODE_MAX_LENGTH = Justification._meta.get_field("purpose").max_length
PURPOSE_LABEL_MAX_LENGTH = Justification._meta.get_field("purpose_label").max_length
PURPOSE_CODE = re.compile(r"[a-z0-9_]+")


def retention_cutoff(retention_days: int, now: datetime) -> datetime:
    """The capture time before which a read is past retention (RET-1), to the microsecond: the purge's
    cutoff and the oldest end of every search, alert, hold and upload window."""
    return now - timedelta(days=retention_days)


@enforces("RPT-4")
def annual_review_due(day: date) -> date:
    """The policy is reviewed each year (RPT-4): the next review is due on the same date a year after `day`
    (28 February after a 29th), not 365 days on, which falls a day early across a 29 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _in_bounds(name: str, low: int, high: int) -> models.CheckConstraint:
    """The database's own check that the value `name` lies in [low, high], named ``<name>_in_bounds``: no
    path that bypasses validation (the shell, a bulk update) can store it out of bounds."""
    return models.CheckConstraint(condition=models.Q(**{f"{name}__gte": low, f"{name}__lte": high}),
                                  name=f"{name}_in_bounds")


class StateDiffers(models.TextChoices):
    """What a read matching a hotlist entry's plate does when both name an issuing state and they differ
    (USE-8): most often another vehicle with the same characters, sometimes a misread state."""

    MARKED = "marked", "Alert, marked “state differs” (no hit is missed; the officer compares the state)"
    SUPPRESSED = "suppressed", "No alert (a plate of another state is another vehicle)"


@enforces("RET-1", "AUD-3", "ACC-4", "ACC-9", "USE-2", "USE-3", "USE-5", "USE-6", "USE-9")
class AgencyPolicy(models.Model):
    # Retention (RET-1, AUD-3)
    retention_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(MAX_RETENTION_DAYS)]
    )
    audit_retention_days = models.PositiveIntegerField(
        default=MIN_AUDIT_RETENTION_DAYS, validators=[MinValueValidator(MIN_AUDIT_RETENTION_DAYS)]
    )
    # Purposes (USE-1 to USE-3)
    permitted_purposes = models.JSONField(default=defaults.permitted_purposes)
    felony_exception_purpose = models.CharField(max_length=64, default=defaults.FELONY_EXCEPTION)
    felony_approval_days = models.PositiveSmallIntegerField(
        "other felony: days an approval lasts", default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FELONY_APPROVAL_DAYS)],
        help_text="The Chief's approval of an other-felony request lets its author's searches cite it for "
                  "this many days after the decision; then it has lapsed.")
    prohibited_purposes = models.JSONField(default=defaults.prohibited_purposes)
    vague_descriptions = models.JSONField(default=defaults.vague_descriptions)
    description_min_length = models.PositiveSmallIntegerField(default=12)
    description_min_specific_words = models.PositiveSmallIntegerField(
        "description: fact-bearing words (at least)", default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DESCRIPTION_SPECIFIC_WORDS)],
        help_text="A search's description, or another stated reason, names at least this many words beyond "
                  "the purpose, a case number and generic words.")
    case_number_pattern = models.CharField(max_length=200, default=defaults.CASE_NUMBER_PATTERN)
    case_number_example = models.CharField(max_length=40, default="26-004512")
    justification_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    # Search limits (USE-5, USE-6)
    canvass_max_hours = models.PositiveSmallIntegerField(
        "canvass: longest time window (hours)", default=24,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CANVASS_HOURS)])
    canvass_max_radius_m = models.PositiveIntegerField(
        "canvass: largest radius (metres)", default=2000,
        validators=[MinValueValidator(MIN_CANVASS_RADIUS_M), MaxValueValidator(MAX_CANVASS_RADIUS_M)])
    partial_plate_min_known = models.PositiveSmallIntegerField(
        "partial plate: known characters in a row", default=MIN_KNOWN_RUN,
        validators=[MinValueValidator(MIN_KNOWN_RUN), MaxValueValidator(MAX_PARTIAL_PLATE_KNOWN)])
    one_edit_min_length = models.PositiveSmallIntegerField(
        "one differing character: shortest plate", default=MIN_ONE_EDIT_LENGTH,
        validators=[MinValueValidator(MIN_ONE_EDIT_LENGTH), MaxValueValidator(MAX_ONE_EDIT_LENGTH)],
        help_text="A search allowing one differing character needs a plate at least this long.")
    # Opening single reads (USE-4, AUD-1): a hard cap per justification, and the thresholds past
    # which the auditor is shown a search that passed the gate but looks unusual.
    read_opens_per_justification = models.PositiveSmallIntegerField(
        "reads opened per justification (at most)", default=50,
        validators=[MinValueValidator(1), MaxValueValidator(500)])
    unusual_plates_per_justification = models.PositiveSmallIntegerField(
        "unusual: plates searched under one justification", default=10,
        validators=[MinValueValidator(1), MaxValueValidator(500)])
    unusual_reads_opened_per_justification = models.PositiveSmallIntegerField(
        "unusual: reads opened under one justification", default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)])
    off_hours_start = models.PositiveSmallIntegerField(
        "unusual: off hours begin (hour, local time)", default=22, validators=[MaxValueValidator(23)])
    off_hours_end = models.PositiveSmallIntegerField(
        "unusual: off hours end (hour, local time)", default=6, validators=[MaxValueValidator(23)])
    repeated_plate_searches = models.PositiveSmallIntegerField(
        "monthly audit: searches of one plate without a case number that are flagged", default=3,
        validators=[MinValueValidator(2), MaxValueValidator(MAX_REPEATED_PLATE_SEARCHES)],
        help_text="The monthly audit flags a person who looked up one plate this many times or more in the "
                  "month without a case number.")
    # A person's own hours replace the policy's off-hours in the monthly audit (AUD-5): they are every hour
    # the person acted in during the baseline, odd ones included. A longer baseline gathers more hours, and
    # fewer actions required lets more people's own hours, on less history, replace the department's: both
    # flag less of what the public was told is off-hours, so both loosen (policy/directions.py).
    audit_baseline_days = models.PositiveSmallIntegerField(
        "monthly audit: days of a person's history that set their normal hours", default=90,
        validators=[MinValueValidator(MIN_AUDIT_BASELINE_DAYS), MaxValueValidator(MAX_AUDIT_BASELINE_DAYS)],
        help_text="A person's normal hours are those they acted in during this many days before the month.")
    audit_baseline_min_events = models.PositiveSmallIntegerField(
        "monthly audit: actions before a person's own hours count", default=20,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AUDIT_BASELINE_MIN_EVENTS)],
        help_text="With fewer actions in those days, the hours outside the policy's off-hours are normal.")
    # Downloads (USE-7)
    download_cap_per_request = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    download_cap_per_user_day = models.PositiveSmallIntegerField(
        default=25, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    # Accounts (ACC-4 to ACC-6, ACC-9)
    inactivity_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    training_validity_days = models.PositiveSmallIntegerField(
        default=365, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    policy_signoff_validity_days = models.PositiveSmallIntegerField(
        default=365, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    leads_certification_days = models.PositiveSmallIntegerField(
        default=730, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    training_reminder_days = models.PositiveSmallIntegerField(default=30)
    session_idle_minutes = models.PositiveSmallIntegerField(
        default=MAX_IDLE_MINUTES, validators=[MinValueValidator(1), MaxValueValidator(MAX_IDLE_MINUTES)]
    )
    session_absolute_hours = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    lockout_failures = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    password_min_length = models.PositiveSmallIntegerField(
        default=MIN_PASSWORD_LENGTH, validators=[MinValueValidator(MIN_PASSWORD_LENGTH)]
    )
    password_history_count = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1)])
    restrict_to_trusted_networks = models.BooleanField(default=False)
    trusted_networks = models.JSONField(default=list, blank=True)
    system_use_notice = models.TextField(default=defaults.SYSTEM_USE_NOTICE)
    # Evidence holds (RET-2)
    hold_review_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="A hold's placer reviews it this many days after placing it, and again as often.")
    # Sharing with other agencies (SHR-1 to SHR-4)
    share_deletion_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text="A recipient agency deletes data it receives within this many days and certifies it.")
    declaration_max_days = models.PositiveSmallIntegerField(
        default=365, validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="A sharing declaration is valid at most this many days after it is signed.")
    sharing_plates_per_request = models.PositiveSmallIntegerField(
        "sharing: plates one written request may name (at most)", default=10,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SHARING_PLATES_PER_REQUEST)],
        help_text="An agency's written request names at most this many plates; one naming more is refused.")
    sharing_reads_per_release = models.PositiveSmallIntegerField(
        "sharing: reads one release may carry (at most)", default=25,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SHARING_READS_PER_RELEASE)],
        help_text="A release to another agency carries at most this many reads; more is refused.")
    partner_searches_per_hour = models.PositiveSmallIntegerField(
        "partner searches per person per hour (at most)", default=20,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTNER_SEARCHES_PER_HOUR)],
        help_text="A person of a partner agency runs at most this many searches through the API in an hour.")
    share_reminder_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The recipient is reminded this many days before its deletion certificate is due.")
    partner_search_timeout_seconds = models.PositiveSmallIntegerField(
        "partner networks: seconds to wait for each", default=8,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTNER_SEARCH_TIMEOUT_SECONDS)],
        help_text="A partner agency's network that has not answered an officer's search within this many "
                  "seconds is shown as unavailable; the search goes on without it.")
    # Transparency (RPT-4, CAM-2, USE-9)
    policy_comment_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(MIN_COMMENT_DAYS), MaxValueValidator(MAX_COMMENT_DAYS)],
        help_text="Days a new policy text is open for public comment before it can take effect.")
    camera_notice_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(MAX_CAMERA_NOTICE_DAYS)],
        help_text="Days a camera installation or move is announced on the portal before it takes effect.")
    camera_silent_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(5), MaxValueValidator(1440)],
        help_text="A camera in service that has neither uploaded nor sent a heartbeat for this long is "
                  "flagged to the administrator and shown as out of service on the portal.")
    placement_text_min_length = models.PositiveSmallIntegerField(
        "camera placement: shortest justification (characters)", default=40,
        validators=[MinValueValidator(MIN_PLACEMENT_TEXT_LENGTH),
                    MaxValueValidator(MAX_PLACEMENT_TEXT_LENGTH)],
        help_text="A placement's crime-analysis justification and its nondiscrimination consideration each "
                  "have at least this many characters.")
    # Hotlist entries (RET-6)
    hotlist_entry_max_days = models.PositiveSmallIntegerField(
        "hotlist: days an entry may run", default=365,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOTLIST_ENTRY_DAYS)],
        help_text="A hotlist entry, typed or imported, expires within this many days; then it is renewed.")
    hotlist_import_valid_hours = models.PositiveSmallIntegerField(
        "hotlist: hours an imported list alerts without a refresh", default=48,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOTLIST_IMPORT_VALID_HOURS)],
        help_text="Entries of an NCIC or LEADS import (or a CSV without an expiry) expire this many hours "
                  "after the import unless the list is imported again.")
    # Hotlist alerts (ING-2, USE-8)
    state_differs_alerts = models.CharField(
        "hotlist hit of another state", max_length=16, choices=StateDiffers.choices,
        default=StateDiffers.MARKED,
        help_text="When a read and a hotlist entry both name an issuing state and the two differ.")
    alert_open_days = models.PositiveSmallIntegerField(
        "alerts: days in the inbox", default=7,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ALERT_OPEN_DAYS)],
        help_text="The alert inbox lists the alerts raised this many days back; an alert's read opens to "
                  "those who receive alerts only while the alert is in the inbox and not closed.")
    alert_max_read_age_hours = models.PositiveSmallIntegerField(
        "alerts: oldest read that raises one (hours)", default=24,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ALERT_READ_AGE_HOURS)],
        help_text="A read captured longer ago than this raises no alert, however it is matched.")
    collected = models.JSONField(default=defaults.collected)
    never_collected = models.JSONField(default=defaults.never_collected)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "agency policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_days__gte=1, retention_days__lte=MAX_RETENTION_DAYS),
                name="retention_at_most_90_days",
            ),
            models.CheckConstraint(
                condition=models.Q(audit_retention_days__gte=MIN_AUDIT_RETENTION_DAYS),
                name="audit_kept_two_years",
            ),
            models.CheckConstraint(
                condition=models.Q(password_min_length__gte=MIN_PASSWORD_LENGTH),
                name="password_at_least_12",
            ),
            models.CheckConstraint(
                condition=models.Q(canvass_max_hours__gte=1, canvass_max_hours__lte=MAX_CANVASS_HOURS,
                                   canvass_max_radius_m__gte=MIN_CANVASS_RADIUS_M,
                                   canvass_max_radius_m__lte=MAX_CANVASS_RADIUS_M,
                                   partial_plate_min_known__gte=MIN_KNOWN_RUN,
                                   partial_plate_min_known__lte=MAX_PARTIAL_PLATE_KNOWN),
                name="search_limits_in_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(partner_searches_per_hour__gte=1,
                                   partner_searches_per_hour__lte=MAX_PARTNER_SEARCHES_PER_HOUR),
                name="partner_search_rate_in_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(state_differs_alerts__in=StateDiffers.values),
                name="state_differs_alerts_known",
            ),
            models.CheckConstraint(
                condition=models.Q(policy_comment_days__gte=MIN_COMMENT_DAYS,
                                   policy_comment_days__lte=MAX_COMMENT_DAYS,
                                   camera_notice_days__gte=1, camera_notice_days__lte=MAX_CAMERA_NOTICE_DAYS),
                name="notice_periods_in_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(partner_search_timeout_seconds__gte=1,
                                   partner_search_timeout_seconds__lte=MAX_PARTNER_SEARCH_TIMEOUT_SECONDS),
                name="partner_search_timeout_in_bounds",
            ),
            _in_bounds("alert_open_days", 1, MAX_ALERT_OPEN_DAYS),
            _in_bounds("felony_approval_days", 1, MAX_FELONY_APPROVAL_DAYS),
            _in_bounds("repeated_plate_searches", 2, MAX_REPEATED_PLATE_SEARCHES),
            _in_bounds("sharing_plates_per_request", 1, MAX_SHARING_PLATES_PER_REQUEST),
            _in_bounds("sharing_reads_per_release", 1, MAX_SHARING_READS_PER_RELEASE),
            _in_bounds("hotlist_entry_max_days", 1, MAX_HOTLIST_ENTRY_DAYS),
            _in_bounds("hotlist_import_valid_hours", 1, MAX_HOTLIST_IMPORT_VALID_HOURS),
            _in_bounds("alert_max_read_age_hours", 1, MAX_ALERT_READ_AGE_HOURS),
            _in_bounds("placement_text_min_length", MIN_PLACEMENT_TEXT_LENGTH, MAX_PLACEMENT_TEXT_LENGTH),
            _in_bounds("description_min_specific_words", 1, MAX_DESCRIPTION_SPECIFIC_WORDS),
            _in_bounds("audit_baseline_days", MIN_AUDIT_BASELINE_DAYS, MAX_AUDIT_BASELINE_DAYS),
            _in_bounds("audit_baseline_min_events", 1, MAX_AUDIT_BASELINE_MIN_EVENTS),
            _in_bounds("one_edit_min_length", MIN_ONE_EDIT_LENGTH, MAX_ONE_EDIT_LENGTH),
        ]

    def __str__(self) -> str:
        return f"Policy #{self.pk} ({self.created_at:%Y-%m-%d})" if self.pk else "Policy (unsaved)"

    def retention_cutoff(self, now: datetime | None = None) -> datetime:
        """Reads captured before this moment (default: now) are past this policy's retention."""
        return retention_cutoff(self.retention_days, now or timezone.now())

    def alert_inbox_cutoff(self, now: datetime | None = None) -> datetime:
        """Alerts raised before this moment (default: now) have left the inbox: they are not listed, and
        their reads no longer open through them (``alert_open_days``)."""
        return (now or timezone.now()) - timedelta(days=self.alert_open_days)

    def alert_read_cutoff(self, now: datetime | None = None) -> datetime:
        """Reads captured before this moment (default: now) raise no alert, however they are matched
        (``alert_max_read_age_hours``): an old pass is no lead, and its alert would open the read to
        everyone who receives alerts without a justification."""
        return (now or timezone.now()) - timedelta(hours=self.alert_max_read_age_hours)

    def hotlist_import_valid_for(self) -> timedelta:
        """How long the entries of an import expire after it when nothing gives them an expiry: the
        policy's ``hotlist_import_valid_hours``, never past ``hotlist_entry_max_days`` (the shorter wins:
        "a hotlist entry, typed or imported, expires within" the days, whatever the hours say, and a
        tightening of either takes effect at once without having to change the other)."""
        return min(timedelta(hours=self.hotlist_import_valid_hours),
                   timedelta(days=self.hotlist_entry_max_days))

    # The purpose codes of the version in force, set by the change being validated (policy.services): they
    # are accepted as they are. A policy stored before codes had to be slugs may list one (Hit-and-run);
    # re-validating it would block every later change, even a tightening, until it is renamed, and renaming
    # is a loosening that waits for public comment. A search under one too long to record is refused.
    codes_in_force: frozenset[str] = frozenset()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name, kind in (("permitted_purposes", "permitted"), ("prohibited_purposes", "prohibited")):
            if problem := _purposes_problem(getattr(self, name), kind=kind, accepted=self.codes_in_force):
                errors[name] = problem
        if not self.permitted_purposes:
            errors["permitted_purposes"] = "Each permitted purpose needs a code and a label."
        if errors:  # the checks below read the purposes' codes
            raise ValidationError(errors)
        permitted = {p["code"] for p in self.permitted_purposes}
        prohibited = {p["code"] for p in self.prohibited_purposes}
        if permitted & prohibited:
            errors["permitted_purposes"] = "A prohibited purpose cannot also be permitted."
        if self.felony_exception_purpose and self.felony_exception_purpose not in permitted:
            errors["felony_exception_purpose"] = "The felony-exception purpose must be a permitted purpose."
        malformed = vocabulary.malformed(self.prohibited_purposes)
        if malformed:
            errors["prohibited_purposes"] = malformed
        elif named := self._permitted_naming_prohibited():
            errors["permitted_purposes"] = "A permitted purpose cannot name a prohibited one: " + ", ".join(
                named)
        missing = set(defaults.PROHIBITED_CODES) - prohibited
        if missing:
            errors["prohibited_purposes"] = "These prohibited purposes cannot be removed: " + ", ".join(
                sorted(missing)
            )
        try:
            re.compile(self.case_number_pattern)
        except re.error:
            errors["case_number_pattern"] = "Not a valid regular expression."
        for network in self.trusted_networks:
            if not _valid_network(network):
                errors["trusted_networks"] = f"{network!r} is not a network such as 10.20.0.0/16."
        if problem := self._release_cap_problem():
            errors["sharing_reads_per_release"] = problem
        if errors:
            raise ValidationError(errors)

    def _release_cap_problem(self) -> str | None:
        """A release's reads count towards the releasing person's daily cap (``alpr.access``, USE-7), so a
        cap per release above the daily cap promises releases no one can ever make: refuse it here, where
        the policy page and every change of the policy are validated."""
        per_release, per_day = self.sharing_reads_per_release, self.download_cap_per_user_day
        if per_release is None or per_day is None or per_release <= per_day:
            return None
        return (f"A release cannot carry more reads ({per_release}, \u201csharing: reads one release may "
                f"carry\u201d) than one person may download and release in a day ({per_day}, \u201cdownload "
                "cap per user day\u201d): its reads count towards that daily cap. Lower the first or raise "
                "the second.")

    # Read helpers, so callers never dig into the JSON shapes.
    def _permitted_naming_prohibited(self) -> list[str]:
        """The permitted purposes whose label or code names a prohibited purpose (an officer could then
        choose "Immigration enforcement" from the list)."""
        return [purpose.get("label") or purpose.get("code") for purpose in self.permitted_purposes
                if self.prohibited_purpose_named_in(
                    f"{purpose.get('label', '')} {purpose.get('code', '')}".replace("_", " "))]

    def purpose_label(self, code: str) -> str:
        return next((p["label"] for p in self.permitted_purposes if p["code"] == code), code)

    def is_permitted_purpose(self, code: str) -> bool:
        return any(p["code"] == code for p in self.permitted_purposes)

    def prohibited_purpose_named_in(self, text: str) -> dict | None:
        """Return the prohibited purpose that `text` names, targets or goes after, if any (USE-3).

        Spelling tricks do not hide a term; see `policy.vocabulary` for how the text is compared.
        """
        return vocabulary.purpose_named_in(text, self.prohibited_purposes)

    def network_is_trusted(self, address: str) -> bool:
        return not self.restrict_to_trusted_networks or address_in_networks(address, self.trusted_networks)


def _purposes_problem(purposes, *, kind: str, accepted: frozenset[str] = frozenset()) -> str | None:
    """Say what is wrong with a list of purposes, if anything: each needs a code and a label, its code a
    slug that fits the columns recording it (unless it is one of the `accepted` codes, already in force),
    its label one that fits a justification's."""
    if not isinstance(purposes, list) or not all(
            isinstance(p, dict) and isinstance(p.get("code"), str) and p["code"]
            and isinstance(p.get("label"), str) and p["label"].strip() for p in purposes):
        return f"Each {kind} purpose needs a code and a label."
    for purpose in purposes:
        code, label = purpose["code"], purpose["label"]
        new = code not in accepted
        if new and len(code) > PURPOSE_CODE_MAX_LENGTH:
            return (f"A purpose code has at most {PURPOSE_CODE_MAX_LENGTH} characters (it is recorded with "
                    f"every search); \u201c{code[:PURPOSE_CODE_MAX_LENGTH]}\u2026\u201d has {len(code)}.")
        if new and not PURPOSE_CODE.fullmatch(code):
            return (f"A purpose code is lowercase letters, digits and underscores, e.g. violent_crime; "
                    f"\u201c{code}\u201d is not.")
        if len(label) > PURPOSE_LABEL_MAX_LENGTH:
            return (f"A purpose label has at most {PURPOSE_LABEL_MAX_LENGTH} characters; the label of "
                    f"{code} has {len(label)}.")
    return None


def _valid_network(network: str) -> bool:
    try:
        ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False
    return True


# Proposed changes that loosen the policy (RPT-4): public comment, then the Chief's decision.


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed: public comment, then the Chief's decision"
    APPROVED = "approved", "Approved: in force"
    REJECTED = "rejected", "Rejected by the Chief"
    WITHDRAWN = "withdrawn", "Withdrawn"


@enforces("RPT-4")
class PolicyChangeProposal(models.Model):
    """Values that loosen the policy, published for public comment before the Chief may put them in force.

    `changes` holds the proposed values, `before` the values in force when it was proposed; approval
    creates a new `AgencyPolicy` version (`policy`) through the same validation as any change.
    """

    changes = models.JSONField()
    before = models.JSONField()
    reason = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    comment_closes_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    policy = models.OneToOneField(
        AgencyPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal",
        help_text="The version the Chief's approval put in force.")

    class Meta:
        ordering = ["-id"]
        constraints = [
            # RPT-4 in the database too: nothing is approved before its comment period has closed.
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(decided_at__gte=models.F("comment_closes_at"), policy__isnull=False),
                name="policy_change_approved_after_comment",
            ),
            models.CheckConstraint(
                condition=models.Q(comment_closes_at__gt=models.F("proposed_at")),
                name="policy_change_has_comment_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Policy change proposal #{self.pk}"

    @property
    def is_open_for_comment(self) -> bool:
        return self.status == ProposalStatus.PROPOSED and timezone.now() < self.comment_closes_at


class PublicComment(models.Model):
    """A comment from the public on something open for comment (a change here, a policy text in reports/).

    Shown to staff, not published.
    """

    text = models.TextField()
    name = models.CharField(max_length=120, blank=True, help_text="Optional.")
    email = models.EmailField(blank=True, help_text="Optional, for a reply.")
    submitted_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["submitted_at", "id"]


class PolicyChangeComment(PublicComment):
    proposal = models.ForeignKey(PolicyChangeProposal, on_delete=models.PROTECT, related_name="comments")

    def __str__(self) -> str:
        return f"comment on policy change #{self.proposal_id} {self.submitted_at:%Y-%m-%d}"
