"""More account journeys in a real browser: the administrator creates an account (a generic login name is
refused) and records training (ACC-1, ACC-5); separates a leaving employee, whose open session
ends at once (ACC-6); releases a locked login name, whose owner then signs in (ACC-4); changes a role,
which returns the account to the Chief (ACC-7). The Chief suspends and reinstates a user (ACC-8). A user
changes their password (a reused one is refused) and signs in with it and a backup code (ACC-3, ACC-4)."""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.mfa import backup_codes_issue
from accounts.models import AccountStatus, TrainingRecord, User, UserSession
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import PASSWORD, UserFactory, confirmed_totp
from policy.roles import Role
from tests.browser.conftest import assert_accessible, browser_sign_in, browser_submit_password, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Harlem-Lake-Northbound-26"
FIRST_PASSWORD = re.compile(r"^Initial password(?! again)")  # the label, not its twin "…again"
NEW_PASSWORD_LABEL = re.compile(r"^New password(?! again)")


def _on_login_page(page) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


@pytest.mark.rule("ACC-1")
@pytest.mark.rule("ACC-5")
def test_administrator_creates_an_account_and_records_its_training(page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR, full_name="Alex Hart")
    browser_sign_in(page, live_server, administrator)
    nav_go(page, "People")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name (first and last)").fill("Kai Owens")
    page.get_by_label("Employee or badge ID").fill("PO-3317")
    page.get_by_label("Login name").fill("patrol1")
    page.get_by_label("Work e-mail").fill("kowens@police.example.org")
    page.get_by_label("Role").select_option(label="Officer")
    page.get_by_label(FIRST_PASSWORD).fill(NEW_PASSWORD)
    page.get_by_label("Initial password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create pending account").click()
    expect(page.get_by_role("alert")).to_contain_text("shared or generic identity")
    assert_accessible(page, "the account form with a generic login name refused")
    assert not User.objects.filter(full_name="Kai Owens").exists()

    page.get_by_label("Login name").fill("kowens")
    page.get_by_label(FIRST_PASSWORD).fill(NEW_PASSWORD)  # passwords are not sent back
    page.get_by_label("Initial password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create pending account").click()
    expect(page.get_by_role("heading", name="Kai Owens")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("stays pending until the Chief approves it")
    newcomer = User.objects.get(username="kowens")
    assert (newcomer.status, newcomer.role, newcomer.badge_number) == (AccountStatus.PENDING, Role.OFFICER,
                                                                     "PO-3317")

    training = page.get_by_role("row").filter(has_text="Department-approved ALPR training").first
    expect(training).to_contain_text("Missing")
    form = page.get_by_role("form", name="Record training")
    form.get_by_role("combobox", name="Training", exact=True).select_option(
        label="Department-approved ALPR training")
    form.get_by_label("Completed on").fill(timezone.localdate().isoformat())
    form.get_by_label("Course, certificate or document reference").fill("ALPR-101, cohort 26-11")
    form.get_by_role("button", name="Record training").click()
    expect(page.get_by_role("status").first).to_contain_text("Training recorded")
    expect(training).to_contain_text("Current")
    assert_accessible(page, "a pending person with training on record")
    record = TrainingRecord.objects.get(user=newcomer)
    assert (record.kind, record.reference, record.recorded_by) == (
        "alpr_training", "ALPR-101, cohort 26-11", administrator)
    created = AuditEvent.objects.filter(action="account.created", actor_user=administrator)
    assert sorted(created.values_list("outcome", flat=True)) == sorted([Outcome.FAILED, Outcome.ALLOWED])
    assert AuditEvent.objects.filter(action="account.training_recorded", actor_user=administrator,
                                     outcome=Outcome.ALLOWED).exists()


@pytest.mark.rule("ACC-6")
def test_a_separated_employee_loses_their_session_at_once(new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    leaving = UserFactory(role=Role.ANALYST, full_name="Avery Kim")
    analyst_page = new_page()
    browser_sign_in(analyst_page, live_server, leaving)

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    nav_go(admin_page, "People")
    admin_page.get_by_role("search", name="Filter people").get_by_label("Name, badge or login").fill("Avery")
    admin_page.get_by_role("button", name="Filter").click()
    admin_page.get_by_role("link", name="Avery Kim").click()
    admin_page.get_by_role("link", name="Separate…").click()
    expect(admin_page.get_by_role("heading", name="Separate from the department: Avery Kim")).to_be_visible()
    admin_page.get_by_label("Reason").fill("Resigned; last day 2026-11-22")
    admin_page.get_by_role("button", name="Separate now").click()
    expect(admin_page.get_by_role("status").first).to_contain_text("The employee is separated")

    leaving.refresh_from_db()
    assert leaving.status == AccountStatus.SEPARATED
    assert not UserSession.objects.filter(user=leaving).exists()
    nav_go(analyst_page, "Policy")  # the next click finds the session gone
    _on_login_page(analyst_page)
    assert AuditEvent.objects.filter(action="account.separated", actor_user=administrator,
                                     targets=[f"user:{leaving.pk}"]).exists()


@pytest.mark.rule("ACC-4")
def test_administrator_releases_a_locked_login_name(new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    locked = UserFactory(role=Role.DISPATCHER)
    confirmed_totp(locked)
    user_page = new_page()
    for _ in range(5):
        browser_submit_password(user_page, live_server, locked, password="Not-The-Password-1")
    expect(user_page.get_by_role("heading", name="Account locked")).to_be_visible()

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    nav_go(admin_page, "Locked accounts")
    row = admin_page.get_by_role("row").filter(has_text=locked.username)
    expect(row).to_contain_text(locked.full_name)
    assert_accessible(admin_page, "the locked accounts")
    row.get_by_role("button", name=f"Release {locked.username}").click()
    expect(admin_page.get_by_role("status")).to_contain_text(f"{locked.username} can sign in again")
    expect(admin_page.get_by_text("No account is locked.")).to_be_visible()

    browser_sign_in(user_page, live_server, locked)
    assert AuditEvent.objects.filter(action="auth.lockout_released", actor_user=administrator,
                                     outcome=Outcome.ALLOWED).exists()


@pytest.mark.rule("ACC-7")
def test_a_role_change_returns_the_account_to_the_chief(new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    chief = UserFactory(role=Role.CHIEF)
    analyst = UserFactory(role=Role.ANALYST, full_name="Avery Kim")
    analyst_page = new_page()
    browser_sign_in(analyst_page, live_server, analyst)

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    admin_page.goto(f"{live_server.url}/accounts/people/{analyst.pk}/")
    admin_page.get_by_role("link", name="Change role…").click()
    admin_page.get_by_label("New role").select_option(label="Detective")
    admin_page.get_by_label("Reason").fill("Promoted to the investigations unit, order 26-311")
    admin_page.get_by_role("button", name="Change role").click()
    expect(admin_page.get_by_role("status").first).to_contain_text("pending until the Chief approves it")
    analyst.refresh_from_db()
    assert (analyst.role, analyst.status) == (Role.DETECTIVE, AccountStatus.PENDING)
    nav_go(analyst_page, "My account")  # the session ended with the change
    _on_login_page(analyst_page)

    chief_page = new_page()
    browser_sign_in(chief_page, live_server, chief)
    nav_go(chief_page, "Approvals")
    row = chief_page.get_by_role("row").filter(has_text="Avery Kim")
    expect(row).to_contain_text("Detective")
    expect(row).to_contain_text("Role changed from analyst to detective")
    row.get_by_role("button", name="Approve Avery Kim").click()
    expect(chief_page.get_by_role("status")).to_contain_text("Avery Kim's account is approved")
    analyst.refresh_from_db()
    assert (analyst.role, analyst.status) == (Role.DETECTIVE, AccountStatus.ACTIVE)
    assert AuditEvent.objects.filter(action="account.role_changed", actor_user=administrator,
                                     query={"from": "analyst", "to": "detective"}).exists()


@pytest.mark.rule("ACC-8")
def test_the_chief_suspends_a_user_and_later_reinstates_them(new_page, live_server):
    chief = UserFactory(role=Role.CHIEF)
    officer = UserFactory(role=Role.OFFICER, full_name="Oscar Reyes")
    officer_page = new_page()
    browser_sign_in(officer_page, live_server, officer)
    backup_code = backup_codes_issue(actor=Actor.for_user(officer))[0]  # the TOTP code is spent for 30 s

    chief_page = new_page()
    browser_sign_in(chief_page, live_server, chief)
    nav_go(chief_page, "People")
    chief_page.get_by_role("link", name="Oscar Reyes").click()
    chief_page.get_by_role("link", name="Suspend…").click()
    chief_page.get_by_label("Reason").fill("Searched a neighbour's plate with no case (IA 26-07)")
    chief_page.get_by_role("button", name="Suspend now").click()
    expect(chief_page.get_by_role("status").first).to_contain_text("Access suspended")
    nav_go(officer_page, "Search")
    _on_login_page(officer_page)
    browser_submit_password(officer_page, live_server, officer)
    expect(officer_page.get_by_role("alert")).to_contain_text("suspended")

    nav_go(chief_page, "Approvals")
    chief_page.get_by_role("link", name="Reinstate Oscar Reyes…").click()
    chief_page.get_by_label("Reason").fill("Internal affairs closed 26-07 with retraining on file")
    chief_page.get_by_role("button", name="Reinstate").click()
    expect(chief_page.get_by_role("status").first).to_contain_text("Access reinstated")
    officer.refresh_from_db()
    assert officer.status == AccountStatus.ACTIVE
    browser_submit_password(officer_page, live_server, officer)
    officer_page.get_by_label("Six-digit code").fill(backup_code)
    officer_page.get_by_role("button", name="Verify").click()
    expect(officer_page.get_by_role("heading", name="Welcome, Oscar Reyes")).to_be_visible()
    decisions = AuditEvent.objects.filter(actor_user=chief, targets=[f"user:{officer.pk}"])
    assert {"account.suspended", "account.reinstated"} <= set(decisions.values_list("action", flat=True))


@pytest.mark.rule("ACC-3")
@pytest.mark.rule("ACC-4")
def test_a_user_changes_their_password_and_signs_in_with_it_and_a_backup_code(page, live_server):
    dispatcher = UserFactory(role=Role.DISPATCHER, full_name="Dana Patel")
    browser_sign_in(page, live_server, dispatcher)
    codes = backup_codes_issue(actor=Actor.for_user(dispatcher))
    nav_go(page, "My account")
    expect(page.get_by_text(f"You have {len(codes)} unused backup codes")).to_be_visible()
    page.get_by_role("link", name="Change my password").click()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")

    # The same password again: refused, it is in the history.
    page.get_by_role("link", name="Change my password").click()
    page.get_by_label("Current password").fill(NEW_PASSWORD)
    page.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("You used this password before")
    assert_accessible(page, "the password form refusing a reused password")

    page.get_by_role("button", name="Sign out").click()
    browser_submit_password(page, live_server, dispatcher)  # the old password
    expect(page.get_by_role("alert")).to_contain_text("Wrong login name or password")
    browser_submit_password(page, live_server, dispatcher, password=NEW_PASSWORD)
    page.get_by_label("Six-digit code").fill(codes[0])  # lost phone: a backup code, once
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Welcome, Dana Patel")).to_be_visible()
    nav_go(page, "My account")
    expect(page.get_by_text(f"You have {len(codes) - 1} unused backup codes")).to_be_visible()
    changes = AuditEvent.objects.filter(action="account.password_changed", actor_user=dispatcher)
    assert sorted(changes.values_list("outcome", flat=True)) == sorted([Outcome.ALLOWED, Outcome.FAILED])
