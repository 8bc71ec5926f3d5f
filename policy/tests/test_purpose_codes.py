"""A purpose the policy lists has a code that is a slug and fits the columns that record it, and a label
that fits a justification's (USE-1, USE-2, RPT-4).

Found by an outside review: the policy accepted a permitted purpose whose code was 70 characters; once in
force, every search stated under it failed at the database (Justification.purpose and AuditEvent.purpose
are 64 characters), a 500 instead of a search.
"""
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from audit.context import Actor
from audit.models import AuditEvent
from conftest import UserFactory
from core.errors import ApplicationError
from policy import defaults
from policy.models import (
    PURPOSE_CODE_MAX_LENGTH,
    PURPOSE_LABEL_MAX_LENGTH,
    AgencyPolicy,
    PolicyChangeProposal,
)
from policy.roles import Role
from policy.selectors import current_policy
from policy.services import policy_change_approve, policy_update
from policy.tests.test_views import _form

pytestmark = pytest.mark.django_db

LONG_CODE = "organised_retail_theft_ring_across_several_municipalities_in_cook_cnty"  # 70 characters
DESCRIPTION = "Organised theft of catalytic converters from the Harlem Ave dealership, white van seen"


def _permitted(code: str, label: str = "Organised retail theft ring") -> dict:
    return {"permitted_purposes": [*defaults.permitted_purposes(), {"code": code, "label": label}]}


def _prohibited(entry: dict) -> dict:
    return {"prohibited_purposes": [*defaults.prohibited_purposes(), entry]}


@pytest.mark.rule("USE-1", "USE-2", "RPT-4")
@pytest.mark.parametrize(("changes", "message"), [
    (_permitted(LONG_CODE), f"at most {PURPOSE_CODE_MAX_LENGTH} characters"),
    (_permitted("Retail Theft"), "lowercase letters, digits and underscores"),
    (_permitted("retail-theft"), "lowercase letters, digits and underscores"),
    (_permitted("retail_theft", "Organised retail theft " * 10),
     f"at most {PURPOSE_LABEL_MAX_LENGTH} characters"),
    (_permitted(""), "needs a code and a label"),
    (_permitted(7), "needs a code and a label"),
    ({"permitted_purposes": ["violent_crime"]}, "needs a code and a label"),
    (_prohibited({"code": LONG_CODE, "label": "Debt collection", "terms": ["repossession"]}),
     f"at most {PURPOSE_CODE_MAX_LENGTH} characters"),
    (_prohibited({"code": "Debt Collection", "label": "Debt collection", "terms": ["repossession"]}),
     "lowercase letters, digits and underscores"),
    # Without a label, a text naming its terms was refused with the label in the message: a KeyError.
    (_prohibited({"code": "debt", "terms": ["repossession"]}), "needs a code and a label"),
])
def test_a_purpose_whose_code_or_label_cannot_be_recorded_is_refused_and_nothing_changes(changes, message):
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    versions = AgencyPolicy.objects.count()
    with pytest.raises(ApplicationError, match=message) as refused:
        policy_update(actor=admin, changes=changes, reason="Council request")
    assert refused.value.field == next(iter(changes))
    assert AgencyPolicy.objects.count() == versions and not PolicyChangeProposal.objects.exists()
    assert AuditEvent.objects.get(action="policy.changed").outcome == "failed"


@pytest.mark.rule("USE-1", "RPT-4")
def test_the_policy_page_refuses_a_purpose_code_longer_than_recorded(make_verified_client):
    client = make_verified_client(Role.ADMINISTRATOR)
    versions = AgencyPolicy.objects.count()
    data = _form(client)
    data["permitted_purposes"] += f"\n{LONG_CODE} | Organised retail theft ring"
    response = client.post("/policy/edit/", {**data, "reason": "Council request"})
    assert response.status_code == 400
    assert f"at most {PURPOSE_CODE_MAX_LENGTH} characters" in response.content.decode()
    assert AgencyPolicy.objects.count() == versions and not PolicyChangeProposal.objects.exists()


