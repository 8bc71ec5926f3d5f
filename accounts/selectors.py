"""Reads about accounts: training status, the approval queue."""
from dataclasses import dataclass
from datetime import date, timedelta

from axes.models import AccessAttempt
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import AccountDecision, AccountStatus, TrainingKind, TrainingRecord, User
from core.compliance import enforces
from core.dates import day_text
from core.errors import PolicyDenied
from policy.roles import Capability, role_reaches_alpr_data, role_records_training_of, trainings_required
from policy.selectors import current_policy


@dataclass(frozen=True)
class TrainingState:
    kind: str
    label: str
    completed_on: date | None
    expires_on: date | None

    @property
    def expired(self) -> bool:
        return self.expires_on is None or self.expires_on < timezone.localdate()

    @property
    def status(self) -> str:
        """One word for the page: missing, expired, expiring or current."""
        if self.completed_on is None:
            return "missing"
        if self.expired:
            return "expired"
        return "expiring" if self.expires_within(current_policy().training_reminder_days) else "current"

    def expires_within(self, days: int) -> bool:
        return not self.expired and self.expires_on <= timezone.localdate() + timedelta(days=days)


def _validity_days(policy) -> dict[str, int]:
    """How long each kind of training stays valid under `policy` (ACC-5)."""
    return {
        TrainingKind.ALPR_TRAINING: policy.training_validity_days,
        TrainingKind.POLICY_SIGNOFF: policy.policy_signoff_validity_days,
        TrainingKind.LEADS_CERTIFICATION: policy.leads_certification_days,
    }


def training_states(user: User, *, policy=None) -> list[TrainingState]:
    """Return the trainings `user` needs, each with its latest completion and expiry (ACC-5)."""
    validity = _validity_days(policy or current_policy())
    needed = trainings_required(user.role)
    latest = {}
    for record in TrainingRecord.objects.filter(user=user, kind__in=needed).order_by("kind", "-completed_on"):
        latest.setdefault(record.kind, record.completed_on)
    return [
        TrainingState(
            kind=kind,
            label=kind.label,
            completed_on=latest.get(kind),
            expires_on=latest[kind] + timedelta(days=validity[kind]) if kind in latest else None,
        )
        for kind in needed
    ]


@enforces("ACC-5")
def training_blockers(user: User) -> list[str]:
    """Return what `user` must renew before reaching ALPR data; empty when nothing blocks."""
    if not role_reaches_alpr_data(user.role):
        return []
    return [
        f"{state.label}: expired on {day_text(state.expires_on)}. Renew it to regain access."
        if state.expires_on else f"{state.label}: not on record. Complete it to gain access."
        for state in training_states(user) if state.expired
    ]


def training_reminders(user: User) -> list[TrainingState]:
    policy = current_policy()
    return [state for state in training_states(user, policy=policy)
            if state.expires_within(policy.training_reminder_days)]


@enforces("ACC-5")
def ensure_alpr_access(user: User) -> None:
    """Raise `PolicyDenied` unless `user` may reach ALPR data at all (ACC-2, ACC-5, ACC-8)."""
    if not user.is_usable:
        raise PolicyDenied("Your account is not active.")
    blockers = training_blockers(user)
    if blockers:
        raise PolicyDenied("Access to ALPR data is blocked. " + " ".join(blockers), code="training_expired")


def pending_accounts():
    return User.objects.filter(status=AccountStatus.PENDING).order_by("date_joined")


def reinstatable_accounts():
    return User.objects.filter(status__in=[AccountStatus.SUSPENDED, AccountStatus.INACTIVE]).order_by(
        "full_name")


# Who may look at other people's accounts at all: those who create, approve or suspend them.
PEOPLE_CAPABILITIES = (Capability.MANAGE_USERS, Capability.APPROVE_USERS, Capability.SUSPEND_USERS)


@enforces("ACC-5")
def may_record_training(actor: User, person: User) -> bool:
    """Whether `actor` records `person`'s training: never their own, which would lift their own block."""
    return actor.is_usable and actor.pk != person.pk and role_records_training_of(actor.role, person.role)


def can_see_people(user) -> bool:
    return any(user.can(capability) for capability in PEOPLE_CAPABILITIES)


def people_list(*, status: str = "", role: str = "", search: str = ""):
    """Return accounts filtered by status, role and a name or badge search."""
    people = User.objects.all()
    if status:
        people = people.filter(status=status)
    if role:
        people = people.filter(role=role)
    if search.strip():
        term = search.strip()
        people = people.filter(Q(full_name__icontains=term) | Q(badge_number__icontains=term)
                               | Q(username__icontains=term))
    return people.order_by("full_name", "pk")


def person_get(*, user_id: int) -> User:
    from core.errors import NotFound

    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound("No such account.")
    return person


def person_decisions(user: User):
    return AccountDecision.objects.filter(user=user).select_related("decided_by")


def person_training_records(user: User):
    return TrainingRecord.objects.filter(user=user).select_related("recorded_by")


@dataclass(frozen=True)
class Lockout:
    username: str
    user: User | None
    failures: int
    last_attempt: object


def locked_out_accounts() -> list[Lockout]:
    """Return login names that reached the failure limit; they stay locked until released (ACC-4)."""
    limit = current_policy().lockout_failures
    rows = (AccessAttempt.objects.values("username")
            .annotate(failures=Max("failures_since_start"), last_attempt=Max("attempt_time"))
            .filter(failures__gte=limit).order_by("-last_attempt"))
    users = {u.username: u for u in User.objects.filter(username__in=[row["username"] for row in rows])}
    return [Lockout(row["username"], users.get(row["username"]), row["failures"], row["last_attempt"])
            for row in rows]


# Counts for the start pages (core.dashboard): numbers and names of staff, never ALPR data.


def pending_account_count() -> int:
    return pending_accounts().count()


def locked_out_count() -> int:
    """How many login names are locked out now: the number of rows `locked_out_accounts` lists."""
    limit = current_policy().lockout_failures
    return (AccessAttempt.objects.values("username").annotate(failures=Max("failures_since_start"))
            .filter(failures__gte=limit).count())


@dataclass(frozen=True)
class ExpiringTraining:
    user_id: int
    full_name: str
    label: str
    expires_on: date


@dataclass(frozen=True)
class TrainingExpiring:
    window_days: int  # the policy's reminder window
    trainings: list[ExpiringTraining]  # soonest first

    @property
    def people(self) -> int:
        return len({training.user_id for training in self.trainings})


@enforces("ACC-5")
def training_expiring() -> TrainingExpiring:
    """Return the trainings of active people that expire within the policy's reminder window: renewed
    in time, they never block anyone (one already expired is that person's blocker)."""
    policy = current_policy()
    validity = _validity_days(policy)
    today = timezone.localdate()
    last_day = today + timedelta(days=policy.training_reminder_days)
    rows = (TrainingRecord.objects.filter(user__status=AccountStatus.ACTIVE)
            .values("user_id", "user__full_name", "user__role", "kind").annotate(latest=Max("completed_on"))
            .order_by())
    expiring = []
    for row in rows:
        if row["kind"] not in trainings_required(row["user__role"]):
            continue
        expires_on = row["latest"] + timedelta(days=validity[row["kind"]])
        if today <= expires_on <= last_day:
            expiring.append(ExpiringTraining(row["user_id"], row["user__full_name"],
                                             TrainingKind(row["kind"]).label, expires_on))
    return TrainingExpiring(policy.training_reminder_days,
                            sorted(expiring, key=lambda item: (item.expires_on, item.full_name)))
