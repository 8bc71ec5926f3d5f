"""ACC-3: a second factor on every sign-in; TOTP and backup codes each work once."""
import threading
from datetime import timedelta

import django_otp
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import events, mfa, services
from accounts.selectors import locked_out_accounts
from accounts.tests.helpers import act_as, audit_rows
from conftest import PASSWORD, UserFactory, confirmed_totp, current_code
from core.errors import PolicyDenied
from policy.roles import Role
from policy.selectors import current_policy

pytestmark = pytest.mark.django_db

# Every page of this slice; each must refuse a session that has only passed the password.
ACCOUNT_PAGES = ["/", "/accounts/me/", "/accounts/me/password/", "/accounts/me/backup-codes/",
                 "/accounts/people/", "/accounts/people/new/", "/accounts/approvals/", "/accounts/lockouts/",
                 "/policy/", "/policy/edit/"]


def _password_only(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                                "notice_acknowledged": "on"})
    assert response.status_code == 302


def _shown_device(client, user) -> TOTPDevice:
    """Open the enrolment page in `client`; return the new authenticator it shows."""
    page = client.get("/accounts/mfa/setup/")
    assert page.status_code == 200
    [device] = [device for device in TOTPDevice.objects.filter(user=user, confirmed=False)
                if mfa.totp_secret_base32(device).encode() in page.content]
    return device


@pytest.mark.rule("ACC-3")
@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_no_account_page_answers_a_session_without_the_second_factor(client, url):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    confirmed_totp(admin)
    _password_only(client, admin)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/accounts/verify/"
    assert client.post(url, {}).status_code == 302


