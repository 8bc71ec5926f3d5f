"""The people pages and their forms are closed to roles that have no use for them (found by an outside
review: a training POST answered with the whole person page)."""
import pytest

from conftest import UserFactory
from policy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("role", [Role.OFFICER, Role.OVERSIGHT, Role.RECORDS])
def test_a_training_post_does_not_open_another_person_s_account_page(make_verified_client, role):
    """Tried: a person whose role has no people capability (an officer, a board member, the records
    supervisor) cannot open /accounts/people/<id>/ (capability_required: 403). The same person POSTs
    an empty form (and, second, a complete one) to /accounts/people/<id>/training/, which has no
    capability check of its own: the invalid form, or the service's refusal, is answered by rendering
    the whole person page (login name, e-mail, badge, status reason, training records, the Chief's
    decisions). The POST must be refused like the page itself, showing none of it."""
    client = make_verified_client(role)
    chief = UserFactory(role=Role.CHIEF, username="cchief01", email="chief.private@police.example.org")

    assert client.get(f"/accounts/people/{chief.pk}/").status_code == 403
    for data in ({}, {"training-kind": "alpr_training", "training-completed_on": "2026-01-05",
                      "training-reference": "Course 12"}):
        response = client.post(f"/accounts/people/{chief.pk}/training/", data)
        body = response.content.decode()
        assert response.status_code == 403 and "chief.private@police.example.org" not in body, (
            f"answered {response.status_code}, showing the Chief's account page "
            f"(e-mail shown: {'chief.private@police.example.org' in body}, "
            f"login name shown: {'cchief01' in body})")

