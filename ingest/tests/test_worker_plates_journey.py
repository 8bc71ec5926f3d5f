"""End to end with a real Celery worker: a photo of two vehicles → two reads → a search finds each →
hotlist alerts raised by the worker on arrival → the officer verifies them, one marked "state differs"
(ING-1, ING-2, USE-8; issue 13).

The worker recognises with the stand-in ``ingest.tests.fake_recognizer.two_plates`` (7ABC123 of IL and
KRN5562 of IN, and a ``9C`` sticker), so the journey does not depend on the recognizer's accuracy.
"""
import io
import time

import pytest
from django.utils import timezone

from alpr import storage
from alpr.models import PlateRead, ReadStatus
from audit.context import Actor
from conftest import UserFactory
from hotlists.models import Alert
from hotlists.services import hotlist_entry_add
from ingest.synthetic import plate_photo
from ingest.tests.conftest import UPLOAD_URL
from ingest.tests.fake_recognizer import FAKE_TEXT, SECOND_TEXT
from ingest.tests.test_worker import PROCESS_TIMEOUT, start_worker  # noqa: F401  (the fixture)
from policy.roles import Role
from retention.tests.conftest import justify, search_plate

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _upload(client, cam, key: str):
    photo = io.BytesIO(plate_photo(FAKE_TEXT, seed=5))
    return client.post(UPLOAD_URL, {"captured_at": timezone.now().isoformat(), "photo": photo},
                       **cam.auth, HTTP_IDEMPOTENCY_KEY=key)


def _wait(condition, what: str):
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"never: {what}")


def _list(detective, plate: str, state: str, case_number: str):
    return hotlist_entry_add(
        actor=Actor.for_user(detective, client_ip="10.0.0.7"), plate_pattern=plate, state=state,
        reason="Stolen in a burglary at 100 Main St", case_number=case_number,
        expires_at=timezone.now() + timezone.timedelta(days=14), vehicle_description="Grey sedan")


@pytest.mark.rule("ING-1")
@pytest.mark.rule("ING-2")
@pytest.mark.rule("USE-8")
def test_two_plates_in_one_photo_are_read_searched_alerted_and_verified(
        client, cam, start_worker, monkeypatch, make_verified_client):  # noqa: F811
    detective = UserFactory(role=Role.DETECTIVE)
    same_state = _list(detective, FAKE_TEXT, "IL", "26-004512")
    other_state = _list(detective, SECOND_TEXT, "IL", "26-004513")  # the camera reads an Indiana plate
    monkeypatch.setenv("INGEST_TEST_RECOGNIZER", "ingest.tests.fake_recognizer.two_plates")
    start_worker()

    response = _upload(client, cam, "two-cars-1")
    assert response.status_code == 202, response.content
    upload_id = response.json()["read_id"]
    _wait(lambda: Alert.objects.count() == 2, "two alerts raised by the worker")
    first, second = PlateRead.system_objects.order_by("id")
    assert (first.pk, first.plate, first.state, second.plate, second.state, second.source_read_id) == (
        upload_id, FAKE_TEXT, "IL", SECOND_TEXT, "IN", upload_id)
    assert first.status == second.status == ReadStatus.DONE and second.image_path == first.image_path
    # The camera sends the same upload again (its connection dropped): nothing more is stored.
    again = _upload(client, cam, "two-cars-1")
    assert again.status_code == 200 and again.json()["read_id"] == upload_id
    assert PlateRead.system_objects.count() == 2

    officer = make_verified_client(Role.OFFICER)
    # Each plate is searchable, and the read opened shows its own plate, state and crop.
    justify(officer)
    assert f"Open read {second.pk}" in search_plate(officer, SECOND_TEXT)
    page = officer.get(f"/search/reads/{second.pk}/").content.decode()
    assert SECOND_TEXT in page and "several plates" in page and "Body type: sedan" in page
    crop = officer.get(f"/search/reads/{second.pk}/image/crop/")
    assert crop.status_code == 200 and crop.content == storage.read_bytes(second.crop_path)
    assert f"Open read {first.pk}" in search_plate(officer, FAKE_TEXT)

    # The alerts: the Indiana read against the Illinois entry is marked, the other is not.
    marked = Alert.objects.get(entry=other_state)
    assert marked.read_id == second.pk and marked.state_differs
    assert not Alert.objects.get(entry=same_state).state_differs
    inbox = officer.get("/hotlists/alerts/").content.decode()
    assert inbox.count("State differs") == 1
    detail = officer.get(f"/hotlists/alerts/{marked.pk}/").content.decode()
    assert "State differs:" in detail and "a plate of IN" in detail and "76 % sure" in detail
    alert_crop = officer.get(f"/hotlists/alerts/{marked.pk}/image/crop/")
    assert alert_crop.content == storage.read_bytes(second.crop_path)  # the Indiana plate, not the other
    # The page shows the whole photo too, which the vehicle is compared on before verifying (USE-8).
    assert officer.get(f"/hotlists/alerts/{marked.pk}/image/full/").status_code == 200
    verified = officer.post(f"/hotlists/alerts/{marked.pk}/verify/", {
        "characters_match": "yes", "state_match": "no", "vehicle_match": "yes", "outcome": "wrong_state"})
    assert verified.status_code == 302, verified.content[:500]
    marked.refresh_from_db()
    assert (marked.verification_outcome, marked.state_match, marked.verified_by) == (
        "wrong_state", False, officer.user)
