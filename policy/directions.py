"""Which way each policy value loosens the policy (RPT-4): the one place that says it.

A change that loosens the policy (longer retention, a new purpose, higher caps, fewer training
requirements...) is published for public comment and approved by the Chief before it takes effect;
a change that only tightens takes effect at once (policy.services.policy_update).

Every field of ``AgencyPolicy`` has an entry (policy/tests/test_directions.py fails otherwise), so a
new value cannot skip the rule. Texts whose direction software cannot judge (the case-number
pattern, what is and is never collected, the sign-in notice) loosen on any change: they are the
policy's own words, and the public comments on words before they change. Only values that protect
nobody (an example case number, the day reminders are sent) take effect at once whatever they become.
"""
import json
from collections.abc import Callable
from dataclasses import dataclass

_PROPOSED = "is proposed for public comment and the Chief's approval"


@dataclass(frozen=True)
class Direction:
    """How a change of one value is judged: `loosens(before, after, name)` on all the values."""

    says: str
    loosens: Callable[[dict, dict, str], bool]


def _compare(says: str, loosens: Callable) -> Direction:
    return Direction(says, lambda before, after, name: loosens(before[name], after[name]))


def _key(item) -> str:
    return json.dumps(item, sort_keys=True)


def _added(before: list, after: list) -> bool:
    """Whether `after` holds an entry (or a changed entry) that `before` did not."""
    return bool({_key(item) for item in after} - {_key(item) for item in before})


def _covers(new, old) -> bool:
    """Whether `new` keeps all of `old`: for a dict, the same values and at least the same list entries."""
    if isinstance(old, dict) and isinstance(new, dict):
        return all(key in new and _covers(new[key], value) for key, value in old.items())
    if isinstance(old, list) and isinstance(new, list):
        return all(any(_covers(n, o) for n in new) for o in old)
    return new == old


def _narrowed(before: list, after: list) -> bool:
    """Whether an entry of `before` (or a term of it) is missing from `after`."""
    return not _covers(after, before)


def off_hours(start: int, end: int) -> set[int]:
    """The local hours counted as off-hours, from `start` up to `end`, across midnight if need be."""
    return {hour % 24 for hour in range(start, end if end > start else end + 24)} if start != end else set()


def _off_hours_shortened(before: dict, after: dict, name: str) -> bool:
    """Fewer hours shown to the auditor as off-hours loosen; the two ends are judged together."""
    return not off_hours(before["off_hours_start"], before["off_hours_end"]) <= off_hours(
        after["off_hours_start"], after["off_hours_end"])


HIGHER_LOOSENS = _compare(f"Raising it {_PROPOSED}; lowering it takes effect at once.",
                          lambda old, new: new > old)
LOWER_LOOSENS = _compare(f"Lowering it {_PROPOSED}; raising it takes effect at once.",
                         lambda old, new: new < old)
ADDING_LOOSENS = _compare(f"Adding or changing an entry {_PROPOSED}; removing one takes effect at once.",
                          _added)
REMOVING_LOOSENS = _compare(f"Removing an entry {_PROPOSED}; adding one takes effect at once.", _narrowed)
TURNING_OFF_LOOSENS = _compare(f"Turning it off {_PROPOSED}; turning it on takes effect at once.",
                               lambda old, new: bool(old) and not new)
ANY_CHANGE_LOOSENS = _compare(f"Any change {_PROPOSED}.", lambda old, new: old != new)
NEVER_LOOSENS = Direction("A change takes effect at once: it loosens no rule.", lambda *values: False)
SHORTER_OFF_HOURS_LOOSEN = Direction(
    f"Shortening the off-hours {_PROPOSED}; lengthening them takes effect at once.", _off_hours_shortened)

# An alert on a read of another state is mostly about someone else's vehicle: alerting on it again,
# once suppressed, shows officers more people's plates, so it waits for the public.
ALERTING_ON_MORE_LOOSENS = _compare(
    f"Alerting on a plate of another state {_PROPOSED}; suppressing those alerts takes effect at once.",
    lambda old, new: old == "suppressed" and new != "suppressed")

