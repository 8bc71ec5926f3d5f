"""A refused hotlist entry is audited under its whole case number, as long as an entry holds (64), not the
first 40 characters (found by a review after the column grew)."""
import pytest

from audit.models import AuditEvent, Outcome
from core.errors import ApplicationError
from hotlists.services import CASE_NUMBER_MAX_LENGTH, hotlist_entry_add
from hotlists.tests.conftest import act_as, in_days
from policy.models import AgencyPolicy

pytestmark = pytest.mark.django_db


@pytest.mark.rule("AUD-1", "USE-3")
def test_a_refused_entry_is_audited_under_its_whole_case_number(detective):
    """Tried: under an agency case-number pattern with no upper length (``^\\d{2}-\\d+$``, as the searches'
    case-number tests use), a detective adds an entry with a 50-character case number, which an entry now
    stores (``CASE_NUMBER_MAX_LENGTH`` 64) and a search accepts, and a reason naming immigration enforcement.
    The entry is refused and the attempt flagged, but ``hotlist_entry_add`` still records it with
    ``case_number=str(case_number)[:40]`` (the old column's length): the auditor who looks the case up by
    its number (the audit log's case-number filter, an exact match) does not find the flagged attempt.

    Should: the refusal is recorded under the case number as submitted, up to the 64 characters the audit
    log's column holds, as the accepted entry is."""
    AgencyPolicy.objects.create(case_number_pattern=r"^\d{2}-\d+$")
    case_number = "26-" + "7" * 47
    assert len(case_number) == 50 <= CASE_NUMBER_MAX_LENGTH
    with pytest.raises(ApplicationError):
        hotlist_entry_add(actor=act_as(detective), plate_pattern="7ABC123", case_number=case_number,
                          reason="Wanted by ICE for deportation", expires_at=in_days(5))
    refused = AuditEvent.objects.get(action="hotlist.entry_added", actor_user=detective)
    assert refused.outcome == Outcome.REFUSED and refused.flagged  # the case tried
    assert refused.case_number == case_number, f"recorded as {refused.case_number!r}"
