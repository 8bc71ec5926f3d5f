"""ACC-1: one account per named person; generic, shared and unit identities are refused at creation."""
import pytest

from accounts.models import AccountStatus, User
from accounts.services import account_create
from accounts.tests.helpers import act_as, audit_rows
from conftest import PASSWORD, UserFactory
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Role

pytestmark = pytest.mark.django_db


def _create(admin, **overrides):
    fields = {"username": "jrivera", "full_name": "Julia Rivera", "badge_number": "4471",
              "role": Role.OFFICER, "email": "jrivera@police.example.org", "password": PASSWORD}
    return account_create(actor=act_as(admin), **{**fields, **overrides})


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.mark.rule("ACC-1")
@pytest.mark.parametrize("username", ["guest", "patrol", "dispatch", "shared", "test", "admin", "patrol2",
                                      "unit-12", "4412", "Car 31", "night.shift"])
def test_generic_login_names_are_refused(admin, username):
    with pytest.raises(ApplicationError) as refused:
        _create(admin, username=username)
    assert refused.value.field == "username"
    assert not User.objects.filter(username=username).exists()
    [row] = audit_rows("account.created")
    assert row.outcome == "failed" and "generic" in row.reason and row.actor_user == admin


@pytest.mark.rule("ACC-1")
@pytest.mark.parametrize("full_name", ["Patrol Unit", "Dispatch Desk", "Guest User", "Shared Account",
                                       "Test Officer", "Unit 12"])
def test_generic_full_names_are_refused(admin, full_name):
    with pytest.raises(ApplicationError) as refused:
        _create(admin, full_name=full_name)
    assert refused.value.field == "full_name"


@pytest.mark.rule("ACC-1")
@pytest.mark.parametrize(("field", "value"), [("full_name", ""), ("full_name", "Julia"), ("badge_number", ""),
                                              ("badge_number", "   ")])
def test_full_name_and_badge_are_required(admin, field, value):
    with pytest.raises(ApplicationError) as refused:
        _create(admin, **{field: value})
    assert refused.value.field == field
    assert User.objects.count() == 1  # only the administrator


@pytest.mark.rule("ACC-1")
def test_badge_id_is_unique_to_one_person(admin):
    _create(admin)
    with pytest.raises(ApplicationError) as refused:
        _create(admin, username="mchen", full_name="Ming Chen", badge_number=" 4471 ")
    assert refused.value.field == "badge_number"
    assert User.objects.filter(badge_number="4471").count() == 1


@pytest.mark.rule("ACC-1")
@pytest.mark.rule("ACC-2")
def test_a_named_person_is_created_pending_and_audited(admin):
    person = _create(admin)
    assert person.status == AccountStatus.PENDING and not person.is_active
    assert person.created_by == admin
    assert person.decisions.get().kind == "created"
    [row] = audit_rows("account.created")
    assert row.outcome == "allowed" and row.targets == [f"user:{person.pk}"] and row.actor_user == admin


@pytest.mark.rule("ACC-1")
@pytest.mark.parametrize("role", [Role.CHIEF, Role.OFFICER, Role.AUDITOR])
def test_only_the_administrator_creates_accounts(role):
    someone = UserFactory(role=role)
    with pytest.raises(PolicyDenied):
        _create(someone)
    [row] = audit_rows("account.created")
    assert row.outcome == "refused" and row.actor_user == someone
