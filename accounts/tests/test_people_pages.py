"""The administrator's and the Chief's pages drive the same audited services."""
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import AccountStatus, TrainingKind, TrainingRecord, User
from accounts.selectors import ensure_alpr_access
from accounts.tests.helpers import act_as, audit_rows
from conftest import PASSWORD, UserFactory
from core.errors import PolicyDenied
from policy.roles import Role
from policy.selectors import current_policy

pytestmark = pytest.mark.django_db

NEW = {"full_name": "Julia Rivera", "badge_number": "4471", "username": "jrivera",
       "email": "jrivera@police.example.org", "role": Role.OFFICER, "password": PASSWORD,
       "password_confirm": PASSWORD}


@pytest.mark.rule("ACC-1")
def test_the_create_page_refuses_a_shared_identity_with_the_reason(make_verified_client):
    client = make_verified_client(Role.ADMINISTRATOR)
    response = client.post("/accounts/people/new/", {**NEW, "username": "patrol"})
    assert response.status_code == 400
    assert "shared or generic identity" in response.content.decode()
    assert b'role="alert"' in response.content
    assert not User.objects.filter(username="patrol").exists()


@pytest.mark.rule("ACC-2")
def test_a_created_account_shows_as_pending(make_verified_client):
    client = make_verified_client(Role.ADMINISTRATOR)
    response = client.post("/accounts/people/new/", NEW, follow=True)
    assert response.status_code == 200
    assert "Pending the Chief" in response.content.decode()
    assert User.objects.get(username="jrivera").status == AccountStatus.PENDING


@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize(("role", "url"), [(Role.OFFICER, "/accounts/people/"),
                                           (Role.CHIEF, "/accounts/people/new/"),
                                           (Role.ANALYST, "/accounts/approvals/"),
                                           (Role.ADMINISTRATOR, "/accounts/approvals/"),
                                           (Role.DETECTIVE, "/policy/edit/"), (Role.CHIEF, "/policy/edit/")])
def test_pages_are_refused_to_roles_without_the_capability_and_audited(make_verified_client, role, url):
    client = make_verified_client(role)
    response = client.get(url)
    assert response.status_code == 403
    [row] = audit_rows("auth.page_refused")
    assert row.outcome == "refused" and row.targets == [url] and row.actor_user == client.user


@pytest.mark.rule("ACC-7")
def test_the_navigation_shows_only_what_the_role_may_use(make_verified_client):
    officer = make_verified_client(Role.OFFICER).get("/").content.decode()
    assert "My account" in officer and "Approvals" not in officer and "People" not in officer
    chief = make_verified_client(Role.CHIEF).get("/").content.decode()
    assert "Approvals" in chief and "Locked accounts" not in chief
    admin = make_verified_client(Role.ADMINISTRATOR).get("/").content.decode()
    assert "Locked accounts" in admin and "Approvals" not in admin


def test_the_people_list_filters_by_status_role_and_name(make_verified_client):
    client = make_verified_client(Role.ADMINISTRATOR)
    UserFactory(full_name="Ana Pending Ortiz", status=AccountStatus.PENDING, role=Role.DISPATCHER)
    UserFactory(full_name="Bo Active Li", role=Role.DISPATCHER)
    page = client.get("/accounts/people/", {"status": "pending"}).content.decode()
    assert "Ana Pending Ortiz" in page and "Bo Active Li" not in page
    page = client.get("/accounts/people/", {"search": "active li", "role": "dispatcher"}).content.decode()
    assert "Bo Active Li" in page and "Ana Pending Ortiz" not in page


