"""The auditor's log and the compliance matrix read at a glance in a real browser: a row per event on a
line or two, times on one line, actions in words; the matrix as a summary with each area folded."""
import re

import pytest
from playwright.sync_api import expect

from audit.context import Actor
from audit.models import Outcome
from audit.services import audit_record
from conftest import UserFactory
from policy.roles import Role
from searches.audit_actions import JUSTIFICATION_STATED
from tests.browser.conftest import assert_accessible, assert_keyboard_usable, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = ("Armed robbery at the Oak Street pharmacy on the night of the third; the suspect fled east in a "
        "silver Honda sedan with a dented rear bumper, seen by two witnesses and the store's own camera")
# How tall the pages may be at 1280 px: the log of 50 events was 8,700 px (times on four lines), the
# compliance page 10,700 px.
LOG_PAGE_MAX_PX = 4_000
COMPLIANCE_PAGE_MAX_PX = 2_000

# How many lines a cell's text takes (the cell itself is as tall as its row).
CELL_LINES = """cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return tops.size;
}"""


def _fill_the_log(officer) -> None:
    actor = Actor.for_user(officer, client_ip="10.20.0.7")
    for number in range(60):
        audit_record(actor=actor, action=JUSTIFICATION_STATED, purpose="violent_crime",
                     case_number=f"26-00{number:04d}", description=LONG,
                     outcome=Outcome.REFUSED if number % 7 == 0 else Outcome.ALLOWED,
                     reason="A description must say what the search is for" if number % 7 == 0 else "",
                     targets=[f"read:{number}", f"read:{number + 1000}"], result_count=number)


def test_the_audit_log_is_a_compact_table_of_events_in_words(page, live_server):
    auditor = UserFactory(role=Role.AUDITOR)
    _fill_the_log(UserFactory(role=Role.OFFICER, full_name="Oscar Reyes"))
    browser_sign_in(page, live_server, auditor)
    nav_go(page, "Audit log")
    # The descriptions are shown under an audit justification (they may name plates, USE-4).
    page.get_by_role("link", name="search gate").click()
    page.get_by_label("Description").fill("Monthly audit of November: the justifications stated by officers")
    page.get_by_role("button", name="Continue to search").click()
    nav_go(page, "Audit log")
    events = page.get_by_role("table", name="Audit events matching the filter, newest first")
    expect(events.get_by_role("row")).to_have_count(51)
    first = events.get_by_role("row").filter(has_text="Oscar Reyes").first
    expect(first).to_contain_text(JUSTIFICATION_STATED.label)
    expect(events).not_to_contain_text(JUSTIFICATION_STATED.code)
    for column in ("Time", "Who", "Action"):
        index = events.get_by_role("columnheader").all_inner_texts().index(column)
        assert first.get_by_role("cell").nth(index).evaluate(CELL_LINES) == 1, f"{column} wraps"
    assert first.evaluate("row => row.getBoundingClientRect().height") <= 64
    # No column cut off: the table fits the page at this width.
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= LOG_PAGE_MAX_PX, f"the log of 50 events is {height} px tall"
    # Every detail is still there, one keypress away.
    details = first.get_by_role("group")
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(first).to_contain_text(LONG)
    expect(first).to_contain_text("read:59, read:1059")
    assert_accessible(page, "the audit log with 50 events")


@pytest.mark.rule("META-1")
def test_the_compliance_page_summarises_and_folds_each_area(page, live_server):
    board = UserFactory(role=Role.OVERSIGHT)
    browser_sign_in(page, live_server, board)
    page.goto(f"{live_server.url}/compliance/")
    summary = page.get_by_role("table", name="Rules by area")
    expect(summary.get_by_role("row", name=re.compile(r"^ACC accounts and access"))).to_be_visible()
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= COMPLIANCE_PAGE_MAX_PX, f"the compliance page is {height} px tall"
    area = page.locator("details#area-USE")
    expect(area.get_by_role("table")).to_be_hidden()
    summary.get_by_role("link", name="USE").click()
    expect(area.get_by_role("table")).to_be_visible()
    expect(area.get_by_role("row").filter(has_text="USE-1")).to_be_visible()
    assert_accessible(page, "the compliance page with one area open")
    assert_keyboard_usable(page, "the compliance page")
