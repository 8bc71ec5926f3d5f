"""A read confirmed misread and corrected (RET-5): the alert its old plate raised can no longer be
acted on, and its corrected plate raises the alert it should have raised on arrival (ING-2, USE-8)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.models import PlateRead
from core.errors import ApplicationError
from hotlists import alerts, services
from hotlists import audit_actions as actions
from hotlists.matching import read_match_hotlists
from hotlists.models import Alert
from hotlists.tests.conftest import act_as, audit_rows, in_days
from policy.roles import Role
from retention.models import FlagStatus
from retention.services import flag_review, read_flag_erroneous

pytestmark = pytest.mark.django_db


def add_entry(detective, plate: str) -> None:
    services.hotlist_entry_add(actor=act_as(detective), plate_pattern=plate, state="IL",
                               reason="Stolen in burglary at 100 Main St", case_number="26-009999",
                               expires_at=in_days(), vehicle_description="Blue Honda Civic")


def correct(read, officer, administrator, plate: str):
    flag = read_flag_erroneous(actor=act_as(officer), read_id=read.pk, kind="misread",
                               note="The photo shows another last character", suggested_plate=plate)
    return flag_review(actor=act_as(administrator), flag_id=flag.pk, confirm=True, note="Photo checked",
                       corrected_plate=plate)


@pytest.mark.rule("RET-5", "USE-8")
def test_an_alert_raised_by_a_corrected_misread_is_closed_and_cannot_be_acted_on(
        detective, officer, administrator, make_read):
    # Tried: 7ABC128 read as 7ABC123 raises an alert; the misread is confirmed and corrected; the
    # officer then opens the alert, records "confirmed" with every check ticked, and an arrest.
    add_entry(detective, "7ABC123")
    read = make_read("7ABC123", candidates=[{"text": "7ABC123", "confidence": 0.9},
                                            {"text": "7ABC128", "confidence": 0.5}])
    [alert] = read_match_hotlists(read.pk)
    flag = correct(read, officer, administrator, "7ABC128")
    alert.refresh_from_db()
    assert (alert.verification_outcome, alert.characters_match, alert.verified_by) == ("misread", False, None)
    notes = alert.verification_notes
    assert f"corrected (flag {flag.pk})" in notes and "7ABC12" not in notes
    with pytest.raises(ApplicationError, match="verified already by the system"):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome="confirmed",
                            characters_match=True, state_match=True, vehicle_match=True)
    with pytest.raises(ApplicationError):
        alerts.alert_record_action(actor=act_as(officer), alert_id=alert.pk, action="arrest")
    assert alerts.alert_list(actor=act_as(officer), only_open=True) == []
    [closed] = audit_rows(actions.ALERT_CLOSED_ON_CORRECTION)
    assert closed.targets == [f"read:{read.pk}", f"alert:{alert.pk}", f"flag:{flag.pk}"]
    assert closed.case_number == "26-009999"


@pytest.mark.rule("RET-5", "USE-8")
def test_an_alert_confirmed_before_the_correction_is_closed_too_and_cannot_be_acted_on(
        detective, officer, administrator, make_read):
    # Tried: the officer confirmed the alert, then the read was confirmed misread and corrected to a
    # plate that is not wanted; an arrest (with race and sex) was then recorded on the confirmed alert.
    add_entry(detective, "7ABC123")
    read = make_read("7ABC123", candidates=[{"text": "7ABC123", "confidence": 0.9},
                                            {"text": "7ABC128", "confidence": 0.5}])
    [alert] = read_match_hotlists(read.pk)
    alerts.alert_image(actor=act_as(officer), alert_id=alert.pk, kind="full")
    alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome="confirmed", characters_match=True,
                        state_match=True, vehicle_match=True)
    correct(read, officer, administrator, "7ABC128")
    alert.refresh_from_db()
    assert (alert.verification_outcome, alert.verified_by) == ("misread", None)
    assert f"{officer.full_name} had confirmed it before the correction" in alert.verification_notes
    with pytest.raises(ApplicationError, match="closed by the system"):
        alerts.alert_record_action(actor=act_as(officer), alert_id=alert.pk, action="arrest",
                                   subject_race="black", subject_sex="male")
    assert Alert.objects.get(pk=alert.pk).action == ""
    assert len(audit_rows(actions.ALERT_CLOSED_ON_CORRECTION)) == 1
    # The officer did verify: the refusal is recorded, not flagged as acting on an unverified alert.
    [refused] = audit_rows(actions.ALERT_ACTION)
    assert refused.outcome != "allowed" and not refused.flagged


@pytest.mark.rule("ING-2", "RET-5")
def test_a_correction_to_a_hotlisted_plate_raises_the_alert_and_drops_the_misread_candidates(
        detective, officer, administrator, make_read):
    add_entry(detective, "KRN5562")
    read = make_read("KRN5582", candidates=[{"text": "KRN5582", "confidence": 0.9}])
    assert read_match_hotlists(read.pk) == []
    correct(read, officer, administrator, "KRN5562")
    [raised] = Alert.objects.filter(read_id=read.pk)
    assert raised.entry.plate_pattern == "KRN5562" and raised.match_kind == "exact"
    read = PlateRead.system_objects.get(pk=read.pk)
    assert (read.plate, read.candidates) == ("KRN5562", [])


@pytest.mark.rule("RET-5", "USE-8")
def test_an_alert_the_corrected_plate_still_matches_stays_open(detective, officer, administrator, make_read):
    # A wildcard entry 7ABC12? matches both the misread and the corrected plate: the hit stands.
    add_entry(detective, "7ABC12?")
    read = make_read("7ABC123")
    [alert] = read_match_hotlists(read.pk)
    correct(read, officer, administrator, "7ABC128")
    alert.refresh_from_db()
    assert alert.verification_outcome == ""
    assert [view.alert.pk for view in alerts.alert_list(actor=act_as(officer), only_open=True)] == [alert.pk]


@pytest.mark.rule("RET-5", "USE-8")
def test_an_alert_the_corrected_plate_matches_only_as_a_look_alike_is_closed(
        detective, officer, administrator, make_read):
    # Tried: 8BC1234 is wanted and read exactly; the photo shows BBC1234, and the read is corrected. Before,
    # BBC1234 still matched 8BC1234 as a possible misread (B and 8 look alike), so the alert stayed open.
    add_entry(detective, "8BC1234")
    read = make_read("8BC1234")
    [alert] = read_match_hotlists(read.pk)
    correct(read, officer, administrator, "BBC1234")
    alert.refresh_from_db()
    assert alert.verification_outcome == "misread"
    assert alerts.alert_list(actor=act_as(officer), only_open=True) == []


@pytest.mark.rule("RET-5", "ING-2")
def test_a_corrected_plate_raises_no_look_alike_alert(detective, officer, administrator, make_read):
    # Tried: BBC1234 is wanted; a read of XBC1234 is corrected to 8BC1234, which a person read off the photo.
    add_entry(detective, "BBC1234")
    read = make_read("XBC1234")
    assert read_match_hotlists(read.pk) == []
    correct(read, officer, administrator, "8BC1234")
    assert not Alert.objects.filter(read_id=read.pk).exists()


@pytest.mark.rule("ING-2")
def test_a_correction_of_an_old_read_raises_no_late_alert(detective, officer, administrator, make_read):
    # An alert a day late is no lead (the sweep for missed matches stops at the same age).
    add_entry(detective, "KRN5562")
    read = make_read("KRN5582", when=timezone.now() - timedelta(days=2))
    correct(read, officer, administrator, "KRN5562")
    assert not Alert.objects.filter(read_id=read.pk).exists()


@pytest.mark.rule("RET-5", "ING-3")
@pytest.mark.parametrize("typed", ["NOREAD", "A", "7AB", "7ABC12345"])
def test_a_correction_to_text_that_is_no_plate_is_refused_and_changes_nothing(
        officer, administrator, make_read, typed):
    # Tried: an administrator "corrects" a read to a camera's no-read word or to a text too short or too
    # long to be a plate this system stores: it became the read's searchable plate.
    read = make_read("7ABC123")
    flag = read_flag_erroneous(actor=act_as(officer), read_id=read.pk, kind="misread", note="Wrong plate")
    with pytest.raises(ApplicationError, match="not a plate this system stores"):
        flag_review(actor=act_as(administrator), flag_id=flag.pk, confirm=True, note="Checked",
                    corrected_plate=typed)
    flag.refresh_from_db()
    assert (flag.status, PlateRead.system_objects.get(pk=read.pk).plate) == (FlagStatus.OPEN, "7ABC123")


@pytest.mark.rule("USE-8")
def test_the_closed_alerts_page_says_the_system_closed_it(detective, officer, administrator, make_read,
                                                          make_verified_client):
    add_entry(detective, "7ABC123")
    read = make_read("7ABC123")
    [alert] = read_match_hotlists(read.pk)
    correct(read, officer, administrator, "7ABC128")
    client = make_verified_client(Role.OFFICER)
    page = client.get(f"/hotlists/alerts/{alert.pk}/").content.decode()
    assert "The system, on a confirmed correction of the read" in page
    assert 'id="verify-form"' not in page and 'id="action-form"' not in page
