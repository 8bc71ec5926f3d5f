"""Account lifecycle, training, passwords and tokens. Each write is audited in its own transaction."""
from datetime import date

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import audit_actions as actions
from accounts.identity import ensure_named_person
from accounts.models import (
    AccountDecision,
    AccountStatus,
    PasswordHistory,
    TrainingKind,
    TrainingRecord,
    TrainingReminder,
    User,
    UserSession,
)
from accounts.signals import account_separated
from audit.context import Actor
from audit.models import Outcome
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.dates import day_text
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.roles import (
    ROLE_PEOPLE,
    Capability,
    Role,
    only_who_may,
    people_of,
    roles_with,
    training_recorders,
    who_may,
)
from policy.selectors import current_policy


def _require(actor: Actor, capability: str, doing: str) -> None:
    """Refuse unless the actor's role grants `capability`, saying who may be `doing` it."""
    if not actor.user or not actor.user.can(capability):
        raise PolicyDenied(only_who_may(capability, doing=doing))


def _locked_user(user_id: int) -> User:
    try:
        return User.objects.select_for_update().get(pk=user_id)
    except User.DoesNotExist:
        raise NotFound("No such account.") from None


def _decide(user: User, kind: str, actor: Actor, reason: str) -> None:
    AccountDecision.objects.create(
        user=user, kind=kind, decided_by=actor.user, decided_at=timezone.now(), reason=reason
    )


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ApplicationError("A reason is required.", field="reason")
    return reason.strip()


@enforces("ACC-1", "ACC-2")
def account_create(
    *, actor: Actor, username: str, full_name: str, badge_number: str, role: str, email: str,
    password: str,
) -> User:
    """Create a pending account for one named person (ACC-1, ACC-2)."""
    with refusals_recorded(actor=actor, action=actions.ACCOUNT_CREATED, targets=[f"username:{username}"]):
        _require(actor, Capability.MANAGE_USERS, "create accounts")
        ensure_named_person(username=username, full_name=full_name, badge_number=badge_number)
        if role not in Role.values:
            raise ApplicationError("Choose a role from the list.", field="role")
        if User.objects.filter(username__iexact=username).exists():
            raise ApplicationError("That login name is taken.", field="username")
        if User.objects.filter(badge_number__iexact=badge_number.strip()).exists():
            raise ApplicationError("An account with that badge ID exists already.", field="badge_number")
        user = User(username=username, full_name=full_name.strip(), badge_number=badge_number.strip(),
                    role=role, email=email, created_by=actor.user, must_change_password=True)
        _validate_password(password, user)
        with transaction.atomic():
            user.set_password(password)
            user.save()
            PasswordHistory.objects.create(user=user, password=user.password)
            _decide(user, AccountDecision.Kind.CREATED, actor, "")
            audit_record(actor=actor, action=actions.ACCOUNT_CREATED, targets=[f"user:{user.pk}"],
                         query={"role": role})
        return user


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="password") from None


@enforces("ACC-2")
def account_approve(*, actor: Actor, user_id: int, reason: str = "", role: str | None = None) -> User:
    """The Chief approves one pending account (ACC-2) in `role`, the role the Chief reviewed.

    The approval pages always send it: an administrator may change the role while the Chief reads
    the queue, and the approval must not then activate a role the Chief never saw.
    """
    return _decide_pending(actor, user_id, reason, approve=True, role=role)


@enforces("ACC-2")
def account_deny(*, actor: Actor, user_id: int, reason: str) -> User:
    """The Chief denies one pending account, with a reason (ACC-2)."""
    return _decide_pending(actor, user_id, reason, approve=False)


def _decide_pending(actor: Actor, user_id: int, reason: str, *, approve: bool, role: str | None = None
                    ) -> User:
    action = actions.ACCOUNT_APPROVED if approve else actions.ACCOUNT_DENIED
    with refusals_recorded(actor=actor, action=action, targets=[f"user:{user_id}"]):
        _require(actor, Capability.APPROVE_USERS, "approve or deny accounts")
        if not approve:
            reason = _require_reason(reason)
        with transaction.atomic():
            user = _locked_user(user_id)
            if user.pk == actor.user.pk:
                raise PolicyDenied("Nobody approves their own account.")
            if user.status != AccountStatus.PENDING:
                raise ApplicationError(f"This account is {user.get_status_display().lower()}, not pending.")
            if role is not None and user.role != role:
                now = user.get_role_display().lower()
                raise ApplicationError(f"The role was changed since the page was shown: {user.full_name} is "
                                       f"now to be {now}. Review the account again.")
            user.status = AccountStatus.ACTIVE if approve else AccountStatus.DENIED
            user.status_reason = reason
            user.status_changed_at = timezone.now()
            user.save(update_fields=["status", "status_reason", "status_changed_at"])
            kind = AccountDecision.Kind.APPROVED if approve else AccountDecision.Kind.DENIED
            _decide(user, kind, actor, reason)
            audit_record(actor=actor, action=action, targets=[f"user:{user.pk}"], description=reason)
        return user


