"""How far back the alert inbox reaches is the policy's ``alert_open_days``: the inbox, its count on the
start page and the inbox page all follow a change of the policy (USE-8)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hotlists import alerts, services
from hotlists.matching import read_match_hotlists
from hotlists.models import Alert
from hotlists.tests.conftest import act_as, in_days
from policy.models import AgencyPolicy
from policy.roles import Role

pytestmark = pytest.mark.django_db


def _alert_raised_days_ago(detective, make_read, age: int) -> Alert:
    services.hotlist_entry_add(
        actor=act_as(detective), plate_pattern="7ABC123", state="IL", case_number="26-004512",
        reason="Stolen in burglary at 100 Main St", expires_at=in_days(), vehicle_description="Blue sedan")
    [alert] = read_match_hotlists(make_read("7ABC123").pk)
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(days=age))
    return alert


@pytest.mark.rule("USE-8")
@pytest.mark.parametrize("days, age, listed", [(3, 4, False), (3, 2, True), (10, 8, True), (10, 11, False)])
def test_the_inbox_lists_and_counts_the_alerts_of_the_policys_days(detective, officer, make_read, days, age,
                                                                     listed):
    # Tried: with the policy's inbox at 3 days, an alert raised 4 days ago was still listed and counted
    # (a fixed week); at 10 days, one raised 8 days ago was not.
    AgencyPolicy.objects.create(alert_open_days=days)  # the newest version is in force
    alert = _alert_raised_days_ago(detective, make_read, age)
    shown = [view.alert.pk for view in alerts.alert_list(actor=act_as(officer))]
    assert shown == ([alert.pk] if listed else [])
    assert alerts.alerts_waiting_counts()["to_verify"] == (1 if listed else 0)


@pytest.mark.rule("USE-8")
def test_the_inbox_page_says_how_far_back_it_reaches(make_verified_client):
    # Tried: with the policy's inbox at 3 days, the page offered "all alerts of the last 7 days".
    AgencyPolicy.objects.create(alert_open_days=3)
    page = make_verified_client(Role.OFFICER).get(reverse("hotlists:alerts")).content.decode()
    assert "Show all alerts of the last 3 days" in page and "7 days" not in page
