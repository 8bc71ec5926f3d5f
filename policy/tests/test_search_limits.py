"""The search limits in the policy: shown and explained, changed by the administrator within bounds."""
import pytest
from django.db import IntegrityError, transaction

from policy.models import AgencyPolicy
from policy.roles import Role
from policy.selectors import current_policy
from policy.tests.test_views import _form

pytestmark = pytest.mark.django_db
LIMITS = ("canvass_max_hours", "canvass_max_radius_m", "partial_plate_min_known")


def test_the_policy_page_shows_and_explains_the_search_limits(make_verified_client):
    page = make_verified_client(Role.OFFICER).get("/policy/").content.decode()
    for name in LIMITS:
        assert f'id="value-{name}"' in page
    assert "Canvass: longest time window (hours)" in page and "a few city blocks" in page
    assert "Partial plate: known characters in a row" in page


@pytest.mark.rule("USE-6")
@pytest.mark.parametrize("name, value, message", [
    ("canvass_max_hours", 73, "less than or equal to 72"),
    ("canvass_max_hours", 0, "greater than or equal to 1"),
    ("canvass_max_radius_m", 5001, "less than or equal to 5000"),
    ("canvass_max_radius_m", 50, "greater than or equal to 100"),
    ("partial_plate_min_known", 2, "greater than or equal to 3"),
    ("partial_plate_min_known", 7, "less than or equal to 6"),
])
def test_limits_out_of_bounds_are_refused(make_verified_client, name, value, message):
    client = make_verified_client(Role.ADMINISTRATOR)
    before = AgencyPolicy.objects.count()
    response = client.post("/policy/edit/", {**_form(client), name: value, "reason": "Council resolution"})
    assert response.status_code == 400 and message in response.content.decode()
    assert AgencyPolicy.objects.count() == before


def test_a_change_of_the_limits_is_a_new_audited_version(make_verified_client):
    client = make_verified_client(Role.ADMINISTRATOR)
    response = client.post("/policy/edit/", {**_form(client), "canvass_max_hours": 12,
                                             "canvass_max_radius_m": 800, "partial_plate_min_known": 4,
                                             "reason": "Council resolution 2026-15"})
    assert response.status_code == 302
    policy = current_policy()
    assert [getattr(policy, name) for name in LIMITS] == [12, 800, 4]
    page = client.get("/policy/").content.decode()
    assert "Council resolution 2026-15" in page and "canvass_max_hours" in page


@pytest.mark.parametrize("name, value", [("canvass_max_hours", 100), ("canvass_max_radius_m", 10),
                                         ("partial_plate_min_known", 1)])
def test_the_database_refuses_limits_out_of_bounds(name, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyPolicy.objects.create(**{name: value})


@pytest.mark.rule("RPT-4", "CAM-2")
@pytest.mark.parametrize("name, value, message", [
    ("policy_comment_days", 32767, "less than or equal to 90"),
    ("camera_notice_days", 32767, "less than or equal to 90"),
])
def test_notice_periods_have_a_ceiling(make_verified_client, name, value, message):
    # Tried: one administrator set the comment period (and the camera notice) to 32,767 days; a longer
    # period takes effect at once, so every later loosening, undoing it included, waited 89 years.
    client = make_verified_client(Role.ADMINISTRATOR)
    before = AgencyPolicy.objects.count()
    response = client.post("/policy/edit/", {**_form(client), name: value, "reason": "Council resolution"})
    assert response.status_code == 400 and message in response.content.decode()
    assert AgencyPolicy.objects.count() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyPolicy.objects.create(**{name: value})


@pytest.mark.rule("USE-3")
def test_a_permitted_purpose_labelled_as_a_prohibited_one_is_refused():
    # Tried: a purpose coded "federal_assist" labelled "Immigration enforcement (assist ICE removals)":
    # the codes differ, so it passed, and officers could state justifications under it.
    from django.core.exceptions import ValidationError

    from policy import defaults

    policy = AgencyPolicy(permitted_purposes=[*defaults.permitted_purposes(), {
        "code": "federal_assist", "label": "Immigration enforcement (assist ICE removals)"}])
    with pytest.raises(ValidationError, match="cannot name a prohibited one"):
        policy.full_clean()
