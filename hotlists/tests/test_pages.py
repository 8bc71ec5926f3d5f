"""The hotlist and alert pages: thin edges over the services, gated by role."""
import re
from html import unescape

import pytest
from django.utils import timezone

from hotlists.matching import read_match_hotlists
from hotlists.models import Alert, HotlistEntry
from hotlists.tests.conftest import audit_rows
from ingest.formats import parse_openalpr_group
from ingest.services import EdgeReading, read_accept
from ingest.tests.test_real_clients import recorded_group
from policy.roles import Role
from searches.tests.factories import camera_in_service, relocate

pytestmark = pytest.mark.django_db


@pytest.fixture
def detective_client(make_verified_client):
    return make_verified_client(Role.DETECTIVE)


@pytest.fixture
def officer_client(make_verified_client):
    return make_verified_client(Role.OFFICER)


def add_entry(client, plate="7ABC123"):
    expires = timezone.localdate() + timezone.timedelta(days=30)
    return client.post("/hotlists/entries/add/", {
        "plate_pattern": plate, "state": "IL", "reason": "Stolen in burglary at 100 Main St",
        "case_number": "26-004512", "expires_on": expires.isoformat(), "priority": "1",
        "vehicle_description": "Blue Honda Civic"})


@pytest.mark.rule("ACC-7")
def test_a_detective_adds_an_entry_through_the_page_and_an_officer_cannot(detective_client, officer_client):
    assert detective_client.get("/hotlists/entries/add/").status_code == 200
    response = add_entry(detective_client)
    assert response.status_code == 302, response.content[:400]
    assert HotlistEntry.objects.get().plate_pattern == "7ABC123"
    assert b"7ABC123" in detective_client.get("/hotlists/").content
    assert officer_client.get("/hotlists/entries/add/").status_code == 403
    listing = officer_client.get("/hotlists/")  # read-only for officers: no change forms
    assert listing.status_code == 200 and b"7ABC123" in listing.content and b"Remove" not in listing.content
    assert add_entry(officer_client, "9XYZ999").status_code == 403
    assert HotlistEntry.objects.count() == 1


@pytest.mark.rule("RET-6")
def test_the_form_shows_why_an_entry_is_refused(detective_client):
    response = detective_client.post("/hotlists/entries/add/", {"plate_pattern": "7ABC123", "reason": "",
                                                                "case_number": "", "priority": "2"})
    assert response.status_code == 400 and not HotlistEntry.objects.exists()


