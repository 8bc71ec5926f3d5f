"""The sharing pages: who reaches them, that they drive the services, and that a bad form changes nothing."""
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alpr.models import Camera
from audit.models import AuditEvent
from policy.defaults import DECLARATION_ATTESTATIONS
from policy.roles import Role
from retention.tests.conftest import actor_of, create_read
from sharing.models import (
    Agency,
    AgencyStatus,
    Declaration,
    PartnerCredential,
    PartnerPerson,
    RecordsRequest,
    RecordsRequestStatus,
    RequestStatus,
    SharingRequest,
)
from sharing.services.requests import request_decide, request_release
from sharing.tests.conftest import (
    PDF_BYTES,
    AgencyFactory,
    DeclarationFactory,
    PartnerPersonFactory,
    RecordsRequestFactory,
    SharingRequestFactory,
)


@pytest.fixture
def admin(make_verified_client):
    return make_verified_client(Role.ADMINISTRATOR)


@pytest.fixture
def records_supervisor(make_verified_client):
    return make_verified_client(Role.RECORDS)


@pytest.fixture
def declared_agency(db):
    """An agency with a declaration in force: it may receive data."""
    return DeclarationFactory().agency


def local_input(moment) -> str:
    """A datetime as a datetime-local field sends it (agency time, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def request_form(agency, **overrides) -> dict:
    now = timezone.now()
    return {"agency": agency.pk, "requester_name": "Det. Maria Lopez", "requester_title": "Detective",
            "requester_email": "mlopez@riverside.example.org", "purpose": "violent_crime",
            "case_number": "RPD-26-0412",
            "description": "Armed robbery of a gas station on Harlem Avenue; the suspect vehicle fled north",
            "plates": "ABC1234", "window_start": local_input(now - timedelta(days=2)),
            "window_end": local_input(now - timedelta(minutes=5)), **overrides}


def declaration_form(**overrides) -> dict:
    today = timezone.localdate()
    return {"signatory_name": "Chief Ann Ward", "signatory_title": "Chief of Police",
            "signed_on": (today - timedelta(days=3)).isoformat(),
            "expires_on": (today + timedelta(days=300)).isoformat(), "deletion_days": "30",
            "attestations": list(DECLARATION_ATTESTATIONS),
            "document": SimpleUploadedFile("declaration.pdf", PDF_BYTES, content_type="application/pdf"),
            **overrides}


def a_camera() -> Camera:
    return Camera.objects.create(name=f"Harlem & Lake {uuid.uuid4().hex[:6]}",
                                 location_description="NE corner")


def released_request(user, agency, *, plate: str) -> SharingRequest:
    """A request approved and released through the services, with one read of `plate` behind it."""
    create_read(a_camera(), plate=plate, captured_at=timezone.now() - timedelta(days=1))
    ask = SharingRequestFactory(agency=agency, plates=[plate])
    actor = actor_of(user)
    request_decide(actor=actor, request_id=ask.pk, approve=True, reason="Specific robbery case")
    return request_release(actor=actor, request_id=ask.pk)


# ---- Who reaches which page

ADMIN_PAGES = [
    ("sharing:requests", {}), ("sharing:request_new", {}), ("sharing:request_new_agency", {}),
    ("sharing:certificates", {}), ("sharing:agencies", {}), ("sharing:agency_register", {}),
]


@pytest.mark.rule("SHR-1")
@pytest.mark.parametrize("name, kwargs", ADMIN_PAGES)
def test_administrator_pages_answer_the_administrator_and_refuse_others(name, kwargs, admin,
                                                                        make_verified_client):
    url = reverse(name, kwargs=kwargs)
    assert admin.get(url).status_code == 200
    for role in (Role.OFFICER, Role.RECORDS, Role.AUDITOR):
        other = make_verified_client(role)
        assert other.get(url).status_code == 403, role
    assert AuditEvent.objects.filter(action="auth.page_refused", targets__contains=[url]).count() == 3


def test_object_pages_refuse_other_roles(admin, make_verified_client, declared_agency):
    ask = SharingRequestFactory(agency=declared_agency)
    person = PartnerPersonFactory(agency=declared_agency)
    urls = [reverse("sharing:agency_detail", args=[declared_agency.pk]),
            reverse("sharing:declaration_record", args=[declared_agency.pk]),
            reverse("sharing:agency_revoke", args=[declared_agency.pk]),
            reverse("sharing:request_detail", args=[ask.pk])]
    for url in urls:
        assert admin.get(url).status_code == 200, url
    officer = make_verified_client(Role.OFFICER)
    for url in urls:
        assert officer.get(url).status_code == 403, url
    posts = [(reverse("sharing:agency_sharing", args=[declared_agency.pk]), {"enabled": "true"}),
             (reverse("sharing:person_add", args=[declared_agency.pk]),
              {"person-full_name": "Sam Doe", "person-badge_number": "9", "person-email": "s@example.org"}),
             (reverse("sharing:credential_issue", args=[person.pk]), {}),
             (reverse("sharing:agency_revoke", args=[declared_agency.pk]),
              {"reason": "Misused the data for a traffic case", "confirm": "on"}),
             (reverse("sharing:request_decide", args=[ask.pk]), {"decision": "approve", "reason": "On file"}),
             (reverse("sharing:request_release", args=[ask.pk]), {}),
             (reverse("sharing:deletion_certify", args=[ask.pk]), {"certified_by": "Chief Ward"})]
    for url, data in posts:
        assert officer.post(url, data).status_code == 403, url
    declared_agency.refresh_from_db()
    ask.refresh_from_db()
    assert declared_agency.status == AgencyStatus.ACTIVE and not declared_agency.sharing_enabled
    assert ask.status == RequestStatus.PENDING
    assert not PartnerPerson.objects.filter(full_name="Sam Doe").exists()
    assert not PartnerCredential.objects.exists()


@pytest.mark.rule("SHR-3")
def test_records_queue_answers_only_the_records_supervisor(records_supervisor, admin, make_verified_client):
    item = RecordsRequestFactory()
    assert records_supervisor.get(reverse("sharing:records_requests")).status_code == 200
    assert admin.get(reverse("sharing:records_requests")).status_code == 403
    officer = make_verified_client(Role.OFFICER)
    assert officer.get(reverse("sharing:records_requests")).status_code == 403
    assert officer.get(reverse("sharing:records_request_new")).status_code == 403
    close = reverse("sharing:records_request_close", args=[item.pk])
    assert admin.post(close, {f"records-{item.pk}-response": "Sent the records we hold"}).status_code == 403
    item.refresh_from_db()
    assert item.status == RecordsRequestStatus.OPEN


def test_navigation_shows_sharing_to_the_administrator_and_records_to_the_records_supervisor(
        admin, records_supervisor, make_verified_client):
    sharing_link = f'href="{reverse("sharing:requests")}">Sharing<'
    records_link = f'href="{reverse("sharing:records_requests")}">Records requests<'
    admin_home = admin.get("/").content.decode()
    assert sharing_link in admin_home and records_link not in admin_home
    records_home = records_supervisor.get("/").content.decode()
    assert records_link in records_home and sharing_link not in records_home
    officer_home = make_verified_client(Role.OFFICER).get("/").content.decode()
    assert sharing_link not in officer_home and records_link not in officer_home


# ---- Agencies, declarations, people and keys

def test_register_an_agency(admin):
    response = admin.post(reverse("sharing:agency_register"), {
        "name": "Berwyn Police Department", "ori": "il0160100", "state": "il", "kind": "in_state",
        "contact_name": "Lt. Dan Ruiz", "contact_email": "druiz@berwyn.example.org", "contact_phone": ""})
    agency = Agency.objects.get()
    assert response.status_code == 302 and response.url == reverse("sharing:agency_detail", args=[agency.pk])
    assert agency.ori == "IL0160100" and agency.state == "IL" and not agency.sharing_enabled
    page = admin.get(reverse("sharing:agencies")).content.decode()
    assert "Berwyn Police Department" in page and "has no signed declaration in force" in page


def test_a_bad_agency_form_registers_nothing(admin):
    response = admin.post(reverse("sharing:agency_register"), {
        "name": "Berwyn Police Department", "ori": "BERWYN", "state": "IL", "kind": "in_state",
        "contact_name": "Lt. Dan Ruiz", "contact_email": "druiz@berwyn.example.org"})
    assert response.status_code == 400
    assert "An ORI is 9 characters" in response.content.decode()
    assert not Agency.objects.exists()


def test_agencies_list_shows_the_declaration_in_force_and_why_others_are_blocked(admin, declared_agency):
    declaration = declared_agency.declarations.get()
    blocked = AgencyFactory(name="Cicero Police Department")
    page = admin.get(reverse("sharing:agencies")).content.decode()
    assert f"Signed {declaration.signed_on:%Y-%m-%d}, expires {declaration.expires_on:%Y-%m-%d}" in page
    assert f"{blocked.name} has no signed declaration in force" in page
    assert "Illinois agency" in page


@pytest.mark.rule("SHR-2")
@pytest.mark.rule("SHR-4")
def test_record_a_declaration_with_every_attestation(admin):
    agency = AgencyFactory()
    url = reverse("sharing:declaration_record", args=[agency.pk])
    form = admin.get(url).content.decode()
    assert "<fieldset" in form and "<legend>The signed declaration states that the agency will" in form
    for text in DECLARATION_ATTESTATIONS.values():
        assert text[1:] in form
    response = admin.post(url, declaration_form())
    assert response.status_code == 302
    declaration = Declaration.objects.get(agency=agency)
    assert declaration.deletion_days == 30 and declaration.document.read() == PDF_BYTES
    assert AuditEvent.objects.filter(action="sharing.declaration_recorded").exists()
    detail = admin.get(reverse("sharing:agency_detail", args=[agency.pk])).content.decode()
    assert "In force" in detail and "Chief Ann Ward" in detail
    document = admin.get(reverse("sharing:declaration_document", args=[agency.pk, declaration.pk]))
    assert document.status_code == 200 and b"".join(document.streaming_content) == PDF_BYTES


@pytest.mark.rule("SHR-4")
def test_a_declaration_missing_an_attestation_is_refused_and_nothing_is_recorded(admin):
    agency = AgencyFactory()
    response = admin.post(reverse("sharing:declaration_record", args=[agency.pk]),
                          declaration_form(attestations=list(DECLARATION_ATTESTATIONS)[:3]))
    assert response.status_code == 400
    assert "not re-share or reuse the data without our written approval" in response.content.decode()
    assert not Declaration.objects.exists()
    attempts = AuditEvent.objects.filter(action="sharing.declaration_recorded")
    assert attempts.exists() and not attempts.filter(outcome="allowed").exists()


def test_a_declaration_that_is_not_a_pdf_is_refused(admin):
    agency = AgencyFactory()
    not_pdf = SimpleUploadedFile("declaration.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    response = admin.post(reverse("sharing:declaration_record", args=[agency.pk]),
                          declaration_form(document=not_pdf))
    assert response.status_code == 400 and "must be a PDF file" in response.content.decode()
    assert not Declaration.objects.exists()


def test_partner_searches_are_asked_for_only_for_an_agency_that_may_receive_data(admin, declared_agency):
    """Switching on is a request to the Chief (sharing/tests/test_online_sharing.py); off is at once."""
    reason = "Neighbouring department; its detectives work our cases"
    undeclared = AgencyFactory()
    response = admin.post(reverse("sharing:agency_sharing", args=[undeclared.pk]),
                          {"enabled": "true", "reason": reason}, follow=True)
    assert "Partner searches stay off" in response.content.decode()
    undeclared.refresh_from_db()
    assert not undeclared.sharing_enabled and not undeclared.online_sharing_requests.exists()
    response = admin.post(reverse("sharing:agency_sharing", args=[declared_agency.pk]),
                          {"enabled": "true", "reason": reason, "next": reverse("sharing:agencies")})
    assert response.status_code == 302 and response.url == reverse("sharing:agencies")
    declared_agency.refresh_from_db()
    assert not declared_agency.sharing_enabled and declared_agency.online_sharing_requests.get()
    assert "Requested, waiting for the Chief" in admin.get(reverse("sharing:agencies")).content.decode()
    Agency.objects.filter(pk=declared_agency.pk).update(sharing_enabled=True)  # as the Chief's approval does
    admin.post(reverse("sharing:agency_sharing", args=[declared_agency.pk]), {"enabled": "false"})
    declared_agency.refresh_from_db()
    assert not declared_agency.sharing_enabled


@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)",
                                    "http://testserver/sharing/agencies/"])
def test_the_sharing_switch_follows_no_next_off_this_site_or_down_to_http(admin, declared_agency, target):
    """Tried: the switch's hidden `next` edited to another host, a script, or this host over plain http
    from an https page (the last one was followed)."""
    response = admin.post(reverse("sharing:agency_sharing", args=[declared_agency.pk]),
                          {"enabled": "false", "next": target}, secure=True)
    assert response.status_code == 302
    assert response.url == reverse("sharing:agency_detail", args=[declared_agency.pk])


def test_add_a_person_issue_a_key_once_and_revoke_it(admin, declared_agency):
    declared_agency.sharing_enabled = True
    declared_agency.save(update_fields=["sharing_enabled"])
    response = admin.post(reverse("sharing:person_add", args=[declared_agency.pk]), {
        "person-full_name": "Det. Maria Lopez", "person-badge_number": "4411",
        "person-email": "mlopez@riverside.example.org"})
    assert response.status_code == 302
    person = PartnerPerson.objects.get()
    issued = admin.post(reverse("sharing:credential_issue", args=[person.pk]))
    credential = PartnerCredential.objects.get()
    page = issued.content.decode()
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]
    assert "shown only this once" in page
    key = page.split('id="partner-key" class="token-key">')[1].split("<")[0]
    key_id, secret = key.split(":")
    assert key_id == credential.key_id and credential.secret_matches(secret)
    detail = admin.get(reverse("sharing:agency_detail", args=[declared_agency.pk])).content.decode()
    assert credential.key_id in detail and secret not in detail
    admin.post(reverse("sharing:credential_revoke", args=[credential.pk]))
    credential.refresh_from_db()
    assert credential.revoked_at is not None


def test_a_bad_person_form_adds_nobody_and_no_key_goes_to_a_blocked_agency(admin):
    agency = AgencyFactory()
    response = admin.post(reverse("sharing:person_add", args=[agency.pk]), {
        "person-full_name": "Lopez", "person-badge_number": "4411", "person-email": "m@example.org"})
    assert response.status_code == 400 and "a key belongs to one named person" in response.content.decode()
    assert not PartnerPerson.objects.exists()
    person = PartnerPersonFactory(agency=agency)
    response = admin.post(reverse("sharing:credential_issue", args=[person.pk]), follow=True)
    assert "No key issued" in response.content.decode()
    assert not PartnerCredential.objects.exists()


@pytest.mark.rule("SHR-4")
def test_revoking_an_agency_needs_a_reason_and_a_confirmation(admin, declared_agency):
    url = reverse("sharing:agency_revoke", args=[declared_agency.pk])
    page = admin.get(url).content.decode()
    assert "published on the public portal" in page
    unconfirmed = admin.post(url, {"reason": "Used the data for a traffic stop"})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    too_short = admin.post(url, {"reason": "misuse", "confirm": "on"})
    assert too_short.status_code == 400 and "published on the portal" in too_short.content.decode()
    declared_agency.refresh_from_db()
    assert declared_agency.status == AgencyStatus.ACTIVE
    pending = SharingRequestFactory(agency=declared_agency)
    response = admin.post(url, {"reason": "Used the data for a traffic stop", "confirm": "on"})
    assert response.status_code == 302
    declared_agency.refresh_from_db()
    pending.refresh_from_db()
    assert declared_agency.status == AgencyStatus.REVOKED
    assert declared_agency.revocation_reason == "Used the data for a traffic stop"
    assert pending.status == RequestStatus.CANCELLED
    detail = admin.get(reverse("sharing:agency_detail", args=[declared_agency.pk])).content.decode()
    assert "Access revoked" in detail


# ---- Written requests

@pytest.mark.rule("SHR-3")
def test_intake_asks_who_is_asking_first(admin):
    page = admin.get(reverse("sharing:request_new")).content.decode()
    assert "<legend>Who is asking for the data?" in page
    agency = admin.get(reverse("sharing:request_new"), {"asker": "agency"})
    assert agency.status_code == 302 and agency.url == reverse("sharing:request_new_agency")
    outside = admin.get(reverse("sharing:request_new"), {"asker": "outside"})
    assert outside.status_code == 302 and outside.url == reverse("sharing:records_request_new")
    assert admin.get(reverse("sharing:request_new"), {"asker": "someone"}).status_code == 400


@pytest.mark.rule("SHR-1")
def test_record_an_agency_request(admin, declared_agency):
    response = admin.post(reverse("sharing:request_new_agency"), request_form(declared_agency))
    ask = SharingRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("sharing:request_detail", args=[ask.pk])
    assert ask.status == RequestStatus.PENDING and ask.plates == ["ABC1234"]
    assert ask.requester_name == "Det. Maria Lopez" and ask.recorded_by == admin.user
    queue = admin.get(reverse("sharing:requests")).content.decode()
    assert f"Request {ask.pk}" in queue and "RPD-26-0412" in queue


def test_the_purpose_list_leaves_out_the_felony_exception(admin):
    page = admin.get(reverse("sharing:request_new_agency")).content.decode()
    assert "Violent crime investigation" in page and "Other significant felony" not in page


def test_a_bad_request_form_records_nothing(admin, declared_agency):
    vague = admin.post(reverse("sharing:request_new_agency"),
                       request_form(declared_agency, description="investigation"))
    assert vague.status_code == 400
    no_plate = admin.post(reverse("sharing:request_new_agency"), request_form(declared_agency, plates=" , "))
    assert no_plate.status_code == 400 and "Name the plate or plates asked for" in no_plate.content.decode()
    backwards = admin.post(reverse("sharing:request_new_agency"), request_form(
        declared_agency, window_start=local_input(timezone.now() - timedelta(hours=1)),
        window_end=local_input(timezone.now() - timedelta(days=1))))
    assert backwards.status_code == 400 and "must end after it starts" in backwards.content.decode()
    assert not SharingRequest.objects.exists()


@pytest.mark.rule("SHR-4")
def test_a_request_for_immigration_enforcement_is_refused_and_revokes_the_agency(admin, declared_agency):
    response = admin.post(reverse("sharing:request_new_agency"), request_form(
        declared_agency, description="Locate an undocumented driver for deportation proceedings"))
    assert response.status_code == 400 and "immigration enforcement" in response.content.decode()
    assert not SharingRequest.objects.exists()
    declared_agency.refresh_from_db()
    assert declared_agency.status == AgencyStatus.REVOKED


@pytest.mark.rule("SHR-3")
def test_an_outside_request_goes_to_the_records_supervisor(admin, records_supervisor):
    response = admin.post(reverse("sharing:records_request_new"), {
        "requester_name": "Jo Reporter", "requester_organisation": "Oak Leaves",
        "requester_contact": "jo@oakleaves.example.org",
        "request_text": "All reads of plates registered to the village in March"}, follow=True)
    assert "went to the records supervisor" in response.content.decode()
    item = RecordsRequest.objects.get()
    assert item.status == RecordsRequestStatus.OPEN and not SharingRequest.objects.exists()
    queue = records_supervisor.get(reverse("sharing:records_requests")).content.decode()
    assert "Jo Reporter" in queue and "All reads of plates registered to the village" in queue
    bad = admin.post(reverse("sharing:records_request_new"), {
        "requester_name": "Jo", "requester_contact": "jo@example.org", "request_text": "reads"})
    assert bad.status_code == 400 and RecordsRequest.objects.count() == 1


@pytest.mark.rule("SHR-3")
def test_the_records_supervisor_records_and_closes_an_outside_request(records_supervisor):
    records_supervisor.post(reverse("sharing:records_request_new"), {
        "requester_name": "Pat Neighbour", "requester_contact": "555-0102",
        "request_text": "Every time my own car was read last month"})
    item = RecordsRequest.objects.get()
    close = reverse("sharing:records_request_close", args=[item.pk])
    too_short = records_supervisor.post(close, {f"records-{item.pk}-response": "done"})
    assert too_short.status_code == 400 and "Record the response" in too_short.content.decode()
    item.refresh_from_db()
    assert item.status == RecordsRequestStatus.OPEN
    response = records_supervisor.post(close, {
        f"records-{item.pk}-response": "Sent the three reads of the requester's own plate under FOIA"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RecordsRequestStatus.CLOSED and item.closed_by == records_supervisor.user
    page = records_supervisor.get(reverse("sharing:records_requests")).content.decode()
    assert "Sent the three reads" in page and "No open request." in page


@pytest.mark.rule("SHR-1")
def test_viewing_a_request_is_audited(admin, declared_agency):
    ask = SharingRequestFactory(agency=declared_agency)
    page = admin.get(reverse("sharing:request_detail", args=[ask.pk])).content.decode()
    assert ask.case_number in page and "Record the decision" in page
    assert AuditEvent.objects.filter(action="sharing.request_viewed", actor_user=admin.user,
                                     targets__contains=[f"sharing-request:{ask.pk}"]).exists()


@pytest.mark.rule("SHR-1")
def test_a_decision_needs_a_reason_and_an_agency_that_may_receive_data(admin, declared_agency):
    ask = SharingRequestFactory(agency=declared_agency)
    url = reverse("sharing:request_decide", args=[ask.pk])
    no_reason = admin.post(url, {"decision": "approve", "reason": ""})
    assert no_reason.status_code == 400
    blocked_ask = SharingRequestFactory(agency=AgencyFactory())
    blocked = admin.post(reverse("sharing:request_decide", args=[blocked_ask.pk]),
                         {"decision": "approve", "reason": "Specific robbery case"})
    assert blocked.status_code == 400 and "no signed declaration in force" in blocked.content.decode()
    ask.refresh_from_db()
    blocked_ask.refresh_from_db()
    assert ask.status == blocked_ask.status == RequestStatus.PENDING
    admin.post(url, {"decision": "deny", "reason": "The window is wider than the case needs"})
    ask.refresh_from_db()
    assert ask.status == RequestStatus.DENIED and ask.decided_by == admin.user


@pytest.mark.rule("SHR-1")
@pytest.mark.rule("SHR-2")
@pytest.mark.rule("SHR-6")
def test_approve_release_and_certify_deletion(admin, declared_agency):
    read = create_read(a_camera(), plate="ABC1234", captured_at=timezone.now() - timedelta(days=1))
    ask = SharingRequestFactory(agency=declared_agency, plates=["ABC1234"])
    admin.post(reverse("sharing:request_decide", args=[ask.pk]),
               {"decision": "approve", "reason": "Specific robbery case; declaration in force"})
    ask.refresh_from_db()
    assert ask.status == RequestStatus.APPROVED
    assert "Release the data" in admin.get(reverse("sharing:request_detail", args=[ask.pk])).content.decode()
    response = admin.post(reverse("sharing:request_release", args=[ask.pk]), follow=True)
    ask.refresh_from_db()
    assert ask.status == RequestStatus.RELEASED and ask.package is not None
    page = response.content.decode()
    assert reverse("retention:package_detail", args=[ask.package.pk]) in page
    assert f"{ask.delete_by:%Y-%m-%d}" in page and "Record the certificate" in page
    assert AuditEvent.objects.filter(action="sharing.request_released",
                                     targets__contains=[f"read:{read.pk}"]).exists()
    certificates = admin.get(reverse("sharing:certificates")).content.decode()
    assert f"Request {ask.pk}" in certificates and "Overdue" not in certificates
    bad = admin.post(reverse("sharing:deletion_certify", args=[ask.pk]), {"certified_by": ""})
    assert bad.status_code == 400
    ask.refresh_from_db()
    assert ask.deletion_certified_at is None
    admin.post(reverse("sharing:deletion_certify", args=[ask.pk]), {"certified_by": "Chief Ann Ward"})
    ask.refresh_from_db()
    assert ask.deletion_certified_at is not None and ask.deletion_certified_by == "Chief Ann Ward"


def test_a_release_with_no_matching_read_releases_nothing(admin, declared_agency):
    ask = SharingRequestFactory(agency=declared_agency, status=RequestStatus.APPROVED, decided_by=admin.user,
                                decided_at=timezone.now(), decision_reason="On file")
    response = admin.post(reverse("sharing:request_release", args=[ask.pk]), follow=True)
    assert "Nothing was released" in response.content.decode()
    ask.refresh_from_db()
    assert ask.status == RequestStatus.APPROVED and ask.package is None


@pytest.mark.rule("SHR-2")
def test_overdue_certificates_are_flagged(admin, declared_agency):
    due_later = released_request(admin.user, declared_agency, plate="ABC1234")
    overdue = released_request(admin.user, declared_agency, plate="XYZ9876")
    SharingRequest.objects.filter(pk=overdue.pk).update(delete_by=timezone.localdate() - timedelta(days=3))
    page = admin.get(reverse("sharing:certificates")).content.decode()
    assert "1 certificate overdue" in page and "Overdue</strong></span> by 3 days" in page
    assert f"Request {due_later.pk}" in page and "Due in 30 days" in page
    detail = admin.get(reverse("sharing:request_detail", args=[overdue.pk])).content.decode()
    assert "Deletion certificate overdue" in detail
    queue = admin.get(reverse("sharing:requests")).content.decode()
    assert "1 released request is past its deletion date" in queue
