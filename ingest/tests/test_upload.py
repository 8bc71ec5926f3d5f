"""The upload API: accepted means durable, retries are stored once, bad input stores nothing."""
import io
import threading
import time
from datetime import UTC, timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone
from PIL import Image

from alpr import storage
from alpr.models import PlateRead, ReadStatus
from alpr.services import camera_credential_revoke, camera_credential_rotate
from audit.context import Actor
from audit.models import AuditEvent
from ingest import broker, services
from ingest.conf import setting
from ingest.synthetic import plate_photo
from ingest.tests.conftest import UPLOAD_URL, stored_images
from ingest.validation import check_image

pytestmark = pytest.mark.django_db


def upload(client, cam, photo, *, captured_at=None, key=None, name="car.jpg", **fields):
    data = {"captured_at": (captured_at or timezone.now()).isoformat(), **fields}
    if photo is not None:
        data["photo"] = io.BytesIO(photo)
        data["photo"].name = name
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(UPLOAD_URL, data, **cam.auth, **headers)


def read_count() -> int:
    return PlateRead.system_objects.count()


@pytest.mark.rule("ING-1")
@pytest.mark.rule("ING-4")
def test_upload_is_durable_before_202_and_queued_after_commit(client, cam, photo, media_root, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(services, "queue_recognition", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, cam, photo, key="shot-1", latitude="41.8881", longitude="-87.8030",
                          heading="270")
    assert response.status_code == 202, response.content
    body = response.json()
    read = PlateRead.system_objects.get(pk=body["read_id"])
    assert body["status"] == "received" and body["status_url"].endswith(f"/api/v1/cameras/reads/{read.pk}/")
    assert read.camera_id == cam.camera.pk and read.status == ReadStatus.RECEIVED
    # A fixed camera's read is placed at its approved placement, whatever its GPS says (test_device_position).
    assert read.latitude is None and read.heading == 270
    day = read.captured_at.astimezone(UTC)
    assert read.image_path.startswith(f"reads/{day:%Y/%m/%d}/")
    assert read.image_path.endswith(f"/{read.uuid}-full.jpg")
    assert storage.read_bytes(read.image_path) == photo
    assert stored_images() == [read.image_path]  # nothing else stored
    assert queued == [read.pk]


@pytest.mark.rule("ING-4")
def test_retried_upload_returns_the_same_read_and_stores_nothing_new(client, cam, photo, media_root):
    first = upload(client, cam, photo, key="retry-me")
    again = upload(client, cam, photo, key="retry-me", captured_at=timezone.now() - timedelta(seconds=3))
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["read_id"] == first.json()["read_id"] and again.json()["duplicate"] is True
    assert read_count() == 1 and len(stored_images()) == 1


@pytest.mark.rule("ING-4")
@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_delivery_is_stored_once(cam, photo, media_root, monkeypatch):
    """The retry waits for the camera's lock while the first delivery's transaction is open; once that
    commits, the retry's look-up must see the first read (a statement of its own, after the lock)."""
    first_inserted, release_first = threading.Event(), threading.Event()
    insert_row = services._insert_row

    def insert_then_hold(read):
        insert_row(read)
        if read.idempotency_key == "raced" and not first_inserted.is_set():
            first_inserted.set()
            release_first.wait(timeout=30)  # the transaction, and the camera's lock, stay open

    monkeypatch.setattr(services, "_insert_row", insert_then_hold)
    results = {}

    def deliver(name):
        try:
            results[name] = services.read_accept(camera=cam.camera, photo=check_image(photo),
                                                 captured_at=timezone.now(), idempotency_key="raced")
        finally:
            connection.close()

    first = threading.Thread(target=deliver, args=("first",))
    first.start()
    assert first_inserted.wait(timeout=30)
    retry = threading.Thread(target=deliver, args=("retry",))
    retry.start()
    _wait_until_a_backend_waits_for_a_lock()
    release_first.set()
    first.join(timeout=30)
    retry.join(timeout=30)
    assert results["first"].created and not results["retry"].created
    assert results["retry"].read.pk == results["first"].read.pk
    assert read_count() == 1 and len(stored_images()) == 1


def _wait_until_a_backend_waits_for_a_lock() -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the retry never waited for the camera's lock")


def test_the_same_key_from_another_camera_is_another_read(client, make_camera, photo):
    one, two = make_camera(), make_camera()
    assert upload(client, one, photo, key="k").status_code == 202
    assert upload(client, two, photo, key="k").status_code == 202
    assert read_count() == 2


def test_png_uploads_are_accepted(client, cam, media_root):
    response = upload(client, cam, plate_photo(image_format="PNG"), name="car.png")
    assert response.status_code == 202
    assert PlateRead.system_objects.get().image_path.endswith("-full.png")


def _truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (3000, 3000)).save(out, format="PNG")  # 9 Mpx, a few kB
    return out.getvalue()


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20)).save(out, format="GIF")
    return out.getvalue()


