"""Online sharing (partner searches) is the Chief's decision on the administrator's request (Oak Park GO
4-68 VII.D): one person alone never lets an agency search our reads."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Role
from sharing import selectors
from sharing.models import Agency, AgencyStatus, OnlineSharingRequest, OnlineSharingStatus
from sharing.services import agencies, online
from sharing.tests.conftest import AgencyFactory, DeclarationFactory, PartnerPersonFactory

pytestmark = pytest.mark.django_db
REASON = "Neighbouring department; its detectives work our cross-border cases"


def _search(client, key):
    return client.post("/partner/api/v1/searches/", {
        "purpose": "violent_crime", "case_number": "RPD-26-00417", "plate": "ABC1234",
        "description": "Carjacking at gunpoint on North Avenue; the stolen grey SUV was seen heading east",
    }, content_type="application/json", HTTP_AUTHORIZATION=f"Partner {key}")


@pytest.fixture
def chief(db):
    return UserFactory(role=Role.CHIEF)


@pytest.fixture
def declared_agency(db) -> Agency:
    return DeclarationFactory().agency


def _ask(administrator, agency) -> OnlineSharingRequest:
    return online.online_sharing_request(actor=Actor.for_user(administrator), agency_id=agency.pk,
                                         reason=REASON)


def _decide(user, asked, *, approve: bool = True) -> OnlineSharingRequest:
    return online.online_sharing_decide(actor=Actor.for_user(user), request_id=asked.pk, approve=approve,
                                        reason="Declaration in force, a neighbouring department")


def _events(action: str, outcome: str = Outcome.ALLOWED):
    return AuditEvent.objects.filter(action=f"sharing.{action}", outcome=outcome)


@pytest.mark.rule("ACC-7")
def test_the_administrator_asking_switches_nothing_on_until_the_chief_approves(administrator, chief,
                                                                                declared_agency):
    asked = _ask(administrator, declared_agency)
    declared_agency.refresh_from_db()
    assert not declared_agency.sharing_enabled and asked.status == OnlineSharingStatus.PENDING
    assert selectors.online_sharing_state(declared_agency).state == "requested"
    requested = _events("online_sharing_requested").get()
    assert requested.actor_user == administrator and requested.reason == REASON
    assert requested.targets == [f"agency:{declared_agency.ori}", f"online-sharing-request:{asked.pk}"]

    _decide(chief, asked)
    declared_agency.refresh_from_db()
    asked.refresh_from_db()
    assert declared_agency.sharing_enabled
    assert (asked.status, asked.decided_by, asked.requested_by) == (OnlineSharingStatus.APPROVED, chief,
                                                                    administrator)
    state = selectors.online_sharing_state(declared_agency)
    assert state.state == "on" and state.decision == asked
    decided = _events("online_sharing_decided").get()
    assert decided.actor_user == chief and decided.query == {"approved": True, "sharing_enabled": True}


@pytest.mark.rule("ACC-7")
def test_the_chief_may_deny_and_partner_searches_stay_off(administrator, chief, declared_agency):
    asked = _decide(chief, _ask(administrator, declared_agency), approve=False)
    declared_agency.refresh_from_db()
    assert asked.status == OnlineSharingStatus.DENIED and not declared_agency.sharing_enabled
    assert selectors.online_sharing_state(declared_agency).state == "off"
    assert _events("online_sharing_decided").get().query == {"approved": False, "sharing_enabled": False}


@pytest.mark.rule("ACC-7")
def test_the_administrator_may_not_approve_and_the_refusal_is_audited(administrator, declared_agency):
    asked = _ask(administrator, declared_agency)
    other_administrator = UserFactory(role=Role.ADMINISTRATOR)
    for who in (administrator, other_administrator):
        with pytest.raises(PolicyDenied, match="Only the Chief of police may switch partner searches on"):
            _decide(who, asked)
    declared_agency.refresh_from_db()
    asked.refresh_from_db()
    assert not declared_agency.sharing_enabled and asked.status == OnlineSharingStatus.PENDING
    assert _events("online_sharing_decided", Outcome.REFUSED).count() == 2
    assert not _events("online_sharing_decided").exists()


@pytest.mark.rule("ACC-7")
def test_only_the_reviewer_of_sharing_asks(chief, declared_agency):
    with pytest.raises(PolicyDenied, match="Only the system administrator may review sharing"):
        _ask(chief, declared_agency)
    assert _events("online_sharing_requested", Outcome.REFUSED).exists()
    assert not OnlineSharingRequest.objects.exists()


@pytest.mark.rule("ACC-7")
def test_nobody_approves_a_request_of_their_own(chief, declared_agency):
    """No role both asks and decides today; were one given both, its own request still needs another."""
    asked = OnlineSharingRequest.objects.create(agency=declared_agency, requested_by=chief, reason=REASON)
    with pytest.raises(PolicyDenied, match="someone else decides"):
        _decide(chief, asked)
    declared_agency.refresh_from_db()
    assert not declared_agency.sharing_enabled
    assert _events("online_sharing_decided", Outcome.REFUSED).exists()
    # And the database refuses it from anywhere else.
    with pytest.raises(IntegrityError), transaction.atomic():
        OnlineSharingRequest.objects.filter(pk=asked.pk).update(
            status=OnlineSharingStatus.APPROVED, decided_by=chief, decided_at=timezone.now())


@pytest.mark.rule("ACC-7")
def test_the_database_refuses_a_decision_without_a_decider(administrator, declared_agency):
    asked = _ask(administrator, declared_agency)
    for status in (OnlineSharingStatus.APPROVED, OnlineSharingStatus.DENIED):
        with pytest.raises(IntegrityError), transaction.atomic():
            OnlineSharingRequest.objects.filter(pk=asked.pk).update(status=status, decided_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        OnlineSharingRequest.objects.create(agency=declared_agency, requested_by=administrator, reason=REASON)


@pytest.mark.rule("SHR-4")
def test_an_agency_that_may_not_receive_data_is_neither_asked_for_nor_approved(administrator, chief,
                                                                              declared_agency):
    with pytest.raises(ApplicationError, match="no signed declaration in force"):
        _ask(administrator, AgencyFactory())
    assert _events("online_sharing_requested", Outcome.FAILED).exists()

    asked = _ask(administrator, declared_agency)
    declared_agency.declarations.update(expires_on=timezone.localdate() - timedelta(days=1),
                                        signed_on=timezone.localdate() - timedelta(days=60))
    with pytest.raises(ApplicationError, match=r"stay off: .*no signed declaration in force"):
        _decide(chief, asked)
    declared_agency.refresh_from_db()
    asked.refresh_from_db()
    assert not declared_agency.sharing_enabled and asked.status == OnlineSharingStatus.PENDING
    assert _events("online_sharing_decided", Outcome.FAILED).exists()
    # Denying it still may.
    assert _decide(chief, asked, approve=False).status == OnlineSharingStatus.DENIED


@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.CHIEF])
def test_switching_off_is_immediate_for_the_reviewer_or_the_chief(role, partner, client):
    person, key = partner
    user = UserFactory(role=role)
    online.agency_sharing_off(actor=Actor.for_user(user), agency_id=person.agency_id)
    person.agency.refresh_from_db()
    assert not person.agency.sharing_enabled
    assert _events("agency_updated").get().query == {"sharing_enabled": False}
    assert _search(client, key).status_code == 403


@pytest.mark.rule("ACC-7")
def test_no_other_role_switches_off(partner):
    person, _ = partner
    with pytest.raises(PolicyDenied, match="Only the system administrator and the Chief of police may"):
        online.agency_sharing_off(actor=Actor.for_user(UserFactory(role=Role.AUDITOR)),
                                  agency_id=person.agency_id)
    person.agency.refresh_from_db()
    assert person.agency.sharing_enabled
    assert _events("agency_updated", Outcome.REFUSED).exists()


@pytest.mark.rule("SHR-4")
def test_a_revocation_cancels_the_request_waiting_for_the_chief(administrator, chief, declared_agency):
    asked = _ask(administrator, declared_agency)
    agencies.agency_revoke(actor=Actor.for_user(administrator), agency_id=declared_agency.pk,
                           reason="Misused data from a released request")
    asked.refresh_from_db()
    assert asked.status == OnlineSharingStatus.CANCELLED and "revoked" in asked.decision_reason
    assert asked.decided_at is not None
    revoked = _events("agency_revoked").get()
    assert revoked.query["online_sharing_requests_cancelled"] == 1
    with pytest.raises(ApplicationError, match="decided already"):
        _decide(chief, asked)
    declared_agency.refresh_from_db()
    assert declared_agency.status == AgencyStatus.REVOKED and not declared_agency.sharing_enabled


@pytest.mark.rule("SHR-4")
def test_a_revocation_by_the_system_cancels_it_too(administrator, declared_agency):
    asked = _ask(administrator, declared_agency)
    agencies.agency_revoke_for_misuse(agency_id=declared_agency.pk, purpose_label="Immigration enforcement",
                                      what="a partner search")
    asked.refresh_from_db()
    assert asked.status == OnlineSharingStatus.CANCELLED and asked.decided_by is None


@pytest.mark.rule("ACC-7")
def test_a_key_of_an_agency_whose_request_waits_does_not_search(client, administrator, chief):
    """The key was issued while partner searches were on; switched off and asked for again, it waits."""
    agency = DeclarationFactory(agency=AgencyFactory(sharing_enabled=True)).agency
    person = PartnerPersonFactory(agency=agency)
    _, key = agencies.credential_issue(actor=Actor.for_user(administrator), person_id=person.pk)
    online.agency_sharing_off(actor=Actor.for_user(administrator), agency_id=agency.pk)
    asked = _ask(administrator, agency)

    response = _search(client, key)
    assert response.status_code == 403 and "not enabled" in response.json()["detail"]

    _decide(chief, asked)
    assert _search(client, key).status_code == 200


# The pages


@pytest.fixture
def admin_client(make_verified_client):
    return make_verified_client(Role.ADMINISTRATOR)


@pytest.fixture
def chief_client(make_verified_client):
    return make_verified_client(Role.CHIEF)


@pytest.mark.rule("ACC-7")
def test_the_administrator_s_switch_on_files_a_request(admin_client, declared_agency):
    url = reverse("sharing:agency_sharing", args=[declared_agency.pk])
    response = admin_client.post(url, {"enabled": "true"})
    assert response.status_code == 400 and "at least 10 characters" in response.content.decode()
    assert not OnlineSharingRequest.objects.exists()

    response = admin_client.post(url, {"enabled": "true", "reason": REASON}, follow=True)
    page = response.content.decode()
    assert "Asked the Chief to switch partner searches on" in page
    assert "Requested, waiting for the Chief" in page
    declared_agency.refresh_from_db()
    assert not declared_agency.sharing_enabled
    assert OnlineSharingRequest.objects.get().requested_by == admin_client.user


@pytest.mark.rule("ACC-7")
def test_the_chief_decides_on_their_page_and_the_agency_page_says_who(admin_client, chief_client,
                                                                       declared_agency):
    asked = _ask(admin_client.user, declared_agency)
    page = chief_client.get(reverse("sharing:online_sharing"))
    assert page.status_code == 200 and declared_agency.name in page.content.decode()
    assert REASON in page.content.decode()
    home = chief_client.get(reverse("home")).content.decode()
    assert "Online sharing waiting" in home and reverse("sharing:online_sharing") in home

    response = chief_client.post(reverse("sharing:online_sharing_decide", args=[asked.pk]),
                                 {"decision": "approve", "reason": "Declaration in force, neighbouring"},
                                 follow=True)
    assert f"partner searches are now on for {declared_agency.name}" in response.content.decode()
    declared_agency.refresh_from_db()
    assert declared_agency.sharing_enabled

    detail = admin_client.get(reverse("sharing:agency_detail", args=[declared_agency.pk])).content.decode()
    assert '<span id="partner-searches">On</span>' in detail
    assert f"Approved by {chief_client.user.full_name} (Chief of police)" in detail


@pytest.mark.rule("ACC-7")
def test_the_administrator_cannot_open_or_post_the_chief_s_decision(admin_client, declared_agency):
    asked = _ask(admin_client.user, declared_agency)
    assert admin_client.get(reverse("sharing:online_sharing")).status_code == 403
    response = admin_client.post(reverse("sharing:online_sharing_decide", args=[asked.pk]),
                                 {"decision": "approve", "reason": "I approve it myself, quickly"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="auth.page_refused", outcome=Outcome.REFUSED,
                                     actor_user=admin_client.user).count() == 2
    declared_agency.refresh_from_db()
    assert not declared_agency.sharing_enabled


@pytest.mark.rule("ACC-7")
def test_the_chief_switches_off_from_their_page(chief_client, partner):
    person, _ = partner
    page = chief_client.get(reverse("sharing:online_sharing")).content.decode()
    assert person.agency.name in page
    response = chief_client.post(reverse("sharing:agency_sharing", args=[person.agency_id]),
                                 {"enabled": "false", "next": reverse("sharing:online_sharing")})
    assert response.status_code == 302 and response.url == reverse("sharing:online_sharing")
    person.agency.refresh_from_db()
    assert not person.agency.sharing_enabled
