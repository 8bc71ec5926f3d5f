"""Creating the first administrator and Chief of a new deployment.

Nobody can approve the first accounts, so this is the one place that creates active accounts
directly. It refuses once an active administrator or Chief exists, and it is audited.
"""
from django.db import transaction
from django.utils import timezone

from accounts import audit_actions as actions
from accounts.identity import ensure_named_person
from accounts.models import AccountDecision, AccountStatus, PasswordHistory, User
from accounts.services import _validate_password
from audit.context import Actor
from audit.services import audit_record
from core.errors import ApplicationError
from policy.roles import Capability, roles_with


def bootstrap_roles() -> list[str]:
    """The roles of the first accounts: those who create accounts and those who approve them (ACC-2)."""
    return roles_with(Capability.MANAGE_USERS) + roles_with(Capability.APPROVE_USERS)


def agency_bootstrap(*, people: list[dict]) -> list[User]:
    """Create the given administrator and Chief as active accounts, once per deployment."""
    if User.objects.filter(status=AccountStatus.ACTIVE, role__in=bootstrap_roles()).exists():
        raise ApplicationError("This deployment already has an active administrator or Chief.")
    actor = Actor.system("bootstrap")
    created = []
    with transaction.atomic():
        for person in people:
            created.append(_create_active(actor, **person))
    return created


def _create_active(actor: Actor, *, username, full_name, badge_number, role, email, password) -> User:
    if role not in bootstrap_roles():
        raise ApplicationError("Bootstrap creates only the administrator and the Chief.")
    ensure_named_person(username=username, full_name=full_name, badge_number=badge_number)
    user = User(username=username, full_name=full_name, badge_number=badge_number, role=role, email=email,
                status=AccountStatus.ACTIVE, status_changed_at=timezone.now(),
                status_reason="Created at deployment bootstrap.")
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    AccountDecision.objects.create(user=user, kind=AccountDecision.Kind.APPROVED, decided_at=timezone.now(),
                                   reason="Deployment bootstrap.")
    audit_record(actor=actor, action=actions.ACCOUNT_CREATED, targets=[f"user:{user.pk}"],
                 description="Deployment bootstrap", query={"role": role})
    return user
