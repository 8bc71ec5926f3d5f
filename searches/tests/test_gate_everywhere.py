"""Every other place a stated reason is checked uses the same gate: a download's purpose, a hotlist
entry's reason, an other-felony request (USE-3, USE-7). Each disguised text below passed before."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from core.errors import PolicyDenied
from hotlists import services as hotlist_services
from hotlists.models import HotlistEntry
from searches import services
from searches.models import FelonyExceptionRequest
from searches.tests.factories import open_justification

pytestmark = pytest.mark.django_db

DISGUISED = ["Send to I.C.E. for the file", "Copy for H S I agents", "Evidence for the imm1gration hold",
             "Driver is gay, keep an eye out"]


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def _download_refusal(officer, purpose: str) -> PolicyDenied:
    """Download read 1 (it need not exist: the purpose is checked first) and return the refusal."""
    with pytest.raises(PolicyDenied) as refused:
        access.plate_reads_download(actor=Actor.for_user(officer), justification=open_justification(officer),
                                    read_ids=[1], purpose=purpose)
    return refused.value


@pytest.mark.rule("USE-3", "USE-7")
@pytest.mark.parametrize("purpose", DISGUISED)
def test_a_download_purpose_in_disguise_is_refused_and_flagged(officer, purpose):
    assert _download_refusal(officer, purpose).code == "prohibited_purpose"
    event = _last("read.downloaded")
    assert (event.outcome, event.flagged, event.query["purpose"]) == (Outcome.REFUSED, True, purpose)


@pytest.mark.rule("USE-7")
@pytest.mark.parametrize("purpose", ["asdf qwer zxcv", "evidence 26-004512", "lorem ipsum dolor sit amet"])
def test_a_download_purpose_that_says_nothing_is_refused(officer, purpose):
    assert _download_refusal(officer, purpose).code == "download_purpose"


@pytest.mark.rule("USE-3")
@pytest.mark.parametrize("reason", DISGUISED)
def test_a_hotlist_reason_in_disguise_is_refused_and_flagged(detective, reason):
    with pytest.raises(PolicyDenied):
        hotlist_services.hotlist_entry_add(
            actor=Actor.for_user(detective), plate_pattern="7ABC123", state="IL", reason=reason,
            case_number="26-004512", priority=1, expires_at=timezone.now() + timedelta(days=7))
    assert not HotlistEntry.objects.exists()
    event = _last("hotlist.entry_added")
    assert (event.outcome, event.flagged) == (Outcome.REFUSED, True)


@pytest.mark.rule("USE-2", "USE-3")
@pytest.mark.parametrize("offense", DISGUISED)
def test_an_other_felony_request_in_disguise_is_refused_and_flagged(officer, offense):
    with pytest.raises(PolicyDenied):
        services.felony_request_create(actor=Actor.for_user(officer), case_number="26-007001",
                                       offense=offense,
                                       description="Witness saw a dark pickup leave the fire at 12 Elm St")
    assert not FelonyExceptionRequest.objects.exists()
    assert _last("felony.requested").flagged