@enforces("ACC-8")
def account_suspend(*, actor: Actor, user_id: int, reason: str) -> User:
    """Suspend a user for a policy violation: all access ends at once (ACC-8)."""
    return _disable(actor, user_id, reason, AccountStatus.SUSPENDED, AccountDecision.Kind.SUSPENDED,
                    actions.ACCOUNT_SUSPENDED)


@enforces("ACC-6")
def account_separate(*, actor: Actor, user_id: int, reason: str) -> User:
    """Disable a separated employee in one action, ending their sessions (ACC-6)."""
    return _disable(actor, user_id, reason, AccountStatus.SEPARATED, AccountDecision.Kind.SEPARATED,
                    actions.ACCOUNT_SEPARATED)


def _disable(actor, user_id, reason, status, kind, action) -> User:
    with refusals_recorded(actor=actor, action=action, targets=[f"user:{user_id}"]):
        _require(actor, Capability.SUSPEND_USERS, "suspend or separate accounts")
        reason = _require_reason(reason)
        with transaction.atomic():
            user = _locked_user(user_id)
            if user.pk == actor.user.pk:
                raise PolicyDenied("You cannot do this to your own account.")
            _ensure_an_approver_remains(user)
            user.status, user.status_reason, user.status_changed_at = status, reason, timezone.now()
            user.save(update_fields=["status", "status_reason", "status_changed_at"])
            ended = end_sessions(user)
            if status == AccountStatus.SEPARATED:
                account_separated.send(sender=User, user=user, actor=actor)
            _decide(user, kind, actor, reason)
            audit_record(actor=actor, action=action, targets=[f"user:{user.pk}"], description=reason,
                         result_count=ended)
        return user


def account_reinstate(*, actor: Actor, user_id: int, reason: str) -> User:
    """The Chief restores a suspended or inactivity-disabled account."""
    with refusals_recorded(actor=actor, action=actions.ACCOUNT_REINSTATED, targets=[f"user:{user_id}"]):
        _require(actor, Capability.APPROVE_USERS, "reinstate accounts")
        reason = _require_reason(reason)
        with transaction.atomic():
            user = _locked_user(user_id)
            if user.status not in (AccountStatus.SUSPENDED, AccountStatus.INACTIVE):
                raise ApplicationError("Only suspended or inactive accounts can be reinstated.")
            user.status, user.status_reason, user.status_changed_at = (
                AccountStatus.ACTIVE, reason, timezone.now())
            # Reinstating restarts the inactivity clock, or the nightly job would disable it again.
            user.last_login = timezone.now()
            user.save(update_fields=["status", "status_reason", "status_changed_at", "last_login"])
            _decide(user, AccountDecision.Kind.REINSTATED, actor, reason)
            audit_record(actor=actor, action=actions.ACCOUNT_REINSTATED, targets=[f"user:{user.pk}"],
                         description=reason)
        return user


ROLE_CHANGEABLE = (AccountStatus.ACTIVE, AccountStatus.PENDING)


