"""The partner search limit is a policy value: shown and explained, within bounds, and raising it is a
loosening change that waits for public comment and the Chief (SHR-5, RPT-4)."""
import pytest
from django.db import IntegrityError, transaction

from audit.context import Actor
from conftest import UserFactory
from policy.directions import loosening
from policy.models import AgencyPolicy
from policy.roles import Role
from policy.selectors import current_policy
from policy.services import policy_update, policy_values
from policy.tests.test_views import _form

pytestmark = pytest.mark.django_db
NAME = "partner_searches_per_hour"


def test_the_policy_page_shows_and_explains_the_partner_search_limit(make_verified_client):
    page = make_verified_client(Role.OFFICER).get("/policy/").content.decode()
    assert f'id="value-{NAME}"' in page and "Partner searches per person per hour (at most)" in page
    assert "refused (429)" in page


@pytest.mark.rule("SHR-5", "RPT-4")
def test_raising_the_limit_is_proposed_and_lowering_it_takes_effect_at_once():
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    before = policy_values(current_policy())
    assert loosening(before, {**before, NAME: before[NAME] + 1}) == {NAME}
    raised = policy_update(actor=admin, changes={NAME: 100}, reason="Task force with the county")
    assert raised.in_force is None and raised.proposal.changes == {NAME: 100}
    assert current_policy().partner_searches_per_hour == 20
    lowered = policy_update(actor=admin, changes={NAME: 5}, reason="One harvesting attempt too many")
    assert lowered.in_force is not None and current_policy().partner_searches_per_hour == 5


@pytest.mark.rule("SHR-5")
@pytest.mark.parametrize("value, message", [(0, "greater than or equal to 1"),
                                            (201, "less than or equal to 200")])
def test_a_limit_out_of_bounds_is_refused_by_the_form_and_the_database(make_verified_client, value, message):
    client = make_verified_client(Role.ADMINISTRATOR)
    versions = AgencyPolicy.objects.count()
    response = client.post("/policy/edit/", {**_form(client), NAME: value, "reason": "Council resolution"})
    assert response.status_code == 400 and message in response.content.decode()
    assert AgencyPolicy.objects.count() == versions
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyPolicy.objects.create(**{NAME: value})
