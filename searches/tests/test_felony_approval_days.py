"""How long the Chief's approval of an other-felony request lets searches cite it is the policy's
``felony_approval_days``: the requests a justification may cite, the justifications already citing one,
the requests page and the oversight report all follow a change of the policy (USE-2)."""
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from alpr import access
from conftest import UserFactory
from core.errors import PolicyDenied
from policy.models import AgencyPolicy
from policy.roles import Role
from searches import selectors, services
from searches.models import FelonyExceptionRequest
from searches.tests.factories import actor, open_justification

pytestmark = pytest.mark.django_db
CASE = "26-007001"


def _approved_days_ago(requester, age: int) -> FelonyExceptionRequest:
    """A request the Chief approved `age` days ago (the request filed an hour before)."""
    decided = timezone.now() - timedelta(days=age)
    with time_machine.travel(decided - timedelta(hours=1), tick=False):
        request = services.felony_request_create(
            actor=actor(requester), case_number=CASE, offense="Arson of an occupied building",
            description="Witness saw a dark pickup leave the fire at 12 Elm St at 02:10")
    with time_machine.travel(decided, tick=False):
        services.felony_request_decide(actor=actor(UserFactory(role=Role.CHIEF)), request_id=request.pk,
                                       approve=True, note="Agreed")
    return request


def _cite(requester, request: FelonyExceptionRequest):
    return open_justification(requester, purpose="other_felony", case_number=CASE,
                              felony_request_id=request.pk)


@pytest.mark.rule("USE-2")
@pytest.mark.parametrize("days, age, usable", [(10, 11, False), (10, 9, True), (45, 40, True),
                                               (45, 46, False)])
def test_a_justification_cites_an_approval_for_the_policys_days(days, age, usable):
    # Tried: with the policy's approvals at 10 days, cite one approved 11 days ago (the fixed 30 days let
    # it); at 45 days, one approved 40 days ago (the fixed 30 days refused it).
    detective = UserFactory(role=Role.DETECTIVE)
    request = _approved_days_ago(detective, age)
    AgencyPolicy.objects.create(felony_approval_days=days)  # the newest version is in force
    assert list(selectors.usable_felony_requests(user=detective)) == ([request] if usable else [])
    if usable:
        justification = _cite(detective, request)
        assert justification.felony_request == request
        access.plate_reads_search(actor=actor(detective), justification=justification, plate="ABC1234")
    else:
        with pytest.raises(PolicyDenied) as refused:
            _cite(detective, request)
        assert refused.value.code == "felony_request_not_approved"


@pytest.mark.rule("USE-2")
def test_shortening_the_policys_days_ends_the_searches_of_a_justification_already_citing_an_approval():
    # Tried: an approval 9 days old, cited under the default 30 days; the policy then says 5 days (a
    # tightening, in force at once) and the justification searched on.
    detective = UserFactory(role=Role.DETECTIVE)
    justification = _cite(detective, _approved_days_ago(detective, 9))
    access.plate_reads_search(actor=actor(detective), justification=justification, plate="ABC1234")
    AgencyPolicy.objects.create(felony_approval_days=5)
    with pytest.raises(PolicyDenied, match="lapsed"):
        access.plate_reads_search(actor=actor(detective), justification=justification, plate="ABC1234")


def test_the_requests_page_says_how_long_an_approval_lasts_and_until_when(make_verified_client):
    # Tried: with the policy's approvals at 45 days, the page said an approval made today lasted 30.
    AgencyPolicy.objects.create(felony_approval_days=45)
    client = make_verified_client(Role.DETECTIVE)
    request = _approved_days_ago(client.user, 0)
    request.refresh_from_db()
    page = client.get(reverse("searches:felony_requests")).content.decode()
    until = timezone.localtime(request.decided_at + timedelta(days=45))
    assert "for 45 days after the Chief" in page and f"until {until:%Y-%m-%d}" in page