@enforces("ACC-2", "ACC-6", "ACC-7")
def account_change_role(*, actor: Actor, user_id: int, role: str, reason: str) -> User:
    """Change a role; the account returns to pending until the Chief approves it again (ACC-2, ACC-7)."""
    with refusals_recorded(actor=actor, action=actions.ROLE_CHANGED, targets=[f"user:{user_id}"]):
        _require(actor, Capability.MANAGE_USERS, "change roles")
        reason = _require_reason(reason)
        if role not in Role.values:
            raise ApplicationError("Choose a role from the list.", field="role")
        with transaction.atomic():
            user = _locked_user(user_id)
            if user.pk == actor.user.pk:
                raise PolicyDenied(f"Nobody changes their own role: someone else who may change roles "
                                   f"({who_may(Capability.MANAGE_USERS)}) does, then it waits for the "
                                   f"approval of {who_may(Capability.APPROVE_USERS)}.")
            # The change returns the account to the Chief's approval, which makes it active: for any
            # other status that would be a reinstatement (or the undoing of a separation or a denial)
            # without the Chief's reinstatement decision.
            if user.status not in ROLE_CHANGEABLE:
                raise ApplicationError(
                    f"The account is {user.get_status_display().lower()}: only an active or pending "
                    "account's role is changed (the Chief reinstates a suspended or inactive one first; a "
                    "separated or denied one stays closed).")
            _ensure_an_approver_remains(user)
            previous = user.role
            user.role, user.status, user.status_changed_at = role, AccountStatus.PENDING, timezone.now()
            user.status_reason = f"Role changed from {previous} to {role}: {reason}"
            user.save(update_fields=["role", "status", "status_reason", "status_changed_at"])
            end_sessions(user)
            _decide(user, AccountDecision.Kind.ROLE_CHANGED, actor, user.status_reason)
            audit_record(actor=actor, action=actions.ROLE_CHANGED, targets=[f"user:{user.pk}"],
                         description=reason, query={"from": previous, "to": role})
        return user


@enforces("ACC-2", "ACC-7")
def _ensure_an_approver_remains(user: User) -> None:
    """Refuse to take `user` out of use if no other active account could then approve accounts.

    Only the Chief approves (and reinstates) accounts: with no active Chief left, nobody could approve
    anyone again, not even the Chief's own account back. Called with `user` locked; the others are
    locked too, so two such decisions at once cannot each count on the other Chief.
    """
    approving = roles_with(Capability.APPROVE_USERS)
    if not (user.is_usable and user.role in approving):
        return
    others = User.objects.select_for_update().filter(status=AccountStatus.ACTIVE, role__in=approving).exclude(
        pk=user.pk)
    if not list(others):
        role = Role(user.role).label.lower()
        raise ApplicationError(f"{user.full_name} is the only active {role}: without them nobody could "
                               "approve or reinstate accounts. Have a second one's account approved first.")


@enforces("ACC-6")
def accounts_disable_inactive(*, actor: Actor) -> int:
    """Disable every active account with no sign-in within the policy's inactivity days (ACC-6)."""
    cutoff = timezone.now() - timezone.timedelta(days=current_policy().inactivity_days)
    stale = User.objects.filter(status=AccountStatus.ACTIVE).filter(last_login__lt=cutoff)
    # Never signed in: count from approval, or from creation for accounts made active directly.
    never = User.objects.filter(status=AccountStatus.ACTIVE, last_login__isnull=True).filter(
        Q(status_changed_at__lt=cutoff) | Q(status_changed_at__isnull=True, date_joined__lt=cutoff))
    disabled = 0
    for user_id in stale.union(never).values_list("pk", flat=True):
        with transaction.atomic():
            user = _locked_user(user_id)
            try:
                _ensure_an_approver_remains(user)
            except ApplicationError as kept:
                # Disabled, the last Chief could never be reinstated (only a Chief reinstates): kept in
                # use, and flagged every night until a second one is approved or they sign in.
                audit_record(actor=actor, action=actions.ACCOUNT_DISABLED_INACTIVE, outcome=Outcome.REFUSED,
                             targets=[f"user:{user.pk}"], reason=f"Kept active: {kept.message}", flagged=True)
                continue
            user.status, user.status_changed_at = AccountStatus.INACTIVE, timezone.now()
            user.status_reason = "No sign-in within the inactivity period."
            user.save(update_fields=["status", "status_reason", "status_changed_at"])
            end_sessions(user)
            _decide(user, AccountDecision.Kind.DISABLED_INACTIVE, actor, user.status_reason)
            audit_record(actor=actor, action=actions.ACCOUNT_DISABLED_INACTIVE, targets=[f"user:{user.pk}"])
            disabled += 1
    return disabled


