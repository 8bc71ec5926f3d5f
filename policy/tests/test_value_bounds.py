"""A policy value out of its bounds is refused by the policy page's form, by the service and by the
database, and changes nothing: no new version, no proposal, the value in force unchanged.

The policy page shows and explains each value (``test_views``); which way loosens it, and so waits for
public comment, is ``test_directions``'s."""
import pytest
from django.db import IntegrityError, transaction

from audit.context import Actor
from conftest import UserFactory
from core.errors import ApplicationError
from policy.models import AgencyPolicy, PolicyChangeProposal
from policy.roles import Role
from policy.selectors import current_policy
from policy.services import policy_update
from policy.tests.test_views import _form

pytestmark = pytest.mark.django_db
AT_LEAST_1 = "greater than or equal to 1"


@pytest.mark.rule("USE-1", "USE-2", "USE-5", "AUD-5", "SHR-1", "RET-6", "CAM-2", "CAM-3")
@pytest.mark.parametrize("name, value, message, default", [
    # How long an alert stays in the inbox, its read open to those who receive alerts (USE-1).
    ("alert_open_days", 0, AT_LEAST_1, 7),
    ("alert_open_days", 31, "less than or equal to 30", 7),
    # How long the Chief's approval of an other-felony request lets searches cite it (USE-2).
    ("felony_approval_days", 0, AT_LEAST_1, 30),
    ("felony_approval_days", 91, "less than or equal to 90", 30),
    # How many lookups of one plate without a case number the monthly audit flags (AUD-5).
    ("repeated_plate_searches", 1, "greater than or equal to 2", 3),
    ("repeated_plate_searches", 11, "less than or equal to 10", 3),
    # How many plates an agency's written request may name (SHR-1).
    ("sharing_plates_per_request", 0, AT_LEAST_1, 10),
    ("sharing_plates_per_request", 21, "less than or equal to 20", 10),
    ("sharing_reads_per_release", 0, AT_LEAST_1, 25),
    ("sharing_reads_per_release", 101, "less than or equal to 100", 25),
    # How long a hotlist entry may run, and an import alert without a refresh (RET-6).
    ("hotlist_entry_max_days", 0, AT_LEAST_1, 365),
    ("hotlist_entry_max_days", 366, "less than or equal to 365", 365),
    ("hotlist_import_valid_hours", 0, AT_LEAST_1, 48),
    ("hotlist_import_valid_hours", 169, "less than or equal to 168", 48),
    # The oldest read that raises an alert, opening it to those who receive alerts (USE-1).
    ("alert_max_read_age_hours", 0, AT_LEAST_1, 24),
    ("alert_max_read_age_hours", 73, "less than or equal to 72", 24),
    # A camera placement's justification and nondiscrimination consideration (CAM-2, CAM-3).
    ("placement_text_min_length", 19, "greater than or equal to 20", 40),
    ("placement_text_min_length", 2001, "less than or equal to 2000", 40),
    # The fact-bearing words a search's description names (USE-1).
    ("description_min_specific_words", 0, AT_LEAST_1, 2),
    ("description_min_specific_words", 11, "less than or equal to 10", 2),
    # Whose own hours the monthly audit takes as normal (AUD-5).
    ("audit_baseline_days", 29, "greater than or equal to 30", 90),
    ("audit_baseline_days", 366, "less than or equal to 365", 90),
    ("audit_baseline_min_events", 0, AT_LEAST_1, 20),
    ("audit_baseline_min_events", 501, "less than or equal to 500", 20),
    # The shortest plate searched allowing one differing character (USE-5).
    ("one_edit_min_length", 3, "greater than or equal to 4", 4),
    ("one_edit_min_length", 9, "less than or equal to 8", 4),
])
def test_a_value_out_of_bounds_is_refused_by_the_form_the_service_and_the_database(make_verified_client, name,
                                                                                   value, message, default):
    client = make_verified_client(Role.ADMINISTRATOR)
    versions = AgencyPolicy.objects.count()
    response = client.post("/policy/edit/", {**_form(client), name: value, "reason": "Council resolution"})
    assert response.status_code == 400 and message in response.content.decode()
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    with pytest.raises(ApplicationError, match=message):  # raising would be proposed: refused first
        policy_update(actor=admin, changes={name: value}, reason="Council resolution")
    assert AgencyPolicy.objects.count() == versions and not PolicyChangeProposal.objects.exists()
    assert getattr(current_policy(), name) == default
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyPolicy.objects.create(**{name: value})
