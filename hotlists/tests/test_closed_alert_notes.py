"""What a closed alert's page shows: no plate of its read, not even in a note (found by an outside review)."""
import pytest

from audit.models import AuditEvent
from hotlists import audit_actions as actions
from hotlists.matching import read_match_hotlists
from hotlists.tests.conftest import act_as
from hotlists.tests.test_alert_correction import add_entry
from policy.roles import Role
from retention.services import flag_review, read_flag_erroneous

pytestmark = pytest.mark.django_db


def alert_closed_on_correction(detective, officer, administrator, make_read):
    """An alert raised by a read of 7ABC128 misread as 7ABC123, closed by the system when the misread was
    flagged and confirmed with the corrected plate. Returns the read, the alert and the flag."""
    add_entry(detective, "7ABC123")
    read = make_read("7ABC123")
    [alert] = read_match_hotlists(read.pk)
    flag = read_flag_erroneous(actor=act_as(officer), read_id=read.pk, kind="misread",
                               note="The photo shows another last character", suggested_plate="7ABC128")
    flag_review(actor=act_as(administrator), flag_id=flag.pk, confirm=True, note="Photo checked",
                corrected_plate="7ABC128")
    return read, alert, flag


@pytest.mark.rule("USE-1", "AUD-1")
def test_a_closed_alert_s_page_does_not_show_the_corrected_plate_of_its_read(
        detective, officer, administrator, make_read, make_verified_client):
    """Tried: a read of 7ABC128 misread as 7ABC123 raises an alert; the misread is flagged and confirmed
    with the corrected plate 7ABC128, which closes the alert as a misread (hotlists.matching
    ``alerts_after_correction``). A dispatcher, who receives alerts but never searched the plate, then
    opens the closed alert's page. A closed alert opens its read to no one (``alert_open_condition``):
    the page must not show the read's plate, and its audit row names no read. Before, the system's own
    closing note ("the read's plate 7ABC123 was confirmed misread and corrected to 7ABC128") is printed
    under "Notes", so the read's real plate leaves without a justification and without an audit row
    naming the read."""
    read, alert, _ = alert_closed_on_correction(detective, officer, administrator, make_read)

    dispatcher = make_verified_client(Role.DISPATCHER)
    response = dispatcher.get(f"/hotlists/alerts/{alert.pk}/")

    assert response.status_code == 200
    viewed = AuditEvent.objects.filter(action=actions.ALERT_VIEWED.code).latest("id")
    assert f"read:{read.pk}" not in viewed.targets  # the page itself says the read is not shown
    body = response.content.decode()
    at = body.find("7ABC128")
    assert at == -1, f"the closed alert's page shows the read's corrected plate: …{body[at - 120:at + 40]}…"
