"""Passkeys in headless Chromium with a virtual authenticator (Chrome DevTools Protocol, WebAuthn domain).

A person signs in with password and code, registers a passkey on *My account*, names it, signs
out, and signs in again with the passkey instead of a code (ACC-3, AUD-1).
"""
import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from accounts.selectors import locked_out_accounts
from accounts.tests.helpers import audit_rows
from conftest import UserFactory
from policy.roles import Role
from policy.selectors import current_policy
from tests.browser.conftest import (
    assert_accessible,
    assert_keyboard_usable,
    browser_sign_in,
    browser_submit_password,
    csp_refusals,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def passkey_origin(settings, live_server):
    """The live server's own origin, the only one a passkey made on it can be checked against."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


def add_virtual_authenticator(page) -> None:
    """Give the page's browser a platform authenticator that holds passkeys and verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})


def register_passkey(page, live_server, user) -> WebAuthnCredential:
    """Sign in with a code, register a passkey on My account by keyboard, sign out; return it."""
    browser_sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/accounts/me/")
    page.get_by_role("button", name="Register a passkey").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Passkey registered")).to_be_visible()
    return WebAuthnCredential.objects.get(user=user)


@pytest.mark.rule("ACC-4")
def test_passkeys_that_do_not_verify_lock_the_account(page, live_server, passkey_origin):
    user = UserFactory(role=Role.OFFICER)
    add_virtual_authenticator(page)
    passkey = register_passkey(page, live_server, user)
    page.get_by_role("button", name="Sign out").click()
    policy = current_policy()
    policy.lockout_failures = 3
    policy.save()
    # Tried: a passkey whose signature counter runs behind the server's, as a cloned one's would.
    passkey.sign_count = 1_000_000
    passkey.save(update_fields=["sign_count"])

    browser_submit_password(page, live_server, user)
    verify = page.get_by_role("button", name="Verify with a passkey")
    status = page.locator("#passkey-verification-status-message")
    for _ in range(2):
        verify.click()
        expect(status).to_have_attribute("data-status-enum", "server-error")
        expect(status).to_have_attribute("aria-live", "assertive")  # read out at once
        expect(verify).to_be_focused()  # focus back on the button, to try again or go on
    assert_accessible(page, "the verify page after a failed passkey")
    verify.click()
    expect(page.get_by_role("heading", name="Account locked")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("locked until a system administrator releases it")
    page.goto(f"{live_server.url}/accounts/me/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()  # signed out
    assert [row.outcome for row in audit_rows("auth.mfa_failed", actor_user=user)] == ["failed"] * 3
    assert audit_rows("auth.locked_out")
    assert not audit_rows("auth.mfa_ok", actor_user=user)[1:]  # only the code of the first sign-in


@pytest.mark.rule("ACC-3")
def test_register_a_passkey_then_sign_in_with_it_instead_of_a_code(page, live_server, passkey_origin):
    user = UserFactory(role=Role.OFFICER)
    assert passkey_origin.startswith("http://localhost:")
    add_virtual_authenticator(page)
    refused = csp_refusals(page)
    browser_sign_in(page, live_server, user)

    page.goto(f"{passkey_origin}/accounts/me/")
    expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()
    expect(page.get_by_text("You have no passkeys.")).to_be_visible()
    register = page.get_by_role("button", name="Register a passkey")
    register.focus()
    page.keyboard.press("Enter")  # by keyboard, like any button
    expect(page.get_by_role("status").filter(has_text="Passkey registered")).to_be_visible()
    passkey = WebAuthnCredential.objects.get(user=user)
    assert passkey.name == "Passkey 1"
    assert audit_rows("auth.passkey_registered", actor_user=user)[0].targets == [f"device:{passkey.pk}"]

    page.get_by_label("New name for Passkey 1").fill("Patrol laptop")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("rowheader", name="Patrol laptop")).to_be_visible()
    assert_accessible(page, "My account with a passkey")
    assert_keyboard_usable(page, "My account with a passkey")

    page.get_by_role("button", name="Sign out").click()
    browser_submit_password(page, live_server, user)
    expect(page).to_have_url(re.compile(r"/accounts/verify/"))
    verify = page.get_by_role("button", name="Verify with a passkey")
    expect(verify).to_be_visible()
    assert_accessible(page, "the verify page with a passkey")
    verify.click()
    page.get_by_role("heading", name=f"Welcome, {user.full_name}").wait_for()

    ok = audit_rows("auth.mfa_ok", actor_user=user)
    assert [row.query for row in ok][-1] == {"method": "WebAuthnCredential"}
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert refused == []  # the library's scripts run under the site's CSP, no 'unsafe-inline'


@pytest.mark.rule("ACC-4")
def test_a_good_passkey_does_not_sign_in_an_account_locked_since_the_password(page, live_server,
                                                                               passkey_origin, client):
    """Tried: the password entered, then the account locked by wrong passwords elsewhere, then a good
    passkey: it signed in and released the lockout that only an administrator releases."""
    user = UserFactory(role=Role.OFFICER)
    add_virtual_authenticator(page)
    register_passkey(page, live_server, user)
    page.get_by_role("button", name="Sign out").click()
    browser_submit_password(page, live_server, user)
    for _ in range(current_policy().lockout_failures):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong-password-here",
                                         "notice_acknowledged": "on"})
    page.get_by_role("button", name="Verify with a passkey").click()
    expect(page.get_by_role("heading", name="Account locked")).to_be_focused()
    page.goto(f"{live_server.url}/accounts/me/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()  # signed out
    assert not audit_rows("auth.mfa_ok", actor_user=user)[1:]  # only the code of the first sign-in
    assert [lock.username for lock in locked_out_accounts()] == [user.username]
