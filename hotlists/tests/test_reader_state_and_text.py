"""Hotlist matching compares the issuing state as the readers write it, and never matches a text that
was no plate (issue 13)."""
import pytest

from core.errors import ApplicationError
from hotlists import services
from hotlists.imports import hotlist_import
from hotlists.matching import read_match_hotlists
from hotlists.models import Alert, HotlistEntry
from hotlists.tests.conftest import act_as, in_days
from hotlists.tests.test_imports import ncic_file, ncic_line
from policy.services import policy_update

pytestmark = [pytest.mark.django_db, pytest.mark.rule("USE-8")]


def test_an_ncic_nebraska_entry_is_the_same_state_as_a_nebraska_read(detective, make_read):
    """NCIC writes Nebraska NB, the readers (the Postal Service's codes) NE."""
    hotlist_import(actor=act_as(detective), source="ncic", file_name="VEHEXTRT.txt",
                   data=ncic_file(ncic_line(plate="KRN5562", state="NB")))
    [entry] = HotlistEntry.objects.all()
    assert entry.state == "NE"
    read = make_read("KRN5562", state="NE")
    read_match_hotlists(read.pk)
    [alert] = Alert.objects.all()
    assert not alert.state_differs


def test_an_ncic_nebraska_hit_is_not_suppressed_as_another_state(detective, administrator, make_read):
    policy_update(actor=act_as(administrator), changes={"state_differs_alerts": "suppressed"},
                  reason="Alerts of another state are suppressed in this test.")
    hotlist_import(actor=act_as(detective), source="ncic", file_name="VEHEXTRT.txt",
                   data=ncic_file(ncic_line(plate="KRN5562", state="NB")))
    read = make_read("KRN5562", state="NE")
    read_match_hotlists(read.pk)
    assert Alert.objects.count() == 1


@pytest.mark.rule("ING-1")
def test_a_camera_text_with_an_unread_character_raises_no_alert(detective, make_read):
    """What was tried: the camera sent 7AB?123 (its fourth character unread) and 7AB123 is wanted."""
    services.hotlist_entry_add(actor=act_as(detective), plate_pattern="7AB123", state="IL",
                               reason="Stolen vehicle report", case_number="26-004512", expires_at=in_days())
    read = make_read("7AB?123", state="IL")
    read_match_hotlists(read.pk)
    assert read.plate == ""
    assert Alert.objects.count() == 0


def test_the_inbox_and_the_live_banner_show_the_read_state_with_its_confidence(detective, make_read,
                                                                             make_verified_client):
    """README: the alert (page, inbox and live banner) shows the read's state with its confidence beside
    the entry's. Tried: a plate of WI read 90 % sure matching an entry of IL; the page said "90 % sure",
    the inbox and the banner's data only "WI"."""
    from policy.roles import Role

    services.hotlist_entry_add(actor=act_as(detective), plate_pattern="KRN5562", state="IL",
                               reason="Stolen vehicle report", case_number="26-004512", expires_at=in_days())
    read = make_read("KRN5562", state="WI")
    [alert] = read_match_hotlists(read.pk)
    assert alert.state_differs
    client = make_verified_client(Role.OFFICER)
    [summary] = client.get("/hotlists/alerts/poll/?after=0").json()["alerts"]
    assert (summary["state"], summary["state_confidence"], summary["entry_state"]) == ("WI", 0.9, "IL")
    inbox = client.get("/hotlists/alerts/").content.decode()
    assert "WI <span class=\"hint\">(90 % sure)</span>" in inbox


@pytest.mark.rule("ING-2")
@pytest.mark.parametrize("typed", ["ZZ", "XX", "PQ"])
def test_an_entry_state_that_is_no_issuing_state_is_refused(detective, typed):
    # Tried: an entry of state ZZ (a typo) under a policy that suppresses hits of another state: every
    # true hit on the plate was then "another state" and raised nothing.
    with pytest.raises(ApplicationError, match="no issuing state"):
        services.hotlist_entry_add(actor=act_as(detective), plate_pattern="KRN5562", state=typed,
                                   reason="Stolen vehicle report", case_number="26-004512",
                                   expires_at=in_days())
    assert not HotlistEntry.objects.exists()


@pytest.mark.rule("ING-2")
def test_a_csv_row_whose_state_is_no_issuing_state_is_rejected(detective):
    good = [("7ABC123", "ON"), ("7ABC124", "IL"), ("7ABC125", "PR"), ("7ABC126", "NB"), ("7ABC127", "")]
    rows = ["Plate Number,Description,State/Province", "KRN5562,Stolen vehicle report,ZZ",
            *(f"{plate},Stolen car,{state}" for plate, state in good)]
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="stolen.csv",
                         data="\n".join(rows).encode(), case_number="26-004512")
    assert run.rows_accepted == 5
    assert [(row["line"], row["reason"]) for row in run.rejected_rows] == [
        (2, "State 'ZZ' is no issuing state: use the two-letter code of a US state, DC, a US territory or a "
            "Canadian province, e.g. IL.")]
    assert sorted(HotlistEntry.objects.values_list("plate_pattern", "state")) == good


@pytest.mark.rule("ING-2", "USE-8")
def test_an_ncic_code_that_names_no_jurisdiction_never_suppresses_a_hit(detective, administrator, make_read):
    # An NCIC file's own code (PQ, NCIC's Quebec) is kept as the file says, but compared with no read's
    # state: under "suppressed" the hit still alerts, not marked as another state.
    policy_update(actor=act_as(administrator), changes={"state_differs_alerts": "suppressed"},
                  reason="Alerts of another state are suppressed in this test.")
    hotlist_import(actor=act_as(detective), source="ncic", file_name="VEHEXTRT.txt",
                   data=ncic_file(ncic_line(plate="KRN5562", state="PQ")))
    read = make_read("KRN5562", state="IL")
    [alert] = read_match_hotlists(read.pk)
    assert not alert.state_differs
