"""A hand-edited justification form is refused with a clear error, recorded as submitted and flagged
(USE-1, USE-3). Before, the form dropped a purpose that was not on its list and the service saw an
empty purpose: "choose a purpose", not flagged, and nothing of what was tried on record."""
import pytest
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.roles import Role
from searches.models import FelonyExceptionRequest, FelonyRequestStatus, Justification
from searches.tests.factories import DESCRIPTION

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(make_verified_client):
    return make_verified_client(Role.OFFICER)


def _justify(client, **overrides):
    data = {"purpose": "violent_crime", "case_number": "26-004512", "description": DESCRIPTION, **overrides}
    return client.post("/search/justification/", data)


def _stated(user) -> AuditEvent:
    return AuditEvent.objects.filter(action="search.justification_stated", actor_user=user).latest("id")


@pytest.mark.rule("USE-1", "USE-3")
@pytest.mark.parametrize("purpose", ["general_patrol", "traffic", "immigration", "audit_query",
                                     "violent_crime'; --", "x" * 300])
def test_a_purpose_that_is_not_on_the_list_is_refused_recorded_as_submitted_and_flagged(officer_client,
                                                                                       purpose):
    # Tried: the purpose <select> edited in the browser to a value the policy does not list.
    response = _justify(officer_client, purpose=purpose)
    assert response.status_code == 403
    assert b"policy permits" in response.content or b"may never be used" in response.content
    assert not Justification.objects.exists()
    event = _stated(officer_client.user)
    assert (event.outcome, event.flagged, event.purpose) == (Outcome.REFUSED, True, purpose[:64])
    assert event.description == DESCRIPTION and event.case_number == "26-004512"
    if len(purpose) > 64:
        assert event.query["purpose_submitted"] == purpose


@pytest.mark.rule("USE-2")
@pytest.mark.parametrize("submitted", ["someone else's", "not-a-number", "999999", "1²", "9" * 19])
def test_a_felony_request_that_is_not_yours_is_refused_and_flagged(officer_client, submitted):
    # Tried: the hidden felony request id edited to a colleague's approved request (or to junk: "1²" passed
    # str.isdigit() and int() refused it, a 500).
    colleague = UserFactory(role=Role.DETECTIVE)
    approved = FelonyExceptionRequest.objects.create(
        requested_by=colleague, case_number="26-007001", offense="Arson", description="Fire at 12 Elm St",
        status=FelonyRequestStatus.APPROVED, decided_at=timezone.now(), granted_days=30)
    value = str(approved.pk) if submitted == "someone else's" else submitted
    response = _justify(officer_client, purpose="other_felony", case_number="26-007001", felony_request=value)
    assert response.status_code == 403 and b"not one of your other-felony requests" in response.content
    assert not Justification.objects.exists()
    event = _stated(officer_client.user)
    assert (event.outcome, event.flagged) == (Outcome.REFUSED, True)
    assert event.query["felony_request"] == (int(value) if value in ("999999", str(approved.pk)) else value)


@pytest.mark.rule("USE-1")
def test_a_description_longer_than_the_form_allows_is_refused_recorded_and_flagged(officer_client):
    # Tried: the textarea's maxlength removed in the browser; the form used to drop the whole text and
    # the refusal ("describe what you are looking for") recorded an empty description.
    description = "Armed robbery at the pharmacy on Oak, silver Honda. " * 30
    response = _justify(officer_client, description=description)
    assert response.status_code == 403 and b"at most 1000 characters" in response.content
    assert not Justification.objects.exists()
    event = _stated(officer_client.user)
    assert (event.outcome, event.flagged, event.description) == (Outcome.REFUSED, True, description.strip())