DIRECTIONS: dict[str, Direction] = {
    # Retention (RET-1, AUD-3)
    "retention_days": HIGHER_LOOSENS,
    "audit_retention_days": LOWER_LOOSENS,
    # Purposes and the justification gate (USE-1 to USE-3)
    "permitted_purposes": ADDING_LOOSENS,
    "felony_exception_purpose": ANY_CHANGE_LOOSENS,  # moves the Chief's written approval to another purpose
    "felony_approval_days": HIGHER_LOOSENS,  # one approval of the Chief's covers searches for longer
    "prohibited_purposes": REMOVING_LOOSENS,  # a purpose or one of its terms; adding tightens
    "vague_descriptions": REMOVING_LOOSENS,
    "description_min_length": LOWER_LOOSENS,
    "description_min_specific_words": LOWER_LOOSENS,  # a description naming fewer facts passes
    "case_number_pattern": ANY_CHANGE_LOOSENS,  # which of two patterns accepts more is not decided here
    "case_number_example": NEVER_LOOSENS,  # shown next to the form, checked by nothing
    "justification_minutes": HIGHER_LOOSENS,
    # Search limits (USE-5, USE-6)
    "canvass_max_hours": HIGHER_LOOSENS,
    "canvass_max_radius_m": HIGHER_LOOSENS,
    "partial_plate_min_known": LOWER_LOOSENS,
    "one_edit_min_length": LOWER_LOOSENS,  # one differing character in a shorter plate matches more reads
    # Opening reads and what the auditor is shown (USE-4, AUD-1)
    "read_opens_per_justification": HIGHER_LOOSENS,
    "unusual_plates_per_justification": HIGHER_LOOSENS,
    "unusual_reads_opened_per_justification": HIGHER_LOOSENS,
    "off_hours_start": SHORTER_OFF_HOURS_LOOSEN,
    "off_hours_end": SHORTER_OFF_HOURS_LOOSEN,
    "repeated_plate_searches": HIGHER_LOOSENS,  # more lookups of one plate go unflagged in the monthly audit
    # Whether a person is judged by their own hours (every hour they acted in) or the policy's off-hours:
    # either way round, some flags go. A longer baseline or fewer actions required lets a night worker's
    # own hours excuse more; a shorter one or more required sends a day worker back to the policy's
    # off-hours, and their evening searches go unflagged. Which loosens depends on who works when.
    "audit_baseline_days": ANY_CHANGE_LOOSENS,
    "audit_baseline_min_events": ANY_CHANGE_LOOSENS,
    # Downloads (USE-7)
    "download_cap_per_request": HIGHER_LOOSENS,
    "download_cap_per_user_day": HIGHER_LOOSENS,
    # Accounts (ACC-4 to ACC-6, ACC-9)
    "inactivity_days": HIGHER_LOOSENS,
    "training_validity_days": HIGHER_LOOSENS,
    "policy_signoff_validity_days": HIGHER_LOOSENS,
    "leads_certification_days": HIGHER_LOOSENS,
    "training_reminder_days": NEVER_LOOSENS,  # when a reminder is sent; the expiry itself is unchanged
    "session_idle_minutes": HIGHER_LOOSENS,
    "session_absolute_hours": HIGHER_LOOSENS,
    "lockout_failures": HIGHER_LOOSENS,
    "password_min_length": LOWER_LOOSENS,
    "password_history_count": LOWER_LOOSENS,
    "restrict_to_trusted_networks": TURNING_OFF_LOOSENS,
    "trusted_networks": ADDING_LOOSENS,
    "system_use_notice": ANY_CHANGE_LOOSENS,
    # Evidence holds (RET-2)
    "hold_review_days": HIGHER_LOOSENS,
    # Sharing (SHR-1 to SHR-4)
    "share_deletion_days": HIGHER_LOOSENS,
    "declaration_max_days": HIGHER_LOOSENS,
    "partner_searches_per_hour": HIGHER_LOOSENS,
    "sharing_plates_per_request": HIGHER_LOOSENS,  # one written request may ask for more vehicles' reads
    "sharing_reads_per_release": HIGHER_LOOSENS,  # more of our reads leave in one release
    "share_reminder_days": NEVER_LOOSENS,  # when a reminder is sent; the deadline itself is unchanged
    # How long an officer's page waits for a partner's network: who may search, what they must state
    # and what each partner lets them see are unchanged whatever it is (each partner enforces its own).
    "partner_search_timeout_seconds": NEVER_LOOSENS,
    # Hotlist entries (RET-6)
    "hotlist_entry_max_days": HIGHER_LOOSENS,  # an entry runs longer before anyone renews it
    "hotlist_import_valid_hours": HIGHER_LOOSENS,  # an import not refreshed keeps alerting longer
    # Hotlist alerts (ING-2, USE-8)
    "state_differs_alerts": ALERTING_ON_MORE_LOOSENS,
    "alert_open_days": HIGHER_LOOSENS,  # an alert's read opens to those who receive alerts for longer
    "alert_max_read_age_hours": HIGHER_LOOSENS,  # older reads raise alerts, opening them without a reason
    # Transparency (RPT-4, CAM-2, USE-9)
    "policy_comment_days": LOWER_LOOSENS,
    "camera_notice_days": LOWER_LOOSENS,
    "camera_silent_minutes": HIGHER_LOOSENS,  # a camera may be silent longer before it is flagged
    "placement_text_min_length": LOWER_LOOSENS,  # a shorter analysis lets a camera be placed
    "collected": ANY_CHANGE_LOOSENS,
    "never_collected": ANY_CHANGE_LOOSENS,
}


def loosening(before: dict, after: dict) -> set[str]:
    """Return the names of the values whose change from `before` to `after` loosens the policy."""
    return {name for name, direction in DIRECTIONS.items()
            if before[name] != after[name] and direction.loosens(before, after, name)}
