"""The auditor's journey in a real browser: filter the audit log by person and flag, export what the filter
shows as CSV, and verify the hash chain; each reading of the log is itself logged (AUD-1, AUD-2). The
plates in the log show only under an audit justification (USE-4)."""
import contextlib
import csv
import io

import pytest
from playwright.sync_api import expect

from alpr.access import plate_read_get, plate_reads_search
from audit.chain import chain_head
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import PolicyDenied
from policy.roles import Role
from searches.services import justification_open
from searches.tests.factories import make_camera, make_read, open_justification
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPECIFIC = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"


def _justify(user, *, description: str, case_number: str = "26-004512") -> None:
    """State a search's justification as the search page does; a refusal is recorded all the same."""
    with contextlib.suppress(PolicyDenied):
        justification_open(actor=Actor.for_user(user, client_ip="10.20.0.7"), purpose="violent_crime",
                           case_number=case_number, description=description)


@pytest.mark.rule("AUD-1")
@pytest.mark.rule("AUD-2")
def test_auditor_filters_the_log_exports_it_and_verifies_the_chain(page, live_server):
    auditor = UserFactory(role=Role.AUDITOR)
    officer = UserFactory(role=Role.OFFICER, full_name="Oscar Reyes")
    colleague = UserFactory(role=Role.OFFICER, full_name="Dana Patel")
    _justify(officer, description=SPECIFIC)
    _justify(officer, description="Cars seen at the protest downtown on Sunday")  # prohibited: flagged
    _justify(colleague, description=SPECIFIC, case_number="26-004513")
    flagged = AuditEvent.objects.get(actor_user=officer, flagged=True)

    browser_sign_in(page, live_server, auditor)
    nav_go(page, "Audit log")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    filters = page.get_by_role("search", name="Filter the audit log")
    filters.get_by_label("Person").fill("Oscar Reyes")
    filters.get_by_label("Flagged").select_option(label="Flagged only")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 event match.")).to_be_visible()
    events = page.get_by_role("table", name="Audit events matching the filter, newest first")
    row = events.get_by_role("row").filter(has_text="Search justification stated")
    expect(row).to_contain_text("(flagged)")
    expect(row).to_contain_text("Refused")
    expect(row).to_contain_text("10.20.0.7")
    expect(events).not_to_contain_text("Dana Patel")
    assert_accessible(page, "the filtered audit log")

    with page.expect_download() as exported:
        page.get_by_role("link", name="Export these as CSV").click()
    assert exported.value.suggested_filename.startswith("audit-log-")
    with open(exported.value.path(), encoding="utf-8") as downloaded:
        rows = list(csv.DictReader(io.StringIO(downloaded.read())))
    assert [(row["id"], row["outcome"], row["flagged"], row["case_number"]) for row in rows] == [
        (str(flagged.pk), Outcome.REFUSED, "True", "26-004512")]
    assert rows[0]["content_hash"] == flagged.content_hash

    page.get_by_role("button", name="Verify the whole chain").click()
    expect(page.get_by_role("heading", name="Audit chain verification")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The chain is intact")
    head = chain_head()
    expect(page.get_by_text(head.chain_hash)).to_be_visible()
    assert_accessible(page, "the chain verified")
    assert head.position >= AuditEvent.objects.filter(pk__lte=flagged.pk).count()

    # Reading, exporting and verifying the log are in the log, under the auditor's name.
    mine = AuditEvent.objects.filter(actor_user=auditor)
    assert mine.filter(action="audit.log_viewed").count() >= 2
    exported_row = mine.get(action="audit.log_exported")
    assert exported_row.result_count == 1 and exported_row.query.get("flagged") is True
    verified = mine.get(action="audit.chain_verified")
    assert verified.outcome == Outcome.ALLOWED and not verified.flagged


@pytest.mark.rule("USE-4")
def test_auditor_sees_the_plates_of_the_log_only_after_stating_an_audit_justification(page, live_server):
    auditor = UserFactory(role=Role.AUDITOR)
    detective = UserFactory(role=Role.DETECTIVE, full_name="Jordan Brooks")
    read = make_read(camera=make_camera("Harlem & North"), plate="KRN5562")
    justification = open_justification(detective)
    plate_reads_search(actor=Actor.for_user(detective), justification=justification, plate="KRN5562")
    plate_read_get(actor=Actor.for_user(detective), justification=justification, read_id=read.pk)

    browser_sign_in(page, live_server, auditor)
    nav_go(page, "Audit log")
    filters = page.get_by_role("search", name="Filter the audit log")
    filters.get_by_label("Action").select_option(value="read.viewed")
    filters.get_by_role("button", name="Filter").click()
    events = page.get_by_role("table", name="Audit events matching the filter, newest first")
    row = events.get_by_role("row").filter(has_text="Jordan Brooks")
    expect(row).to_contain_text("[plate withheld")
    expect(row).not_to_contain_text("KRN5562")
    assert_accessible(page, "the audit log with its plates withheld")

    page.get_by_role("link", name="search gate").click()
    page.get_by_label("Description").fill("Monthly audit of November: the reads opened by detectives")
    page.get_by_role("button", name="Continue to search").click()
    nav_go(page, "Audit log")
    filters = page.get_by_role("search", name="Filter the audit log")
    filters.get_by_label("Action").select_option(value="read.viewed")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("shown under your audit justification")).to_be_visible()
    events = page.get_by_role("table", name="Audit events matching the filter, newest first")
    expect(events.get_by_role("row").filter(has_text="Jordan Brooks")).to_contain_text("KRN5562")
    assert_accessible(page, "the audit log with its plates under an audit justification")

    listings = AuditEvent.objects.filter(actor_user=auditor, action="audit.log_viewed").order_by("id")
    assert [listing.query.get("plates_shown", False) for listing in listings][-1] is True
    assert f"read:{read.pk}" in listings.last().targets
