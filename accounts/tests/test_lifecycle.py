"""ACC-2 approval by the Chief, ACC-6 separation and inactivity, ACC-8 suspension, role changes."""
import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts import services
from accounts.models import AccountDecision, AccountStatus, User
from accounts.tasks import disable_inactive_accounts
from accounts.tests.helpers import act_as, audit_rows
from conftest import PASSWORD, UserFactory, confirmed_totp, current_code, sign_in
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Capability, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief():
    return UserFactory(role=Role.CHIEF)


@pytest.fixture
def pending():
    return UserFactory(status=AccountStatus.PENDING)


@pytest.mark.rule("ACC-2")
def test_the_chief_approves_one_account_and_the_approver_is_recorded(chief, pending):
    services.account_approve(actor=act_as(chief), user_id=pending.pk, reason="Hired 2026-11-01")
    pending.refresh_from_db()
    assert pending.status == AccountStatus.ACTIVE and pending.is_active
    decision = pending.decisions.get(kind=AccountDecision.Kind.APPROVED)
    assert decision.decided_by == chief and decision.reason == "Hired 2026-11-01"
    [row] = audit_rows("account.approved")
    assert row.outcome == "allowed" and row.actor_user == chief and row.targets == [f"user:{pending.pk}"]


@pytest.mark.rule("ACC-2")
def test_denial_needs_a_reason_and_is_recorded(chief, pending):
    with pytest.raises(ApplicationError):
        services.account_deny(actor=act_as(chief), user_id=pending.pk, reason="  ")
    services.account_deny(actor=act_as(chief), user_id=pending.pk, reason="Not on the roster")
    pending.refresh_from_db()
    assert pending.status == AccountStatus.DENIED
    assert pending.decisions.get(kind="denied").decided_by == chief
    assert [r.outcome for r in audit_rows("account.denied")] == ["failed", "allowed"]


@pytest.mark.rule("ACC-2")
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.DETECTIVE, Role.AUDITOR, Role.OVERSIGHT])
def test_nobody_but_the_chief_approves_and_the_refusal_is_audited(pending, role):
    someone = UserFactory(role=role)
    with pytest.raises(PolicyDenied):
        services.account_approve(actor=act_as(someone), user_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == AccountStatus.PENDING
    [row] = audit_rows("account.approved")
    assert row.outcome == "refused" and row.actor_user == someone and "Chief" in row.reason


@pytest.mark.rule("ACC-7")
def test_the_refusal_names_whoever_the_role_table_lets_approve(pending, regrant):
    regrant(Capability.APPROVE_USERS, Role.AUDITOR, Role.RECORDS)
    with pytest.raises(PolicyDenied, match=r"^Only auditors and the records supervisor may approve or deny "):
        services.account_approve(actor=act_as(UserFactory(role=Role.CHIEF)), user_id=pending.pk)
    [row] = audit_rows("account.approved")
    assert row.outcome == "refused" and "auditors and the records supervisor" in row.reason


@pytest.mark.rule("ACC-2")
def test_a_chief_cannot_approve_their_own_account(chief):
    chief.status = AccountStatus.PENDING
    chief.save()
    chief.status = AccountStatus.ACTIVE  # the in-memory actor still looks active, as in a race
    with pytest.raises(PolicyDenied, match="own account"):
        services.account_approve(actor=act_as(chief), user_id=chief.pk)
    chief.refresh_from_db()
    assert chief.status == AccountStatus.PENDING
    assert audit_rows("account.approved")[0].outcome == "refused"


@pytest.mark.rule("ACC-2")
def test_only_pending_accounts_are_approved(chief):
    suspended = UserFactory(status=AccountStatus.SUSPENDED)
    with pytest.raises(ApplicationError, match="not pending"):
        services.account_approve(actor=act_as(chief), user_id=suspended.pk)
    suspended.refresh_from_db()
    assert suspended.status == AccountStatus.SUSPENDED


def _open_session(make_verified_client, user):
    client = make_verified_client(user=user)
    assert client.get("/").status_code == 200
    return client


@pytest.mark.rule("ACC-6")
def test_separation_disables_in_one_action_and_ends_sessions(make_verified_client, chief):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    leaver = UserFactory()
    client = _open_session(make_verified_client, leaver)
    services.account_separate(actor=act_as(admin), user_id=leaver.pk, reason="Retired 2026-11-30")
    leaver.refresh_from_db()
    assert leaver.status == AccountStatus.SEPARATED and not leaver.is_active
    assert not Session.objects.filter(session_key=client.session.session_key).exists()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    [row] = audit_rows("account.separated")
    assert row.actor_user == admin and row.description == "Retired 2026-11-30" and row.result_count == 1


@pytest.mark.rule("ACC-8")
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.CHIEF])
def test_suspension_ends_access_at_once(make_verified_client, role):
    decider = UserFactory(role=role)
    violator = UserFactory()
    client = _open_session(make_verified_client, violator)
    services.account_suspend(actor=act_as(decider), user_id=violator.pk, reason="Search for a neighbour")
    violator.refresh_from_db()
    assert violator.status == AccountStatus.SUSPENDED and not violator.can("search_plates")
    assert client.get("/accounts/me/").status_code == 302
    assert violator.decisions.get(kind="suspended").reason == "Search for a neighbour"
    [row] = audit_rows("account.suspended")
    assert row.outcome == "allowed" and row.actor_user == decider


