"""How long an alert stays in the inbox (``alert_open_days``) is a policy value within bounds (USE-1).

The policy page shows and explains it (``test_views``); raising it loosens the policy, an alert's read
opening to those who receive alerts for longer, so it is proposed for public comment
(``test_directions``)."""
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
NAME = "alert_open_days"


@pytest.mark.rule("USE-1")
@pytest.mark.parametrize("value, message", [(0, "greater than or equal to 1"),
                                            (31, "less than or equal to 30")])
def test_days_out_of_bounds_are_refused_by_the_form_the_service_and_the_database(make_verified_client, value,
                                                                                 message):
    client = make_verified_client(Role.ADMINISTRATOR)
    versions = AgencyPolicy.objects.count()
    response = client.post("/policy/edit/", {**_form(client), NAME: value, "reason": "Council resolution"})
    assert response.status_code == 400 and message in response.content.decode()
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    with pytest.raises(ApplicationError, match=message):  # raising would be proposed: refused first
        policy_update(actor=admin, changes={NAME: value}, reason="Council resolution")
    assert AgencyPolicy.objects.count() == versions and not PolicyChangeProposal.objects.exists()
    assert current_policy().alert_open_days == 7
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyPolicy.objects.create(**{NAME: value})
