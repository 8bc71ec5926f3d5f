"""Misuse revokes an agency whatever else is wrong, and a tightened declaration validity ends declarations
at once (SHR-2, SHR-4). Found by an outside review of the sharing side; each test says what was tried."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from policy import defaults
from policy.models import AgencyPolicy
from policy.roles import Role
from retention.tests.conftest import create_read
from searches.tests.factories import make_camera
from sharing.models import AgencyStatus, RequestStatus, SharingRequest
from sharing.tests.conftest import DeclarationFactory, EvidencePackageFactory, SharingRequestFactory
from sharing.tests.test_partner_api import _search
from sharing.tests.test_views import request_form

pytestmark = pytest.mark.django_db
ICE = "Locate this car for an ICE deportation operation next week"


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

    Before: ``alpr.access.partner_plate_reads_search`` called ``partner_person_for_search`` (the
    agency's block) before ``outside_justification_check``, so the attempt was refused as
    ``agency_blocked``, was not flagged, and the agency was not revoked: its keys kept working, and once its
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


@pytest.mark.rule("SHR-2")
def test_a_shorter_declaration_validity_ends_the_declarations_that_now_run_too_long(client, partner):
    """Tried: the agency's declaration was signed 200 days ago and expires in 100 days (valid under the
    default ``declaration_max_days`` of 365). The administrator then lowers ``declaration_max_days`` to
    180 (a tightening, in force at once: ``policy.directions`` HIGHER_LOOSENS, and the policy form says
    "valid at most this long after it is signed; then the agency signs a new one or receives nothing").

    Before, the value was read only when a declaration is *recorded* (``sharing.services.agencies.
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

    Before, ``sharing/views/requests.py::request_new_agency`` called the service only when the Django form is
    valid: the form's own field checks turn the request away (400) before the gate sees it, so nothing is
    recorded or flagged and the agency keeps its access (SHR-4, AUD-1: refused attempts are logged). The
    partner API had this very fault and was fixed (``test_an_immigration_search_revokes_the_agency_
    whatever_else_is_wrong_with_it``); the written-request form was not.
    """
    agency = DeclarationFactory().agency
    admin = make_verified_client(Role.ADMINISTRATOR)

    response = admin.post(reverse("sharing:request_new_agency"), request_form(
        agency, description="Locate an undocumented driver for deportation proceedings", **overrides))

    assert response.status_code in (400, 403)
    assert not SharingRequest.objects.exists()
    refused = AuditEvent.objects.filter(action="sharing.request_received", outcome=Outcome.REFUSED,
                                        flagged=True)
    assert refused.exists(), f"{what}: the immigration-enforcement request was not recorded or flagged"
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.REVOKED, f"{what}: the agency kept its access"