@pytest.mark.rule("ACC-2")
def test_the_chief_approves_and_denies_from_the_queue(make_verified_client):
    client = make_verified_client(Role.CHIEF)
    first = UserFactory(status=AccountStatus.PENDING)
    second = UserFactory(status=AccountStatus.PENDING)
    assert first.full_name in client.get("/accounts/approvals/").content.decode()
    client.post(f"/accounts/people/{first.pk}/decide/", {"decision": "approve", "reason": "",
                                                         "role": first.role})
    response = client.post(f"/accounts/people/{second.pk}/decide/", {"decision": "deny", "reason": ""},
                           follow=True)
    assert "A reason is required" in response.content.decode()
    client.post(f"/accounts/people/{second.pk}/decide/", {"decision": "deny", "reason": "Not hired"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (AccountStatus.ACTIVE, AccountStatus.DENIED)
    assert first.decisions.get(kind="approved").decided_by == client.user


@pytest.mark.rule("ACC-2")
def test_an_administrator_posting_an_approval_is_refused_and_audited(make_verified_client):
    client = make_verified_client(Role.ADMINISTRATOR)
    pending = UserFactory(status=AccountStatus.PENDING)
    response = client.post(f"/accounts/people/{pending.pk}/decide/",
                           {"decision": "approve", "role": pending.role})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == AccountStatus.PENDING
    [row] = audit_rows("account.approved")
    assert row.outcome == "refused" and row.actor_user == client.user


@pytest.mark.rule("ACC-8")
def test_suspend_is_one_click_and_a_confirmation_with_a_reason(make_verified_client):
    admin = make_verified_client(Role.ADMINISTRATOR)
    violator = UserFactory()
    victim_session = make_verified_client(user=violator)
    page = admin.get(f"/accounts/people/{violator.pk}/").content.decode()
    assert f"/accounts/people/{violator.pk}/suspend/" in page
    confirm = admin.get(f"/accounts/people/{violator.pk}/suspend/")
    assert b"Every session of this person ends" in confirm.content
    assert admin.post(f"/accounts/people/{violator.pk}/suspend/", {"reason": ""}).status_code == 400
    response = admin.post(f"/accounts/people/{violator.pk}/suspend/", {"reason": "Personal search"},
                          follow=True)
    assert "Access suspended" in response.content.decode()
    assert victim_session.get("/").status_code == 302


@pytest.mark.rule("ACC-6")
def test_separation_from_the_detail_page(make_verified_client):
    chief = make_verified_client(Role.CHIEF)
    leaver = UserFactory()
    chief.post(f"/accounts/people/{leaver.pk}/separate/", {"reason": "Resigned"})
    leaver.refresh_from_db()
    assert leaver.status == AccountStatus.SEPARATED
    assert "Separated" in chief.get(f"/accounts/people/{leaver.pk}/").content.decode()


@pytest.mark.rule("ACC-5")
def test_training_is_recorded_from_the_detail_page(make_verified_client):
    admin = make_verified_client(Role.ADMINISTRATOR)
    person = UserFactory(trained=False)
    response = admin.post(f"/accounts/people/{person.pk}/training/", {
        "training-kind": "alpr_training", "training-completed_on": "2026-01-05",
        "training-reference": "ALPR-101"}, follow=True)
    assert "Training recorded" in response.content.decode()
    assert person.training_records.get().reference == "ALPR-101"
    response = admin.post(f"/accounts/people/{person.pk}/training/", {
        "training-kind": "alpr_training", "training-completed_on": "2999-01-05", "training-reference": "x"})
    assert response.status_code == 400 and b"cannot be in the future" in response.content


@pytest.mark.rule("ACC-2")
def test_a_role_change_from_the_page_returns_the_account_to_pending(make_verified_client):
    admin = make_verified_client(Role.ADMINISTRATOR)
    person = UserFactory()
    admin.post(f"/accounts/people/{person.pk}/role/", {"role": Role.DETECTIVE, "reason": "Promotion"})
    person.refresh_from_db()
    assert (person.role, person.status) == (Role.DETECTIVE, AccountStatus.PENDING)


@pytest.mark.rule("ACC-8")
def test_the_chief_reinstates_from_the_queue(make_verified_client):
    chief = make_verified_client(Role.CHIEF)
    person = UserFactory(status=AccountStatus.SUSPENDED, status_reason="Review")
    assert person.full_name in chief.get("/accounts/approvals/").content.decode()
    chief.post(f"/accounts/people/{person.pk}/reinstate/", {"reason": "Cleared by review"})
    person.refresh_from_db()
    assert person.status == AccountStatus.ACTIVE


@pytest.mark.rule("ACC-5")
@pytest.mark.rule("ACC-2")
def test_the_chief_sees_expired_training_before_approving_and_is_warned_after(make_verified_client):
    """Tried: approving a detective whose ALPR training lapsed over a month ago. Approval is the Chief's
    (ACC-2) and the training gate, not the approval, keeps the person from ALPR data (ACC-5): the queue
    shows the lapse, approving says so, and the approved account still reaches no plate read."""
    chief = make_verified_client(Role.CHIEF)
    lapsed = UserFactory(full_name="Lee Lapsed Park", status=AccountStatus.PENDING, role=Role.DETECTIVE,
                         trained=False)
    completed = timezone.localdate() - timedelta(days=current_policy().training_validity_days + 35)
    for kind in (TrainingKind.ALPR_TRAINING, TrainingKind.POLICY_SIGNOFF):
        TrainingRecord.objects.create(user=lapsed, kind=kind, completed_on=completed, reference="Course",
                                      recorded_by=chief.user)
    current = UserFactory(full_name="Cam Current Diaz", status=AccountStatus.PENDING, role=Role.DETECTIVE)
    queue = chief.get("/accounts/approvals/").content.decode()
    lapsed_row = queue[queue.index("Lee Lapsed Park"):queue.index("</tr>", queue.index("Lee Lapsed Park"))]
    expired_on = completed + timedelta(days=current_policy().training_validity_days)
    assert "Blocks ALPR data" in lapsed_row and f"expired on {expired_on:%Y-%m-%d}" in lapsed_row
    assert f'aria-describedby="training-{lapsed.pk}"' in lapsed_row
    current_row = queue[queue.index("Cam Current Diaz"):queue.index("</tr>", queue.index("Cam Current Diaz"))]
    assert "Current" in current_row and "Blocks ALPR data" not in current_row

    response = chief.post(f"/accounts/people/{lapsed.pk}/decide/", {"decision": "approve", "reason": "",
                                                                   "role": lapsed.role},
                          follow=True)
    assert "approved, but their training blocks all access to ALPR data" in response.content.decode()
    lapsed.refresh_from_db()
    assert lapsed.status == AccountStatus.ACTIVE
    with pytest.raises(PolicyDenied, match="blocked"):
        ensure_alpr_access(lapsed)
    response = chief.post(f"/accounts/people/{current.pk}/decide/", {"decision": "approve", "reason": "",
                                                                    "role": current.role},
                          follow=True)
    assert "Cam Current Diaz&#x27;s account is approved." in response.content.decode()


@pytest.mark.rule("ACC-2")
@pytest.mark.parametrize("page", ["/accounts/approvals/", "detail"])
def test_the_chief_approves_the_role_shown_not_one_changed_since(make_verified_client, page):
    """Tried: the Chief opened the queue showing an officer; meanwhile the administrator changed the
    role to administrator; the Chief's Approve activated an administrator."""
    admin = UserFactory(role=Role.ADMINISTRATOR)
    chief = make_verified_client(Role.CHIEF)
    person = UserFactory(full_name="Julia Rivera", status=AccountStatus.PENDING, role=Role.OFFICER)
    url = page if page != "detail" else f"/accounts/people/{person.pk}/"
    shown = chief.get(url).content.decode()
    assert '<input type="hidden" name="role" value="officer">' in shown
    services.account_change_role(actor=act_as(admin), user_id=person.pk, role=Role.ADMINISTRATOR,
                                 reason="Changed while the Chief reads the queue")
    response = chief.post(f"/accounts/people/{person.pk}/decide/",
                          {"decision": "approve", "reason": "", "role": "officer"}, follow=True)
    assert "The role was changed since the page was shown" in response.content.decode()
    person.refresh_from_db()
    assert (person.status, person.role) == (AccountStatus.PENDING, Role.ADMINISTRATOR)
    assert audit_rows("account.approved")[0].outcome == "failed"
    # Reviewed again, as an administrator: approved.
    chief.post(f"/accounts/people/{person.pk}/decide/", {"decision": "approve", "reason": "",
                                                         "role": "administrator"})
    person.refresh_from_db()
    assert person.status == AccountStatus.ACTIVE
