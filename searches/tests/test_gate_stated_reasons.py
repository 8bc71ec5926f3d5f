"""One gate for every stated reason, and a hand-edited sharing form recorded as tried (USE-1, USE-3, SHR-4).

Before: a hotlist entry's reason got only the prohibited-purpose check (eight characters of anything
passed, "asdf qwer zxcv" and "see case 26-004512" among them), and the administrator's form for an
agency's written request dropped a purpose that was not on its list: a form error, nothing recorded,
nothing flagged. Now holds, hotlist entries and downloads go through ``stated_reason_check`` (the
search description's gate), and the sharing form hands the submitted purpose and agency to the service.
"""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alpr import access
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from core.errors import PolicyDenied
from hotlists import services as hotlist_services
from hotlists.models import HotlistEntry
from policy.roles import Role
from retention.models import EvidenceHold
from searches.tests.factories import open_justification
from sharing.models import AgencyStatus, SharingRequest
from sharing.tests.conftest import DeclarationFactory
from sharing.tests.test_views import request_form

pytestmark = pytest.mark.django_db

SAYS_NOTHING = ["asdf qwer zxcv", "see case 26-004512", "lorem ipsum dolor sit amet", "stolen"]
PROHIBITED = ["I.C.E.", "Copy for I C E agents", "Ｉ.Ｃ.Ｅ. asked for the plate"]


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def _hold(user, reason: str):
    return access.plate_reads_hold(actor=Actor.for_user(user), justification=open_justification(user),
                                   reason=reason, read_ids=[1])


def _hotlist_entry(user, reason: str):
    return hotlist_services.hotlist_entry_add(
        actor=Actor.for_user(user), plate_pattern="7ABC123", state="IL", reason=reason,
        case_number="26-004512", expires_at=timezone.now() + timedelta(days=7))


def _download(user, reason: str):
    return access.plate_reads_download(actor=Actor.for_user(user), justification=open_justification(user),
                                       read_ids=[1], purpose=reason)


# (what is stated, the call, the audit action, the refusal code for text that says nothing, where the
# audit entry keeps the text tried)
STATED = {
    "hold": (_hold, "retention.hold_placed", "hold_reason", lambda e: e.query["reason"]),
    "hotlist entry": (_hotlist_entry, "hotlist.entry_added", "hotlist_reason", lambda e: e.description),
    "download": (_download, "read.downloaded", "download_purpose", lambda e: e.query["purpose"]),
}


def _nothing_kept():
    assert not EvidenceHold.objects.exists() and not HotlistEntry.objects.exists()


@pytest.mark.rule("USE-1")
@pytest.mark.parametrize("text", SAYS_NOTHING)
@pytest.mark.parametrize("kind", STATED)
def test_a_stated_reason_that_describes_no_case_is_refused_and_recorded(detective, kind, text):
    # Tried: a hold, a hotlist entry and an evidence download whose reason is mash, a case number or filler.
    call, action, code, tried = STATED[kind]
    with pytest.raises(PolicyDenied) as refused:
        call(detective, text)
    assert refused.value.code == code and refused.value.field in ("reason", "purpose")
    _nothing_kept()
    event = _last(action)
    assert (event.outcome, event.flagged, tried(event)) == (Outcome.REFUSED, False, text)


@pytest.mark.rule("USE-3")
@pytest.mark.parametrize("text", PROHIBITED)
@pytest.mark.parametrize("kind", STATED)
def test_a_stated_reason_naming_a_prohibited_purpose_in_disguise_is_refused_and_flagged(detective, kind,
                                                                                         text):
    call, action, _code, tried = STATED[kind]
    with pytest.raises(PolicyDenied) as refused:
        call(detective, text)
    assert refused.value.code == "prohibited_purpose" and "immigration enforcement" in refused.value.message
    _nothing_kept()
    event = _last(action)
    assert (event.outcome, event.flagged, tried(event)) == (Outcome.REFUSED, True, text)


@pytest.mark.rule("USE-1")
def test_a_hotlist_edit_is_gated_too_and_a_specific_reason_passes(detective):
    entry = _hotlist_entry(detective, "Stolen in the burglary at 100 Main St")
    with pytest.raises(PolicyDenied):
        hotlist_services.hotlist_entry_edit(
            actor=Actor.for_user(detective), entry_id=entry.pk, plate_pattern="7ABC123", state="IL",
            reason="see case 26-004512", case_number="26-004512", expires_at=entry.expires_at)
    entry.refresh_from_db()
    assert entry.reason == "Stolen in the burglary at 100 Main St"
    assert _last("hotlist.entry_edited").outcome == Outcome.REFUSED