BAD_PHOTOS = {
    "text": (b"this is not a photo", 400),
    "gif": (_gif(), 400),
    "jpeg magic then junk": (b"\xff\xd8\xff\xe0" + b"\x00" * 500, 400),
    "truncated jpeg": (_truncated(plate_photo()), 400),
    "truncated png": (_truncated(plate_photo(image_format="PNG")), 400),
    "empty": (b"", 400),
    "decompression bomb": (_bomb(), 400),
}


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("kind", BAD_PHOTOS)
def test_bad_photos_are_refused_with_nothing_stored(client, cam, media_root, settings, kind):
    settings.INGEST_MAX_PIXELS = 4_000_000
    data, status = BAD_PHOTOS[kind]
    response = upload(client, cam, data)
    assert response.status_code == status, response.content
    assert response.json()["error"] and response.json()["detail"]
    assert read_count() == 0 and stored_images() == []


def test_a_large_photo_is_kept_in_memory_not_spilled_to_a_temporary_file(client, cam, media_root, settings,
                                                                          monkeypatch):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    spilled = []
    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", lambda *args, **kwargs: spilled.append(1))
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django would spill anything above this to disk
    photo = plate_photo(size=(640, 400), quality=95)
    assert len(photo) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    assert upload(client, cam, photo).status_code == 202
    assert spilled == []
    assert storage.read_bytes(PlateRead.system_objects.get().image_path) == photo


@pytest.mark.rule("ING-3")
def test_oversized_upload_is_refused_with_413(client, cam, photo, media_root, settings):
    settings.INGEST_MAX_UPLOAD_BYTES = len(photo) - 1
    response = upload(client, cam, photo)
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    settings.INGEST_MAX_UPLOAD_BYTES = 1000  # the body itself is over the ceiling: refused unread
    assert upload(client, cam, photo + b"\x00" * 70_000).status_code == 413
    assert read_count() == 0 and stored_images() == []


BAD_TIMES = {
    "in the future": lambda: (timezone.now() + timedelta(hours=1)).isoformat(),
    "older than retention": lambda: (timezone.now() - timedelta(days=31)).isoformat(),
    "no offset": lambda: timezone.now().replace(tzinfo=None).isoformat(),
    "not a date": lambda: "yesterday at noon",
    "impossible date": lambda: "2026-02-30T10:00:00+00:00",
    "missing": lambda: "",
}


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("kind", BAD_TIMES)
def test_bad_capture_times_are_refused_with_nothing_stored(client, cam, photo, media_root, kind):
    response = client.post(UPLOAD_URL, {"captured_at": BAD_TIMES[kind](), "photo": io.BytesIO(photo)},
                           **cam.auth)
    assert response.status_code == 400 and response.json()["field"] == "captured_at", response.content
    assert read_count() == 0 and stored_images() == []


def test_small_clock_skew_is_tolerated(client, cam, photo):
    assert upload(client, cam, photo, captured_at=timezone.now() + timedelta(seconds=60)).status_code == 202


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("fields", [{"latitude": "91"}, {"longitude": "east"}, {"heading": "400"},
                                    {"latitude": "NaN"}])
def test_bad_position_fields_are_refused(client, cam, photo, media_root, fields):
    assert upload(client, cam, photo, **fields).status_code == 400
    assert read_count() == 0 and stored_images() == []


@pytest.mark.rule("ING-3")
def test_missing_photo_and_bad_idempotency_key_are_refused(client, cam, photo, media_root):
    assert upload(client, cam, None).status_code == 400
    assert upload(client, cam, photo, key="x" * 200).status_code == 400
    assert read_count() == 0 and stored_images() == []


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("header", ["", "Camera nope", "Camera 0123456789abcdef:" + "0" * 48,
                                    "Bearer abc", "Token 0123456789abcdef"])
