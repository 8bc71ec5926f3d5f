"""Existing cameras point at us unchanged: OpenALPR agent webhooks and Plate Recognizer snapshots."""
import base64
import io
import json
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from alpr import storage
from alpr.models import PlateRead, ReadSource, ReadStatus
from alpr.signals import read_stored
from ingest import services
from ingest.synthetic import plate_photo
from ingest.tests.conftest import stored_images

pytestmark = pytest.mark.django_db
OPENALPR_URL = "/api/v1/cameras/openalpr/"
PLATE_READER_URL = "/v1/plate-reader/"


def alpr_group(**overrides) -> dict:
    epoch = int(timezone.now().timestamp() * 1000) - 5000
    group = {
        "version": 2, "data_type": "alpr_group", "epoch_start": epoch, "epoch_end": epoch + 800,
        "camera_id": 1288, "agent_uid": "X-AGENT-1", "best_uuid": "X-AGENT-1-1288-1600000000000",
        "best_plate_number": "KDB4821", "best_confidence": 91.2, "best_region": "us-il",
        "best_region_confidence": 88.0,
        "candidates": [{"plate": "KDB4821", "confidence": 91.2}, {"plate": "KD84821", "confidence": 80.1}],
        "gps_latitude": 41.8881, "gps_longitude": -87.803,
        "best_plate": {
            "coordinates": [{"x": 300, "y": 240}, {"x": 420, "y": 240}, {"x": 420, "y": 300},
                            {"x": 300, "y": 300}],
            "plate_crop_jpeg": base64.b64encode(plate_photo(size=(200, 100))).decode(),
        },
        "vehicle_crop_jpeg": base64.b64encode(plate_photo()).decode(),
    }
    group.update(overrides)
    return group


def post_group(client, cam, body):
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(OPENALPR_URL, payload, content_type="application/json", **cam.auth)


@pytest.mark.rule("ING-1")
@pytest.mark.rule("USE-8")
@pytest.mark.parametrize(("region", "confidence", "stored"), [
    ("us-il", 88.0, ("IL", 0.88)),
    ("us-il", 12.0, (None, None)),  # the agent was unsure: a guess must not mark or suppress a hit
    ("us-zz", 95.0, (None, None)),  # no such state
    ("us-abc", 95.0, (None, None)),
    ("ca-on", 95.0, (None, None)),  # a province: "unknown", so a hotlist hit is compared on the plate
    ("us-il", None, (None, None)),  # a state told without any confidence is not believed either
    ("au-wa", 97.0, (None, None)),  # Western Australia, not Washington
    ("mx-co", 97.0, (None, None)),  # Coahuila, not Colorado
    ("il", 88.0, ("IL", 0.88)),  # a bare code from a US agent ("country": "us")
    ("wa", 97.0, (None, None)),  # a bare code from an agent set to Australia ("country": "au")
])
def test_an_openalpr_state_is_kept_only_when_a_us_state_told_with_confidence(client, cam, media_root, region,
                                                                                confidence, stored):
    country = "au" if region == "wa" else "us"
    group = alpr_group(best_region=region, best_uuid=f"state-{region}-{confidence}", country=country)
    group.pop("best_region_confidence")
    if confidence is not None:
        group["best_region_confidence"] = confidence
    response = post_group(client, cam, group)
    assert response.status_code == 202, response.content
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert read.plate == "KDB4821" and (read.state, read.state_confidence) == stored


@pytest.mark.rule("ING-1")
def test_openalpr_group_is_stored_as_a_done_read_with_candidates_and_crop(
        client, cam, media_root, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, read_id, **kwargs):
        heard.append(read_id)

    read_stored.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post_group(client, cam, alpr_group())
    finally:
        read_stored.disconnect(receiver)
    assert response.status_code == 202, response.content
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    # The receipt says the read is stored and done, not what was read (ingest/views.py).
    assert set(response.json()) == {"read_id", "status", "status_url", "duplicate"}
    assert b"KDB4821" not in response.content
    assert (read.plate, read.state, read.status, read.source) == ("KDB4821", "IL", ReadStatus.DONE,
                                                                  ReadSource.OPENALPR)
    assert read.confidence == pytest.approx(0.912) and read.box == [300, 240, 120, 60]
    assert [c["text"] for c in read.candidates] == ["KDB4821", "KD84821"]
    # A fixed camera's read is placed at its approved placement, whatever its GPS says (test_device_position).
    assert read.latitude is None and str(read.camera_latitude) == "41.888100"
    assert storage.exists(read.crop_path) and storage.exists(read.image_path)
    assert heard == [read.pk]
    # The agent resends the same group: stored once.
    again = post_group(client, cam, alpr_group())
    assert again.status_code == 200 and again.json()["read_id"] == read.pk
    assert PlateRead.system_objects.count() == 1 and len(stored_images()) == 2


