"""More sharing journeys in a real browser: the administrator routes a public-records request to the records
supervisor, who closes it with the response given (SHR-3); the administrator registers an agency, records
its signed declaration (refused while a limit is missing), adds a person and issues a key shown once
(SHR-2, SHR-4); an agency whose deletion certificate is overdue receives nothing until it is recorded
(SHR-2)."""
import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import Camera
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.roles import Role
from retention.tests.conftest import create_read
from sharing.models import (
    Agency,
    Declaration,
    PartnerCredential,
    RecordsRequest,
    RecordsRequestStatus,
    SharingRequest,
)
from sharing.selectors import agency_block_reason
from sharing.services import online
from sharing.services.requests import request_decide, request_receive, request_release
from sharing.tests.conftest import AgencyFactory, DeclarationFactory
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Enough of a PDF for the upload check (it reads the magic bytes) and for a person to open.
SIGNED_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
              b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.SHARING_DOCUMENTS_ROOT = tmp_path / "declarations"


@pytest.mark.rule("SHR-3")
def test_a_public_records_request_goes_to_the_records_supervisor_who_closes_it(new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    supervisor = UserFactory(role=Role.RECORDS, full_name="Rosa Nguyen")

    admin = new_page()
    browser_sign_in(admin, live_server, administrator)
    nav_go(admin, "Sharing")
    admin.get_by_role("link", name="Record a request").click()
    admin.get_by_label(re.compile(r"^Someone outside law enforcement")).check()
    admin.get_by_role("button", name="Continue").click()
    expect(admin.get_by_role("heading", name="Record a request from outside law enforcement")).to_be_visible()
    admin.get_by_label("Requester's name").fill("Jamie Ortiz")
    admin.get_by_label("Organisation").fill("Wednesday Journal")
    admin.get_by_label("How to reach them").fill("jortiz@wjinc.example.com")
    admin.get_by_label("What they ask for").fill("Every read of the reporter's own car, plate 4KLM221, "
                                                 "in May")
    assert_accessible(admin, "the records request form")
    admin.get_by_role("button", name="Send to the records supervisor").click()
    expect(admin.get_by_role("status")).to_contain_text("went to the records supervisor")
    item = RecordsRequest.objects.get()
    assert (item.status, item.recorded_by) == (RecordsRequestStatus.OPEN, administrator)
    assert not SharingRequest.objects.exists()  # never enters the sharing workflow

    records = new_page()
    browser_sign_in(records, live_server, supervisor)
    nav_go(records, "Records requests")
    request_box = records.get_by_role("region", name=f"Request {item.pk} from Jamie Ortiz, Wednesday Journal")
    expect(request_box).to_contain_text("plate 4KLM221, in May")
    request_box.get_by_role("button", name=f"Close request {item.pk}").click()  # no response yet
    expect(records.get_by_role("alert")).to_contain_text("Response given")
    assert_accessible(records, "records requests with an error")
    item.refresh_from_db()
    assert item.status == RecordsRequestStatus.OPEN
    request_box.get_by_label("Response given").fill("Released the 3 reads of the requester's own plate under "
                                                    "FOIA, with the camera names redacted")
    request_box.get_by_role("button", name=f"Close request {item.pk}").click()
    expect(records.get_by_role("status")).to_contain_text(f"Records request {item.pk} closed")
    expect(records.get_by_text("No open request.")).to_be_visible()
    assert_accessible(records, "records requests, one closed")
    closed = records.get_by_role("table", name="Closed records requests, latest first")
    expect(closed.get_by_role("row").filter(has_text="Jamie Ortiz")).to_contain_text("by Rosa Nguyen")

    item.refresh_from_db()
    assert (item.status, item.closed_by) == (RecordsRequestStatus.CLOSED, supervisor)
    assert item.response.startswith("Released the 3 reads")
    assert AuditEvent.objects.filter(action="sharing.records_request_routed", actor_user=administrator,
                                     outcome=Outcome.ALLOWED).exists()
    assert AuditEvent.objects.filter(action="sharing.records_request_closed", actor_user=supervisor,
                                     outcome=Outcome.ALLOWED).exists()


def _fill_declaration(page, *, leave_out: str | None = None) -> None:
    today = timezone.localdate()
    page.get_by_label("Signed by").fill("Chief Dana Morales")
    page.get_by_label("Signatory's title").fill("Chief of Police")
    page.get_by_label("Signed on").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("Expires on").fill((today + timedelta(days=300)).isoformat())
    page.get_by_label("Deletes what it receives within (days)").fill("30")
    limits = page.get_by_role("group", name="The signed declaration states that the agency will")
    for checkbox in limits.get_by_role("checkbox").all():
        label = checkbox.evaluate("box => box.labels[0].textContent")
        if leave_out and leave_out in label:
            checkbox.uncheck()
        else:
            checkbox.check()
    page.get_by_label("Signed declaration (PDF)").set_input_files(
        files=[{"name": "riverside-declaration.pdf", "mimeType": "application/pdf", "buffer": SIGNED_PDF}])


@pytest.mark.rule("SHR-2")
@pytest.mark.rule("SHR-4")
def test_administrator_registers_an_agency_records_its_declaration_and_issues_a_key(page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    browser_sign_in(page, live_server, administrator)
    nav_go(page, "Sharing")
    page.get_by_role("link", name="Agencies", exact=True).click()
    page.get_by_role("link", name="Register an agency").click()
    page.get_by_label("Agency name").fill("Riverside Police Department")
    page.get_by_label("ORI").fill("IL0163400")
    page.get_by_label("State").fill("IL")
    page.get_by_label("Kind of agency").select_option(label="Illinois agency")
    page.get_by_label("Contact person").fill("Lt. Sam Ruiz")
    page.get_by_label("Contact e-mail").fill("sruiz@riverside.example.org")
    page.get_by_role("button", name="Register the agency").click()
    expect(page.get_by_role("heading", name="Riverside Police Department")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("receives nothing until its signed declaration")
    expect(page.get_by_text("This agency may not receive data now")).to_be_visible()
    agency = Agency.objects.get()
    assert agency.ori == "IL0163400" and not agency.sharing_enabled

    # A declaration that leaves out a limit is refused (SHR-4), and the refusal is audited.
    page.get_by_role("link", name="Record a signed declaration").click()
    _fill_declaration(page, leave_out="immigration enforcement")
    page.get_by_role("button", name="Record the declaration").click()
    expect(page.get_by_role("alert")).to_contain_text("must certify every limit")
    assert_accessible(page, "a declaration refused")
    assert not Declaration.objects.exists()
    assert AuditEvent.objects.filter(action="sharing.declaration_recorded", outcome=Outcome.REFUSED).exists()
    _fill_declaration(page)
    page.get_by_role("button", name="Record the declaration").click()
    expect(page.get_by_role("heading", name="Riverside Police Department")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("Declaration recorded")
    expect(page.get_by_text("This agency may not receive data now")).to_have_count(0)
    declaration = Declaration.objects.get()
    assert declaration.document_sha256 == hashlib.sha256(SIGNED_PDF).hexdigest()
    assert declaration.recorded_by == administrator and declaration.deletion_days == 30
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"PDF of the declaration signed")).click()
    with open(download.value.path(), "rb") as stored:
        assert stored.read() == SIGNED_PDF

    # Partner searches asked for and, once the Chief approves (Oak Park GO 4-68 VII.D), on; then a person
    # of the agency and their own key, shown once.
    page.get_by_label("Why its people should search our reads").fill("Neighbouring department's detectives")
    page.get_by_role("button", name="Ask the Chief to switch partner searches on").click()
    expect(page.locator("#partner-searches")).to_have_text("Requested, waiting for the Chief")
    online.online_sharing_decide(actor=Actor.for_user(UserFactory(role=Role.CHIEF)),
                                 request_id=agency.online_sharing_requests.get().pk, approve=True,
                                 reason="Declaration in force; a neighbouring department")
    page.reload()
    expect(page.locator("#partner-searches")).to_have_text("On")
    page.get_by_label("Full name").fill("Det. Maria Lopez")
    page.get_by_label("Badge or employee number").fill("RPD-2231")
    page.get_by_label("E-mail").fill("mlopez@riverside.example.org")
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_role("status").first).to_contain_text("Det. Maria Lopez added")
    page.get_by_role("button", name="Issue a key to Det. Maria Lopez").click()
    expect(page.get_by_role("heading", name="Key issued to Det. Maria Lopez")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("shown only this once")
    assert_accessible(page, "the key shown once")
    key = page.locator("#partner-key").inner_text().strip()
    credential = PartnerCredential.objects.get()
    key_id, secret = key.split(":")
    assert key_id == credential.key_id and credential.secret_matches(secret)
    assert secret not in credential.secret_hash

    page.get_by_role("link", name="I have copied it").click()
    keys = page.get_by_role("table", name="Keys of Det. Maria Lopez")
    expect(keys.get_by_role("row").filter(has_text=key_id)).to_contain_text("Valid")
    assert secret not in page.content()
    assert_accessible(page, "an agency with a declaration, a person and a key")
    # The key works on the partner API, which records its use.
    response = page.request.get(f"{live_server.url}/partner/api/v1/purposes/",
                                headers={"Authorization": f"Partner {key}"})
    assert response.status == 200, response.text()
    assert "violent_crime" in {purpose["code"] for purpose in response.json()["purposes"]}
    credential.refresh_from_db()
    assert credential.last_used_at is not None
    for action in ("sharing.agency_registered", "sharing.declaration_recorded", "sharing.person_added",
                   "sharing.credential_issued"):
        assert AuditEvent.objects.filter(action=action, actor_user=administrator,
                                         outcome=Outcome.ALLOWED).exists(), action


@pytest.mark.rule("SHR-2")
def test_an_overdue_deletion_certificate_blocks_the_agency_until_it_is_recorded(page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    acting = Actor.for_user(administrator)
    agency = DeclarationFactory(agency=AgencyFactory(name="Riverside Police Department")).agency
    create_read(Camera.objects.create(name="Harlem & North"), plate="ABC1234",
                captured_at=timezone.now() - timedelta(days=1))
    ask = request_receive(actor=acting, agency_id=agency.pk, requester_name="Det. Maria Lopez",
                          requester_title="Detective", requester_email="mlopez@riverside.example.org",
                          purpose="violent_crime", case_number="RPD-26-0412",
                          description="Armed robbery of a gas station on Harlem Avenue; the car fled north",
                          plates="ABC1234", window_start=timezone.now() - timedelta(days=2),
                          window_end=timezone.now() - timedelta(minutes=5))
    request_decide(actor=acting, request_id=ask.pk, approve=True, reason="Specific robbery case")
    request_release(actor=acting, request_id=ask.pk)
    # Its delete-by date has passed without a certificate.
    SharingRequest.objects.filter(pk=ask.pk).update(delete_by=timezone.localdate() - timedelta(days=3))

    browser_sign_in(page, live_server, administrator)
    nav_go(page, "Sharing")
    page.get_by_role("link", name="Agencies", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Riverside Police Department")
    expect(row).to_contain_text("Blocked")
    expect(row).to_contain_text(f"has not certified the deletion of the data released on request {ask.pk}")
    page.get_by_role("link", name="Deletion certificates").click()
    expect(page.get_by_role("status")).to_contain_text("1 certificate overdue")
    waiting = page.get_by_role("table", name="Released requests waiting for a deletion certificate, earliest "
                                             "due first")
    expect(waiting.get_by_role("row").filter(has_text="RPD-26-0412")).to_contain_text("Overdue by 3 days")
    assert_accessible(page, "an overdue deletion certificate")
    waiting.get_by_role("link", name=f"Request {ask.pk}").click()
    page.get_by_label("Certified by").fill("Lt. Sam Ruiz, records unit, letter of 2026-11-21")
    page.get_by_role("button", name="Record the certificate").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Deletion certificate for request {ask.pk} recorded")
    ask.refresh_from_db()
    assert ask.deletion_certified_at is not None and ask.deletion_certified_by.startswith("Lt. Sam Ruiz")

    page.get_by_role("link", name="Agencies", exact=True).click()
    expect(page.get_by_role("row").filter(has_text="Riverside Police Department")).to_contain_text("Yes")
    assert agency_block_reason(agency) is None
    assert AuditEvent.objects.filter(action="sharing.deletion_certified", actor_user=administrator,
                                     outcome=Outcome.ALLOWED).exists()
