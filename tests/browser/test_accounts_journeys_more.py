"""More account journeys in a real browser: the administrator creates an account (a generic login name is
refused) and records training (ACC-1, ACC-5); separates a leaving employee, whose open session and API
token end at once (ACC-6); and releases a locked login name, whose owner then signs in (ACC-4)."""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AccountStatus, ApiToken, TrainingRecord, User, UserSession
from accounts.services import api_token_issue
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory, confirmed_totp
from policy.roles import Role
from tests.browser.conftest import assert_accessible, browser_sign_in, browser_submit_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Harlem-Lake-Northbound-26"
FIRST_PASSWORD = re.compile(r"^Initial password(?! again)")  # the label, not its twin "…again"


def _on_login_page(page) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


@pytest.mark.rule("ACC-1")
@pytest.mark.rule("ACC-5")
def test_administrator_creates_an_account_and_records_its_training(page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR, full_name="Alex Hart")
    browser_sign_in(page, live_server, administrator)
    page.get_by_role("link", name="People", exact=True).click()
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
def test_a_separated_employee_loses_their_session_and_token_at_once(new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    leaving = UserFactory(role=Role.ANALYST, full_name="Avery Kim")
    analyst_page = new_page()
    browser_sign_in(analyst_page, live_server, leaving)
    api_token_issue(actor=Actor.for_user(leaving), name="Crime-analysis notebook")

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    admin_page.get_by_role("link", name="People", exact=True).click()
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
    assert ApiToken.objects.get(user=leaving).revoked_at is not None
    analyst_page.get_by_role("link", name="Policy").click()  # the next click finds the session gone
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
    admin_page.get_by_role("link", name="Locked accounts").click()
    row = admin_page.get_by_role("row").filter(has_text=locked.username)
    expect(row).to_contain_text(locked.full_name)
    assert_accessible(admin_page, "the locked accounts")
    row.get_by_role("button", name=f"Release {locked.username}").click()
    expect(admin_page.get_by_role("status")).to_contain_text(f"{locked.username} can sign in again")
    expect(admin_page.get_by_text("No account is locked.")).to_be_visible()

    browser_sign_in(user_page, live_server, locked)
    assert AuditEvent.objects.filter(action="auth.lockout_released", actor_user=administrator,
                                     outcome=Outcome.ALLOWED).exists()
