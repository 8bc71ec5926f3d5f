"""Real clients, in the shapes they really send (ingest/tests/fixtures/README.md says where each is from).

- An OpenALPR agent's `alpr_group` (the OpenAlprWebhookProcessor project's recorded payload: its
  ``vehicle_crop_jpeg`` is base64 without padding), its `heartbeat` and its `alpr_results`.
"""
import base64
import json
from pathlib import Path

import pytest
from django.utils import timezone

from alpr.models import Camera, PlateRead, ReadSource, ReadStatus
from alpr.services import camera_create, camera_credential_rotate
from audit.context import Actor
from audit.models import AuditEvent
from ingest.tests.conftest import stored_files
from ingest.validation import decode_base64_image

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
OPENALPR_URL = "/api/v1/cameras/openalpr/"
INSTALLER = Actor.system("test installer")


def recorded_group() -> dict:
    """The recorded agent payload, its capture moved to the present (a 2020 capture is past retention)."""
    group = json.loads((FIXTURES / "openalpr_test_webhook.json").read_text())
    group["epoch_start"] = int(timezone.now().timestamp() * 1000) - 5000
    return group


def recorded_heartbeat(**changes) -> dict:
    return {**json.loads((FIXTURES / "openalpr_heartbeat.json").read_text()), **changes}


def post_json(client, cam, document):
    return client.post(OPENALPR_URL, json.dumps(document), content_type="application/json", **cam.auth)


def fresh(camera: Camera) -> Camera:
    return Camera.objects.get(pk=camera.pk)


# --- OpenALPR agent ---------------------------------------------------------------------------------

def test_the_recorded_payload_sends_its_vehicle_crop_without_padding():
    crop = recorded_group()["vehicle_crop_jpeg"]
    assert len(crop) % 4 == 2  # two "=" missing: strict base64 refuses it
    with pytest.raises(ValueError):
        base64.b64decode(crop, validate=True)
    checked = decode_base64_image(crop, what="vehicle_crop_jpeg")
    assert checked.data == base64.b64decode(crop + "==") and (checked.width, checked.height) == (224, 132)


@pytest.mark.rule("ING-1")
def test_the_recorded_agent_group_is_stored_as_a_done_read(client, cam, media_root):
    response = post_json(client, cam, recorded_group())
    assert response.status_code == 202, response.content
    assert b"A424761" not in response.content  # a receipt, never what was read
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert (read.plate, read.state, read.status, read.source, read.camera_id) == (
        "A424761", "IN", ReadStatus.DONE, ReadSource.OPENALPR, cam.camera.pk)
    assert read.confidence == pytest.approx(0.935) and read.box == [270, 125, 102, 56]
    assert (str(read.latitude), str(read.longitude)) == ("40.009975", "-86.144638")
    assert read.idempotency_key == "openalpr:U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N-106232737-1609433731402"
    assert (media_root / read.image_path).exists() and (media_root / read.crop_path).exists()
    assert fresh(cam.camera).last_upload_at is not None
    # The agent resends it (a timeout on its side): stored once.
    again = post_json(client, cam, recorded_group())
    assert again.status_code == 200 and again.json() == {**response.json(), "duplicate": True}
    assert PlateRead.system_objects.count() == 1 and len(stored_files(media_root)) == 2


@pytest.mark.rule("CAM-2")
def test_a_camera_not_yet_in_service_is_refused_whatever_its_agent_sends(client, media_root):
    camera = camera_create(actor=INSTALLER, name="Pending pole")
    key = camera_credential_rotate(actor=INSTALLER, camera_id=camera.pk).key
    for document in (recorded_group(), recorded_heartbeat(agent_version="2.8.101")):
        response = client.post(OPENALPR_URL, json.dumps(document), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Camera {key}")
        assert response.status_code == 401
    camera = fresh(camera)
    assert (camera.last_heartbeat_at, camera.last_upload_at, camera.agent_version) == (None, None, "")
    assert PlateRead.system_objects.count() == 0 and stored_files(media_root) == []
    assert AuditEvent.objects.filter(action="ingest.camera_auth_refused").count() == 2


def test_a_heartbeat_records_the_cameras_contact_and_stores_nothing(client, cam, media_root):
    response = post_json(client, cam, recorded_heartbeat())
    assert response.status_code == 200, response.content
    assert response.json() == {"data_type": "heartbeat", "recorded": True, "streaming": True}
    camera = fresh(cam.camera)
    assert camera.last_heartbeat_at is not None and camera.agent_version == ""  # version 1 names none
    assert camera.last_upload_at is None
    assert PlateRead.system_objects.count() == 0 and stored_files(media_root) == []
    post_json(client, cam, recorded_heartbeat(agent_version="2.8.101"))
    assert fresh(cam.camera).agent_version == "2.8.101"


def test_a_heartbeat_with_every_stream_down_records_the_agent_but_not_the_camera(client, cam):
    stream = {**recorded_heartbeat()["video_streams"][0], "is_streaming": False}
    response = post_json(client, cam, recorded_heartbeat(agent_version="2.8.101", video_streams=[stream]))
    assert response.status_code == 200 and response.json()["streaming"] is False
    camera = fresh(cam.camera)
    assert (camera.last_heartbeat_at, camera.agent_version) == (None, "2.8.101")


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("changes", [
    {"agent_version": 2.8},
    {"agent_version": "x" * 41},
    {"video_streams": "rtsp://192.168.0.5"},
    {"video_streams": ["rtsp://192.168.0.5"]},
], ids=["number version", "long version", "streams as text", "streams of text"])
def test_a_malformed_heartbeat_is_refused_and_records_nothing(client, cam, changes):
    response = post_json(client, cam, recorded_heartbeat(**changes))
    assert response.status_code == 400 and response.json()["detail"]
    camera = fresh(cam.camera)
    assert (camera.last_heartbeat_at, camera.agent_version) == (None, "")


def test_single_frame_results_are_acknowledged_not_stored(client, cam, media_root):
    # The agent's per-frame document, in the fields its webhook sends (OpenAlprWebhookProcessor's
    # SinglePlate): the group of the same pass is what becomes a read.
    frame = {"version": 2, "data_type": "alpr_results", "epoch_time": int(timezone.now().timestamp() * 1000),
             "img_width": 1280, "img_height": 720, "processing_time_ms": 20.4,
             "uuid": "U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N-106232737-1609433731402", "error": False,
             "regions_of_interest": [], "vehicles": [], "camera_id": 106232737,
             "agent_uid": "U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N", "agent_version": "2.8.101",
             "agent_type": "alprd", "company_id": "86af2d13-4cb3-4cf4-8818-06647dca8571",
             "results": [{"plate": "A424761", "confidence": 93.5, "region": "us-in"}]}
    response = post_json(client, cam, frame)
    assert response.status_code == 200 and response.json()["stored"] is False
    assert b"A424761" not in response.content
    assert PlateRead.system_objects.count() == 0 and stored_files(media_root) == []
    assert fresh(cam.camera).last_upload_at is not None
