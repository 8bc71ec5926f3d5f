"""Real clients, in the shapes they really send (ingest/tests/fixtures/README.md says where each is from).

- An OpenALPR agent's `alpr_group` (the OpenAlprWebhookProcessor project's recorded payload: its
  ``vehicle_crop_jpeg`` is base64 without padding), its `heartbeat` and its `alpr_results`.
- Plate Recognizer's own Python client (`plate_recognition.py` of parkpow/deep-license-plate-recognition):
  the request rebuilt with `requests` exactly as it builds it. Pointed at an on-premises SDK
  (``--sdk-url``) it sends no key at all; against the cloud it sends ``Authorization: Token <key>``.
"""
import base64
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.utils import timezone

from alpr import storage
from alpr.models import Camera, PlateRead, ReadSource, ReadStatus
from alpr.services import camera_create, camera_credential_bind_network, camera_credential_rotate
from audit.context import Actor
from audit.models import AuditEvent
from ingest.formats import parse_openalpr_group
from ingest.synthetic import plate_photo
from ingest.tests.conftest import stored_images
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
    # The agent's corners (270-372 x 125-181) are in its 1280 x 720 frame; the photo stored is its
    # 224 x 132 vehicle crop of the frame's 834 x 493 vehicle region at (18, 8): the box is moved into it.
    assert read.confidence == pytest.approx(0.935) and read.box == [68, 31, 27, 15]
    # Its GPS is read, but a fixed camera's read is placed at its approved placement, not where the agent
    # says (ingest/tests/test_device_position.py); this agent says Indiana, far from the test pole.
    parsed = parse_openalpr_group(recorded_group())
    assert (str(parsed.latitude), str(parsed.longitude)) == ("40.009975", "-86.144638")
    assert (read.latitude, read.longitude) == (None, None) and read.camera_latitude is not None
    assert read.idempotency_key == "openalpr:U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N-106232737-1609433731402"
    assert storage.exists(read.image_path) and storage.exists(read.crop_path)
    assert fresh(cam.camera).last_upload_at is not None
    # The agent resends it (a timeout on its side): stored once.
    again = post_json(client, cam, recorded_group())
    assert again.status_code == 200 and again.json() == {**response.json(), "duplicate": True}
    assert PlateRead.system_objects.count() == 1 and len(stored_images()) == 2


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
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    assert AuditEvent.objects.filter(action="ingest.camera_auth_refused").count() == 2


def test_a_heartbeat_records_the_cameras_contact_and_stores_nothing(client, cam, media_root):
    response = post_json(client, cam, recorded_heartbeat())
    assert response.status_code == 200, response.content
    assert response.json() == {"data_type": "heartbeat", "recorded": True, "streaming": True}
    camera = fresh(cam.camera)
    assert camera.last_heartbeat_at is not None and camera.agent_version == ""  # version 1 names none
    assert camera.last_upload_at is None
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    post_json(client, cam, recorded_heartbeat(agent_version="2.8.101"))
    assert fresh(cam.camera).agent_version == "2.8.101"


def test_a_heartbeat_with_every_stream_down_records_the_agent_but_not_the_camera(client, cam):
    stream = {**recorded_heartbeat()["video_streams"][0], "is_streaming": False}
    response = post_json(client, cam, recorded_heartbeat(agent_version="2.8.101", video_streams=[stream]))
    assert response.status_code == 200 and response.json()["streaming"] is False
    camera = fresh(cam.camera)
    assert (camera.last_heartbeat_at, camera.agent_version) == (None, "2.8.101")


@pytest.mark.rule("CAM-1")
@pytest.mark.parametrize("streams", [None, []], ids=["streams left out", "no streams"])
def test_a_heartbeat_naming_no_stream_keeps_no_camera_looking_alive(client, cam, streams):
    # Tried: an agent's heartbeat without video_streams (or with none): the agent is up, but nothing
    # says the camera is; the camera's last contact used to be recorded all the same.
    heartbeat = recorded_heartbeat(agent_version="2.8.101")
    if streams is None:
        del heartbeat["video_streams"]
    else:
        heartbeat["video_streams"] = streams
    response = post_json(client, cam, heartbeat)
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