BAD_GROUPS = {
    "not json": "{'best_plate_number': ",
    "json list": "[1, 2]",
    "no plate": alpr_group(best_plate_number=None),
    "plate not text": alpr_group(best_plate_number=4821),
    "no uuid": alpr_group(best_uuid=None),
    "epoch as text": alpr_group(epoch_start="yesterday"),
    "future": alpr_group(epoch_start=int(timezone.now().timestamp() * 1000) + 3_600_000),
    "confidence over 100": alpr_group(best_confidence=250),
    "bad base64": alpr_group(vehicle_crop_jpeg="not//base64!!"),
    "base64 of text": alpr_group(vehicle_crop_jpeg=base64.b64encode(b"hello").decode()),
    "bad crop": {**alpr_group(),
                 "best_plate": {"plate_crop_jpeg": base64.b64encode(b"\xff\xd8\xff").decode()}},
    "bad coordinates": {**alpr_group(), "best_plate": {"coordinates": [{"x": "left"}]}},
    "bad candidates": alpr_group(candidates=[{"confidence": 3}]),
    # A box must fit a photo: out of the database's integer range it was a server error with the photo
    # already written; negative is no place in a photo.
    "coordinates beyond any photo": {**alpr_group(), "best_plate": {"coordinates": [
        {"x": 1e30, "y": 0}, {"x": 1e30 + 10, "y": 5}]}},
    "negative coordinates": {**alpr_group(), "best_plate": {"coordinates": [{"x": -50, "y": -5},
                                                                           {"x": 10, "y": 5}]}},
    "one point for a box": {**alpr_group(), "best_plate": {"coordinates": [{"x": 300, "y": 240}]}},
    "a line for a box": {**alpr_group(), "best_plate": {"coordinates": [{"x": 300, "y": 240},
                                                                        {"x": 420, "y": 240}]}},
    # The box must mark the plate in the stored photo (640 x 400), not somewhere beyond it.
    "box beyond the photo": {**alpr_group(), "best_plate": {"coordinates": [{"x": 30000, "y": 20000},
                                                                           {"x": 30100, "y": 20050}]}},
    "box mostly beyond the photo": {**alpr_group(), "best_plate": {"coordinates": [{"x": 600, "y": 380},
                                                                                  {"x": 700, "y": 430}]}},
    "vehicle region of text": {**alpr_group(), "best_plate": {
        "coordinates": [{"x": 300, "y": 240}, {"x": 420, "y": 300}], "vehicle_region": {"x": "left"}}},
    "vehicle region of no size": {**alpr_group(), "best_plate": {
        "coordinates": [{"x": 300, "y": 240}, {"x": 420, "y": 300}],
        "vehicle_region": {"x": 0, "y": 0, "width": 0, "height": 400}}},
    "other data type": alpr_group(data_type="alpr_alert"),
    # A uuid PostgreSQL cannot store (NUL) was a server error; other control characters are no uuid either.
    "uuid with NUL": alpr_group(best_uuid="X-AGENT-1-1288-\u0000"),
    "uuid with a newline": alpr_group(best_uuid="X-AGENT-1-1288\n-1600000000000"),
}


@pytest.mark.rule("ING-1")
@pytest.mark.rule("USE-8")
@pytest.mark.parametrize(("region", "stored_box"), [
    (None, [300, 240, 120, 60]),  # corners in the photo's own pixels
    # The photo (640 x 400) is the frame's 1280 x 800 vehicle region at (100, 50), halved.
    ({"x": 100, "y": 50, "width": 1280, "height": 800}, [100, 95, 60, 30]),
    # A box reaching a little past the photo's edge is kept within it.
    ({"x": 0, "y": 0, "width": 400, "height": 400}, [480, 240, 160, 60]),
])
def test_the_plate_box_is_stored_in_the_vehicle_photos_own_pixels(client, cam, media_root, region,
                                                                 stored_box):
    # Tried: the box a verifying officer sees outlined on the stored vehicle photo. The agent gives its
    # corners in the camera's full frame; drawn unmoved on the vehicle crop, they fell off the photo.
    best_plate = {**alpr_group()["best_plate"], **({"vehicle_region": region} if region else {})}
    response = post_group(client, cam, alpr_group(best_plate=best_plate, best_uuid=f"box-{region}"))
    assert response.status_code == 202, response.content
    assert PlateRead.system_objects.get(pk=response.json()["read_id"]).box == stored_box


@pytest.mark.rule("ING-1")
def test_a_group_without_a_vehicle_photo_keeps_its_read_but_no_box(client, cam, media_root):
    group = alpr_group()
    del group["vehicle_crop_jpeg"]
    response = post_group(client, cam, group)
    assert response.status_code == 202, response.content
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert (read.plate, read.box, read.image_path) == ("KDB4821", None, "")


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("kind", BAD_GROUPS)
def test_malformed_openalpr_groups_are_refused_with_nothing_stored(client, cam, media_root, kind):
    response = post_group(client, cam, BAD_GROUPS[kind])
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert PlateRead.system_objects.count() == 0 and stored_images() == []


