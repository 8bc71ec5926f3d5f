"""Build the demo department through the same services the pages use, so the audit log is real."""
from datetime import timedelta

from django.utils import timezone

from accounts.bootstrap import agency_bootstrap
from accounts.models import TrainingKind, User
from accounts.services import account_approve, account_create, training_record
from audit.context import Actor
from demo.alpr_data import seed_alpr_data
from demo.districts_data import seed_districts
from demo.people import ADMIN, CHIEF, DEMO_PASSWORD, PENDING, STAFF, demo_totp_device
from demo.sharing_data import seed_sharing_data
from policy.roles import Role


def seed_demo() -> str:
    """Create whatever of the demo department is missing; return a one-line summary."""
    admin, chief = _leaders()
    admin_actor, chief_actor = Actor.for_user(admin), Actor.for_user(chief)
    for person in STAFF:
        user = User.objects.filter(username=person["username"]).first()
        if user is None:
            user = account_create(actor=admin_actor, email=f"{person['username']}@police.example.org",
                                  password=DEMO_PASSWORD, **person)
            account_approve(actor=chief_actor, user_id=user.pk, reason="Demo department")
        _train(admin_actor, user)
        demo_totp_device(user)
        # Demo only: the README publishes these passwords, so nobody is asked to replace them.
        User.objects.filter(pk=user.pk).update(must_change_password=False)
    if not User.objects.filter(username=PENDING["username"]).exists():
        account_create(actor=admin_actor, email="kowens@police.example.org", password=DEMO_PASSWORD,
                       **PENDING)
    detective = User.objects.get(role=Role.DETECTIVE, username__in=[p["username"] for p in STAFF])
    alpr_summary = seed_alpr_data(chief=chief, detective=detective)
    return (f"{User.objects.count()} people, {alpr_summary}, {seed_districts(admin=admin)}, "
            f"{seed_sharing_data(admin=admin)}")


def _leaders() -> tuple[User, User]:
    if not User.objects.filter(username=ADMIN["username"]).exists():
        agency_bootstrap(people=[
            {**ADMIN, "email": "ahart@police.example.org", "password": DEMO_PASSWORD},
            {**CHIEF, "email": "mchen@police.example.org", "password": DEMO_PASSWORD},
        ])
    admin = User.objects.get(username=ADMIN["username"])
    chief = User.objects.get(username=CHIEF["username"])
    for leader in (admin, chief):
        demo_totp_device(leader)
    _train(Actor.for_user(admin), admin)
    _train(Actor.for_user(admin), chief)
    return admin, chief


def _train(actor: Actor, user: User) -> None:
    if user.training_records.exists():
        return
    completed = timezone.localdate() - timedelta(days=40)
    for kind in TrainingKind:
        training_record(actor=actor, user_id=user.pk, kind=kind, completed_on=completed,
                        reference=f"Demo {kind.label}")
