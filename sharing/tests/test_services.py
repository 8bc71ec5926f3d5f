"""The sharing rules, service by service (SHR-1 to SHR-6, RET-5)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import BooleanField
from django.utils import timezone

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied, ProhibitedPurpose
from policy import defaults
from policy.models import AgencyPolicy
from policy.roles import Role
from retention.models import ErroneousDataNotification, ErrorKind, ReadShare
from retention.services import flag_review, read_flag_erroneous
from retention.tests.conftest import create_read
from searches.tests.factories import make_camera
from sharing import selectors
from sharing.models import (
    AgencyStatus,
    Declaration,
    PartnerCredential,
    RecordsRequest,
    RequestStatus,
    SharingRequest,
)
from sharing.services import agencies, notices, requests
from sharing.tests.conftest import (
    PDF_BYTES,
    AgencyFactory,
    DeclarationFactory,
    EvidencePackageFactory,
    PartnerPersonFactory,
    SharingRequestFactory,
)

pytestmark = pytest.mark.django_db
ALL_ATTESTATIONS = dict.fromkeys(defaults.DECLARATION_ATTESTATIONS, True)


def _actor(user) -> Actor:
    return Actor.for_user(user, client_ip="10.0.0.7")


def _declare(admin, agency, **overrides):
    values = {
        "signatory_name": "Dana Whitfield",
        "signatory_title": "Chief of Police",
        "signed_on": timezone.localdate() - timedelta(days=3),
        "expires_on": timezone.localdate() + timedelta(days=300),
        "deletion_days": 30,
        "attestations": ALL_ATTESTATIONS,
        "document": SimpleUploadedFile("declaration.pdf", PDF_BYTES, content_type="application/pdf"),
    }
    values.update(overrides)
    return agencies.declaration_record(actor=_actor(admin), agency_id=agency.pk, **values)


def _stored_documents(settings) -> list[Path]:
    root = Path(settings.SHARING_DOCUMENTS_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- declarations (SHR-2, SHR-4) -----------------------------------------------------------------


@pytest.mark.rule("SHR-4")
@pytest.mark.parametrize("left_out", list(defaults.DECLARATION_ATTESTATIONS))
def test_a_declaration_that_leaves_out_any_limit_is_refused_and_stores_nothing(
    administrator, settings, left_out
):
    agency = AgencyFactory()
    with pytest.raises(PolicyDenied, match="must certify every limit"):
        _declare(administrator, agency, attestations={**ALL_ATTESTATIONS, left_out: False})
    assert not Declaration.objects.exists()
    assert _stored_documents(settings) == []
    assert selectors.agency_block_reason(agency) is not None


@pytest.mark.rule("SHR-4")
@pytest.mark.parametrize("code", defaults.SHARING_MISUSE_CODES)
def test_every_misuse_purpose_has_an_attestation_field_of_the_declaration(code):
    field, promise = defaults.SHARING_MISUSE_ATTESTATIONS[code]
    assert isinstance(Declaration._meta.get_field(field), BooleanField)
    assert defaults.DECLARATION_ATTESTATIONS[field] == promise
    assert code in defaults.PROHIBITED_CODES


@pytest.mark.rule("SHR-2")
def test_a_complete_declaration_is_filed_with_its_document_hash(administrator, settings):
    agency = AgencyFactory()
    declaration = _declare(administrator, agency)
    assert declaration.document_sha256 == __import__("hashlib").sha256(PDF_BYTES).hexdigest()
    assert [path.read_bytes() for path in _stored_documents(settings)] == [PDF_BYTES]
    assert selectors.valid_declaration(agency) == declaration
    assert selectors.agency_block_reason(agency) is None
    assert AuditEvent.objects.filter(action="sharing.declaration_recorded", outcome=Outcome.ALLOWED).exists()


@pytest.mark.rule("SHR-2")
@pytest.mark.parametrize(
    ("what", "overrides", "field"),
    [
        ("not a PDF", {"document": SimpleUploadedFile("d.pdf", b"MZ\x90\x00 not a pdf")}, "document"),
        (
            "valid longer than the policy allows",
            {"expires_on": timezone.localdate() + timedelta(days=800)},
            "expires_on",
        ),
        ("a deletion period longer than the policy's", {"deletion_days": 365}, "deletion_days"),
        ("signed in the future", {"signed_on": timezone.localdate() + timedelta(days=2)}, "signed_on"),
    ],
)
def test_bad_declarations_are_refused_with_a_clear_error(administrator, settings, what, overrides, field):
    with pytest.raises(ApplicationError) as refused:
        _declare(administrator, AgencyFactory(), **overrides)
    assert refused.value.field == field, what
    assert not Declaration.objects.exists() and _stored_documents(settings) == []


@pytest.mark.rule("SHR-4")
def test_the_database_refuses_a_declaration_without_every_attestation():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DeclarationFactory(no_resharing_without_approval=False)


@pytest.mark.rule("SHR-2")
def test_an_expired_declaration_means_no_data():
    agency = AgencyFactory()
    DeclarationFactory(
        agency=agency,
        signed_on=timezone.localdate() - timedelta(days=400),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    assert "no signed declaration in force" in selectors.agency_block_reason(agency)
    assert agency.name not in selectors.agencies_with_access()


# --- written requests, decisions, releases (SHR-1, SHR-2, SHR-6) ---------------------------------


def _receive(admin, agency, **overrides):
    values = {
        "requester_name": "Det. Sam Ortiz",
        "requester_title": "Detective",
        "requester_email": "sortiz@agency.example.org",
        "purpose": "violent_crime",
        "case_number": "RPD-26-00417",
        "description": "Carjacking at gunpoint on North Avenue; the stolen SUV was seen heading east",
        "plates": "ABC1234, xyz 987",
        "window_start": timezone.now() - timedelta(days=3),
        "window_end": timezone.now(),
    }
    values.update(overrides)
    return requests.request_receive(actor=_actor(admin), agency_id=agency.pk, **values)


@pytest.mark.rule("SHR-1")
def test_a_written_request_is_reviewed_approved_and_released_as_an_evidence_package(
    administrator, django_capture_on_commit_callbacks
):
    agency = AgencyFactory()
    DeclarationFactory(agency=agency, deletion_days=14)
    camera = make_camera()
    ours = create_read(camera, plate="ABC1234", age=timedelta(hours=5))
    create_read(camera, plate="QQQ111", age=timedelta(hours=5))  # not asked for
    request = _receive(administrator, agency)
    assert request.plates == ["ABC1234", "XYZ987"] and request.status == RequestStatus.PENDING

    requests.request_decide(
        actor=_actor(administrator),
        request_id=request.pk,
        approve=True,
        reason="Declaration in force; specific violent-crime case",
    )
    with django_capture_on_commit_callbacks(execute=True):
        released = requests.request_release(actor=_actor(administrator), request_id=request.pk)

    assert released.status == RequestStatus.RELEASED
    assert released.package.read_ids == [ours.pk]
    assert released.delete_by == timezone.localdate() + timedelta(days=14)
    assert list(ReadShare.objects.values_list("read_id", "agency_ori")) == [(ours.pk, agency.ori)]
    assert SharingRequest.objects.get(pk=request.pk).decision_reason.startswith("Declaration in force")
    actions = list(AuditEvent.objects.filter(outcome=Outcome.ALLOWED).values_list("action", flat=True))
    for action in (
        "sharing.request_received",
        "sharing.request_decided",
        "search.sharing_release",
        "retention.evidence_package_created",
        "sharing.request_released",
    ):
        assert action in actions
    assert [message.to for message in mail.outbox] == [["sortiz@agency.example.org", agency.contact_email]]


@pytest.mark.rule("SHR-6")
def test_a_read_received_from_another_agency_never_leaves_again(administrator):
    agency = AgencyFactory()
    DeclarationFactory(agency=agency)
    camera = make_camera()
    ours = create_read(camera, plate="ABC1234", age=timedelta(hours=2))
    received = create_read(camera, plate="ABC1234", age=timedelta(hours=3), origin_agency="IL0160000")
    request = SharingRequestFactory(
        agency=agency,
        plates=["ABC1234"],
        status=RequestStatus.APPROVED,
        decided_by=administrator,
        decided_at=timezone.now(),
    )
    released = requests.request_release(actor=_actor(administrator), request_id=request.pk)
    assert released.package.read_ids == [ours.pk]
    assert not ReadShare.objects.filter(read_id=received.pk).exists()


@pytest.mark.rule("SHR-2")
def test_no_approval_and_no_release_without_a_declaration_in_force(administrator):
    agency = AgencyFactory()
    request = _receive(administrator, agency)
    with pytest.raises(PolicyDenied, match="no signed declaration"):
        requests.request_decide(
            actor=_actor(administrator), request_id=request.pk, approve=True, reason="Looks fine to me"
        )
    assert SharingRequest.objects.get(pk=request.pk).status == RequestStatus.PENDING

    declaration = DeclarationFactory(agency=agency)
    requests.request_decide(
        actor=_actor(administrator), request_id=request.pk, approve=True, reason="In order"
    )
    create_read(make_camera(), plate="ABC1234", age=timedelta(hours=1))
    Declaration.objects.filter(pk=declaration.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1),
        signed_on=timezone.localdate() - timedelta(days=90),
    )
    with pytest.raises(PolicyDenied, match="no signed declaration"):
        requests.request_release(actor=_actor(administrator), request_id=request.pk)
    assert SharingRequest.objects.get(pk=request.pk).package is None
    assert AuditEvent.objects.filter(action="sharing.request_released", outcome=Outcome.REFUSED).exists()


@pytest.mark.rule("SHR-1", "SHR-4")
def test_a_request_under_a_purpose_the_policy_has_since_removed_is_neither_approved_nor_released(
        administrator):
    """A tightening of the policy is in force at once, for written requests as for partner searches."""
    agency = AgencyFactory()
    DeclarationFactory(agency=agency)
    pending = _receive(administrator, agency, purpose="stolen_vehicle")
    approved = _receive(administrator, agency, purpose="stolen_vehicle")
    requests.request_decide(actor=_actor(administrator), request_id=approved.pk, approve=True,
                            reason="In order")
    create_read(make_camera(), plate="ABC1234", age=timedelta(hours=1))
    AgencyPolicy.objects.create(permitted_purposes=[
        purpose for purpose in defaults.permitted_purposes() if purpose["code"] != "stolen_vehicle"])

    with pytest.raises(PolicyDenied, match="does not pass the policy in force now"):
        requests.request_decide(actor=_actor(administrator), request_id=pending.pk, approve=True,
                                reason="In order")
    with pytest.raises(PolicyDenied, match="does not pass the policy in force now"):
        requests.request_release(actor=_actor(administrator), request_id=approved.pk)

    assert SharingRequest.objects.get(pk=pending.pk).status == RequestStatus.PENDING
    assert SharingRequest.objects.get(pk=approved.pk).package is None
    assert not ReadShare.objects.exists()
    refused = AuditEvent.objects.get(action="sharing.request_released", outcome=Outcome.REFUSED)
    assert refused.flagged
    requests.request_decide(actor=_actor(administrator), request_id=pending.pk, approve=False,
                            reason="Purpose no longer permitted")  # denying still works
    assert SharingRequest.objects.get(pk=pending.pk).status == RequestStatus.DENIED


@pytest.mark.rule("SHR-1")
def test_only_the_administrator_reviews_and_every_decision_needs_a_reason(administrator, detective):
    agency = AgencyFactory()
    DeclarationFactory(agency=agency)
    request = SharingRequestFactory(agency=agency)
    with pytest.raises(PolicyDenied):
        requests.request_decide(
            actor=_actor(detective), request_id=request.pk, approve=True, reason="approved"
        )
    with pytest.raises(ApplicationError, match="reason"):
        requests.request_decide(actor=_actor(administrator), request_id=request.pk, approve=False, reason="")
    denied = requests.request_decide(
        actor=_actor(administrator),
        request_id=request.pk,
        approve=False,
        reason="No nexus to our jurisdiction",
    )
    assert denied.status == RequestStatus.DENIED and denied.decided_by == administrator
    with pytest.raises(ApplicationError, match="Only an approved request"):
        requests.request_release(actor=_actor(administrator), request_id=request.pk)


@pytest.mark.rule("SHR-1")
@pytest.mark.parametrize(
    ("what", "overrides", "error"),
    [
        ("no plate", {"plates": " , "}, "plate"),
        ("a vague description", {"description": "investigation"}, "does not say"),
        ("a purpose we do not permit", {"purpose": "neighbourhood_watch"}, "permitted purposes"),
        ("the other-felony exception", {"purpose": "other_felony"}, "not open to outside agencies"),
        (
            "a window longer than retention",
            {"window_start": timezone.now() - timedelta(days=60)},
            "retention",
        ),
        # Released later, a window running on past today handed over the plate's later movements
        # without another review: one approval became a standing order.
        (
            "a window that ends in the future",
            {"window_start": timezone.now() - timedelta(days=1),
             "window_end": timezone.now() + timedelta(days=20)},
            "ends in the future",
        ),
    ],
)
def test_bad_written_requests_are_refused_and_nothing_is_filed(administrator, what, overrides, error):
    with pytest.raises(ApplicationError, match=error):
        _receive(administrator, AgencyFactory(), **overrides)
    assert not SharingRequest.objects.exists(), what


# --- public-records requests (SHR-3) -------------------------------------------------------------


@pytest.mark.rule("SHR-3")
def test_requests_from_outside_law_enforcement_go_to_the_records_supervisor(administrator, officer):
    records_supervisor = UserFactory(role=Role.RECORDS)
    routed = requests.records_request_receive(
        actor=_actor(administrator),
        requester_name="Jordan Lee",
        requester_organisation="Oak Leaves",
        requester_contact="jlee@example.org",
        request_text="All reads of plate ABC1234 in March (FOIA)",
    )
    assert not SharingRequest.objects.exists()
    assert list(selectors.open_records_requests()) == [routed]
    for not_records in (administrator, officer):
        with pytest.raises(PolicyDenied, match="records supervisor"):
            requests.records_request_close(
                actor=_actor(not_records), records_request_id=routed.pk, response="Released under FOIA"
            )
    closed = requests.records_request_close(
        actor=_actor(records_supervisor),
        records_request_id=routed.pk,
        response="Denied under 5 ILCS 140/7(1)(d); no ALPR export made.",
    )
    assert closed.status == "closed" and closed.closed_by == records_supervisor
    assert RecordsRequest.objects.get().response.startswith("Denied")
    with pytest.raises(PolicyDenied):
        requests.records_request_receive(
            actor=_actor(officer),
            requester_name="A B",
            requester_organisation="",
            requester_contact="x@example.org",
            request_text="Everything you have",
        )


# --- refusal and revocation (SHR-4) --------------------------------------------------------------


@pytest.mark.rule("SHR-4")
@pytest.mark.parametrize(
    "description",
    [
        "Locate the vehicle of an undocumented worker for deportation proceedings",
        "Vehicle seen at a clinic; investigating an abortion performed there last week",
    ],
)
def test_a_request_for_immigration_or_reproductive_health_is_refused_flagged_and_revokes(
    administrator, description
):
    agency = AgencyFactory(sharing_enabled=True)
    DeclarationFactory(agency=agency)
    person = PartnerPersonFactory(agency=agency)
    agencies.credential_issue(actor=_actor(administrator), person_id=person.pk)
    pending = SharingRequestFactory(agency=agency)
    with pytest.raises(ProhibitedPurpose):
        _receive(administrator, agency, description=description)
    refused = AuditEvent.objects.get(action="sharing.request_received", outcome=Outcome.REFUSED)
    assert refused.flagged
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.REVOKED and not agency.sharing_enabled
    assert agency.revocation_reason.startswith("Misuse: a written request")
    assert not PartnerCredential.objects.filter(revoked_at__isnull=True).exists()
    assert SharingRequest.objects.get(pk=pending.pk).status == RequestStatus.CANCELLED
    assert AuditEvent.objects.get(action="sharing.agency_revoked").flagged


@pytest.mark.rule("SHR-4")
def test_one_action_revokes_keys_requests_and_sharing_and_the_portal_shows_it(administrator):
    agency = AgencyFactory(sharing_enabled=True)
    DeclarationFactory(agency=agency)
    person = PartnerPersonFactory(agency=agency)
    agencies.credential_issue(actor=_actor(administrator), person_id=person.pk)
    pending = SharingRequestFactory(agency=agency)
    assert agency.name in selectors.agencies_with_access()

    with pytest.raises(ApplicationError, match="why"):
        agencies.agency_revoke(actor=_actor(administrator), agency_id=agency.pk, reason="")
    agencies.agency_revoke(
        actor=_actor(administrator),
        agency_id=agency.pk,
        reason="Shared our data with a third agency without approval",
    )

    agency.refresh_from_db()
    assert agency.is_revoked and not agency.sharing_enabled
    assert not PartnerCredential.objects.filter(revoked_at__isnull=True).exists()
    assert SharingRequest.objects.get(pk=pending.pk).status == RequestStatus.CANCELLED
    assert agency.name not in selectors.agencies_with_access()
    assert [revoked.name for revoked in selectors.revoked_agencies()] == [agency.name]
    event = AuditEvent.objects.get(action="sharing.agency_revoked", outcome=Outcome.ALLOWED)
    assert event.reason.startswith("Shared our data") and event.query["credentials_revoked"] == 1
    with pytest.raises(PolicyDenied, match="revoked"):
        _receive(administrator, agency)
    with pytest.raises(ApplicationError, match="revoked"):
        _declare(administrator, agency)


# --- deletion certificates (SHR-2) ---------------------------------------------------------------


def _released(agency, *, delete_by, admin):
    return SharingRequestFactory(
        agency=agency,
        status=RequestStatus.RELEASED,
        decided_by=admin,
        decided_at=timezone.now(),
        released_at=timezone.now(),
        delete_by=delete_by,
        package=EvidencePackageFactory(),
    )


@pytest.mark.rule("SHR-2")
def test_an_overdue_deletion_certificate_is_flagged_and_blocks_further_data(
    administrator, django_capture_on_commit_callbacks
):
    agency = AgencyFactory()
    DeclarationFactory(agency=agency)
    today = timezone.localdate()
    soon = _released(agency, delete_by=today + timedelta(days=3), admin=administrator)
    late = _released(agency, delete_by=today - timedelta(days=1), admin=administrator)

    with django_capture_on_commit_callbacks(execute=True):
        result = requests.deletion_certificates_chase(actor=Actor.system("scheduler"))

    assert result == {"reminded": 2, "flagged_overdue": 1}
    assert SharingRequest.objects.get(pk=late.pk).deletion_overdue_at is not None
    assert SharingRequest.objects.get(pk=soon.pk).deletion_overdue_at is None
    overdue_event = AuditEvent.objects.get(action="sharing.deletion_overdue")
    assert overdue_event.flagged and f"sharing-request:{late.pk}" in overdue_event.targets
    assert len(mail.outbox) == 2
    assert "has not certified the deletion" in selectors.agency_block_reason(agency)
    assert requests.deletion_certificates_chase(actor=Actor.system("scheduler")) == {
        "reminded": 0,
        "flagged_overdue": 0,
    }  # once each

    requests.deletion_certify(actor=_actor(administrator), request_id=late.pk, certified_by="Lt. R. Gomez")
    assert selectors.agency_block_reason(agency) is None


# --- erroneous data (RET-5) and counts (SHR-5) ---------------------------------------------------


@pytest.mark.rule("RET-5")
def test_recipients_of_a_read_confirmed_erroneous_are_notified_by_email(administrator, detective):
    agency = AgencyFactory(contact_email="records@riverside.example.org")
    DeclarationFactory(agency=agency)
    read = create_read(make_camera(), plate="ABC1234", age=timedelta(hours=2))
    request = SharingRequestFactory(
        agency=agency,
        plates=["ABC1234"],
        status=RequestStatus.APPROVED,
        decided_by=administrator,
        decided_at=timezone.now(),
    )
    requests.request_release(actor=_actor(administrator), request_id=request.pk)
    mail.outbox.clear()
    flag = read_flag_erroneous(
        actor=_actor(detective),
        read_id=read.pk,
        kind=ErrorKind.MISREAD,
        note="The plate is ABC1284, photo shows an 8",
    )
    flag_review(
        actor=_actor(administrator),
        flag_id=flag.pk,
        confirm=True,
        note="Photo confirms",
        corrected_plate="ABC1284",
    )

    assert notices.erroneous_notices_deliver(actor=Actor.system("scheduler")) == 1

    notice = ErroneousDataNotification.objects.get(agency_ori=agency.ori)
    assert notice.delivered_at is not None
    assert [message.to for message in mail.outbox] == [["records@riverside.example.org"]]
    assert "ABC1284" in mail.outbox[0].body
    assert notices.erroneous_notices_deliver(actor=Actor.system("scheduler")) == 0


@pytest.mark.rule("SHR-5")
def test_partner_searches_are_counted_per_agency_for_the_month():
    from sharing.models import PartnerSearch

    first, second = PartnerPersonFactory(), PartnerPersonFactory()
    now = timezone.now()

    def search(person, **fields):
        PartnerSearch.objects.create(agency=person.agency, person=person, purpose="violent_crime",
                                     case_number="C-1", description="d", plate_query="ABC1234", **fields)

    for person, count in ((first, 3), (second, 1)):
        for _ in range(count):
            search(person)
    search(second, searched_at=now - timedelta(days=70))
    counts = selectors.partner_search_counts(since=now - timedelta(days=30), until=now + timedelta(minutes=1))
    assert [(c.agency_name, c.searches) for c in counts] == [(first.agency.name, 3), (second.agency.name, 1)]