def test_an_upload_shows_its_report(detective_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("list.csv",
                                b"Plate Number,Description,State/Province\nCSV1234,Stolen car,IL\n")
    response = detective_client.post("/hotlists/imports/", {"source": "csv", "file": upload,
                                                            "case_number": "26-000001"})
    assert response.status_code == 302
    page = detective_client.get(response["Location"])
    assert b"Accepted: 1 of 1 rows" in page.content
    assert b"list.csv" in detective_client.get("/hotlists/imports/").content


@pytest.mark.rule("USE-8")
def test_the_officer_verifies_then_acts_through_the_pages(detective_client, officer_client, make_read):
    add_entry(detective_client)
    [alert] = read_match_hotlists(make_read("7ABC123").pk)
    poll = officer_client.get("/hotlists/alerts/poll/?after=0").json()
    assert [a["id"] for a in poll["alerts"]] == [alert.pk]
    page = officer_client.get(f"/hotlists/alerts/{alert.pk}/")
    assert page.status_code == 200 and b"Verify before acting" in page.content
    assert b'id="alert-feed"' in page.content  # the live feed is on the page
    early = officer_client.post(f"/hotlists/alerts/{alert.pk}/action/", {"action": "arrest"})
    assert early.status_code == 403 and b"only after it is verified" in early.content
    image = officer_client.get(f"/hotlists/alerts/{alert.pk}/image/full/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "no-store" in image["Cache-Control"]
    response = officer_client.post(f"/hotlists/alerts/{alert.pk}/verify/", {
        "characters_match": "yes", "state_match": "yes", "vehicle_match": "yes", "outcome": "confirmed",
        "records_check": "LEADS: record active"})
    assert response.status_code == 302
    response = officer_client.post(f"/hotlists/alerts/{alert.pk}/action/", {"action": "stop"})
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert (alert.verification_outcome, alert.action) == ("confirmed", "stop")
    assert [r.outcome for r in audit_rows("hotlist.alert_action")] == ["refused", "allowed"]


def test_a_role_without_alerts_gets_no_feed_and_no_poll(make_verified_client):
    auditor = make_verified_client(Role.AUDITOR)
    assert auditor.get("/hotlists/alerts/poll/").status_code == 403
    assert auditor.get("/hotlists/alerts/").status_code == 403
    assert auditor.get("/hotlists/").status_code == 403


@pytest.mark.rule("USE-8")
def test_the_inbox_lists_alerts_by_the_time_of_their_reads_newest_first(detective_client, officer_client,
                                                                         make_read):
    """A camera's backlog arrives late: the alert of the oldest read is raised last. The inbox shows the
    read's time, so it sorts by it, not by when the match was made."""
    add_entry(detective_client)
    now = timezone.now()
    arrivals = [now - timezone.timedelta(minutes=10), now - timezone.timedelta(minutes=1),
                now - timezone.timedelta(minutes=30)]
    alerts = [read_match_hotlists(make_read("7ABC123", when=when).pk)[0] for when in arrivals]
    page = officer_client.get("/hotlists/alerts/").content.decode()
    shown = [page.index(f"/hotlists/alerts/{alert.pk}/") for alert in alerts]
    assert shown[1] < shown[0] < shown[2]


@pytest.mark.rule("USE-8")
def test_the_alert_shows_both_states_and_the_vehicle_the_camera_described(detective_client, officer_client,
                                                                         camera):
    add_entry(detective_client, "A424761")  # listed for IL; the agent read an Indiana plate
    group = parse_openalpr_group(recorded_group())
    read = read_accept(camera=camera, photo=group.vehicle, captured_at=group.captured_at,
                       idempotency_key=group.idempotency_key, edge=group.reading).read
    [alert] = read_match_hotlists(read.pk)
    assert alert.state_differs
    poll = officer_client.get("/hotlists/alerts/poll/", {"after": 0}).json()
    assert poll["alerts"][0]["state_differs"] and poll["alerts"][0]["state"] == "IN"
    html = officer_client.get(f"/hotlists/alerts/{alert.pk}/").content.decode()
    page = unescape(re.sub(r"<[^>]+>", "", html))
    assert "State differs: the camera read a plate of IN (91 % sure); the entry is for IL." in page
    assert "Colour: white (38 %) · Make: kenworth (40 %) · Make and model: iveco daily (18 %)" in page
    assert "Body type: tractor-trailer (100 %)" in page and "Blue Honda Civic" in page  # the entry's
    inbox = officer_client.get("/hotlists/alerts/").content.decode()
    assert "State differs" in inbox


@pytest.mark.rule("USE-8", "CAM-1")
def test_the_alert_names_the_place_of_its_read_after_the_camera_moved(detective_client, officer_client):
    camera = camera_in_service("Harlem & North", latitude=41.909812, longitude=-87.806204,
                               location_description="Harlem Ave at North Ave")
    add_entry(detective_client)
    edge = EdgeReading(plate="7ABC123", confidence=0.9, state="IL")
    read = read_accept(camera=camera, photo=None, edge=edge,
                       captured_at=timezone.now() - timezone.timedelta(hours=3)).read
    [alert] = read_match_hotlists(read.pk)
    relocate(camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")
    html = officer_client.get(f"/hotlists/alerts/{alert.pk}/").content.decode()
    assert "Roosevelt" not in html
    assert "Harlem & North · Harlem Ave at North Ave" in unescape(html)