@pytest.mark.rule("ING-1")
@pytest.mark.rule("AUD-1")
def test_plate_recognizer_snapshot_stores_the_read_and_returns_no_plate(
        client, cam, media_root, monkeypatch, django_capture_on_commit_callbacks):
    # Tried: a Plate Recognizer client posts a snapshot expecting the plates read in it. It gets its
    # receipt in Plate Recognizer's shape, with no results: a camera gets no plate text back.
    queued = []
    monkeypatch.setattr(services, "queue_recognition", queued.append)
    key = cam.key.replace(":", "")
    upload = io.BytesIO(plate_photo())
    upload.name = "snapshot.jpg"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PLATE_READER_URL,
                               {"upload": upload, "camera_id": "gate-2", "regions": "us-il"},
                               HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201, response.content
    body = response.json()
    read = PlateRead.system_objects.get()
    assert body["camera_id"] == "gate-2" and body["filename"] == "snapshot.jpg"
    assert body["results"] == [] and body["read_id"] == read.pk and body["status"] == "received"
    assert body["status_url"].endswith(f"/api/v1/cameras/reads/{read.pk}/")
    assert (read.status, read.source) == (ReadStatus.RECEIVED, ReadSource.PLATERECOGNIZER)
    assert queued == [read.pk]  # recognised by the worker, like any upload
    services.read_recognize(read_id=read.pk)
    assert PlateRead.system_objects.get().plate == "7ABC123"
    status = client.get(body["status_url"], HTTP_AUTHORIZATION=f"Token {key}")
    assert status.json() == {"read_id": read.pk, "status": "done"}
    assert b"7ABC123" not in status.content.upper()


@pytest.mark.rule("ING-3")
def test_plate_recognizer_refuses_bad_tokens_and_bad_uploads(client, cam, media_root):
    assert client.post(PLATE_READER_URL, {"upload": io.BytesIO(plate_photo())},
                       HTTP_AUTHORIZATION="Token 00000000000000000000").status_code == 401
    bad = io.BytesIO(b"GIF89a....")
    assert client.post(PLATE_READER_URL, {"upload": bad},
                       HTTP_AUTHORIZATION=f"Token {cam.key}").status_code == 400
    assert client.post(PLATE_READER_URL, {"upload": "!!notbase64"},
                       HTTP_AUTHORIZATION=f"Token {cam.key}").status_code == 400
    assert PlateRead.system_objects.count() == 0 and stored_images() == []


@pytest.mark.rule("ING-1")
def test_plate_recognizer_timestamp_without_offset_is_utc_as_its_api_says(client, cam, media_root):
    """Plate Recognizer's API takes ``timestamp`` as ISO 8601 in UTC without an offset
    (``2019-08-19T13:11:25``); its clients send it so. It was refused for want of an offset."""
    captured = (timezone.now() - timedelta(minutes=5)).replace(microsecond=0)
    upload = io.BytesIO(plate_photo())
    upload.name = "snapshot.jpg"
    naive_utc = captured.astimezone(UTC).replace(tzinfo=None).isoformat()
    response = client.post(PLATE_READER_URL, {"upload": upload, "timestamp": naive_utc},
                           HTTP_AUTHORIZATION=f"Token {cam.key}")
    assert response.status_code == 201, response.content
    assert PlateRead.system_objects.get().captured_at == captured
    # A timestamp with its offset is taken as it says (another photo: the same one would be a retry).
    upload = io.BytesIO(plate_photo("8XYZ901"))
    upload.name = "snapshot.jpg"
    with_offset = timezone.localtime(captured, timezone.get_fixed_timezone(-300)).isoformat()
    assert client.post(PLATE_READER_URL, {"upload": upload, "timestamp": with_offset},
                       HTTP_AUTHORIZATION=f"Token {cam.key}").status_code == 201
    assert {read.captured_at for read in PlateRead.system_objects.all()} == {captured}


@pytest.mark.rule("ING-1")
def test_a_resent_plate_recognizer_snapshot_is_stored_once(client, cam, media_root):
    """Tried: a Plate Recognizer client whose answer timed out sends the same snapshot again (its API
    has no idempotency key). It was stored twice: two reads of one pass, two hotlist alerts."""
    timestamp = timezone.now().replace(microsecond=0).isoformat()

    def send(photo: bytes):
        upload = io.BytesIO(photo)
        upload.name = "snapshot.jpg"
        return client.post(PLATE_READER_URL, {"upload": upload, "timestamp": timestamp},
                           HTTP_AUTHORIZATION=f"Token {cam.key}")

    first, again = send(plate_photo()), send(plate_photo())
    assert (first.status_code, first.json()["duplicate"]) == (201, False)
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert again.json()["read_id"] == first.json()["read_id"] and again.json()["results"] == []
    assert PlateRead.system_objects.count() == 1 and len(stored_images()) == 1  # the resent photo removed
    other = send(plate_photo("8XYZ901"))
    assert other.status_code == 201 and other.json()["read_id"] != first.json()["read_id"]
    assert PlateRead.system_objects.count() == 2


def test_plate_recognizer_accepts_a_base64_upload(client, cam):
    data = base64.b64encode(plate_photo()).decode()
    response = client.post(PLATE_READER_URL, {"upload": data, "timestamp": timezone.now().isoformat()},
                           HTTP_AUTHORIZATION=f"Token {cam.key}")
    assert response.status_code == 201 and response.json()["results"] == []
