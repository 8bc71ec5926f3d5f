"""Every role's journey starts from its start page (issue 16): sign in, land on the work waiting, follow
one of its links by keyboard alone; and the grouped main menu works by keyboard and fits at 1280 px."""
import re
from datetime import date

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AccountStatus
from audit.models import ActorType, AuditEvent
from conftest import UserFactory
from core.tests.factories import AlertFactory, ReportFactory
from policy.roles import Role
from searches.tests.factories import JustificationFactory
from sharing.tests.conftest import RecordsRequestFactory
from tests.browser.conftest import assert_accessible, assert_keyboard_usable, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.rule("ACC-7")]

MAX_TABS = 80


def tile(page, title: str):
    return page.get_by_role("region", name=title)


def tab_to(page, name: str) -> None:
    """Press Tab until the link or button named `name` has the focus, as a keyboard user would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        if focused == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def follow_by_keyboard(page, name: str) -> None:
    tab_to(page, name)
    page.keyboard.press("Enter")


def land(page, live_server, user) -> None:
    browser_sign_in(page, live_server, user)
    expect(page).to_have_url(f"{live_server.url}/")
    assert_accessible(page, f"the start page of the {user.get_role_display()}")


def test_a_searcher_lands_on_alerts_and_searches_and_records_an_outcome_by_keyboard(page, live_server):
    officer = UserFactory(role=Role.OFFICER)
    AlertFactory.create_batch(2)
    search = JustificationFactory(user=officer, case_number="26-004777")
    land(page, live_server, officer)
    expect(tile(page, "Alerts to verify").locator(".tile-figure")).to_have_text("2")
    expect(tile(page, "Your open justification")).to_contain_text("None is open")
    outcomes = tile(page, "Outcomes to record")
    expect(outcomes.locator(".tile-figure")).to_have_text("1")
    assert_keyboard_usable(page, "the searcher's start page")

    follow_by_keyboard(page, outcomes.get_by_role("link", name=re.compile("26-004777")).inner_text())
    expect(page.get_by_role("heading", name="What did this search lead to?")).to_be_visible()
    page.get_by_label("A lead").focus()
    page.keyboard.press("Space")
    tab_to(page, "Record outcome")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Outcome recorded")
    expect(tile(page, "Outcomes to record").locator(".tile-figure")).to_have_text("0")
    assert search.outcomes.get().outcome == "lead"


def test_the_chief_lands_on_the_accounts_waiting_and_opens_them_by_keyboard(page, live_server):
    chief = UserFactory(role=Role.CHIEF)
    UserFactory(full_name="Kai Owens", status=AccountStatus.PENDING)
    land(page, live_server, chief)
    expect(tile(page, "Accounts waiting").locator(".tile-figure")).to_have_text("1")
    expect(tile(page, "Other-felony searches waiting")).to_contain_text("No request is waiting.")
    follow_by_keyboard(page, "Decide on pending accounts")
    expect(page.get_by_role("heading", name="Accounts waiting for your approval")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Kai Owens")).to_be_visible()


def test_the_administrator_lands_on_lockouts_and_the_grouped_menu_works_by_keyboard(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    admin = UserFactory(role=Role.ADMINISTRATOR, full_name="Alex Hart")
    AccessAttempt.objects.create(username="jbrooks", failures_since_start=5, ip_address="10.0.0.1",
                                 user_agent="test", attempt_time=timezone.now())
    land(page, live_server, admin)
    expect(tile(page, "Locked out").locator(".tile-figure")).to_have_text("1")
    assert page.get_by_text("Accounts waiting").count() == 0  # the Chief's decision, not the administrator's

    # The menu: at most three lines at 1280 px, with the fourteen pages in four groups.
    menu = page.get_by_role("navigation", name="Main")
    item_height = menu.locator(".nav-list > li").first.bounding_box()["height"]
    assert menu.bounding_box()["height"] <= 3 * item_height
    expect(menu.get_by_role("link", name="Locked accounts")).to_be_hidden()
    tab_to(page, "People")
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="Locked accounts")).to_be_visible()
    assert_accessible(page, "the start page with the People menu open")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")  # closes the menu and returns to its button
    expect(menu.get_by_role("link", name="Locked accounts")).to_be_hidden()
    assert page.evaluate("() => document.activeElement.innerText.trim()") == "People"
    page.keyboard.press("Enter")
    tab_to(page, "Locked accounts")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Locked accounts")).to_be_visible()
    expect(menu.locator("details.nav-current > summary")).to_have_text("People")

    page.goto(f"{live_server.url}/")
    follow_by_keyboard(page, "Release lockouts")
    expect(page.get_by_role("heading", name="Locked accounts")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="jbrooks")).to_be_visible()


def test_the_auditor_lands_on_new_flags_and_reading_them_clears_the_count(page, live_server):
    auditor = UserFactory(role=Role.AUDITOR)
    officer = UserFactory(role=Role.OFFICER)
    AuditEvent.objects.create(occurred_at=timezone.now(), actor_type=ActorType.USER, actor_user=officer,
                              actor_label=officer.audit_label, action="search.justification_refused",
                              outcome="refused", flagged=True, content_hash="")
    land(page, live_server, auditor)
    expect(tile(page, "New flags").locator(".tile-figure")).to_have_text("1")
    follow_by_keyboard(page, "Review the flagged entries")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_label("Flagged")).to_have_value("yes")
    page.goto(f"{live_server.url}/")
    expect(tile(page, "New flags").locator(".tile-figure")).to_have_text("0")


def test_the_board_lands_on_the_latest_reports_and_opens_one_by_keyboard(page, live_server):
    board = UserFactory(role=Role.OVERSIGHT)
    ReportFactory(kind="monthly_oversight", period_start=date(2026, 10, 1),
                  title="Monthly oversight report, October 2026")
    land(page, live_server, board)
    latest = tile(page, "Latest reports")
    expect(latest).to_contain_text("Monthly oversight report, October 2026")
    follow_by_keyboard(page, "Monthly oversight report, October 2026")
    expect(page.get_by_role("heading", name="Monthly oversight report, October 2026")).to_be_visible()


def test_the_records_supervisor_lands_on_open_requests(page, live_server):
    supervisor = UserFactory(role=Role.RECORDS)
    RecordsRequestFactory()
    land(page, live_server, supervisor)
    expect(tile(page, "Records requests open").locator(".tile-figure")).to_have_text("1")
    follow_by_keyboard(page, "Answer open requests")
    expect(page.get_by_role("heading", name="Records requests")).to_be_visible()
