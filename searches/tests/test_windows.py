"""Time windows: an inverted window, one reaching into the future or lying wholly before retention is a
clear error on its field, never a run with an impossible window; one partly before retention is cut and
the page says so (USE-5)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from searches.tests.factories import DESCRIPTION, make_camera, make_read
from sharing.services import agencies
from sharing.tests.conftest import AgencyFactory, DeclarationFactory, PartnerPersonFactory

pytestmark = pytest.mark.django_db


def _local(delta: timedelta) -> str:
    """Return now + `delta` as a datetime-local field value."""
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def _search(client, path="/search/plates/", **window):
    query = {"plate": "ABC1234"} if path == "/search/plates/" else {
        "latitude": "41.885", "longitude": "-87.785", "radius_m": "300"}
    return client.get(path, {**query, **window})


@pytest.mark.rule("USE-5")
@pytest.mark.parametrize("path", ["/search/plates/", "/search/canvass/"])
@pytest.mark.parametrize("window, message", [
    # Tried: a start after the end.
    ({"since": _local(-timedelta(hours=1)), "until": _local(-timedelta(hours=2))}, "must be before its end"),
    # Tried: an end tomorrow (it used to be cut to now without a word).
    ({"since": _local(-timedelta(hours=1)), "until": _local(timedelta(days=1))},
     "cannot reach into the future"),
    # Tried: a start tomorrow, with no end.
    ({"since": _local(timedelta(days=1))}, "cannot reach into the future"),
    # Tried: a window wholly before retention (it used to run as [retention start, 2020-01-02)).
    ({"since": "2020-01-01T00:00", "until": "2020-01-01T01:00"}, "Reads are kept 30 days"),
])
def test_an_impossible_window_is_a_clear_error_on_the_form(justified_client, path, window, message):
    make_read(camera=make_camera(), plate="ABC1234", images=False)
    response = _search(justified_client, path, **window)
    assert response.status_code == 400 and message in response.content.decode()
    assert b"Open read" not in response.content
    event = AuditEvent.objects.filter(action__startswith="search.").latest("id")
    assert event.outcome == Outcome.FAILED and event.result_count is None and event.targets == []


@pytest.mark.rule("USE-5")
def test_a_window_partly_before_retention_is_cut_and_the_page_says_so(justified_client):
    read = make_read(camera=make_camera(), plate="ABC1234", images=False)
    response = _search(justified_client, since="2020-01-01T00:00")
    page = response.content.decode()
    assert response.status_code == 200 and f"Open read {read.pk}" in page
    assert "cut to the retention period" in page


@pytest.mark.rule("USE-5")
@pytest.mark.rule("SHR-5")
def test_the_partner_api_refuses_an_impossible_window_on_its_field(client, administrator):
    person = PartnerPersonFactory(agency=AgencyFactory(sharing_enabled=True))
    DeclarationFactory(agency=person.agency)
    _, key = agencies.credential_issue(actor=Actor.for_user(administrator), person_id=person.pk)
    search = {"purpose": "violent_crime", "case_number": "RPD-26-00417", "description": DESCRIPTION,
              "plate": "ABC1234"}
    now = timezone.now()
    for window, field in (({"until": (now + timedelta(days=1)).isoformat()}, "until"),
                          ({"since": (now - timedelta(hours=1)).isoformat(),
                            "until": (now - timedelta(hours=2)).isoformat()}, "since"),
                          ({"since": (now - timedelta(days=400)).isoformat(),
                            "until": (now - timedelta(days=399)).isoformat()}, "until")):
        response = client.post("/partner/api/v1/searches/", {**search, **window},
                               content_type="application/json", HTTP_AUTHORIZATION=f"Partner {key}")
        assert response.status_code == 400, response.content
        assert response.json()["field"] == field
