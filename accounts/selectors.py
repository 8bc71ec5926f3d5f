"""Reads about accounts: training status, the approval queue."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import AccountStatus, TrainingKind, TrainingRecord, User
from core.errors import PolicyDenied
from policy.roles import LEADS_ROLES, role_reaches_alpr_data
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

    def expires_within(self, days: int) -> bool:
        return not self.expired and self.expires_on <= timezone.localdate() + timedelta(days=days)


def training_states(user: User) -> list[TrainingState]:
    """Return the trainings `user` needs, each with its latest completion and expiry (ACC-5)."""
    policy = current_policy()
    validity = {
        TrainingKind.ALPR_TRAINING: policy.training_validity_days,
        TrainingKind.POLICY_SIGNOFF: policy.policy_signoff_validity_days,
        TrainingKind.LEADS_CERTIFICATION: policy.leads_certification_days,
    }
    needed = [TrainingKind.ALPR_TRAINING, TrainingKind.POLICY_SIGNOFF]
    if user.role in LEADS_ROLES:
        needed.append(TrainingKind.LEADS_CERTIFICATION)
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


def training_blockers(user: User) -> list[str]:
    """Return what `user` must renew before reaching ALPR data; empty when nothing blocks."""
    if not role_reaches_alpr_data(user.role):
        return []
    return [
        f"{state.label}: expired on {state.expires_on:%B %-d, %Y}. Renew it to regain access."
        if state.expires_on else f"{state.label}: not on record. Complete it to gain access."
        for state in training_states(user) if state.expired
    ]


def training_reminders(user: User) -> list[TrainingState]:
    days = current_policy().training_reminder_days
    return [state for state in training_states(user) if state.expires_within(days)]


def ensure_alpr_access(user: User) -> None:
    """Raise `PolicyDenied` unless `user` may reach ALPR data at all (ACC-2, ACC-5, ACC-8)."""
    if not user.is_usable:
        raise PolicyDenied("Your account is not active.")
    blockers = training_blockers(user)
    if blockers:
        raise PolicyDenied("Access to ALPR data is blocked. " + " ".join(blockers), code="training_expired")


def pending_accounts():
    return User.objects.filter(status=AccountStatus.PENDING).order_by("date_joined")