def test_unknown_cameras_are_refused_with_401(client, photo, media_root, header):
    data = {"captured_at": timezone.now().isoformat(), "photo": io.BytesIO(photo)}
    response = client.post(UPLOAD_URL, data, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response.json()["error"] == "camera_not_authenticated"
    assert read_count() == 0 and stored_images() == []


@pytest.mark.rule("ING-3")
def test_revoked_credentials_are_refused_and_the_refusal_audited(client, cam, photo, media_root):
    key_id = cam.key.split(":")[0]
    camera_credential_revoke(actor=Actor.system("test"), key_id=key_id, reason="camera stolen")
    response = upload(client, cam, photo)
    assert response.status_code == 401
    assert read_count() == 0 and stored_images() == []
    refusal = AuditEvent.objects.get(action="ingest.camera_auth_refused")
    assert refusal.outcome == "refused" and refusal.targets == [f"credential:{key_id}"]


@pytest.mark.rule("AUD-1", "ING-3")
def test_a_revoked_camera_that_keeps_uploading_fills_no_audit_log(client, cam, photo, media_root, settings):
    """A stolen or retired camera left switched on: before, each upload added an audit row, without end."""
    settings.CAMERA_REFUSAL_AUDIT_RATE = "3/h"
    key_id = cam.key.split(":")[0]
    camera_credential_revoke(actor=Actor.system("test"), key_id=key_id, reason="camera stolen")
    for _ in range(10):
        assert upload(client, cam, photo).status_code == 401
    refusals = list(AuditEvent.objects.filter(action="ingest.camera_auth_refused").order_by("id"))
    assert len(refusals) == 4 and all(row.outcome == "refused" for row in refusals)
    assert refusals[-1].reason.startswith("revoked credential; refused uploads keep coming: more than 3")
    assert read_count() == 0 and stored_images() == []


def test_rotation_with_overlap_keeps_the_old_key_alive_until_then(client, cam, photo):
    new = camera_credential_rotate(actor=Actor.system("test"), camera_id=cam.camera.pk,
                                   overlap=timedelta(hours=1))
    assert upload(client, cam, photo).status_code == 202  # old key, inside the overlap
    cam.key = new.key
    assert upload(client, cam, photo).status_code == 202
    immediate = camera_credential_rotate(actor=Actor.system("test"), camera_id=cam.camera.pk)
    assert upload(client, cam, photo).status_code == 401  # rotated without overlap: dead at once
    cam.key = immediate.key
    assert upload(client, cam, photo).status_code == 202


@pytest.mark.rule("ING-3")
def test_uploads_are_rate_limited_per_camera(client, make_camera, photo, settings):
    settings.INGEST_RATE_LIMIT = 3
    busy, quiet = make_camera(), make_camera()
    statuses = [upload(client, busy, photo).status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]
    refused = upload(client, busy, photo)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert upload(client, quiet, photo).status_code == 202
    assert read_count() == 4
    counters = redis.Redis.from_url(setting("INGEST_REDIS_URL"))
    window = setting("INGEST_RATE_WINDOW_SECONDS")
    for key in counters.scan_iter(f"ingest:rate:{busy.camera.pk}:*"):
        assert 0 < counters.ttl(key) <= window + 5  # the window's counter expires


@pytest.mark.rule("AUD-1")
def test_status_endpoint_shows_a_camera_its_own_reads_status_and_no_plate(client, make_camera, photo):
    # Tried: a camera key reads back what was read in its own upload once recognition is done. It
    # learns that the read is done, nothing of the plate, state, confidence, candidates, box or crop.
    own, other = make_camera(), make_camera()
    read_id = upload(client, own, photo).json()["read_id"]
    url = f"/api/v1/cameras/reads/{read_id}/"
    assert client.get(url, **own.auth).json() == {"read_id": read_id, "status": "received"}
    services.read_recognize(read_id=read_id)
    read = PlateRead.system_objects.get(pk=read_id)
    assert read.plate == "7ABC123" and read.crop_path  # recognised: there was something to leak
    done = client.get(url, **own.auth)
    assert done.json() == {"read_id": read_id, "status": "done"}
    assert b"7ABC123" not in done.content.upper() and read.crop_path.encode() not in done.content
    assert client.get(url, **other.auth).status_code == 404
    assert client.get(url).status_code == 401


@pytest.mark.rule("ING-4")
def test_a_failed_insert_leaves_no_file(client, cam, photo, media_root, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_insert_row", fail)
    client.raise_request_exception = False
    response = upload(client, cam, photo)
    assert response.status_code == 500
    assert stored_images() == []


@pytest.mark.rule("ING-4")
def test_upload_is_accepted_when_the_broker_is_down(client, cam, photo, media_root, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    from celery import current_app

    monkeypatch.setattr(current_app.conf, "broker_url", "redis://127.0.0.1:1/14")
    broker.forget()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, cam, photo)
    assert response.status_code == 202
    assert PlateRead.system_objects.get().status == ReadStatus.RECEIVED
    assert len(stored_images()) == 1


def test_camera_endpoints_are_machine_endpoints_not_pages(client, cam):
    # No session, no redirect to the sign-in page: the access gate leaves camera_api to its own auth.
    response = client.get(UPLOAD_URL, **cam.auth)
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


@pytest.mark.rule("ING-4")
def test_the_rate_limiter_lets_uploads_through_when_redis_is_down(client, cam, photo, settings):
    settings.INGEST_REDIS_URL = "redis://127.0.0.1:1/14"  # nothing listens there
    assert upload(client, cam, photo).status_code == 202
