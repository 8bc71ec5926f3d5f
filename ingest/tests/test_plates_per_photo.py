"""Every plate in a photo is a read; junk is "no plate read"; state and vehicle are kept (issue 13).

Recognition is the stand-in of ``ingest/tests/fake_recognizer.py`` (two plates and a sticker read as
``9C``), so these tests are about what ingest stores, not about the recognizer's accuracy.
"""
import io
import json

import pytest
from django.utils import timezone

from alpr.models import PlateRead, ReadSource, ReadStatus
from audit.models import AuditEvent
from ingest import services
from ingest.errors import BadUpload
from ingest.synthetic import plate_box, plate_photo
from ingest.tests.conftest import UPLOAD_URL, stored_images
from ingest.tests.fake_recognizer import FAKE_TEXT, SECOND_TEXT
from ingest.tests.test_formats import OPENALPR_URL, PLATE_READER_URL, alpr_group, post_group
from ingest.tests.test_real_clients import recorded_group
from ingest.validation import check_image
from ingest.vehicle import openalpr_vehicle, plate_recognizer_vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_plates(settings):
    settings.INGEST_RECOGNIZER = "ingest.tests.fake_recognizer.two_plates"


def upload(client, cam, *, key="shot-1"):
    photo = io.BytesIO(plate_photo(FAKE_TEXT))
    photo.name = "two-cars.jpg"
    return client.post(UPLOAD_URL, {"captured_at": timezone.now().isoformat(), "photo": photo},
                       HTTP_IDEMPOTENCY_KEY=key, **cam.auth)


def reads_by_id() -> list[PlateRead]:
    return list(PlateRead.system_objects.order_by("id"))


@pytest.mark.rule("ING-1")
@pytest.mark.rule("ING-4")
def test_each_plate_of_a_photo_is_a_read_with_its_own_box_crop_and_state(
        client, cam, media_root, two_plates, heard, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "queue_recognition", lambda read_id: None)
    response = upload(client, cam)
    assert response.status_code == 202, response.content
    upload_id = response.json()["read_id"]
    audit_before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        stored = services.read_recognize(read_id=upload_id)
    assert [plate["text"] for plate in stored] == [FAKE_TEXT, SECOND_TEXT]  # the 9C sticker is dropped
    first, second = reads_by_id()
    assert (first.pk, first.plate, first.state, first.state_confidence, first.source_read_id) == (
        upload_id, FAKE_TEXT, "IL", 0.83, None)
    assert (second.plate, second.state, second.state_confidence, second.source_read_id) == (
        SECOND_TEXT, "IN", 0.76, upload_id)
    assert first.box == plate_box() and second.box == [40, 60, 120, 40]
    # One photo, two crops: each read its own.
    assert second.image_path == first.image_path and second.crop_path != first.crop_path
    assert second.crop_path.endswith(f"{second.uuid}-crop.jpg")
    assert len(stored_images()) == 3
    # The same upload: camera, time, source, status; the vehicle Plate Recognizer's shape described.
    assert (second.camera_id, second.captured_at, second.status, second.source) == (
        first.camera_id, first.captured_at, ReadStatus.DONE, ReadSource.UPLOAD)
    assert second.vehicle == {"body_type": {"name": "sedan", "confidence": 0.71}} and first.vehicle == {}
    assert heard == [first.pk, second.pk]  # both are matched against the hotlists on arrival
    assert second.upload_read_id == first.upload_read_id == upload_id
    assert AuditEvent.objects.count() == audit_before  # recognition adds no audit row per plate


