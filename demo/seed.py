"""Build the demo department through the same services the pages use, so the audit log is real.

The department is founded (people, cameras, districts, partner agencies) on the first day of its
history, then that history is replayed day by day up to now (demo/history.py), then what waits for the
tour today is put in place (an account for the Chief to approve, a partner's written request, a public
records request). Idempotent: a second run finds everything, replays only the days since the last run
(none, the same day) and adds nothing twice.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from accounts.bootstrap import agency_bootstrap
from accounts.models import TrainingKind, User
from accounts.services import account_approve, account_create, training_record
from audit.context import Actor
from demo.alpr_data import seed_cameras
from demo.clock import at
from demo.districts_data import seed_districts
from demo.history import last_replayed_day, replay_history, start_of
from demo.people import ADMIN, CHIEF, DEMO_PASSWORD, PENDING, STAFF, demo_totp_device
from demo.photos import traffic
from demo.sharing_data import seed_agencies, seed_waiting_requests
from demo.workday import Department
from reports.periods import previous_month, quarter_of
from retention.models import PurgeRun

# At least this much history: longer than the retention period, so the purge has run on it.
HISTORY_DAYS = 35
# How much of the last whole quarter the history covers, so its report has figures.
QUARTER_TAIL_DAYS = 14
OTHERS_PER_CAMERA = 4


@dataclass(frozen=True)
class HistorySize:
    """How much history to replay: `days` back (None: enough for the last whole month and quarter),
    and how many vehicles besides the named ones pass each camera a day."""

    days: int | None = None
    others_per_camera: int = OTHERS_PER_CAMERA
    real_photos: bool = True
    photos: int | None = None  # at most this many distinct photos (None: all)


def history_first_day(today: date, days: int | None) -> date:
    """The first day of the history: `days` back, or by default at least HISTORY_DAYS back and early
    enough that the last whole month, and the last QUARTER_TAIL_DAYS of the last whole quarter, happened
    in it, so the reports the scheduler generated on their 1st have figures."""
    if days is not None:
        return today - timedelta(days=days)
    return min(today - timedelta(days=HISTORY_DAYS), previous_month(today).first,
               quarter_of(today).first - timedelta(days=QUARTER_TAIL_DAYS))


def seed_demo(size: HistorySize = HistorySize()) -> str:
    """Create whatever of the demo department is missing and replay its history up to now; return a
    one-line summary."""
    first_day = history_first_day(timezone.localdate(), size.days)
    replayed_before = last_replayed_day()
    # Past notices are not mailed again: the replay's e-mails stay in memory.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        if replayed_before is None:
            with at(start_of(first_day, 6)):
                department, cameras = _found_department()
        else:
            department, cameras = _found_department()
        vehicles = traffic(use_real_photos=size.real_photos, limit=size.photos)
        days = replay_history(department=department, cameras=cameras, traffic=vehicles, first_day=first_day,
                              others_per_camera=size.others_per_camera)
        _waiting_for_the_tour(department)
    origin = "real photos read by the pipeline" if vehicles.real_photos else "generated photos"
    purged = PurgeRun.objects.aggregate(rows=Sum("rows_deleted"))["rows"] or 0
    return (f"{User.objects.count()} people, {len(cameras)} cameras, {days} day(s) of history replayed "
            f"({vehicles.uploads} uploads, {origin}); {purged} reads purged past the retention period")


def _found_department() -> tuple[Department, list]:
    admin, chief = _leaders()
    admin_actor, chief_actor = Actor.for_user(admin), Actor.for_user(chief)
    people = {admin.username: admin, chief.username: chief}
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
        people[user.username] = user
    cameras = seed_cameras(chief=chief)
    seed_districts(admin=admin)
    partner = seed_agencies(admin=admin, chief=chief)
    return Department(people=people, partner=partner), cameras


def _waiting_for_the_tour(department: Department) -> None:
    admin = department.people[ADMIN["username"]]
    if not User.objects.filter(username=PENDING["username"]).exists():
        account_create(actor=Actor.for_user(admin), email="kowens@police.example.org", password=DEMO_PASSWORD,
                       **PENDING)
    seed_waiting_requests(admin=admin)


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
        User.objects.filter(pk=leader.pk).update(must_change_password=False)
    _train(Actor.for_user(chief), admin)  # nobody records their own training (ACC-5)
    _train(Actor.for_user(admin), chief)
    return admin, chief


def _train(actor: Actor, user: User) -> None:
    if user.training_records.exists():
        return
    completed = timezone.localdate() - timedelta(days=40)
    for kind in TrainingKind:
        training_record(actor=actor, user_id=user.pk, kind=kind, completed_on=completed,
                        reference=f"Demo {kind.label}")

