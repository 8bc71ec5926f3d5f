"""An alert's read past retention is gone to the alert pages, even when another case's hold keeps it
(RET-1, RET-2): a held read opens only to the case that holds it, never as an alert to anyone else."""
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import NotFound
from hotlists import alerts, services
from hotlists.matching import read_match_hotlists
from hotlists.tests.conftest import act_as, in_days
from policy.roles import Role
from retention.services import hold_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_alert(detective, make_read):
    """A read 40 days old (past the 30 days of retention) that raised an alert, kept by a hold of case
    26-004512; the purge has not run since (or the hold kept it)."""
    read = make_read("7ABC123", when=timezone.now() - timedelta(days=40))
    services.hotlist_entry_add(actor=act_as(detective), plate_pattern="7ABC123", state="IL",
                               reason="Stolen in burglary at 100 Main St", case_number="26-009999",
                               expires_at=in_days(), vehicle_description="Blue Honda Civic")
    [raised] = read_match_hotlists(read.pk)
    hold_place(actor=act_as(detective), case_number="26-004512", reason="Getaway car of the Oak St robbery",
               read_ids=[read.pk])
    return raised


@pytest.mark.rule("RET-1", "RET-2", "AUD-1")
def test_an_alert_does_not_open_a_held_read_past_retention(old_alert, make_verified_client):
    # Tried: an officer (no justification, another case's hold keeps the read) opens the alert's page
    # and its images by number, 40 days after the read. The plate, photo and crop came back.
    client = make_verified_client(Role.OFFICER)
    officer = client.user
    view = alerts.alert_get(actor=act_as(officer), alert_id=old_alert.pk)
    assert view.read is None
    for kind in ("crop", "full"):
        with pytest.raises(NotFound):
            alerts.alert_image(actor=act_as(officer), alert_id=old_alert.pk, kind=kind)
    page = client.get(f"/hotlists/alerts/{old_alert.pk}/")
    assert page.status_code == 200 and "7ABC123" not in page.content.decode().split("Hotlist entry")[0]
    assert client.get(f"/hotlists/alerts/{old_alert.pk}/image/full/").status_code == 404
    inbox = alerts.alert_list(actor=act_as(officer), only_open=False, days=60)
    assert [view.read for view in inbox] == [None]