@pytest.mark.rule("USE-1", "RPT-4")
def test_a_purpose_code_as_long_as_recorded_is_put_in_force_and_searched_under():
    from searches.services import justification_open

    code = ("retail_theft_" + "x" * PURPOSE_CODE_MAX_LENGTH)[:PURPOSE_CODE_MAX_LENGTH]
    admin, chief = UserFactory(role=Role.ADMINISTRATOR), UserFactory(role=Role.CHIEF)
    proposal = policy_update(actor=Actor.for_user(admin), changes=_permitted(code, "Organised retail theft"),
                             reason="Council request").proposal
    with time_machine.travel(proposal.comment_closes_at + timedelta(hours=1), tick=False):
        policy_change_approve(actor=Actor.for_user(chief), proposal_id=proposal.pk)
        assert current_policy().is_permitted_purpose(code)
        justification = justification_open(actor=Actor.for_user(UserFactory(role=Role.DETECTIVE)),
                                            purpose=code, case_number="26-004512", description=DESCRIPTION)
    assert justification.purpose == code


@pytest.mark.rule("USE-1")
def test_the_default_purposes_pass_the_policys_checks():
    AgencyPolicy().full_clean()


@pytest.mark.rule("USE-1")
def test_the_bounds_fit_every_column_that_records_a_purpose():
    """A permitted purpose's code is recorded with a justification, in the audit log, with a partner's
    search and a written request; its label with the justification. None may hold less."""
    from searches.models import Justification
    from sharing.models import PartnerSearch, SharingRequest

    for model in (Justification, AuditEvent, PartnerSearch, SharingRequest):
        assert model._meta.get_field("purpose").max_length >= PURPOSE_CODE_MAX_LENGTH, model
    assert AgencyPolicy._meta.get_field("felony_exception_purpose").max_length >= PURPOSE_CODE_MAX_LENGTH
    assert Justification._meta.get_field("purpose_label").max_length >= PURPOSE_LABEL_MAX_LENGTH


LEGACY = {"code": "Hit-and-run", "label": "Hit and run with injury"}  # stored before codes were slugs


@pytest.mark.rule("RET-1", "RPT-4")
def test_a_purpose_code_in_force_from_before_the_slug_rule_does_not_block_a_tightening():
    """Found by an outside review: every change validates the whole policy, so a code stored before codes
    had to be slugs refused even lowering retention (in force at once) until it was renamed, and renaming
    is a loosening that waits for public comment."""
    AgencyPolicy.objects.create(permitted_purposes=[*defaults.permitted_purposes(), LEGACY])
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    change = policy_update(actor=admin, changes={"retention_days": 20}, reason="Keep reads less long")
    assert change.in_force and not change.proposal
    assert current_policy().retention_days == 20
    assert LEGACY in current_policy().permitted_purposes


@pytest.mark.rule("USE-1", "RPT-4")
@pytest.mark.parametrize(("code", "message"), [("Retail-Theft", "lowercase letters"), (LONG_CODE, "at most")])
def test_a_new_purpose_code_is_still_refused_beside_one_in_force_from_before(code, message):
    AgencyPolicy.objects.create(permitted_purposes=[*defaults.permitted_purposes(), LEGACY])
    admin = Actor.for_user(UserFactory(role=Role.ADMINISTRATOR))
    versions = AgencyPolicy.objects.count()
    changes = {"permitted_purposes": [*defaults.permitted_purposes(), LEGACY,
                                      {"code": code, "label": "Organised retail theft ring"}]}
    with pytest.raises(ApplicationError, match=message) as refused:
        policy_update(actor=admin, changes=changes, reason="Council request")
    assert refused.value.field == "permitted_purposes"
    assert AgencyPolicy.objects.count() == versions and not PolicyChangeProposal.objects.exists()


@pytest.mark.rule("USE-1", "RPT-4")
def test_a_policy_checked_on_its_own_still_refuses_a_code_that_is_not_a_slug():
    """Only the change's codes in force are accepted as they are; the policy's own checks are unchanged."""
    with pytest.raises(ValidationError, match="lowercase letters"):
        AgencyPolicy(permitted_purposes=[*defaults.permitted_purposes(), LEGACY]).full_clean()
