"""Account journeys in a real browser (headless Chromium) against a live server."""
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from accounts import services
from accounts.events import SESSION_LAST_SEEN
from accounts.models import AccountStatus, UserSession
from audit.context import Actor
from conftest import PASSWORD, UserFactory, confirmed_totp, current_code
from policy.roles import Role
from tests.browser.conftest import (
    assert_accessible,
    assert_keyboard_usable,
    browser_sign_in,
    browser_submit_password,
    nav_go,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _on_login_page(page) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


@pytest.mark.rule("ACC-3")
def test_sign_in_with_password_notice_and_totp(page, live_server):
    user = UserFactory(role=Role.OFFICER)
    device = confirmed_totp(user)
    page.goto(f"{live_server.url}/accounts/me/")
    _on_login_page(page)  # nothing without signing in
    expect(page.get_by_role("heading", name="System-use notice")).to_be_visible()

    # Without acknowledging the notice: refused, and the refusal is announced.
    page.get_by_label("Login name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").filter(has_text="system-use notice")).to_be_visible()
    assert_accessible(page, "the sign-in page with its error")
    assert_keyboard_usable(page, "the sign-in page with its error")

    # By keyboard only: the checkbox with the space bar, the form with Enter.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I have read the system-use notice").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/verify/"))
    page.goto(f"{live_server.url}/accounts/me/")  # the password alone opens nothing
    expect(page).to_have_url(re.compile(r"/accounts/verify/"))

    page.get_by_label("Six-digit code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong or was used already")
    assert_accessible(page, "the second-factor page with its error")
    page.wait_for_timeout(1100)  # django-otp throttles the device for a second after a wrong code
    page.get_by_label("Six-digit code").fill(current_code(device))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Welcome, {user.full_name}")).to_be_visible()
    assert_accessible(page, "the home page")
    nav_go(page, "My account")
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    assert_accessible(page, "my account")


@pytest.mark.rule("ACC-2")
def test_a_pending_user_reaches_nothing(page, live_server):
    user = UserFactory(status=AccountStatus.PENDING)
    confirmed_totp(user)
    browser_submit_password(page, live_server, user)
    expect(page.get_by_role("alert")).to_contain_text("waiting for the Chief's approval")
    for path in ("/", "/accounts/me/", "/policy/", "/accounts/verify/"):
        page.goto(f"{live_server.url}{path}")
        _on_login_page(page)


@pytest.mark.rule("ACC-2")
def test_the_chief_approves_a_pending_user_who_then_signs_in(new_page, live_server):
    chief = UserFactory(role=Role.CHIEF, full_name="Dana Whitfield")
    newcomer = UserFactory(role=Role.DETECTIVE, full_name="Ravi Okafor", status=AccountStatus.PENDING)
    confirmed_totp(newcomer)

    chief_page = new_page()
    browser_sign_in(chief_page, live_server, chief)
    nav_go(chief_page, "Approvals")
    assert_accessible(chief_page, "approvals")
    row = chief_page.get_by_role("row").filter(has_text="Ravi Okafor")
    row.get_by_label("Reason for Ravi Okafor").fill("Transferred from patrol; training on file")
    row.get_by_role("button", name="Approve Ravi Okafor").click()
    expect(chief_page.get_by_role("status")).to_contain_text("Ravi Okafor's account is approved")
    expect(chief_page.get_by_text("No account is waiting.")).to_be_visible()

    newcomer.refresh_from_db()
    assert newcomer.status == AccountStatus.ACTIVE
    assert newcomer.decisions.get(kind="approved").decided_by == chief
    newcomer_page = new_page()
    browser_sign_in(newcomer_page, live_server, newcomer)


@pytest.mark.rule("ACC-4")
def test_five_failed_passwords_lock_the_account(page, live_server):
    user = UserFactory()
    confirmed_totp(user)
    for _ in range(4):
        browser_submit_password(page, live_server, user, password="Not-The-Password-1")
        expect(page.get_by_role("alert")).to_contain_text("Wrong login name or password")
    browser_submit_password(page, live_server, user, password="Not-The-Password-1")
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    assert_accessible(page, "the account-locked page")
    browser_submit_password(page, live_server, user)  # the right password no longer helps
    expect(page.get_by_role("alert")).to_contain_text("locked until a system administrator releases it")


@pytest.mark.rule("ACC-9")
def test_the_idle_timeout_signs_the_user_out(page, live_server):
    # An auditor: no alert poll runs in the background, whose session write could race the aging below.
    user = UserFactory(role=Role.AUDITOR)
    browser_sign_in(page, live_server, user)
    # Age the server-side session: its last activity was 31 minutes ago.
    session = SessionStore(session_key=UserSession.objects.get(user=user).session_key)
    session[SESSION_LAST_SEEN] -= 31 * 60
    session.save()
    nav_go(page, "My account")
    _on_login_page(page)
    expect(page.get_by_role("status")).to_contain_text("No activity for 30 minutes")
    page.goto(f"{live_server.url}/accounts/me/")
    _on_login_page(page)


@pytest.mark.rule("ACC-8")
def test_a_suspended_user_is_thrown_out_on_the_next_click(page, live_server):
    user = UserFactory(role=Role.ANALYST)
    admin = UserFactory(role=Role.ADMINISTRATOR)
    browser_sign_in(page, live_server, user)
    services.account_suspend(actor=Actor.for_user(admin), user_id=user.pk,
                             reason="Searched a relative's plate")
    nav_go(page, "Policy")
    _on_login_page(page)
    browser_submit_password(page, live_server, user)
    expect(page.get_by_role("alert")).to_contain_text("suspended")
