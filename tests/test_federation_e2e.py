"""End to end: two running instances of this system (Oak Park GO 4-68 IX.1). This one, the test's own,
searches a second one started here with its own database and port, through that instance's real
partner API and justification gate: results come back labelled with the agency; a purpose the partner
refuses shows as refused; a stopped partner shows as unavailable; none of them fails our search, and
each is audited on both sides (ours here, theirs in its own database)."""
import pytest

from alpr import access
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.models import AgencyPolicy
from policy.roles import Role
from searches import services as search_services
from searches.tests.factories import DESCRIPTION, make_camera, make_read, open_justification
from sharing.federation import Status
from sharing.services import networks
from sharing.tests.conftest import AgencyFactory, DeclarationFactory
from tests.partner_instance import PARTNER_NAME, PARTNER_ORI, PLATE, running_partner

pytestmark = [pytest.mark.django_db, pytest.mark.rule("AUD-1"), pytest.mark.rule("SHR-4")]


@pytest.fixture(scope="module")
def partner(django_db_setup, tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock(), running_partner(tmp_path_factory.mktemp("partner")) as running:
        yield running


def _configure(partner, officer):
    """Our side: the partner agency with its declaration, its network, the key it issued to `officer`."""
    administrator = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    agency = AgencyFactory(name=PARTNER_NAME, ori=PARTNER_ORI)
    DeclarationFactory(agency=agency)
    networks.partner_network_configure(actor=administrator, agency_id=agency.pk, api_base_url=partner.url,
                                       searchable=True)
    networks.partner_search_key_store(actor=administrator, agency_id=agency.pk, user_id=officer.pk,
                                      key=partner.key)
    return agency


def _felony_justification(officer):
    """An other-felony justification the Chief approved: ours to use, never open to an outside agency."""
    chief = Actor.for_user(UserFactory(role=Role.CHIEF))
    request = search_services.felony_request_create(
        actor=Actor.for_user(officer), case_number="26-004513", offense="Arson of an occupied building",
        description="Arson of an occupied building on Main St; a grey van was seen leaving")
    search_services.felony_request_decide(actor=chief, request_id=request.pk, approve=True)
    return open_justification(officer, purpose="other_felony", case_number="26-004513",
                              felony_request_id=request.pk)


def _search(officer, justification):
    return access.plate_reads_search_with_partners(actor=Actor.for_user(officer, client_ip="10.1.2.3"),
                                                   justification=justification, plate=PLATE)


PARTNER_AUDIT = ("SELECT outcome, purpose, case_number, actor_label, result_count FROM audit_auditevent "
                 "WHERE action = 'search.plate' AND actor_type = 'agency' ORDER BY id")


def test_an_officer_searches_a_running_partner_answered_refused_then_unavailable(partner):
    AgencyPolicy.objects.create(partner_search_timeout_seconds=5)
    officer = UserFactory(role=Role.OFFICER, full_name="Olivia Reyes")
    make_read(camera=make_camera("Harlem & North"), plate=PLATE)
    agency = _configure(partner, officer)

    # 1. Answered: the partner's own reads of the plate, labelled with the agency.
    found = _search(officer, open_justification(officer))
    [answered] = found.partners
    assert found.local.total == 1
    assert (answered.agency.name, answered.agency.ori, answered.status) == (PARTNER_NAME, PARTNER_ORI,
                                                                           Status.ANSWERED)
    assert answered.total == 2 and {read.read_id for read in answered.reads} == set(partner.reads)
    assert {read.plate for read in answered.reads} == {PLATE}
    assert answered.reads[0].camera == "Riverside Rd at 1st Ave, Riverside Rd at 1st Ave"

    # 2. Refused by the partner's own gate: the other-felony exception is ours, not open to outsiders.
    refused = _search(officer, _felony_justification(officer)).partners[0]
    assert refused.status == Status.REFUSED and "not open to outside agencies" in refused.message

    # Their side recorded both, under our officer's name and our agency, with our case numbers.
    theirs = partner.audit_rows(PARTNER_AUDIT)
    assert [(row[0], row[1], row[2], row[4]) for row in theirs] == [
        ("allowed", "violent_crime", "26-004512", 2), ("refused", "other_felony", "26-004513", None)]
    assert all("Olivia Reyes" in row[3] and "Oak Park Police Department" in row[3] for row in theirs)

    # 3. The partner's network goes down: shown as unavailable; our own search still answers.
    partner.stop()
    down = _search(officer, open_justification(officer, case_number="26-004514"))
    assert down.local.total == 1
    assert (down.partners[0].status, down.partners[0].message) == (Status.UNAVAILABLE,
                                                                   "Its network could not be reached.")

    # Ours recorded each outbound search with the agency, the outcome and the count.
    recorded = AuditEvent.objects.filter(action="search.partner_networks").order_by("id")
    assert [(event.outcome, event.query["partners"][0]["outcome"], event.query["partners"][0]["count"])
            for event in recorded] == [(Outcome.ALLOWED, "answered", 2), (Outcome.ALLOWED, "refused", 0),
                                       (Outcome.ALLOWED, "unavailable", 0)]
    assert all(f"agency:{agency.ori}" in event.targets for event in recorded)
    assert recorded[0].description == DESCRIPTION