@pytest.mark.rule("ING-4")
def test_a_rerun_or_a_redelivered_upload_adds_no_read(client, cam, media_root, two_plates, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "queue_recognition", lambda read_id: None)
    upload_id = upload(client, cam).json()["read_id"]
    with django_capture_on_commit_callbacks(execute=True):
        services.read_recognize(read_id=upload_id)
        assert services.read_recognize(read_id=upload_id) is None  # the task delivered again
    again = upload(client, cam)
    assert again.status_code == 200 and again.json()["read_id"] == upload_id and again.json()["duplicate"]
    assert len(reads_by_id()) == 2 and len(stored_images()) == 3
    # The further plate's key is never an upload's: a camera sending it gets a new read, not that one.
    sibling = reads_by_id()[1]
    other = upload(client, cam, key=sibling.idempotency_key)
    assert other.status_code == 202 and other.json()["read_id"] not in (upload_id, sibling.pk)
    # Nor does the camera learn that its photo showed a second plate.
    assert client.get(f"/api/v1/cameras/reads/{upload_id}/", **cam.auth).json()["status"] == "done"
    assert client.get(f"/api/v1/cameras/reads/{sibling.pk}/", **cam.auth).status_code == 404


@pytest.mark.rule("ING-1")
def test_a_photo_with_only_junk_is_stored_as_no_plate_read(cam, media_root, settings):
    settings.INGEST_RECOGNIZER = "ingest.tests.fake_recognizer.junk_only"
    read = services.read_accept(camera=cam.camera, photo=check_image(plate_photo()),
                                captured_at=timezone.now(), queue=False).read
    assert services.read_recognize(read_id=read.pk) == []
    [stored] = reads_by_id()
    assert (stored.status, stored.plate, stored.candidates, stored.state, stored.crop_path) == (
        ReadStatus.DONE, "", [], None, "")


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize("text, confidence", [("9C", 91.0), ("H3", 88.0), ("2E", 75.0), ("KDB4821", 4.0)])
def test_a_camera_sending_junk_stores_no_plate_read(client, cam, media_root, text, confidence, heard,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_group(client, cam, alpr_group(best_plate_number=text, best_confidence=confidence,
                                                      candidates=[{"plate": text, "confidence": confidence}]))
    assert response.status_code == 202, response.content
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert (read.status, read.plate, read.candidates, read.state, read.confidence) == (
        ReadStatus.DONE, "", [], None, None)
    assert read.image_path and read.box  # the photo and where the camera looked are kept


@pytest.mark.rule("ING-1")
def test_a_cameras_implausible_candidates_are_not_kept(client, cam, media_root):
    response = post_group(client, cam, alpr_group(candidates=[
        {"plate": "KDB4821", "confidence": 91.2}, {"plate": "KD84821", "confidence": 80.1},
        {"plate": "KD8", "confidence": 40.0}, {"plate": "KDB482I", "confidence": 0.4}]))
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert [c["text"] for c in read.candidates] == ["KDB4821", "KD84821"]


@pytest.mark.rule("ING-1")
def test_the_recorded_agent_groups_vehicle_and_state_confidence_are_stored(client, cam, media_root):
    response = client.post(OPENALPR_URL, json.dumps(recorded_group()), content_type="application/json",
                           **cam.auth)
    assert response.status_code == 202, response.content
    assert b"kenworth" not in response.content  # a receipt says nothing of the vehicle either
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert (read.state, read.state_confidence) == ("IN", pytest.approx(0.914))
    assert read.vehicle == {
        "colour": {"name": "white", "confidence": pytest.approx(0.3768)},
        "make": {"name": "kenworth", "confidence": pytest.approx(0.4033)},
        "make_model": {"name": "iveco_daily", "confidence": pytest.approx(0.1842)},
        "body_type": {"name": "tractor-trailer", "confidence": pytest.approx(0.9963)},
    }


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("vehicle", [
    "white truck", {"color": "white"}, {"make": [{"name": "ford", "confidence": 140}]},
    {"body_type": [{"name": "<script>", "confidence": 50}]}, {"color": [["white", 40]]},
])
def test_a_malformed_vehicle_is_refused_and_stores_nothing(client, cam, media_root, vehicle):
    response = post_group(client, cam, alpr_group(vehicle=vehicle))
    assert response.status_code == 400 and response.json()["field"].startswith("vehicle")
    assert PlateRead.system_objects.count() == 0 and stored_images() == []


def test_openalpr_vehicle_takes_each_attributes_best_guess():
    assert openalpr_vehicle({"color": [{"name": "red", "confidence": 20}, {"name": "Blue", "confidence": 70}],
                             "year": [{"name": "2000-2004", "confidence": 48}]}) == {
        "colour": {"name": "blue", "confidence": 0.7}}
    assert openalpr_vehicle(None) == {} and openalpr_vehicle({}) == {}
    with pytest.raises(BadUpload):
        openalpr_vehicle([])


def test_plate_recognizer_results_vehicle_type_and_make_model_colour():
    # A Snapshot result as Plate Recognizer returns it (with make, model and colour when asked for).
    result = {"box": {"xmin": 146, "ymin": 481, "xmax": 276, "ymax": 576}, "plate": "nhk552",
              "region": {"code": "gb", "score": 0.986}, "score": 0.898,
              "candidates": [{"score": 0.898, "plate": "nhk552"}], "dscore": 0.9252,
              "vehicle": {"score": 0.834, "type": "Sedan",
                          "box": {"xmin": 68, "ymin": 103, "xmax": 914, "ymax": 643}},
              "model_make": [{"make": "Toyota", "model": "Camry", "score": 0.61}],
              "color": [{"color": "silver", "score": 0.77}]}
    assert plate_recognizer_vehicle(result) == {
        "body_type": {"name": "sedan", "confidence": 0.834}, "colour": {"name": "silver", "confidence": 0.77},
        "make": {"name": "toyota", "confidence": 0.61},
        "make_model": {"name": "toyota_camry", "confidence": 0.61}}
    assert plate_recognizer_vehicle({"plate": "abc123"}) == {}


@pytest.mark.rule("ING-1")
@pytest.mark.rule("AUD-1")
def test_the_plate_recognizer_endpoint_returns_no_plate_and_stores_no_junk(
        client, cam, media_root, two_plates, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "queue_recognition", lambda read_id: None)
    upload_file = io.BytesIO(plate_photo())
    upload_file.name = "snapshot.jpg"
    response = client.post(PLATE_READER_URL, {"upload": upload_file}, HTTP_AUTHORIZATION=f"Token {cam.key}")
    assert response.status_code == 201 and response.json()["results"] == []
    with django_capture_on_commit_callbacks(execute=True):
        services.read_recognize(read_id=response.json()["read_id"])
    reads = reads_by_id()
    assert [read.plate for read in reads] == [FAKE_TEXT, SECOND_TEXT]
    texts = {candidate["text"] for read in reads for candidate in read.candidates}
    assert texts == {FAKE_TEXT, "7A8C123", SECOND_TEXT}  # neither 9C nor the 0.004 reading
    status = client.get(response.json()["status_url"], HTTP_AUTHORIZATION=f"Token {cam.key}")
    assert status.json()["status"] == "done" and FAKE_TEXT.encode() not in status.content


def test_only_plausible_plates_count_and_a_plate_seen_twice_counts_once():
    plates = [{"text": "7abc-123", "confidence": 0.9}, {"text": "9C", "confidence": 0.9},
              {"text": "KRN5562", "confidence": 0.05}, {"text": "7ABC123", "confidence": 0.6},
              {"text": "ZX9Q14", "confidence": 0.4}]
    assert [plate["text"] for plate in services.plausible_plates(plates)] == ["7abc-123", "ZX9Q14"]


@pytest.mark.rule("ING-1")
def test_a_plate_whose_confidence_is_no_number_in_0_to_1_is_not_a_plate():
    plates = [{"text": "KRN5562", "confidence": float("nan")}, {"text": "KRN5563", "confidence": 5.0},
              {"text": "KRN5564"}, {"text": "KRN5565", "confidence": True},
              {"text": "KRN5566", "confidence": 1}]
    assert [plate["text"] for plate in services.plausible_plates(plates)] == ["KRN5566"]
