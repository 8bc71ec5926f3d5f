"""A case number longer than the columns that store it is refused and audited, whatever the agency's
pattern allows (USE-1, AUD-1).

Found by an outside review: with a plausible pattern that sets no upper length (``^\\d{2}-\\d+$``), a
case number of 70 digits passed the check and reached Justification.case_number (64 characters): a
DataError, a 500, and no refusal in the audit log.
"""
import pytest

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from core.errors import PolicyDenied
from policy.models import AgencyPolicy
from policy.roles import Role
from searches import services
from searches.models import FelonyExceptionRequest, Justification
from searches.tests.factories import DESCRIPTION

pytestmark = pytest.mark.django_db

UNBOUNDED_PATTERN = r"^\d{2}-\d+$"
STORED = Justification._meta.get_field("case_number").max_length


def _case_number(length: int) -> str:
    return "26-" + "1" * (length - 3)


@pytest.fixture(autouse=True)
def _unbounded_pattern():
    AgencyPolicy.objects.create(case_number_pattern=UNBOUNDED_PATTERN)


def _stated(user) -> AuditEvent:
    return AuditEvent.objects.filter(action="search.justification_stated", actor_user=user).latest("id")


@pytest.mark.rule("USE-1", "AUD-1")
@pytest.mark.parametrize("role", [Role.DETECTIVE, Role.AUDITOR])
def test_a_case_number_longer_than_stored_is_refused_recorded_as_submitted_and_flagged(make_verified_client,
                                                                                        role):
    # Tried: the case number's maxlength removed in the browser (or an audit query's reference): 73
    # characters that the agency's pattern matches.
    client = make_verified_client(role)
    client.raise_request_exception = False
    case_number = _case_number(STORED + 9)
    response = client.post("/search/justification/", {
        "purpose": "violent_crime", "case_number": case_number, "description": DESCRIPTION})
    assert response.status_code == 403
    assert f"at most {STORED} characters".encode() in response.content
    assert not Justification.objects.exists()
    event = _stated(client.user)
    assert (event.outcome, event.flagged, event.case_number) == (Outcome.REFUSED, True, case_number[:STORED])
    assert event.query["case_number_submitted"] == case_number


@pytest.mark.rule("USE-1")
def test_a_case_number_as_long_as_stored_opens_a_search(detective):
    case_number = _case_number(STORED)
    justification = services.justification_open(actor=Actor.for_user(detective), purpose="violent_crime",
                                                case_number=case_number, description=DESCRIPTION)
    assert justification.case_number == case_number


@pytest.mark.rule("USE-2", "AUD-1")
def test_a_felony_request_with_a_case_number_longer_than_stored_is_refused_and_audited(detective):
    case_number = _case_number(STORED + 1)
    with pytest.raises(PolicyDenied, match=f"at most {STORED} characters"):
        services.felony_request_create(actor=Actor.for_user(detective), case_number=case_number,
                                       offense="Arson of an occupied building",
                                       description="Witness saw a dark pickup leave the fire at 12 Elm St")
    assert not FelonyExceptionRequest.objects.exists()
    event = AuditEvent.objects.get(action="felony.requested")
    assert (event.outcome, event.case_number) == (Outcome.REFUSED, case_number[:STORED])
    assert event.query["case_number_submitted"] == case_number


@pytest.mark.rule("USE-1")
def test_the_limit_is_every_column_a_searchs_case_number_reaches():
    """The justification's case number is copied to the audit log, holds, evidence packages and
    felony requests: none of them may hold less, or the check above would let a 500 through there. A
    hotlist entry is made for a case too: a case number a search accepts fits it (it held 40, so a case
    searched under a 50-character number could not be put on the hotlist)."""
    from hotlists.models import HotlistEntry
    from retention.models import EvidenceHold, EvidencePackage
    from sharing.models import PartnerSearch, SharingRequest

    for model in (AuditEvent, FelonyExceptionRequest, EvidenceHold, EvidencePackage, PartnerSearch,
                  SharingRequest, HotlistEntry):
        assert model._meta.get_field("case_number").max_length >= services.CASE_NUMBER_MAX_LENGTH, model
