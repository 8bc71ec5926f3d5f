"""An alert's read past retention is gone to the alert pages, even when another case's hold keeps it
(RET-1, RET-2): a held read opens only to the case that holds it, never as an alert to anyone else."""
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import NotFound
from hotlists import alerts, services
from hotlists.matching import read_match_hotlists
from hotlists.tests.conftest import act_as, in_days, matched_on_arrival
from policy.models import AgencyPolicy
from policy.roles import Role
from retention.services import hold_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_alert(detective, make_read):
    """A read 5 days old that raised an alert, kept by a hold of case 26-004512, past a retention of 3
    days; the purge has not run since (or the hold kept it). The alert is still open in the inbox (7
    days): past it, its read would not show anyway (``test_alert_read_open``)."""
    AgencyPolicy.objects.create(retention_days=3, alert_open_days=7)
    read = make_read("7ABC123", when=timezone.now() - timedelta(days=5))
    services.hotlist_entry_add(actor=act_as(detective), plate_pattern="7ABC123", state="IL",
                               reason="Stolen in burglary at 100 Main St", case_number="26-009999",
                               expires_at=in_days(), vehicle_description="Blue Honda Civic")
    [raised] = matched_on_arrival(read)  # 5 days ago
    hold_place(actor=act_as(detective), case_number="26-004512", reason="Getaway car of the Oak St robbery",
               read_ids=[read.pk])
    return raised


@pytest.mark.rule("RET-1", "RET-2", "AUD-1")
def test_an_alert_does_not_open_a_held_read_past_retention(old_alert, make_verified_client):
    # Tried: an officer (no justification, another case's hold keeps the read) opens the alert's page
    # and its images by number, 5 days after the read (3 days of retention; the alert still in the
    # inbox). The plate, photo and crop came back.
    client = make_verified_client(Role.OFFICER)
    officer = client.user
    view = alerts.alert_get(actor=act_as(officer), alert_id=old_alert.pk)
    assert view.read is None and view.read_open  # open in the inbox: gone by retention, not by closing
    for kind in ("crop", "full"):
        with pytest.raises(NotFound):
            alerts.alert_image(actor=act_as(officer), alert_id=old_alert.pk, kind=kind)
    page = client.get(f"/hotlists/alerts/{old_alert.pk}/")
    assert page.status_code == 200 and "7ABC123" not in page.content.decode().split("Hotlist entry")[0]
    assert client.get(f"/hotlists/alerts/{old_alert.pk}/image/full/").status_code == 404
    inbox = alerts.alert_list(actor=act_as(officer), only_open=False, days=60)
    assert [view.read for view in inbox] == [None]


@pytest.fixture
def alert_of_a_photo(detective, make_read):
    """An alert raised by a read whose photo shows a second plate (a read of its own)."""
    from ingest.services import _insert_row, _sibling_read

    read = make_read("7ABC123")
    sibling = _sibling_read(read, 2)
    sibling.plate, sibling.confidence = "KRN5562", 0.9
    _insert_row(sibling)
    services.hotlist_entry_add(actor=act_as(detective), plate_pattern="7ABC123", state="IL",
                               reason="Stolen in burglary at 100 Main St", case_number="26-009999",
                               expires_at=in_days(), vehicle_description="Blue Honda Civic")
    [raised] = read_match_hotlists(read.pk)
    return raised, sibling


@pytest.mark.rule("RET-5", "USE-8", "AUD-1")
def test_an_alert_whose_read_is_confirmed_erroneous_opens_and_acts_no_more(alert_of_a_photo, officer,
                                                                          user_factory):
    # Tried: the other plate of the alert's photo is flagged 'wrong camera' and confirmed, which marks
    # every read of the photo erroneous (the inbox and the feed drop the alert). An officer who kept the
    # alert's number opened its page, photo and crop, verified it and recorded an arrest on it.
    from retention.services import flag_review, read_flag_erroneous

    alert, sibling = alert_of_a_photo
    alerts.alert_get(actor=act_as(officer), alert_id=alert.pk)
    alerts.alert_image(actor=act_as(officer), alert_id=alert.pk, kind="crop")
    flag = read_flag_erroneous(actor=act_as(officer), read_id=sibling.pk, kind="wrong_camera",
                               note="Camera clock was a day off")
    flag_review(actor=act_as(user_factory(role=Role.ADMINISTRATOR)), flag_id=flag.pk, confirm=True,
                note="Camera log confirms")
    with pytest.raises(NotFound):
        alerts.alert_get(actor=act_as(officer), alert_id=alert.pk)
    for kind in ("crop", "full"):
        with pytest.raises(NotFound):
            alerts.alert_image(actor=act_as(officer), alert_id=alert.pk, kind=kind)
    with pytest.raises(NotFound):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome="confirmed",
                            characters_match=True, state_match=True, vehicle_match=True)
    alert.refresh_from_db()
    assert alert.verification_outcome == ""
