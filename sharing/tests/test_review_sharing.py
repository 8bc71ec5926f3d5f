"""Outside review of the sharing side: attacks that should be refused, recorded or capped, and are not.

Each test states what was tried and what the policy demands; each fails on the code as reviewed.
"""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from policy import defaults
from policy.models import AgencyPolicy
from policy.roles import Role
from retention.tests.conftest import create_read
from searches.tests.factories import make_camera
from sharing.models import AgencyStatus, RequestStatus, SharingRequest
from sharing.services import requests as request_services
from sharing.tests.conftest import (
    DeclarationFactory,
    EvidencePackageFactory,
    SharingRequestFactory,
)

pytestmark = pytest.mark.django_db

SEARCH_URL = "/partner/api/v1/searches/"
ICE = "Locate this car for an ICE deportation operation next week"
GOOD_SEARCH = {
    "purpose": "violent_crime",
    "case_number": "RPD-26-00417",
    "description": "Carjacking at gunpoint on North Avenue; the stolen grey SUV was last seen heading east",
    "plate": "ABC1234",
}


def _search(client, key, **overrides):
    return client.post(SEARCH_URL, {**GOOD_SEARCH, **overrides}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Partner {key}")


# --- SHR-4: misuse revokes, whatever state the agency is in ------------------------------------------------

def _block(person, how: str, administrator) -> None:
    agency = person.agency
    if how == "declaration lapsed":
        agency.declarations.update(expires_on=timezone.localdate() - timedelta(days=1))
    elif how == "partner searches switched off":
        type(agency).objects.filter(pk=agency.pk).update(sharing_enabled=False)
    else:  # a deletion certificate overdue
        SharingRequestFactory(agency=agency, status=RequestStatus.RELEASED, decided_by=administrator,
                              delete_by=timezone.localdate() - timedelta(days=1),
                              package=EvidencePackageFactory())


@pytest.mark.rule("SHR-4")
@pytest.mark.parametrize("how", ["declaration lapsed", "partner searches switched off",
                                 "deletion certificate overdue"])
def test_an_immigration_search_revokes_the_agency_even_while_it_is_blocked(client, partner, administrator,
                                                                           how):
    """Tried: a partner whose agency may not search right now (its declaration lapsed, partner searches
    switched off, or a deletion certificate overdue) asks through the API to locate a car "for an ICE
    deportation operation". Oak Park GO 4-68 VII.I and SHR-4: asking for immigration enforcement revokes
    the agency's access (the README: "whatever else is wrong with the request").

    What happens: ``alpr.access.partner_plate_reads_search`` calls ``partner_person_for_search`` (the
    agency's block) before ``outside_justification_check``, so the attempt is refused as
    ``agency_blocked``, is not flagged, and the agency is not revoked: its keys keep working, and once its
    declaration is renewed (or sharing switched on, or the certificate sent) it searches our reads again.
    """
    person, key = partner
    _block(person, how, administrator)

    response = _search(client, key, description=ICE)

    assert response.status_code == 403
    refused = AuditEvent.objects.get(action="search.plate")
    assert refused.outcome == Outcome.REFUSED
    assert refused.flagged, f"{how}: an immigration-enforcement request was not flagged for the auditor"
    person.agency.refresh_from_db()
    assert person.agency.status == AgencyStatus.REVOKED, (
        f"{how}: the agency asked for immigration enforcement and kept its access")


# --- AUD-1, ACC-5: the plates a request names, on the agency's page ---------------------------------------

@pytest.mark.rule("ACC-5", "AUD-1")
def test_the_agency_page_shows_no_requested_plate_to_a_reviewer_whose_training_lapsed(make_verified_client):
    """Tried: the administrator whose training has lapsed opens an agency's page
    (``/sharing/agencies/<id>/``) instead of the requests queue, which refuses them.

    The plates a written request names are plate data: the queue and the request's page show them only to
    a reviewer with current training and write an audit row naming every request shown
    (``sharing.selectors.sharing_requests_list`` / ``sharing_request_view``). The agency page lists the
    agency's last 20 requests with their plates (``sharing/views/agencies.py::agency_context``,
    ``agency.requests...[:20]`` rendered by ``sharing/_requests_table.html``) straight from the ORM:
    no training check, no audit row.
    """
    agency = DeclarationFactory().agency
    ask = SharingRequestFactory(agency=agency, plates=["RVW4417"])
    untrained = make_verified_client(Role.ADMINISTRATOR, trained=False)
    assert untrained.get(reverse("sharing:request_detail", args=[ask.pk])).status_code == 403  # the gate

    page = untrained.get(reverse("sharing:agency_detail", args=[agency.pk]))

    assert b"RVW4417" not in page.content, "the agency page showed a requested plate without training"


@pytest.mark.rule("AUD-1")
def test_the_agency_page_audits_the_requests_and_plates_it_shows(make_verified_client):
    """Tried: a trained administrator reads a request's plates on the agency's page rather than on the
    request's own page. Every showing of a request's plates is to be an audit row naming the request
    (as ``sharing.requests_listed`` / ``sharing.request_viewed`` are); the agency page writes none."""
    agency = DeclarationFactory().agency
    ask = SharingRequestFactory(agency=agency, plates=["RVW4418"])
    admin = make_verified_client(Role.ADMINISTRATOR)

    page = admin.get(reverse("sharing:agency_detail", args=[agency.pk]))

    assert page.status_code == 200 and b"RVW4418" in page.content
    naming = AuditEvent.objects.filter(actor_user=admin.user, outcome=Outcome.ALLOWED,
                                       targets__contains=[f"sharing-request:{ask.pk}"])
    assert naming.exists(), "the request's plates were shown and no audit row names the request"


# --- USE-7: releases are not capped by the policy --------------------------------------------------------

def _approved_request(agency, administrator, plate: str) -> SharingRequest:
    return SharingRequestFactory(agency=agency, plates=[plate], status=RequestStatus.APPROVED,
                                 decided_by=administrator, decided_at=timezone.now())


@pytest.mark.rule("USE-7")
def test_releases_to_agencies_count_against_the_policys_daily_cap(administrator):
    """Tried: the administrator releases two approved written requests on one day, each with two of our
    reads, while the policy's ``download_cap_per_user_day`` is 3 (and ``download_cap_per_request`` 10).

    USE-7: mass download is impossible, with a hard cap per request and per person per day, and the caps
    are policy values (``AgencyPolicy``). A release copies reads, photos and crops into an evidence
    package that leaves the department. ``sharing.services.requests.request_release`` is capped only by
    its own literal ``MAX_READS_PER_RELEASE = 25`` (not a policy value) per request and by nothing per day:
    the administrator can release 25 reads per request, as many requests a day as are on file.
    """
    AgencyPolicy.objects.create(permitted_purposes=defaults.permitted_purposes(),
                                download_cap_per_request=10, download_cap_per_user_day=3)
    agency = DeclarationFactory().agency
    camera = make_camera()
    for plate in ("CAP1001", "CAP1002"):
        for hours in (3, 4):
            create_read(camera, plate=plate, age=timedelta(hours=hours))
    actor = Actor.for_user(administrator)
    first = _approved_request(agency, administrator, "CAP1001")
    first = request_services.request_release(actor=actor, request_id=first.pk)
    assert len(first.package.read_ids) == 2

    second = _approved_request(agency, administrator, "CAP1002")
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; today it is released
        request_services.request_release(actor=actor, request_id=second.pk)
    second.refresh_from_db()
    assert second.status == RequestStatus.APPROVED


# --- A tightening of the policy takes effect at once: declaration_max_days ------------------------------

@pytest.mark.rule("SHR-2")
def test_a_shorter_declaration_validity_ends_the_declarations_that_now_run_too_long(client, partner):
    """Tried: the agency's declaration was signed 200 days ago and expires in 100 days (valid under the
    default ``declaration_max_days`` of 365). The administrator then lowers ``declaration_max_days`` to
    180 (a tightening, in force at once: ``policy.directions`` HIGHER_LOOSENS, and the policy form says
    "valid at most this long after it is signed; then the agency signs a new one or receives nothing").

    The value is read only when a declaration is *recorded* (``sharing.services.agencies.
    _check_declaration_terms``); ``sharing.selectors.valid_declaration`` / ``agency_block_reason`` only
    compare today with the stored ``expires_on``. So a declaration 200 days old still counts as in force
    and the partner's key keeps searching our reads (and downloading releases) for another 100 days, as a
    removed purpose would not.
    """
    person, key = partner
    person.agency.declarations.update(signed_on=timezone.localdate() - timedelta(days=200),
                                      expires_on=timezone.localdate() + timedelta(days=100))
    create_read(make_camera(), plate="ABC1234", age=timedelta(hours=2))
    assert _search(client, key).json()["total"] == 1  # in force under the policy as it was
    AgencyPolicy.objects.create(permitted_purposes=defaults.permitted_purposes(), declaration_max_days=180)

    response = _search(client, key)

    assert response.status_code == 403, (
        f"a declaration signed 200 days ago still let the partner search under a 180-day maximum: "
        f"{response.status_code} {response.content[:200]!r}")


# --- SHR-4, AUD-1: a written request naming immigration enforcement, on a form with another fault -------

def _request_form(agency, **overrides) -> dict:
    now = timezone.now()

    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")

    return {"agency": agency.pk, "requester_name": "Det. Maria Lopez", "requester_title": "Detective",
            "requester_email": "mlopez@riverside.example.org", "purpose": "violent_crime",
            "case_number": "RPD-26-0412",
            "description": "Armed robbery of a gas station on Harlem Avenue; the suspect vehicle fled north",
            "plates": "ABC1234", "window_start": local(now - timedelta(days=2)),
            "window_end": local(now - timedelta(minutes=5)), **overrides}


@pytest.mark.rule("SHR-4", "AUD-1")
@pytest.mark.parametrize(("what", "overrides"), [
    ("no time window", {"window_start": "", "window_end": ""}),
    ("a requester e-mail that is not one", {"requester_email": "ice-ero-chicago"}),
    ("no plate", {"plates": ""}),
])
def test_a_written_request_for_immigration_enforcement_revokes_whatever_else_is_wrong_with_the_form(
        make_verified_client, what, overrides):
    """Tried: the administrator records an agency's written request asking to "locate an undocumented
    driver for deportation proceedings", with one other field left out or malformed.

    ``sharing/views/requests.py::request_new_agency`` calls the service only when the Django form is
    valid: the form's own field checks turn the request away (400) before the gate sees it, so nothing is
    recorded or flagged and the agency keeps its access (SHR-4, AUD-1: refused attempts are logged). The
    partner API had this very fault and was fixed (``test_an_immigration_search_revokes_the_agency_
    whatever_else_is_wrong_with_it``); the written-request form was not.
    """
    agency = DeclarationFactory().agency
    admin = make_verified_client(Role.ADMINISTRATOR)

    response = admin.post(reverse("sharing:request_new_agency"), _request_form(
        agency, description="Locate an undocumented driver for deportation proceedings", **overrides))

    assert response.status_code in (400, 403)
    assert not SharingRequest.objects.exists()
    refused = AuditEvent.objects.filter(action="sharing.request_received", outcome=Outcome.REFUSED,
                                        flagged=True)
    assert refused.exists(), f"{what}: the immigration-enforcement request was not recorded or flagged"
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.REVOKED, f"{what}: the agency kept its access"