@pytest.mark.rule("ACC-8")
def test_suspension_needs_a_reason_and_the_right_role():
    officer, target = UserFactory(), UserFactory()
    with pytest.raises(PolicyDenied):
        services.account_suspend(actor=act_as(officer), user_id=target.pk, reason="grudge")
    admin = UserFactory(role=Role.ADMINISTRATOR)
    with pytest.raises(ApplicationError, match="reason"):
        services.account_suspend(actor=act_as(admin), user_id=target.pk, reason="")
    target.refresh_from_db()
    assert target.status == AccountStatus.ACTIVE
    assert [r.outcome for r in audit_rows("account.suspended")] == ["refused", "failed"]


@pytest.mark.rule("ACC-8")
def test_a_suspended_user_cannot_sign_in_and_only_the_chief_reinstates(client, chief):
    from conftest import PASSWORD

    violator = UserFactory(status=AccountStatus.SUSPENDED)
    response = client.post("/accounts/login/", {"username": violator.username, "password": PASSWORD,
                                                "notice_acknowledged": "on"})
    assert response.status_code == 403 and b"suspended" in response.content
    admin = UserFactory(role=Role.ADMINISTRATOR)
    with pytest.raises(PolicyDenied):
        services.account_reinstate(actor=act_as(admin), user_id=violator.pk, reason="Reviewed")
    services.account_reinstate(actor=act_as(chief), user_id=violator.pk, reason="Reviewed, cleared")
    violator.refresh_from_db()
    assert violator.status == AccountStatus.ACTIVE
    assert [r.outcome for r in audit_rows("account.reinstated")] == ["refused", "allowed"]


@pytest.mark.rule("ACC-2")
@pytest.mark.rule("ACC-7")
def test_a_role_change_returns_the_account_to_pending(make_verified_client):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    officer = UserFactory()
    client = make_verified_client(user=officer)
    services.account_change_role(actor=act_as(admin), user_id=officer.pk, role=Role.DETECTIVE,
                                 reason="Promoted")
    officer.refresh_from_db()
    assert officer.role == Role.DETECTIVE and officer.status == AccountStatus.PENDING
    assert client.get("/").status_code == 302
    [row] = audit_rows("account.role_changed")
    assert row.query == {"from": "officer", "to": "detective"}


@pytest.mark.rule("ACC-2")
@pytest.mark.rule("ACC-6")
@pytest.mark.parametrize("status", [AccountStatus.SEPARATED, AccountStatus.DENIED, AccountStatus.SUSPENDED,
                                    AccountStatus.INACTIVE])
def test_a_role_change_does_not_reopen_a_closed_account(status):
    # Tried: the administrator changed the role of a separated officer (reinstatement refuses separated
    # accounts); the change put the account in the Chief's approval queue like a new hire, and the
    # approval made it active again. The same undid a denial.
    admin = UserFactory(role=Role.ADMINISTRATOR)
    closed = UserFactory(status=status)
    with pytest.raises(ApplicationError, match="only an active or pending account's role"):
        services.account_change_role(actor=act_as(admin), user_id=closed.pk, role=Role.DETECTIVE,
                                     reason="Reorganisation of the division")
    closed.refresh_from_db()
    assert (closed.status, closed.role) == (status, Role.OFFICER)
    assert [r.outcome for r in audit_rows("account.role_changed")] == ["failed"]


@pytest.mark.rule("ACC-6")
def test_the_nightly_task_disables_accounts_unused_for_90_days():
    now = timezone.now()
    stale = UserFactory(last_login=now - timezone.timedelta(days=91))
    recent = UserFactory(last_login=now - timezone.timedelta(days=89))
    never = UserFactory(last_login=None, status_changed_at=now - timezone.timedelta(days=95))
    new = UserFactory(last_login=None, status_changed_at=now - timezone.timedelta(days=3))

    assert disable_inactive_accounts() == 2

    for person, status in [(stale, "inactive"), (never, "inactive"), (recent, "active"), (new, "active")]:
        person.refresh_from_db()
        assert person.status == status, person
    rows = audit_rows("account.disabled_inactive")
    assert {r.targets[0] for r in rows} == {f"user:{stale.pk}", f"user:{never.pk}"}
    assert all(r.actor_type == "system" and r.actor_label == "scheduler" for r in rows)
    assert disable_inactive_accounts() == 0  # idempotent


@pytest.mark.rule("ACC-6", "ACC-2")
def test_inactivity_never_disables_the_only_active_chief():
    """Tried: the only Chief away for 120 days. Disabled, nobody could reinstate them (only a Chief
    reinstates) nor approve anyone again; kept active and flagged instead, and a second Chief's
    approval lets the rule apply again."""
    chief = UserFactory(role=Role.CHIEF, last_login=timezone.now() - timezone.timedelta(days=120))
    assert disable_inactive_accounts() == 0
    chief.refresh_from_db()
    assert chief.status == AccountStatus.ACTIVE
    [kept] = audit_rows("account.disabled_inactive")
    assert kept.outcome == "refused" and kept.flagged and "only active chief" in kept.reason
    UserFactory(role=Role.CHIEF)
    assert disable_inactive_accounts() == 1
    chief.refresh_from_db()
    assert chief.status == AccountStatus.INACTIVE