@enforces("ACC-6")
def end_sessions(user: User) -> int:
    """End every session of `user`; return how many were ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@enforces("ACC-5")
def training_record(*, actor: Actor, user_id: int, kind: str, completed_on: date, reference: str
                    ) -> TrainingRecord:
    """Record a completed training, sign-off or certification (ACC-5)."""
    from accounts.selectors import may_record_training

    with refusals_recorded(actor=actor, action=actions.TRAINING_RECORDED, targets=[f"user:{user_id}"]):
        with transaction.atomic():
            user = _locked_user(user_id)
            if actor.user and actor.user.pk == user.pk:
                raise PolicyDenied("Nobody records their own training: someone else who may record it "
                                   f"({people_of(training_recorders(user.role))}) does.")
            if not actor.user or not may_record_training(actor.user, user):
                raise PolicyDenied(f"Only {people_of(training_recorders(user.role))} may record the training "
                                   f"of {ROLE_PEOPLE[user.role]}.")
            _validate_training(kind, completed_on, reference)
            record = TrainingRecord.objects.create(user=user, kind=kind, completed_on=completed_on,
                                                   reference=reference.strip(), recorded_by=actor.user)
            audit_record(actor=actor, action=actions.TRAINING_RECORDED, targets=[f"user:{user.pk}"],
                         query={"kind": kind, "completed_on": completed_on.isoformat()})
        return record


def _validate_training(kind: str, completed_on: date, reference: str) -> None:
    if kind not in TrainingKind.values:
        raise ApplicationError("Choose a kind of training from the list.", field="kind")
    if completed_on > timezone.localdate():
        raise ApplicationError("The completion date cannot be in the future.", field="completed_on")
    if not reference.strip():
        raise ApplicationError("Give the course, certificate or document reference.", field="reference")


@enforces("ACC-4")
def password_change(*, actor: Actor, current: str, new: str) -> None:
    """Change the actor's own password: validated, and never one of the last N (ACC-4)."""
    user = actor.user
    with refusals_recorded(actor=actor, action=actions.PASSWORD_CHANGED, targets=[f"user:{user.pk}"]):
        if not user.check_password(current):
            raise PolicyDenied("Your current password is not correct.", field="current")
        _validate_password(new, user)
        with transaction.atomic():
            user.set_password(new)
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password"])
            PasswordHistory.objects.create(user=user, password=user.password)
            audit_record(actor=actor, action=actions.PASSWORD_CHANGED, targets=[f"user:{user.pk}"])


def lockout_release(*, actor: Actor, username: str) -> int:
    """An administrator releases a locked-out login name (ACC-4); return the failures cleared."""
    with refusals_recorded(actor=actor, action=actions.LOCKOUT_RELEASED, targets=[f"username:{username}"]):
        _require(actor, Capability.MANAGE_USERS, "release a lockout")
        user = User.objects.filter(username=username).first()
        if user is not None and actor.user.pk == user.pk:
            raise PolicyDenied(f"Nobody releases their own lockout: someone else who may release lockouts "
                               f"({who_may(Capability.MANAGE_USERS)}) releases yours.")
        with transaction.atomic():
            cleared = axes_reset(username=username)
            if not cleared:
                raise ApplicationError("That login name is not locked out.")
            targets = [f"user:{user.pk}"] if user else [f"username:{username}"]
            audit_record(actor=actor, action=actions.LOCKOUT_RELEASED, targets=targets, result_count=cleared)
        return cleared


def training_reminders_send(*, actor: Actor) -> int:
    """E-mail each active person whose training expires within the reminder period, once per expiry."""
    from accounts.selectors import training_reminders

    sent = 0
    for user in User.objects.filter(status=AccountStatus.ACTIVE).exclude(email=""):
        for state in training_reminders(user):
            try:
                with transaction.atomic():
                    TrainingReminder.objects.create(user=user, kind=state.kind, expires_on=state.expires_on)
                    audit_record(actor=actor, action=actions.TRAINING_REMINDER_SENT,
                                 targets=[f"user:{user.pk}"],
                                 query={"kind": state.kind, "expires_on": state.expires_on.isoformat()})
                    transaction.on_commit(lambda u=user, st=state: _send_reminder(u, st))
            except IntegrityError:
                continue  # already reminded about this expiry
            sent += 1
    return sent


def _send_reminder(user: User, state) -> None:
    send_mail(
        subject=f"Renew your {state.label} before {day_text(state.expires_on)}",
        message=(
            f"{user.full_name},\n\nYour {state.label} expires on {day_text(state.expires_on)}. "
            "After that date the ALPR system blocks your access to ALPR data until it is renewed. "
            "Ask the system administrator to record the renewal once you have completed it.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