@pytest.mark.rule("ACC-3")
def test_the_notice_must_be_acknowledged_at_each_sign_in(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 400 and b"system-use notice" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.rule("ACC-3")
def test_a_person_without_an_authenticator_must_enrol_one(client):
    user = UserFactory()
    _password_only(client, user)
    assert client.get("/accounts/me/")["Location"] == "/accounts/verify/"
    assert client.get("/accounts/verify/")["Location"] == "/accounts/mfa/setup/"
    device = _shown_device(client, user)
    assert device.tolerance == 0
    response = client.post("/accounts/mfa/setup/", {"token": current_code(device)})
    assert response.status_code == 200 and b"backup codes" in response.content
    assert client.get("/accounts/me/").status_code == 200
    assert audit_rows("auth.mfa_enrolled", actor_user=user)


@pytest.mark.rule("ACC-3")
@pytest.mark.rule("ACC-4")
def test_a_locked_account_does_not_finish_enrolling_and_sign_in(client):
    """Tried: the password entered before the account was locked elsewhere, then the first code of a
    new authenticator: it signed in and its reset released the lockout."""
    user = UserFactory()
    _password_only(client, user)
    device = _shown_device(client, user)
    elsewhere = Client()
    for _ in range(5):
        elsewhere.post("/accounts/login/", {"username": user.username, "password": "wrong-password-here",
                                            "notice_acknowledged": "on"})
    response = client.post("/accounts/mfa/setup/", {"token": current_code(device)})
    assert response.status_code == 403 and b"Account locked" in response.content
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert not device.confirmed and not audit_rows("auth.mfa_ok", actor_user=user)
    assert [lock.username for lock in locked_out_accounts()] == [user.username]


@pytest.mark.rule("ACC-3")
def test_a_backup_code_works_once(client):
    user = UserFactory()
    confirmed_totp(user)
    codes = mfa.backup_codes_issue(actor=act_as(user))
    _password_only(client, user)
    assert client.post("/accounts/verify/", {"token": codes[0]}).status_code == 302
    assert client.get("/accounts/me/").status_code == 200
    client.post("/accounts/logout/")
    _password_only(client, user)
    assert client.post("/accounts/verify/", {"token": codes[0]}).status_code == 200
    assert client.get("/accounts/me/").status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == len(codes) - 1
    assert [r.outcome for r in audit_rows("auth.mfa_ok", actor_user=user)] == ["allowed"]
    assert len(audit_rows("auth.mfa_failed", actor_user=user)) == 1


@pytest.mark.rule("ACC-3")
def test_regenerating_backup_codes_needs_a_current_authenticator_code(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    user = client.user
    old = mfa.backup_codes_issue(actor=act_as(user))
    response = client.post("/accounts/me/backup-codes/", {"token": "000000"})
    assert response.status_code == 400 and b"wrong" in response.content
    assert StaticToken.objects.filter(device__user=user, token=old[0]).exists()
    with pytest.raises(PolicyDenied):
        mfa.backup_codes_regenerate(actor=act_as(user), totp_code="123456")
    refused = [r for r in audit_rows("auth.backup_codes_issued", actor_user=user) if r.outcome == "refused"]
    assert len(refused) == 2


@pytest.mark.rule("ACC-3")
def test_regenerated_backup_codes_replace_the_old_ones(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    user = client.user
    old = mfa.backup_codes_issue(actor=act_as(user))
    device = user.totpdevice_set.get()
    device.last_t = -1  # the sign-in used this step's code; regeneration needs a fresh one
    device.save()
    response = client.post("/accounts/me/backup-codes/", {"token": current_code(device)})
    assert response.status_code == 200
    new_codes = response.context["codes"]
    assert len(new_codes) == mfa.BACKUP_CODE_COUNT
    assert not StaticToken.objects.filter(device__user=user, token__in=old).exists()


@pytest.mark.rule("ACC-3")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["authenticator", "backup"])
def test_one_code_completes_only_one_of_two_concurrent_sign_ins(monkeypatch, kind):
    """Tried: two browsers past the password send the same code at once (an authenticator code, or a
    backup code). Both loaded the device before either saved it, and both were signed in."""
    user = UserFactory()
    device = confirmed_totp(user)
    clients = [Client(), Client()]
    for each in clients:
        _password_only(each, user)
    code = current_code(device) if kind == "authenticator" else mfa.backup_codes_issue(actor=act_as(user))[0]
    # Each request lists the devices, then waits for the other before checking the code: the race,
    # made certain.
    barrier = threading.Barrier(2, timeout=10)

    def devices_after_both_loaded(*args, **kwargs):
        devices = list(django_otp.devices_for_user(*args, **kwargs))
        barrier.wait()
        return devices

    monkeypatch.setattr(events, "devices_for_user", devices_after_both_loaded)

    def post(each):
        each.post("/accounts/verify/", {"token": code})
        connection.close()

    threads = [threading.Thread(target=post, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [each.get("/accounts/me/").status_code for each in clients].count(200) == 1
    assert len(audit_rows("auth.mfa_ok", actor_user=user)) == 1


@pytest.mark.rule("ACC-3")
@pytest.mark.rule("ACC-4")
def test_an_authenticator_key_shown_to_one_session_is_never_the_one_another_confirms():
    """Tried: someone signs in with the person's password, only looks at the enrolment page and leaves;
    the person then signs in and enrolled the very key the first one had seen (and kept)."""
    user = UserFactory()
    onlooker = Client()
    _password_only(onlooker, user)
    seen = _shown_device(onlooker, user)
    owner = Client()
    _password_only(owner, user)
    own = _shown_device(owner, user)
    assert own.bin_key != seen.bin_key
    # A code of the key the onlooker saw does not confirm the owner's enrolment.
    assert b"does not match" in owner.post("/accounts/mfa/setup/", {"token": current_code(seen)}).content
    # django-otp holds the next try back a second after a wrong code; no need to wait for it here.
    TOTPDevice.objects.filter(pk=own.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = owner.post("/accounts/mfa/setup/", {"token": current_code(own)})
    assert b"backup codes" in response.content
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [own.pk]  # seen is gone
    assert owner.get("/accounts/me/").status_code == 200


@pytest.mark.rule("ACC-3")
def test_an_unconfirmed_key_older_than_any_session_is_forgotten(client):
    """Tried: enrolment pages opened and abandoned: each left an unconfirmed key behind."""
    user = UserFactory()
    abandoned = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    hours = current_policy().session_absolute_hours
    TOTPDevice.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - timedelta(hours=hours + 1))
    _password_only(client, user)
    shown = _shown_device(client, user)
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [shown.pk]


@pytest.mark.rule("ACC-3")
@pytest.mark.rule("ACC-4")
def test_the_administrators_initial_password_is_replaced_before_the_second_factor_is_enrolled(client):
    """Tried: the administrator, who set the initial password, signs in with it before the person does
    and enrols an authenticator of their own: the second factor was theirs too."""
    admin, chief = UserFactory(role=Role.ADMINISTRATOR), UserFactory(role=Role.CHIEF)
    initial = "Initial-Passphrase-Set-By-Admin-1"
    person = services.account_create(actor=act_as(admin), username="jrivera", full_name="Julia Rivera",
                                     badge_number="4471", role=Role.OFFICER,
                                     email="jrivera@police.example.org", password=initial)
    services.account_approve(actor=act_as(chief), user_id=person.pk)
    response = client.post("/accounts/login/", {"username": "jrivera", "password": initial,
                                                "notice_acknowledged": "on"})
    assert response.status_code == 302
    for url in ("/accounts/mfa/setup/", "/accounts/verify/", "/accounts/me/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/me/password/", url
    assert client.post("/accounts/mfa/setup/", {"token": "123456"})["Location"] == "/accounts/me/password/"
    assert not TOTPDevice.objects.filter(user=person).exists()  # no key was even made

    new = "Only-Julia-Knows-This-One-7"
    response = client.post("/accounts/me/password/", {"current": initial, "new": new, "new_confirm": new})
    assert response.status_code == 302
    device = _shown_device(client, person)
    assert b"backup codes" in client.post("/accounts/mfa/setup/", {"token": current_code(device)}).content
    assert client.get("/accounts/me/").status_code == 200
