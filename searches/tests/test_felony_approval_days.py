"""How long the Chief's approval of an other-felony request lets searches cite it: the days it was granted
for (the policy's ``felony_approval_days`` when the Chief decided), and never longer than the policy in
force says. A shortening ends approvals at once; a raise reaches only approvals made after it. The
requests a justification may cite, the justifications already citing one and the requests page all follow
it (USE-2)."""
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
from policy.selectors import current_policy
from policy.services import policy_change_approve, policy_update
from searches import selectors, services
from searches.models import FelonyExceptionRequest
from searches.tests.factories import actor, open_justification

pytestmark = pytest.mark.django_db
CASE = "26-007001"


@pytest.fixture(autouse=True)
def _policy_in_force_for_a_year():
    """The policy version the migrations put in force, dated a year back: the approvals below are made in
    the past, and a version dated after a decision counts as in force since it."""
    AgencyPolicy.objects.update(created_at=timezone.now() - timedelta(days=365))


def _policy_days_since(days: int, since_days_ago: float) -> AgencyPolicy:
    with time_machine.travel(timezone.now() - timedelta(days=since_days_ago), tick=False):
        return AgencyPolicy.objects.create(felony_approval_days=days)


def _approved_days_ago(requester, age: float) -> FelonyExceptionRequest:
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
@pytest.mark.parametrize("granted, days, age, usable", [
    (30, 10, 11, False), (30, 10, 9, True),  # a shortening reaches the approvals already granted
    (45, 45, 40, True), (45, 45, 46, False),  # granted for 45 days, cited on day 40 and on day 46
    (30, 45, 40, False), (30, 45, 29, True),  # granted for 30 days: a raise to 45 does not lengthen it
])
def test_a_justification_cites_an_approval_for_the_days_granted_never_longer_than_the_policy_says(
        granted, days, age, usable):
    # Tried: with the policy's approvals at 10 days, cite one approved 11 days ago (the fixed 30 days let
    # it); at 45 days, one approved 40 days ago (the fixed 30 days refused it); and, with the policy
    # raised from 30 to 45 days, one the Chief approved under 30 days 40 days ago (the raise revived it).
    detective = UserFactory(role=Role.DETECTIVE)
    _policy_days_since(granted, age + 1)  # in force when the Chief decides
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


@pytest.mark.rule("USE-2", "RPT-4")
def test_raising_felony_approval_days_does_not_revive_an_approval_that_had_lapsed():
    # Tried (outside review): the Chief approved a request 35 days ago under the policy's 30 days; it
    # lapsed 5 days ago. A raise to 90 days, put in force by the Chief after public comment, made it
    # usable again for another 55 days: a decision the Chief made for 30 days covered 90.
    detective = UserFactory(role=Role.DETECTIVE)
    request = _approved_days_ago(detective, 35)
    assert list(selectors.usable_felony_requests(user=detective)) == []  # lapsed
    admin, chief = UserFactory(role=Role.ADMINISTRATOR), UserFactory(role=Role.CHIEF)
    proposal = policy_update(actor=actor(admin), changes={"felony_approval_days": 90},
                             reason="Long investigations").proposal
    with time_machine.travel(proposal.comment_closes_at + timedelta(hours=1), tick=False):
        policy_change_approve(actor=actor(chief), proposal_id=proposal.pk)
        assert current_policy().felony_approval_days == 90
        assert list(selectors.usable_felony_requests(user=detective)) == []
        with pytest.raises(PolicyDenied) as refused:
            _cite(detective, request)
        assert refused.value.code == "felony_request_not_approved"


@pytest.mark.rule("USE-2")
@pytest.mark.parametrize("age, usable", [(12, False), (8, True)])
def test_a_shortening_then_a_raise_does_not_give_an_approval_back_the_days_the_shortening_took(age, usable):
    # Tried: an approval granted for 30 days; the policy then said 10 days for a while (every approval
    # older than 10 days lapsed at once), then 30 again. The approval made 12 days ago came back to life
    # for another 18 days; one made 8 days ago keeps the 10 days the shortening left it, no more.
    detective = UserFactory(role=Role.DETECTIVE)
    request = _approved_days_ago(detective, age)
    _policy_days_since(10, 1)
    AgencyPolicy.objects.create(felony_approval_days=30)
    request.refresh_from_db()
    assert list(selectors.usable_felony_requests(user=detective)) == ([request] if usable else [])
    assert request.lapses_at(policy=current_policy()) == request.decided_at + timedelta(days=10)
    if not usable:
        with pytest.raises(PolicyDenied) as refused:
            _cite(detective, request)
        assert refused.value.code == "felony_request_not_approved"


@pytest.mark.rule("USE-2")
def test_the_chief_grants_an_approval_for_the_policys_days_and_a_denial_for_none():
    detective, chief = UserFactory(role=Role.DETECTIVE), UserFactory(role=Role.CHIEF)
    AgencyPolicy.objects.create(felony_approval_days=21)
    approved, denied = (services.felony_request_create(
        actor=actor(detective), case_number=CASE, offense="Arson of an occupied building",
        description="Witness saw a dark pickup leave the fire at 12 Elm St at 02:10") for _ in range(2))
    services.felony_request_decide(actor=actor(chief), request_id=approved.pk, approve=True, note="Agreed")
    services.felony_request_decide(actor=actor(chief), request_id=denied.pk, approve=False, note="No")
    approved.refresh_from_db()
    denied.refresh_from_db()
    assert (approved.granted_days, denied.granted_days) == (21, None)


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


@pytest.mark.rule("USE-2")
def test_raising_the_policys_days_does_not_lengthen_the_searches_of_a_justification_already_citing_one():
    # Tried: an approval granted for 30 days, cited half an hour before it lapsed; the policy is raised to
    # 45 days and the justification (open for an hour) searched on, 40 minutes later.
    detective = UserFactory(role=Role.DETECTIVE)
    request = _approved_days_ago(detective, 30 - 1 / 48)
    justification = _cite(detective, request)
    AgencyPolicy.objects.create(felony_approval_days=45)
    access.plate_reads_search(actor=actor(detective), justification=justification, plate="ABC1234")
    with time_machine.travel(timezone.now() + timedelta(minutes=40), tick=False), \
            pytest.raises(PolicyDenied, match="lapsed"):
        access.plate_reads_search(actor=actor(detective), justification=justification, plate="ABC1234")


@pytest.mark.rule("USE-2")
def test_the_requests_page_says_how_long_an_approval_lasts_and_until_when(make_verified_client):
    # Tried: with the policy's approvals at 45 days, the page said an approval made today lasted 30.
    AgencyPolicy.objects.create(felony_approval_days=45)
    client = make_verified_client(Role.DETECTIVE)
    request = _approved_days_ago(client.user, 0)
    request.refresh_from_db()
    page = client.get(reverse("searches:felony_requests")).content.decode()
    until = timezone.localtime(request.decided_at + timedelta(days=45))
    assert "for 45 days after the Chief" in page and f"until {until:%Y-%m-%d}" in page


@pytest.mark.rule("USE-2")
def test_the_requests_page_says_until_when_an_approval_granted_before_a_raise_lasts(make_verified_client):
    # Tried: an approval granted for 30 days, then the policy raised to 45: the page said it lasted 45.
    client = make_verified_client(Role.DETECTIVE)
    request = _approved_days_ago(client.user, 3)
    request.refresh_from_db()
    AgencyPolicy.objects.create(felony_approval_days=45)
    page = client.get(reverse("searches:felony_requests")).content.decode()
    until = timezone.localtime(request.decided_at + timedelta(days=30))
    assert f"until {until:%Y-%m-%d}" in page
