"""ACC-3, ACC-4, AUD-1: passkeys beside the authenticator app.

Registered only from a session that passed the second factor, renamed and removed only by their
owner, never the last second factor removed; a passkey that does not verify at the second-factor
step counts towards the lockout like a wrong code. Each change is audited.
(The successful ceremonies themselves run in a real browser: tests/browser/test_passkeys.py.)
"""
import json
import secrets

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers import bytes_to_base64url

from accounts import passkeys
from accounts.tests.helpers import act_as, audit_rows
from conftest import PASSWORD, UserFactory, confirmed_totp
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.selectors import current_policy

pytestmark = pytest.mark.django_db


def make_passkey(user, name="Office key") -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(user=user, name=name, confirmed=True,
                                             credential_id=secrets.token_bytes(32),
                                             public_key=secrets.token_bytes(77), sign_count=0,
                                             aaguid="00000000-0000-0000-0000-000000000000")


def _password_only(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                                "notice_acknowledged": "on"})
    assert response.status_code == 302


def _json_post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.mark.rule("ACC-3")
def test_registering_a_passkey_needs_a_session_that_passed_the_second_factor(client):
    user = UserFactory()
    confirmed_totp(user)
    _password_only(client, user)
    response = _json_post(client, "/accounts/passkeys/register/begin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/verify/"
    assert "otp_webauthn_register_state" not in client.session


@pytest.mark.rule("ACC-3")
def test_a_verified_person_gets_registration_options_for_this_site(verified_client, settings):
    response = _json_post(verified_client, "/accounts/passkeys/register/begin/")
    assert response.status_code == 200
    options = response.json()
    assert options["rp"]["id"] == settings.OTP_WEBAUTHN_RP_ID
    assert options["user"]["name"] == verified_client.user.username
    assert "otp_webauthn_register_state" in verified_client.session


@pytest.mark.rule("AUD-1")
def test_a_registration_that_does_not_verify_stores_and_audits_nothing(verified_client):
    _json_post(verified_client, "/accounts/passkeys/register/begin/")
    # Tried: a made-up attestation in answer to the challenge.
    response = _json_post(verified_client, "/accounts/passkeys/register/complete/",
                          {"id": "abc", "rawId": "abc", "type": "public-key",
                           "response": {"clientDataJSON": "e30", "attestationObject": "oA"}})
    assert response.status_code in (400, 422)
    assert not WebAuthnCredential.objects.exists()
    assert not audit_rows("auth.passkey_registered")


@pytest.mark.rule("AUD-1")
def test_a_registered_passkey_gets_a_numbered_name_and_an_audit_row():
    user = UserFactory()
    confirmed_totp(user)
    first = make_passkey(user, "")
    passkeys.passkey_registered(actor=act_as(user), passkey=first)
    second = make_passkey(user, "")
    passkeys.passkey_registered(actor=act_as(user), passkey=second)
    assert [p.name for p in passkeys.passkeys_of(user)] == ["Passkey 1", "Passkey 2"]
    rows = audit_rows("auth.passkey_registered", actor_user=user)
    assert [r.targets for r in rows] == [[f"device:{first.pk}"], [f"device:{second.pk}"]]


@pytest.mark.rule("AUD-1")
def test_the_owner_renames_a_passkey_on_my_account(verified_client):
    passkey = make_passkey(verified_client.user)
    response = verified_client.post(f"/accounts/me/passkeys/{passkey.pk}/rename/", {"name": "  Desk  key "})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/#passkeys"
    passkey.refresh_from_db()
    assert passkey.name == "Desk key"
    row = audit_rows("auth.passkey_renamed", actor_user=verified_client.user)[0]
    assert row.query == {"name": "Desk key"}


@pytest.mark.rule("AUD-1")
def test_a_blank_name_is_refused_and_changes_nothing():
    user = UserFactory()
    passkey = make_passkey(user)
    with pytest.raises(ApplicationError):
        passkeys.passkey_rename(actor=act_as(user), passkey_id=passkey.pk, name="   ")  # tried: spaces only
    passkey.refresh_from_db()
    assert passkey.name == "Office key"
    assert [r.outcome for r in audit_rows("auth.passkey_renamed")] == ["failed"]


@pytest.mark.rule("ACC-3")
def test_no_one_renames_or_removes_another_persons_passkey(verified_client):
    other = UserFactory()
    confirmed_totp(other)
    passkey = make_passkey(other)
    verified_client.post(f"/accounts/me/passkeys/{passkey.pk}/rename/", {"name": "mine now"})
    verified_client.post(f"/accounts/me/passkeys/{passkey.pk}/remove/")
    passkey.refresh_from_db()
    assert passkey.name == "Office key"
    with pytest.raises(NotFound):
        passkeys.passkey_remove(actor=act_as(verified_client.user), passkey_id=passkey.pk)
    assert not [r for r in audit_rows("auth.passkey_removed") if r.outcome == "allowed"]


@pytest.mark.rule("ACC-3")
def test_removing_a_passkey_beside_the_authenticator_is_audited(verified_client):
    passkey = make_passkey(verified_client.user)
    response = verified_client.post(f"/accounts/me/passkeys/{passkey.pk}/remove/")
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    row = audit_rows("auth.passkey_removed", actor_user=verified_client.user)[0]
    assert row.outcome == "allowed" and row.targets == [f"device:{passkey.pk}"]
    assert row.query == {"name": "Office key"}


@pytest.mark.rule("ACC-3")
def test_the_last_second_factor_cannot_be_removed():
    user = UserFactory()
    only = make_passkey(user)  # tried: removing the passkey of a person with no authenticator app
    with pytest.raises(PolicyDenied):
        passkeys.passkey_remove(actor=act_as(user), passkey_id=only.pk)
    assert WebAuthnCredential.objects.filter(pk=only.pk).exists()
    assert [r.outcome for r in audit_rows("auth.passkey_removed", actor_user=user)] == ["refused"]
    second = make_passkey(user, "Spare key")
    passkeys.passkey_remove(actor=act_as(user), passkey_id=only.pk)
    with pytest.raises(PolicyDenied):
        passkeys.passkey_remove(actor=act_as(user), passkey_id=second.pk)
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.rule("ACC-3")
def test_my_account_lists_passkeys_and_offers_registration(verified_client):
    make_passkey(verified_client.user, "Badge reader key")
    page = verified_client.get("/accounts/me/").content.decode()
    assert "Badge reader key" in page
    assert 'id="passkey-register-button"' in page and 'id="otp_webauthn_config"' in page
    assert "django_otp_webauthn/otp_webauthn_register.js" in page and "js/passkeys.js" in page


@pytest.mark.rule("ACC-3")
def test_the_verify_page_offers_a_passkey_only_to_someone_who_has_one(client):
    user = UserFactory()
    confirmed_totp(user)
    _password_only(client, user)
    assert b"passkey-verification-button" not in client.get("/accounts/verify/").content
    make_passkey(user)
    page = client.get("/accounts/verify/").content.decode()
    assert 'id="passkey-verification-button"' in page and "otp_webauthn_auth.js" in page
    config_json = page.split('id="otp_webauthn_config" type="application/json">')[1].split("</script>")[0]
    config = json.loads(config_json)
    assert config["completeAuthenticationUrl"] == "/accounts/passkeys/verify/complete/"
    assert config["autocompleteLoginFieldSelector"] is None  # never a sign-in without the password


@pytest.mark.rule("ACC-3")
def test_a_passkey_is_never_a_way_around_the_password(client):
    user = UserFactory()
    make_passkey(user)
    response = _json_post(client, "/accounts/passkeys/verify/begin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


@pytest.fixture
def half_signed_in(client):
    """A person with an authenticator app and a passkey, past the password, before the second factor."""
    user = UserFactory()
    confirmed_totp(user)
    client.passkey = make_passkey(user)
    _password_only(client, user)
    client.user = user
    return client


@pytest.mark.rule("ACC-4")
def test_a_passkey_that_does_not_verify_is_a_failed_second_factor(half_signed_in):
    client, user = half_signed_in, half_signed_in.user
    assert _json_post(client, "/accounts/passkeys/verify/begin/").status_code == 200
    # Tried: the person's own credential id with a made-up signature and client data.
    credential_id = bytes_to_base64url(bytes(client.passkey.credential_id))
    response = _json_post(client, "/accounts/passkeys/verify/complete/",
                          {"id": credential_id, "rawId": credential_id, "type": "public-key",
                           "response": {"clientDataJSON": "e30", "authenticatorData": "AA",
                                        "signature": "AA"}})
    assert response.status_code == 422
    assert client.get("/accounts/me/")["Location"] == "/accounts/verify/"
    row = audit_rows("auth.mfa_failed", actor_user=user)[0]
    assert row.outcome == "failed" and "Passkey not accepted" in row.reason


@pytest.mark.rule("ACC-4")
def test_failed_passkeys_lock_the_account_like_wrong_codes(half_signed_in):
    client, user = half_signed_in, half_signed_in.user
    for _ in range(current_policy().lockout_failures - 1):
        assert _json_post(client, "/accounts/passkeys/verify/complete/").status_code == 400  # no challenge
    response = _json_post(client, "/accounts/passkeys/verify/complete/")
    assert response.status_code == 403 and b"Account locked" in response.content
    assert "_auth_user_id" not in client.session
    assert len(audit_rows("auth.mfa_failed", actor_user=user)) == current_policy().lockout_failures
    assert audit_rows("auth.locked_out")


@pytest.mark.rule("ACC-4")
def test_a_locked_account_checks_no_passkey_at_the_second_factor_step(half_signed_in):
    """Tried: the password entered before the account was locked elsewhere, then a passkey: the
    assertion was still checked, and a good one would have signed in and released the lockout."""
    client, user = half_signed_in, half_signed_in.user
    elsewhere = Client()
    for _ in range(current_policy().lockout_failures):
        elsewhere.post("/accounts/login/", {"username": user.username, "password": "wrong-password-here",
                                            "notice_acknowledged": "on"})
    assert _json_post(client, "/accounts/passkeys/verify/begin/").status_code == 200
    response = _json_post(client, "/accounts/passkeys/verify/complete/")
    assert response.status_code == 403 and b"Account locked" in response.content
    assert "_auth_user_id" not in client.session
    assert not audit_rows("auth.mfa_failed", actor_user=user)  # refused before any assertion is checked
    assert not audit_rows("auth.mfa_ok", actor_user=user)


NESTED_PAST_THE_RECURSION_LIMIT = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.mark.rule("ACC-4")
def test_a_passkey_answer_nested_past_the_recursion_limit_is_a_failed_passkey_not_a_server_error(
    half_signed_in
):
    client, user = half_signed_in, half_signed_in.user
    for url in ("/accounts/passkeys/verify/begin/", "/accounts/passkeys/verify/complete/"):
        response = client.post(url, NESTED_PAST_THE_RECURSION_LIMIT, content_type="application/json")
        assert response.status_code == 400 and response.json()["code"] == "malformed_request"
    assert len(audit_rows("auth.mfa_failed", actor_user=user)) == 1  # the complete step counts it


@pytest.mark.rule("ACC-3")
@pytest.mark.parametrize("url", ["/accounts/passkeys/register/begin/",
                                 "/accounts/passkeys/register/complete/"])
def test_a_registration_body_nested_past_the_recursion_limit_is_refused_not_a_server_error(
    verified_client, url
):
    response = verified_client.post(url, NESTED_PAST_THE_RECURSION_LIMIT, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"
    assert not WebAuthnCredential.objects.exists()
