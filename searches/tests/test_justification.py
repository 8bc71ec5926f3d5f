"""The justification gate: purpose, case number, specific description; prohibited purposes; the
Chief's felony exceptions; audit queries (USE-1 to USE-4, AUD-1)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied
from policy.models import AgencyPolicy
from policy.roles import Role
from policy.selectors import current_policy
from searches import services
from searches.models import FelonyRequestStatus, Justification, JustificationKind
from searches.tests.factories import DESCRIPTION, actor, open_justification

pytestmark = pytest.mark.django_db


def _last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


@pytest.fixture
def officer():
    return UserFactory(role=Role.OFFICER)


@pytest.mark.rule("USE-1")
def test_a_complete_justification_opens_for_the_policy_minutes_and_is_audited(officer):
    justification = open_justification(officer)
    assert justification.kind == JustificationKind.CASE
    minutes = (justification.expires_at - justification.created_at) / timedelta(minutes=1)
    assert minutes == 60
    event = _last_event("search.justification_stated")
    assert event.outcome == Outcome.ALLOWED and event.actor_user == officer
    assert (event.purpose, event.case_number) == ("violent_crime", "26-004512")
    assert event.description == DESCRIPTION
    assert event.client_ip == "10.1.2.3"


@pytest.mark.rule("USE-1")
@pytest.mark.parametrize(("fields", "code"), [
    ({"purpose": ""}, "purpose_required"),
    ({"case_number": ""}, "case_number_required"),
    ({"case_number": "robbery"}, "case_number_format"),
    ({"case_number": "2026-4"}, "case_number_format"),
    ({"description": ""}, "vague_description"),
])
def test_missing_or_malformed_parts_are_refused_audited_and_nothing_opens(officer, fields, code):
    with pytest.raises(PolicyDenied) as refused:
        open_justification(officer, **fields)
    assert refused.value.code == code
    assert not Justification.objects.exists()
    event = _last_event("search.justification_stated")
    assert event.outcome == Outcome.REFUSED and not event.flagged
    assert event.reason == refused.value.message


@pytest.mark.rule("USE-1")
@pytest.mark.parametrize("description", [
    "investigation", "Investigation.", "inv", "INV", "per supervisor", "Per Supervisor!", "n/a", "N/A",
    "test", "testing", "Violent crime investigation", "aaaaaa", "aaaaaaaaaaaaaaaaa", "xx xx xx xx xx xx",
    "investigation per supervisor", "for the case of the investigation", "see report per sgt",
    "short one",
])
def test_vague_descriptions_are_refused_with_a_request_for_specifics(officer, description):
    with pytest.raises(PolicyDenied) as refused:
        open_justification(officer, description=description)
    assert refused.value.code == "vague_description"
    assert not Justification.objects.exists()
    assert _last_event("search.justification_stated").outcome == Outcome.REFUSED


@pytest.mark.rule("USE-1")
def test_how_many_fact_bearing_words_a_description_names_is_the_policys(officer):
    three, one = "Carjacking on Lake Street", "Carjacking 26-004512"
    assert open_justification(officer, description=three).description == three  # the default: 2
    with pytest.raises(PolicyDenied, match="says nothing beyond the purpose"):
        open_justification(officer, description=one)
    AgencyPolicy.objects.create(description_min_specific_words=4)  # the newest version is in force
    with pytest.raises(PolicyDenied, match="says nothing beyond the purpose") as refused:
        open_justification(officer, description=three)
    assert refused.value.code == "vague_description"
    AgencyPolicy.objects.create(description_min_specific_words=1)
    assert open_justification(officer, description=one).description == one


def test_the_case_number_example_is_in_the_format_message(officer):
    with pytest.raises(PolicyDenied, match="26-004512"):
        open_justification(officer, case_number="ABC")


def test_a_cad_run_number_is_accepted(officer):
    assert open_justification(officer, case_number="CAD-2611220042").case_number == "CAD-2611220042"


@pytest.mark.rule("USE-3")
@pytest.mark.parametrize("description", [
    "Locate vehicle of a suspected undocumented immigrant for ICE",
    "Deportation hold: find the owner's car",
    "Vehicles parked near the abortion clinic on Lake Street",
    "Who drove to the protest downtown last Saturday",
    "Cars at the rally in Scoville Park on Sunday",
    "Traffic enforcement follow-up on speeding complaints",
    "Members of the mosque on Harlem Avenue",
])
def test_a_description_naming_a_prohibited_purpose_is_refused_and_flagged(officer, description):
    with pytest.raises(PolicyDenied) as refused:
        open_justification(officer, description=description)
    assert refused.value.flag_for_audit
    assert not Justification.objects.exists()
    event = _last_event("search.justification_stated")
    assert event.outcome == Outcome.REFUSED and event.flagged
    assert event.description == description and event.actor_user == officer


@pytest.mark.rule("USE-3")
@pytest.mark.parametrize("purpose", ["immigration", "traffic", "first_amendment", "made_up"])
def test_a_purpose_outside_the_permitted_list_can_never_be_chosen(officer, purpose):
    with pytest.raises(PolicyDenied):
        open_justification(officer, purpose=purpose)
    event = _last_event("search.justification_stated")
    assert event.outcome == Outcome.REFUSED and event.flagged


@pytest.mark.rule("USE-1", "AUD-1")
def test_a_permitted_purpose_whose_code_is_longer_than_recorded_is_refused_not_a_server_error(officer):
    """A policy stored before AgencyPolicy.clean() refused such codes (policy/tests/test_purpose_codes.py)
    lists a code of 70 characters; a search under it failed at Justification.purpose (64): a 500."""
    from policy import defaults
    from policy.models import AgencyPolicy

    code = "organised_retail_theft_ring_across_several_municipalities_in_cook_cnty"
    AgencyPolicy.objects.create(permitted_purposes=[*defaults.permitted_purposes(),
                                                    {"code": code, "label": "Organised retail theft ring"}])
    with pytest.raises(PolicyDenied, match="ask the system administrator to shorten it"):
        services.justification_open(actor=actor(officer), purpose=code, case_number="26-004512",
                                    description=DESCRIPTION)
    assert not Justification.objects.exists()
    event = _last_event("search.justification_stated")
    assert (event.outcome, event.flagged, event.purpose) == (Outcome.REFUSED, False, code[:64])
    assert event.query["purpose_submitted"] == code


@pytest.mark.rule("USE-2")
def test_other_felony_needs_a_request_approved_by_the_chief(officer):
    chief = UserFactory(role=Role.CHIEF)
    with pytest.raises(PolicyDenied) as refused:
        open_justification(officer, purpose="other_felony")
    assert refused.value.code == "felony_request_required"

    request = services.felony_request_create(
        actor=actor(officer), case_number="26-007001", offense="Arson of an occupied building",
        description="Witness saw a dark pickup leave the fire at 12 Elm St at 02:10")
    with pytest.raises(PolicyDenied) as refused:  # pending is not approved
        open_justification(officer, purpose="other_felony", case_number="26-007001",
                           felony_request_id=request.pk)
    assert refused.value.code == "felony_request_not_approved"

    with pytest.raises(PolicyDenied):  # only the chief decides
        services.felony_request_decide(actor=actor(officer), request_id=request.pk, approve=True)
    assert _last_event("felony.decided").outcome == Outcome.REFUSED

    services.felony_request_decide(actor=actor(chief), request_id=request.pk, approve=True, note="Agreed")
    request.refresh_from_db()
    assert request.status == FelonyRequestStatus.APPROVED and request.decided_by == chief

    with pytest.raises(PolicyDenied) as refused:  # the search names the approved request's case
        open_justification(officer, purpose="other_felony", case_number="26-007002",
                           felony_request_id=request.pk)
    assert refused.value.code == "felony_case_mismatch"
    justification = open_justification(officer, purpose="other_felony", case_number="26-007001",
                                       felony_request_id=request.pk)
    assert justification.felony_request == request
    assert _last_event("search.justification_stated").query["felony_request"] == request.pk


@pytest.mark.rule("USE-2")
def test_a_denied_or_lapsed_felony_request_does_not_open_a_search(officer):
    chief = UserFactory(role=Role.CHIEF)
    request = services.felony_request_create(
        actor=actor(officer), case_number="26-007001", offense="Arson of an occupied building",
        description="Witness saw a dark pickup leave the fire at 12 Elm St at 02:10")
    with pytest.raises(ApplicationError):
        services.felony_request_decide(actor=actor(chief), request_id=request.pk, approve=False, note="")
    services.felony_request_decide(actor=actor(chief), request_id=request.pk, approve=False,
                                   note="Covered by the violent-crime purpose")
    with pytest.raises(PolicyDenied):
        open_justification(officer, purpose="other_felony", case_number="26-007001",
                           felony_request_id=request.pk)
    approved = services.felony_request_create(
        actor=actor(officer), case_number="26-007001", offense="Arson of an occupied building",
        description="Second request with the fire marshal's report attached")
    services.felony_request_decide(actor=actor(chief), request_id=approved.pk, approve=True)
    justification = open_justification(officer, purpose="other_felony", case_number="26-007001",
                                       felony_request_id=approved.pk)
    lapsed = timezone.now() - timedelta(days=current_policy().felony_approval_days, minutes=1)
    type(approved).objects.filter(pk=approved.pk).update(decided_at=lapsed)
    with pytest.raises(PolicyDenied, match="lapsed"):
        access.plate_reads_search(actor=actor(officer), justification=justification, plate="ABC1234")


@pytest.mark.rule("USE-4")
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR])
def test_audit_queries_need_no_case_number_and_are_logged_as_such(role):
    auditor = UserFactory(role=role)
    justification = services.justification_open(
        actor=actor(auditor), purpose="", case_number="",
        description="Monthly audit of searches on case 26-004512 for the April review")
    assert justification.kind == JustificationKind.AUDIT and justification.purpose == "audit_query"
    event = _last_event("search.justification_stated")
    assert event.purpose == "audit_query" and event.query["kind"] == "audit"
    with pytest.raises(PolicyDenied, match=r"specific|purpose|generic|does not say"):
        services.justification_open(actor=actor(auditor), purpose="", case_number="", description="audit")


@pytest.mark.rule("USE-1")
def test_roles_without_search_rights_cannot_state_a_justification():
    for role in (Role.CHIEF, Role.OVERSIGHT, Role.RECORDS):
        with pytest.raises(PolicyDenied):
            open_justification(UserFactory(role=role))


@pytest.mark.rule("ACC-5")
def test_a_user_whose_training_expired_is_refused():
    untrained = UserFactory(role=Role.OFFICER, trained=False)
    with pytest.raises(PolicyDenied) as refused:
        open_justification(untrained)
    assert refused.value.code == "training_expired"
    assert _last_event("search.justification_stated").outcome == Outcome.REFUSED


def test_closing_a_justification_ends_it(officer):
    justification = open_justification(officer)
    services.justification_close(actor=actor(officer), justification_id=justification.pk)
    with pytest.raises(PolicyDenied) as refused:
        access.plate_reads_search(actor=actor(officer), justification=justification, plate="ABC1234")
    assert refused.value.code == "justification_expired"


def test_an_outcome_is_recorded_against_the_justification(officer):
    justification = open_justification(officer)
    outcome = services.outcome_record(actor=actor(officer), justification_id=justification.pk,
                                      outcome="arrest", note="Driver arrested on the warrant")
    assert outcome.justification == justification
    event = _last_event("search.outcome_recorded")
    assert event.case_number == "26-004512" and event.query == {"outcome": "arrest"}
    with pytest.raises(ApplicationError):
        services.outcome_record(actor=actor(officer), justification_id=justification.pk, outcome="bogus")
