"""ACC-9: idle and absolute timeouts on the server, a real logout, and trusted networks only; ACC-6: every
session is on its person's list, so ending them all misses none."""
import pytest
from django.contrib.sessions.models import Session

from accounts import services
from accounts.events import SESSION_LAST_SEEN, SESSION_STARTED
from accounts.models import UserSession
from accounts.tests.helpers import act_as, audit_rows
from conftest import PASSWORD, UserFactory, confirmed_totp, current_code
from policy.roles import Role
from policy.selectors import current_policy

pytestmark = pytest.mark.django_db


def _age(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def _thrown_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.rule("ACC-9")
def test_an_idle_session_ends_after_30_minutes(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    key = client.session.session_key
    _age(client, SESSION_LAST_SEEN, 29 * 60)
    assert client.get("/accounts/me/").status_code == 200  # 29 minutes: still there, and seen again now
    _age(client, SESSION_LAST_SEEN, 31 * 60)
    response = client.get("/accounts/me/")
    assert _thrown_out(response)
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/accounts/me/", follow=True).status_code == 200  # the login page
    [row] = audit_rows("auth.session_expired")
    assert row.actor_user == client.user and "30 minutes" in row.reason


@pytest.mark.rule("ACC-9")
def test_background_polling_does_not_keep_an_idle_session_alive(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    _age(client, SESSION_LAST_SEEN, 20 * 60)
    client.get("/accounts/me/", headers={"X-ALPR-Background": "1"})  # e.g. the alert feed's poll
    _age(client, SESSION_LAST_SEEN, 11 * 60)  # 31 minutes since the person last did anything
    assert _thrown_out(client.get("/accounts/me/"))


@pytest.mark.rule("ACC-9")
def test_the_idle_limit_follows_the_policy(make_verified_client):
    policy = current_policy()
    policy.session_idle_minutes = 5
    policy.save()
    client = make_verified_client(Role.OFFICER)
    _age(client, SESSION_LAST_SEEN, 6 * 60)
    assert _thrown_out(client.get("/"))


@pytest.mark.rule("ACC-9")
def test_no_session_lasts_more_than_12_hours_even_when_active(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    _age(client, SESSION_STARTED, 11 * 3600)
    assert client.get("/").status_code == 200
    _age(client, SESSION_STARTED, 1 * 3600 + 60)
    assert _thrown_out(client.get("/"))
    assert "12 hours" in audit_rows("auth.session_expired")[0].reason


@pytest.mark.rule("ACC-9")
def test_sign_in_issues_a_new_session_id(client):
    user = UserFactory()
    device = confirmed_totp(user)
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                     "notice_acknowledged": "on"})
    client.post("/accounts/verify/", {"token": current_code(device)})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.rule("ACC-9")
def test_logout_deletes_the_session_on_the_server(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    key = client.session.session_key
    stolen = client.cookies["sessionid"].value
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = stolen  # replaying the old cookie gets nothing
    assert _thrown_out(client.get("/accounts/me/"))
    assert audit_rows("auth.logout", actor_user=client.user)


@pytest.fixture
def trusted_only():
    policy = current_policy()
    policy.restrict_to_trusted_networks = True
    policy.trusted_networks = ["10.20.0.0/16"]
    policy.save()


@pytest.mark.rule("ACC-9")
def test_sign_in_from_outside_the_trusted_networks_is_refused(client, trusted_only):
    user = UserFactory()
    confirmed_totp(user)
    assert client.get("/accounts/login/", REMOTE_ADDR="192.0.2.7").status_code == 200
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                                "notice_acknowledged": "on"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 403 and b"department devices" in response.content
    assert "_auth_user_id" not in client.session
    [row] = audit_rows("auth.untrusted_network")
    assert row.outcome == "refused" and row.client_ip == "192.0.2.7"
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                                "notice_acknowledged": "on"}, REMOTE_ADDR="10.20.4.9")
    assert response.status_code == 302


@pytest.mark.rule("ACC-9")
def test_a_session_used_from_outside_the_trusted_networks_is_refused(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    policy = current_policy()
    policy.restrict_to_trusted_networks = True
    policy.trusted_networks = ["10.20.0.0/16"]
    policy.save()
    assert client.get("/accounts/me/", REMOTE_ADDR="10.20.0.3").status_code == 200
    response = client.get("/accounts/me/", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 403 and b"department devices" in response.content
    [row] = audit_rows("auth.untrusted_network")
    assert row.targets == ["/accounts/me/"] and row.actor_user == client.user
    assert client.get("/policy/", REMOTE_ADDR="192.0.2.7").status_code == 403


NEW_PASSWORD = "Another-Plate-Passphrase-2027"


def _change_password(client) -> None:
    response = client.post("/accounts/me/password/", {"current": PASSWORD, "new": NEW_PASSWORD,
                                                      "new_confirm": NEW_PASSWORD})
    assert response.status_code == 302


@pytest.mark.rule("ACC-6")
def test_changing_the_password_keeps_the_session_on_the_list(make_verified_client):
    """Tried: a password change gave the session a new key, and the list kept only the old one."""
    client = make_verified_client(Role.OFFICER)
    _change_password(client)
    key = client.cookies["sessionid"].value
    assert list(UserSession.objects.filter(user=client.user).values_list("session_key", flat=True)) == [key]
    assert client.get("/accounts/me/").status_code == 200


def _suspend(person):
    services.account_suspend(actor=act_as(UserFactory(role=Role.CHIEF)), user_id=person.pk, reason="Misuse")


def _separate(person):
    services.account_separate(actor=act_as(UserFactory(role=Role.ADMINISTRATOR)), user_id=person.pk,
                              reason="Retired")


def _change_role_and_approve(person):
    services.account_change_role(actor=act_as(UserFactory(role=Role.ADMINISTRATOR)), user_id=person.pk,
                                 role=Role.DETECTIVE, reason="Promoted")
    services.account_approve(actor=act_as(UserFactory(role=Role.CHIEF)), user_id=person.pk)


@pytest.mark.rule("ACC-6")
@pytest.mark.rule("ACC-7")
@pytest.mark.rule("ACC-8")
@pytest.mark.parametrize("decision", [_suspend, _separate, _change_role_and_approve])
def test_a_session_that_changed_its_password_ends_with_the_others(make_verified_client, decision):
    """Tried: a password change, then a role change and the Chief's approval: the session went on as a
    detective, second factor still passed, without signing in again."""
    client = make_verified_client(Role.OFFICER)
    _change_password(client)
    decision(client.user)
    assert _thrown_out(client.get("/accounts/me/"))


@pytest.mark.rule("ACC-6")
def test_a_session_missing_from_the_list_is_ended(make_verified_client):
    """Tried: a session whose row on the list was gone (its key rotated by some other path) still
    answered."""
    client = make_verified_client(Role.OFFICER)
    UserSession.objects.filter(user=client.user).delete()
    assert _thrown_out(client.get("/accounts/me/"))
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
    assert audit_rows("auth.session_expired", actor_user=client.user)[0].reason == "This session was ended."
