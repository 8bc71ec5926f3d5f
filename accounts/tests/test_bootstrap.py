"""ACC-2: the first accounts of a deployment are those who create accounts and those who approve them."""
import pytest

from accounts.bootstrap import agency_bootstrap
from accounts.models import AccountStatus, User
from audit.models import AuditEvent
from conftest import PASSWORD, UserFactory
from core.errors import ApplicationError
from policy.roles import Capability, Role

pytestmark = [pytest.mark.django_db, pytest.mark.rule("ACC-2")]


def person(role: str, name: str) -> dict:
    return {"username": name.split()[0].lower(), "full_name": name, "badge_number": f"B-{name[:3].upper()}",
            "role": role, "email": f"{name.split()[0].lower()}@example.org", "password": PASSWORD}


def test_bootstrap_creates_the_administrator_and_the_chief_active_once():
    created = agency_bootstrap(people=[person(Role.ADMINISTRATOR, "Avery Hart"),
                                       person(Role.CHIEF, "Morgan Chen")])
    assert [(user.role, user.status) for user in created] == [(Role.ADMINISTRATOR, AccountStatus.ACTIVE),
                                                             (Role.CHIEF, AccountStatus.ACTIVE)]
    audited = AuditEvent.objects.filter(action="account.created", description="Deployment bootstrap")
    assert audited.count() == 2
    with pytest.raises(ApplicationError, match="already has an active"):
        agency_bootstrap(people=[person(Role.CHIEF, "Robin Ward")])


def test_bootstrap_refuses_a_role_that_neither_creates_nor_approves_accounts():
    with pytest.raises(ApplicationError, match="Bootstrap creates only"):
        agency_bootstrap(people=[person(Role.OFFICER, "Jamie Ortiz")])
    assert not User.objects.exists()


def test_the_role_table_decides_the_bootstrap_roles(regrant):
    regrant(Capability.APPROVE_USERS, Role.RECORDS)
    UserFactory(role=Role.CHIEF)  # no longer approves accounts: it does not count as the first ones
    with pytest.raises(ApplicationError, match="Bootstrap creates only"):
        agency_bootstrap(people=[person(Role.CHIEF, "Morgan Chen")])
    created = agency_bootstrap(people=[person(Role.RECORDS, "Robin Ward")])
    assert created[0].role == Role.RECORDS and created[0].is_usable
