"""A written request names the plates an agency asks for: its listing and its page are plate data, shown
only to a reviewer with current training, and every showing is audited (AUD-1, ACC-5).

Before: the requests queue (``/sharing/``) listed every request's plates with no audit row, and a request's
page was audited but not training-gated; later, an agency's page listed its latest requests with their
plates straight from the database, to anyone who reviews sharing, unaudited.
"""
import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from policy.roles import Role
from sharing.models import RequestStatus
from sharing.tests.conftest import DeclarationFactory, SharingRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asks(db):
    agency = DeclarationFactory().agency
    return [SharingRequestFactory(agency=agency, plates=["LST1001"]),
            SharingRequestFactory(agency=agency, plates=["LST1002"], status=RequestStatus.APPROVED),
            SharingRequestFactory(agency=agency, plates=["LST1003"], status=RequestStatus.DENIED)]


def _events(action: str, user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, actor_user=user).order_by("id"))


@pytest.mark.rule("AUD-1")
def test_the_queue_writes_one_audit_row_naming_every_request_it_shows(make_verified_client, asks):
    admin = make_verified_client(Role.ADMINISTRATOR)
    page = admin.get(reverse("sharing:requests")).content.decode()
    assert all(plate in page for plate in ("LST1001", "LST1002", "LST1003"))
    [event] = _events("sharing.requests_listed", admin.user)
    assert event.outcome == Outcome.ALLOWED and event.result_count == 3
    assert set(event.targets) == {f"sharing-request:{ask.pk}" for ask in asks}


@pytest.mark.rule("AUD-1")
def test_a_requests_page_and_a_failed_decision_on_it_are_audited_as_viewings(make_verified_client, asks):
    admin = make_verified_client(Role.ADMINISTRATOR)
    ask = asks[0]
    assert "LST1001" in admin.get(reverse("sharing:request_detail", args=[ask.pk])).content.decode()
    # Tried: a decision without a reason; the page is shown again with the error, and with the plate.
    again = admin.post(reverse("sharing:request_decide", args=[ask.pk]),
                       {"decision": "approve", "reason": ""})
    assert again.status_code == 400 and "LST1001" in again.content.decode()
    viewed = _events("sharing.request_viewed", admin.user)
    assert [(e.outcome, e.case_number) for e in viewed] == [(Outcome.ALLOWED, ask.case_number)] * 2
    assert all(f"sharing-request:{ask.pk}" in e.targets for e in viewed)


@pytest.mark.rule("ACC-5", "AUD-1")
def test_a_reviewer_whose_training_lapsed_sees_no_request_and_the_refusal_is_recorded(make_verified_client,
                                                                                      asks):
    # Tried: the administrator without current training opens the queue and a request's page.
    untrained = make_verified_client(Role.ADMINISTRATOR, trained=False)
    queue = untrained.get(reverse("sharing:requests"))
    detail = untrained.get(reverse("sharing:request_detail", args=[asks[0].pk]))
    for response in (queue, detail):
        assert response.status_code == 403 and b"LST100" not in response.content
        assert b"training" in response.content.lower()
    [listed] = _events("sharing.requests_listed", untrained.user)
    [viewed] = _events("sharing.request_viewed", untrained.user)
    assert (listed.outcome, viewed.outcome) == (Outcome.REFUSED, Outcome.REFUSED)
    assert viewed.targets == [f"sharing-request:{asks[0].pk}"]


@pytest.mark.rule("AUD-1")
def test_a_request_that_does_not_exist_is_a_404_and_recorded(make_verified_client):
    admin = make_verified_client(Role.ADMINISTRATOR)
    assert admin.get(reverse("sharing:request_detail", args=[999999])).status_code == 404
    [event] = _events("sharing.request_viewed", admin.user)
    assert (event.outcome, event.targets) == (Outcome.FAILED, ["sharing-request:999999"])


@pytest.mark.rule("AUD-1")
def test_the_agency_page_writes_one_audit_row_naming_the_agency_and_every_request_it_shows(
        make_verified_client, asks):
    admin = make_verified_client(Role.ADMINISTRATOR)
    agency = asks[0].agency
    page = admin.get(reverse("sharing:agency_detail", args=[agency.pk])).content.decode()
    assert all(plate in page for plate in ("LST1001", "LST1002", "LST1003"))
    [event] = _events("sharing.requests_listed", admin.user)
    assert event.outcome == Outcome.ALLOWED and event.result_count == 3
    assert set(event.targets) == {f"agency:{agency.ori}", *(f"sharing-request:{ask.pk}" for ask in asks)}


@pytest.mark.rule("ACC-5", "AUD-1")
def test_a_reviewer_whose_training_lapsed_keeps_the_agency_page_without_its_requests(make_verified_client,
                                                                                   asks):
    # Tried: the administrator without current training opens the agency's page (and re-renders it with
    # a refused form, the other way it is drawn). The registry is theirs to keep; the plates are not.
    untrained = make_verified_client(Role.ADMINISTRATOR, trained=False)
    agency = asks[0].agency
    page = untrained.get(reverse("sharing:agency_detail", args=[agency.pk]))
    refused_form = untrained.post(reverse("sharing:person_add", args=[agency.pk]), {"person-full_name": ""})
    assert (page.status_code, refused_form.status_code) == (200, 400)
    for response in (page, refused_form):
        content = response.content.decode()
        assert agency.name in content and "LST100" not in content
        assert "The requests are not shown" in content and "training" in content.lower()
    looks = _events("sharing.requests_listed", untrained.user)
    assert [(event.outcome, event.targets) for event in looks] == [
        (Outcome.REFUSED, [f"agency:{agency.ori}"])] * 2
