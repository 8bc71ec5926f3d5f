"""Which way each policy value loosens (policy/directions.py): every field has one, and it is right."""
import pytest

from policy import defaults
from policy.directions import DIRECTIONS, loosening, off_hours
from policy.models import AgencyPolicy
from policy.services import policy_values

BOOKKEEPING = {"id", "created_at", "created_by", "change_reason"}


@pytest.mark.rule("RPT-4")
def test_every_field_of_the_policy_says_which_way_loosens():
    # A new field of AgencyPolicy without a direction would take effect at once whichever way it moved.
    fields = {field.name for field in AgencyPolicy._meta.concrete_fields} - BOOKKEEPING
    assert fields - set(DIRECTIONS) == set(), "add these fields to policy.directions.DIRECTIONS"
    assert set(DIRECTIONS) - fields == set(), "DIRECTIONS names fields AgencyPolicy does not have"
    assert set(policy_values(AgencyPolicy())) == fields


def _purposes_with(extra=None, without=None):
    purposes = [p for p in defaults.permitted_purposes() if p["code"] != without]
    return purposes + ([extra] if extra else [])


def _prohibited_without_term(code: str, term: str):
    return [{**p, "terms": [t for t in p["terms"] if t != term]} if p["code"] == code else p
            for p in defaults.prohibited_purposes()]


def _prohibited_with_term(code: str, term: str):
    return [{**p, "terms": [*p["terms"], term]} if p["code"] == code else p
            for p in defaults.prohibited_purposes()]


LOOSEN = [
    ("retention_days", 60),
    ("audit_retention_days", 365),  # (the model refuses it; the direction is judged all the same)
    ("download_cap_per_user_day", 50),
    ("canvass_max_radius_m", 3000),
    ("read_opens_per_justification", 100),
    ("justification_minutes", 120),
    ("training_validity_days", 500),
    ("session_absolute_hours", 24),
    ("lockout_failures", 6),
    ("password_min_length", 11),
    ("partial_plate_min_known", 2),
    ("policy_comment_days", 14),
    ("camera_notice_days", 7),
    ("camera_silent_minutes", 240),
    ("alert_open_days", 10),
    ("felony_approval_days", 45),
    ("repeated_plate_searches", 5),
    ("sharing_plates_per_request", 15),
    ("sharing_reads_per_release", 40),
    ("hotlist_entry_max_days", 400),  # (the model refuses it; the direction is judged all the same)
    ("hotlist_import_valid_hours", 72),
    ("alert_max_read_age_hours", 48),
    ("placement_text_min_length", 20),
    ("description_min_specific_words", 1),
    ("audit_baseline_days", 180),  # either way: a night worker's own hours excuse more,
    ("audit_baseline_days", 30),  # or a day worker falls back to the policy's off-hours
    ("audit_baseline_min_events", 5),
    ("audit_baseline_min_events", 50),
    ("one_edit_min_length", 3),
    ("share_deletion_days", 60),
    ("restrict_to_trusted_networks", False),
    ("trusted_networks", ["10.0.0.0/8"]),
    ("permitted_purposes", _purposes_with({"code": "burglary", "label": "Burglary"})),
    ("permitted_purposes", [{**p, "label": "Any investigation"} if p["code"] == "violent_crime" else p
                            for p in defaults.permitted_purposes()]),
    ("vague_descriptions", [d for d in defaults.vague_descriptions() if d != "see case"]),
    ("prohibited_purposes", _prohibited_without_term("immigration", "deportation")),
    ("case_number_pattern", r"^.+$"),
    ("never_collected", defaults.never_collected()[1:]),
    ("collected", [*defaults.collected(), "Vehicle make and colour."]),
    ("system_use_notice", "Welcome."),
    ("felony_exception_purpose", "stolen_vehicle"),
]
# Judged from a policy that suppresses alerts of another state (the default marks them).
LOOSEN_FROM_SUPPRESSED = [("state_differs_alerts", "marked")]

TIGHTEN = [
    ("retention_days", 14),
    ("audit_retention_days", 3650),
    ("download_cap_per_user_day", 5),
    ("session_idle_minutes", 10),
    ("lockout_failures", 3),
    ("password_min_length", 16),
    ("partial_plate_min_known", 5),
    ("policy_comment_days", 45),
    ("camera_silent_minutes", 15),
    ("alert_open_days", 3),
    ("felony_approval_days", 10),
    ("repeated_plate_searches", 2),
    ("sharing_plates_per_request", 5),
    ("sharing_reads_per_release", 10),
    ("hotlist_entry_max_days", 90),
    ("hotlist_import_valid_hours", 24),
    ("alert_max_read_age_hours", 6),
    ("placement_text_min_length", 200),
    ("description_min_specific_words", 3),
    ("one_edit_min_length", 6),
    ("permitted_purposes", _purposes_with(without="missing_person")),
    ("vague_descriptions", [*defaults.vague_descriptions(), "routine"]),
    ("prohibited_purposes", _prohibited_with_term("immigration", "hsi")),
    ("prohibited_purposes", [*defaults.prohibited_purposes(),
                             {"code": "debt", "label": "Debt collection", "terms": ["repossession"]}]),
    ("case_number_example", "26-000001"),
    ("training_reminder_days", 10),
    ("share_reminder_days", 3),
    ("partner_search_timeout_seconds", 20),
    ("state_differs_alerts", "suppressed"),
]


def _loosens(name, value) -> bool:
    before = policy_values(AgencyPolicy(restrict_to_trusted_networks=True))
    return name in loosening(before, {**before, name: value})


@pytest.mark.rule("RPT-4")
@pytest.mark.parametrize(("name", "value"), LOOSEN, ids=[f"{n}-{i}" for i, (n, _) in enumerate(LOOSEN)])
def test_a_change_that_loosens_is_recognised(name, value):
    assert _loosens(name, value)


@pytest.mark.rule("RPT-4")
@pytest.mark.parametrize(("name", "value"), TIGHTEN, ids=[f"{n}-{i}" for i, (n, _) in enumerate(TIGHTEN)])
def test_a_change_that_tightens_or_loosens_nothing_is_not_held_back(name, value):
    assert not _loosens(name, value)


@pytest.mark.rule("RPT-4")
def test_off_hours_are_judged_as_a_window_across_midnight():
    assert off_hours(22, 6) == {22, 23, 0, 1, 2, 3, 4, 5} and off_hours(9, 9) == set()
    before = policy_values(AgencyPolicy())  # 22:00 to 06:00
    assert loosening(before, {**before, "off_hours_start": 23}) == {"off_hours_start"}
    assert loosening(before, {**before, "off_hours_start": 20, "off_hours_end": 7}) == set()
    # Moved, not lengthened: 21:00 to 05:00 drops 05:00, so both ends wait for the public.
    assert loosening(before, {**before, "off_hours_start": 21, "off_hours_end": 5}) == {
        "off_hours_start", "off_hours_end"}


@pytest.mark.rule("RPT-4")
@pytest.mark.parametrize(("name", "value"), LOOSEN_FROM_SUPPRESSED)
def test_alerting_again_on_plates_of_another_state_waits_for_the_public(name, value):
    before = policy_values(AgencyPolicy(state_differs_alerts="suppressed"))
    assert loosening(before, {**before, name: value}) == {name}