@pytest.mark.rule("USE-1")
def test_the_hotlist_page_shows_the_gates_refusal_on_the_reason(make_verified_client):
    # Tried: the entry form with "see case 26-004512" as the reason.
    client = make_verified_client(Role.DETECTIVE)
    response = client.post("/hotlists/entries/add/", {
        "plate_pattern": "7ABC123", "state": "IL", "reason": "see case 26-004512", "case_number": "26-004512",
        "expires_on": (timezone.localdate() + timedelta(days=7)).isoformat(), "priority": 2})
    assert response.status_code == 400 and "Say what the vehicle is wanted for" in response.content.decode()
    assert not HotlistEntry.objects.exists()


# ---- The administrator's form for an agency's written request (SHR-1, SHR-4)

@pytest.fixture
def admin(make_verified_client):
    return make_verified_client(Role.ADMINISTRATOR)


@pytest.fixture
def agency(db):
    return DeclarationFactory().agency


def _received(admin) -> AuditEvent:
    return AuditEvent.objects.filter(action="sharing.request_received", actor_user=admin.user).latest("id")


@pytest.mark.rule("USE-1", "USE-3", "SHR-1")
@pytest.mark.parametrize("purpose", ["general_patrol", "other_felony", "violent_crime'; --", "x" * 300])
def test_a_purpose_not_on_the_sharing_form_is_refused_recorded_as_submitted_and_flagged(admin, agency,
                                                                                          purpose):
    # Tried: the purpose <select> edited in the browser to a value the form does not offer (the felony
    # exception is ours only).
    response = admin.post(reverse("sharing:request_new_agency"), request_form(agency, purpose=purpose))
    assert response.status_code == 400 and b"purpose" in response.content
    assert not SharingRequest.objects.exists()
    event = _received(admin)
    assert (event.outcome, event.flagged, event.purpose) == (Outcome.REFUSED, True, purpose[:64])
    assert event.query.get("purpose_submitted") == (purpose if len(purpose) > 64 else None)
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.ACTIVE  # off the list is not a prohibited purpose


@pytest.mark.rule("USE-1", "SHR-1")
@pytest.mark.parametrize("description", ["asdf qwer zxcv", "see case 26-004512"])
def test_a_sharing_description_that_describes_no_case_is_refused_and_recorded(admin, agency, description):
    response = admin.post(reverse("sharing:request_new_agency"),
                          request_form(agency, description=description))
    assert response.status_code == 400 and not SharingRequest.objects.exists()
    event = _received(admin)
    assert (event.outcome, event.flagged, event.description) == (Outcome.REFUSED, False, description)


@pytest.mark.rule("USE-3", "SHR-4")
def test_a_sharing_description_naming_ice_in_disguise_is_flagged_and_revokes_the_agency(admin, agency):
    response = admin.post(reverse("sharing:request_new_agency"),
                          request_form(agency, description="Plate wanted by I.C.E. for their file"))
    assert response.status_code == 400 and "immigration enforcement" in response.content.decode()
    assert not SharingRequest.objects.exists()
    assert (_received(admin).outcome, _received(admin).flagged) == (Outcome.REFUSED, True)
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.REVOKED


@pytest.mark.rule("SHR-1", "SHR-4")
def test_an_agency_not_on_the_form_is_refused_by_the_service_and_recorded(admin, agency):
    # Tried: the agency <select> edited to a revoked agency's id, and to junk.
    revoked = DeclarationFactory().agency
    revoked.status, revoked.revoked_at = AgencyStatus.REVOKED, timezone.now()
    revoked.save(update_fields=["status", "revoked_at"])
    response = admin.post(reverse("sharing:request_new_agency"), request_form(revoked))
    assert response.status_code == 400 and "revoked" in response.content.decode()
    assert _received(admin).outcome == Outcome.REFUSED
    junk = admin.post(reverse("sharing:request_new_agency"), {**request_form(agency), "agency": "1 OR 1=1"})
    assert junk.status_code == 400 and "Choose the requesting agency" in junk.content.decode()
    assert _received(admin).outcome == Outcome.FAILED
    assert not SharingRequest.objects.exists()