@pytest.mark.rule("ACC-6")
def test_the_inactivity_period_comes_from_the_policy():
    from policy.selectors import current_policy

    policy = current_policy()
    policy.inactivity_days = 30
    policy.save()
    person = UserFactory(last_login=timezone.now() - timezone.timedelta(days=31))
    assert disable_inactive_accounts() == 1
    person.refresh_from_db()
    assert person.status == AccountStatus.INACTIVE


@pytest.mark.rule("ACC-6")
def test_an_account_never_used_since_creation_is_disabled_too():
    person = UserFactory(last_login=None, status_changed_at=None,
                         date_joined=timezone.now() - timezone.timedelta(days=120))
    assert disable_inactive_accounts() == 1
    person.refresh_from_db()
    assert person.status == AccountStatus.INACTIVE


def _dormant(days: int = 120):
    person = UserFactory()
    User.objects.filter(pk=person.pk).update(last_login=timezone.now() - timezone.timedelta(days=days))
    return person


@pytest.mark.rule("ACC-6")
def test_a_password_without_the_second_factor_does_not_count_as_a_sign_in(client):
    """Tried: the password of a dormant account, never followed by a code: it restarted the inactivity
    clock, and the nightly job left the account active."""
    person = _dormant()
    confirmed_totp(person)
    response = client.post("/accounts/login/", {"username": person.username, "password": PASSWORD,
                                                "notice_acknowledged": "on"})
    assert response.status_code == 302
    services.accounts_disable_inactive(actor=act_as(UserFactory(role=Role.ADMINISTRATOR)))
    person.refresh_from_db()
    assert person.status == AccountStatus.INACTIVE


@pytest.mark.rule("ACC-6")
@pytest.mark.parametrize("second_factor", ["code", "enrolment"])
def test_a_completed_sign_in_restarts_the_inactivity_clock(client, second_factor):
    person = _dormant(days=80)
    if second_factor == "code":
        sign_in(client, person)
    else:
        client.post("/accounts/login/", {"username": person.username, "password": PASSWORD,
                                         "notice_acknowledged": "on"})
        client.get("/accounts/mfa/setup/")
        client.post("/accounts/mfa/setup/", {"token": current_code(person.totpdevice_set.get())})
    person.refresh_from_db()
    assert timezone.now() - person.last_login < timezone.timedelta(minutes=1)


@pytest.mark.rule("ACC-2")
@pytest.mark.rule("ACC-7")
def test_nobody_changes_their_own_role():
    """Tried: the administrator changed their own role (to Chief), one approval from holding both."""
    admin = UserFactory(role=Role.ADMINISTRATOR)
    with pytest.raises(PolicyDenied, match="own role"):
        services.account_change_role(actor=act_as(admin), user_id=admin.pk, role=Role.CHIEF, reason="self")
    admin.refresh_from_db()
    assert (admin.role, admin.status) == (Role.ADMINISTRATOR, AccountStatus.ACTIVE)
    assert audit_rows("account.role_changed")[0].outcome == "refused"


def _change_chiefs_role(admin, chief):
    services.account_change_role(actor=act_as(admin), user_id=chief.pk, role=Role.CHIEF, reason="routine")


def _suspend_chief(admin, chief):
    services.account_suspend(actor=act_as(admin), user_id=chief.pk, reason="Misuse")


def _separate_chief(admin, chief):
    services.account_separate(actor=act_as(admin), user_id=chief.pk, reason="Retired")


@pytest.mark.rule("ACC-2")
@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("decision", [_change_chiefs_role, _suspend_chief, _separate_chief])
def test_the_only_active_chief_is_not_taken_out_of_use(chief, decision, pending):
    """Tried: the administrator changed the only Chief's role (so the Chief was pending, and nobody could
    approve anyone, the Chief included), or suspended or separated the only Chief."""
    admin = UserFactory(role=Role.ADMINISTRATOR)
    with pytest.raises(ApplicationError, match="only active chief of police"):
        decision(admin, chief)
    chief.refresh_from_db()
    assert (chief.role, chief.status) == (Role.CHIEF, AccountStatus.ACTIVE)
    services.account_approve(actor=act_as(chief), user_id=pending.pk)  # the queue still moves


@pytest.mark.rule("ACC-7")
def test_a_chief_is_taken_out_of_use_while_another_is_active(chief):
    admin, deputy = UserFactory(role=Role.ADMINISTRATOR), UserFactory(role=Role.CHIEF)
    _change_chiefs_role(admin, chief)
    chief.refresh_from_db()
    assert chief.status == AccountStatus.PENDING
    services.account_approve(actor=act_as(deputy), user_id=chief.pk)
    _suspend_chief(admin, chief)
    chief.refresh_from_db()
    assert chief.status == AccountStatus.SUSPENDED