@pytest.mark.rule("ING-3")
def test_a_hostile_agent_document_is_a_clear_400_that_stores_nothing(client, cam, media_root):
    # Tried: JSON nested deeper than Python recurses, and a group whose plate corner is Infinity or
    # 1e400 (Python's decoder takes both; turning either into a pixel overflowed into a server error).
    group = json.dumps(recorded_group())
    corners = [group.replace('"coordinates": [', f'"coordinates": [{{"x": {x}, "y": 1}}, ', 1)
               for x in ("Infinity", "1e400")]
    assert group not in corners
    for body in (b"[" * 200_000 + b"]" * 200_000, '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", *corners):
        response = client.post(OPENALPR_URL, body, content_type="application/json", **cam.auth)
        assert response.status_code == 400 and response.json()["detail"], response.content
    assert PlateRead.system_objects.count() == 0 and stored_images() == []


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
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    assert fresh(cam.camera).last_upload_at is not None


# --- Plate Recognizer's client --------------------------------------------------------------------

SDK_URL = "http://alpr.example.org"  # what an installer passes as --sdk-url
CAMERA_ADDRESS = "10.20.30.40"


def plate_recognition_request(photo_path: Path, *, api_key: str | None = None) -> requests.PreparedRequest:
    """The request `recognition_api()` sends: with --sdk-url a bare ``requests.post`` (no key); with an
    API key a session whose headers carry ``Authorization: Token <key>``. Its form: `regions` (none
    given: no field), `config` as JSON text, `camera_id`; the photo as the file field `upload`."""
    data = {"regions": [], "config": json.dumps({}), "camera_id": "gate-2"}
    session = requests.Session()
    if api_key:
        session.headers.update({"Authorization": "Token " + api_key})
    with photo_path.open("rb") as fp:
        return session.prepare_request(requests.Request("POST", SDK_URL + "/v1/plate-reader/",
                                                        files={"upload": fp}, data=data))


def replay(client, prepared: requests.PreparedRequest, *, from_address: str):
    """Send the recorded request through Django's test client from `from_address`, headers and body as is."""
    headers = {name: value for name, value in prepared.headers.items()
               if name not in ("Content-Type", "Content-Length")}
    return client.generic("POST", urlsplit(prepared.url).path, prepared.body,
                          content_type=prepared.headers["Content-Type"], headers=headers,
                          REMOTE_ADDR=from_address)


@pytest.fixture
def photo_path(tmp_path) -> Path:
    path = tmp_path / "car.jpg"
    path.write_bytes(plate_photo("7ABC123"))
    return path


def bind(cam, network: str = CAMERA_ADDRESS) -> None:
    camera_credential_bind_network(actor=INSTALLER, key_id=cam.key.split(":")[0], network=network)


def test_the_sdk_request_carries_no_key(photo_path):
    prepared = plate_recognition_request(photo_path)
    assert "Authorization" not in prepared.headers
    assert b'name="upload"; filename="car.jpg"' in prepared.body and b'name="regions"' not in prepared.body


@pytest.mark.rule("ING-1")
def test_the_sdk_clients_keyless_request_is_accepted_from_the_bound_address_as_that_camera(
        client, cam, photo_path, media_root):
    bind(cam)
    response = replay(client, plate_recognition_request(photo_path), from_address=CAMERA_ADDRESS)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["results"] == [] and body["filename"] == "car.jpg" and body["camera_id"] == "gate-2"
    read = PlateRead.system_objects.get()
    assert (read.pk, read.camera_id, read.source) == (body["read_id"], cam.camera.pk,
                                                      ReadSource.PLATERECOGNIZER)
    [audit] = AuditEvent.objects.filter(action="ingest.address_upload")
    assert audit.actor_label.startswith(f"camera:{cam.camera.pk} ")
    assert f"read:{read.pk}" in audit.targets and audit.description == f"keyless upload from {CAMERA_ADDRESS}"


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("address", ["10.20.30.41", "192.168.0.54", "::1"])
def test_the_keyless_request_from_any_other_address_is_refused_and_stores_nothing(
        client, cam, photo_path, media_root, address):
    bind(cam)
    response = replay(client, plate_recognition_request(photo_path), from_address=address)
    assert response.status_code == 401 and "bound to this address" in response.json()["detail"]
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    assert not AuditEvent.objects.filter(action="ingest.address_upload").exists()


@pytest.mark.rule("ING-1")
@pytest.mark.rule("ING-3")
def test_a_keyless_request_from_a_bound_subnet_is_refused_only_the_cameras_own_address_needs_no_key(
        client, cam, photo_path, media_root):
    # Tried: a credential bound to a /24 the camera shares with the office's other devices; any of them
    # sending the SDK client's keyless request would have uploaded reads as that camera.
    bind(cam, "10.20.30.0/24")
    for address in ("10.20.30.40", "10.20.30.200"):
        response = replay(client, plate_recognition_request(photo_path), from_address=address)
        assert response.status_code == 401 and "bound to this address" in response.json()["detail"]
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    assert not AuditEvent.objects.filter(action="ingest.address_upload").exists()
    with_key = plate_recognition_request(photo_path, api_key=cam.key)
    keyed = replay(client, with_key, from_address="10.20.30.200")
    assert keyed.status_code == 201  # with its key the camera still uploads from anywhere in its subnet


@pytest.mark.rule("ING-1")
def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(client, cam, photo_path, media_root,
                                                                   settings):
    # Tried: behind a proxy (one hop trusted), a device reaching the server directly writes the camera's
    # address into X-Forwarded-For to upload without a key as the camera bound to it.
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, ["192.0.2.10/32"]
    bind(cam)
    spoofed = plate_recognition_request(photo_path)
    spoofed.headers["X-Forwarded-For"] = CAMERA_ADDRESS
    assert replay(client, spoofed, from_address="198.51.100.7").status_code == 401
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    assert replay(client, spoofed, from_address="192.0.2.10").status_code == 201  # through the proxy


def test_a_keyless_request_is_refused_where_no_credential_is_bound(client, cam, photo_path, media_root):
    response = replay(client, plate_recognition_request(photo_path), from_address=CAMERA_ADDRESS)
    assert response.status_code == 401
    assert PlateRead.system_objects.count() == 0 and stored_images() == []


@pytest.mark.rule("ING-1")
def test_the_cloud_shape_with_a_token_is_accepted(client, cam, photo_path):
    # Both forms of the key are the camera's; the same photo sent again is a retry, stored once.
    for api_key, status in ((cam.key, 201), (cam.key.replace(":", ""), 200)):
        prepared = plate_recognition_request(photo_path, api_key=api_key)
        assert prepared.headers["Authorization"] == f"Token {api_key}"
        assert replay(client, prepared, from_address="203.0.113.9").status_code == status
    assert PlateRead.system_objects.count() == 1


@pytest.mark.rule("ING-3")
def test_a_bound_credential_with_its_key_is_still_refused_outside_its_network(client, cam, photo_path):
    bind(cam, "10.20.30.0/28")
    prepared = plate_recognition_request(photo_path, api_key=cam.key)
    assert replay(client, prepared, from_address="10.20.30.14").status_code == 201
    refused = replay(client, prepared, from_address="10.20.30.16")
    assert refused.status_code == 401 and PlateRead.system_objects.count() == 1
    [audit] = AuditEvent.objects.filter(action="ingest.camera_auth_refused")
    assert audit.reason == "outside its bound network 10.20.30.0/28 (from 10.20.30.16)"


@pytest.mark.rule("CAM-2")
def test_a_bound_camera_not_yet_in_service_is_refused_without_a_key_too(client, photo_path, media_root):
    camera = camera_create(actor=INSTALLER, name="Pending gate")
    key_id = camera_credential_rotate(actor=INSTALLER, camera_id=camera.pk).credential.key_id
    camera_credential_bind_network(actor=INSTALLER, key_id=key_id, network=CAMERA_ADDRESS)
    response = replay(client, plate_recognition_request(photo_path), from_address=CAMERA_ADDRESS)
    assert response.status_code == 401 and "not in service" in response.json()["detail"]
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    assert AuditEvent.objects.get(action="ingest.camera_auth_refused").reason == "installation not in effect"
