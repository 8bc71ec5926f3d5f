"""End to end with a real Celery worker on Redis (ING-1, ING-4): nothing accepted is lost.

Each test starts `celery -A config worker -P prefork -c 1` against the test database (committed rows:
`transactional_db`) and Redis DB of TEST_REDIS_URL (14 for this slice).
"""
import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from alpr import storage
from alpr.models import PlateRead, ReadStatus
from ingest import broker, services
from ingest.synthetic import plate_photo
from ingest.tests.conftest import UPLOAD_URL, stored_images

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
WORKER_START_TIMEOUT = 60
PROCESS_TIMEOUT = 60


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One `celery worker` process group, started and killed by the test."""

    def __init__(self, tmp_path: Path, media_root: Path, delay: float):
        self.log = tmp_path / f"worker-{time.monotonic_ns()}.log"
        self.calls = tmp_path / "recognizer-calls.txt"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ingest.tests.worker_settings",
            "DATABASE_URL": _database_url(),
            "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
            "INGEST_TEST_MEDIA_ROOT": str(media_root),
            "INGEST_TEST_RECOGNIZER_DELAY": str(delay),
            "INGEST_TEST_CALLS_FILE": str(self.calls),
        }
        celery = Path(sys.executable).with_name("celery")
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [str(celery), "-A", "config", "worker", "-P", "prefork", "-c", "1", "-l", "info",
                 "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "-n", f"ingest-test-{os.getpid()}@%h"],
                cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self._wait_for("ready.", WORKER_START_TIMEOUT)

    def _wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log.read_text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"worker never said {text!r}:\n{self.log.read_text()[-3000:]}")

    def recognizer_calls(self) -> list[int]:
        return [int(line) for line in self.calls.read_text().split()] if self.calls.exists() else []

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool child): no chance to ack or clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def start_worker(tmp_path, media_root):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()  # DB 14 belongs to this slice's tests; leftover messages would confuse them
    started: list[Worker] = []

    def start(delay: float = 0.0) -> Worker:
        worker = Worker(tmp_path, media_root, delay)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()
    client.flushdb()


def _upload(client, cam):
    photo = io.BytesIO(plate_photo("KDB4821", seed=3))
    response = client.post(UPLOAD_URL, {"captured_at": timezone.now().isoformat(), "photo": photo},
                           **cam.auth, HTTP_IDEMPOTENCY_KEY=f"e2e-{time.monotonic_ns()}")
    assert response.status_code == 202, response.content
    return response.json()["read_id"]


def _wait_for_status(read_id: int, status: str, timeout: float = PROCESS_TIMEOUT) -> PlateRead:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        read = PlateRead.system_objects.get(pk=read_id)
        if read.status == status:
            return read
        time.sleep(0.2)
    raise AssertionError(f"read {read_id} stayed {read.status} (wanted {status}): {read.last_error}")


def _assert_stored_once(read: PlateRead, media_root: Path) -> None:
    assert read.status == ReadStatus.DONE and read.plate and read.confidence is not None
    assert PlateRead.system_objects.count() == 1
    assert sorted(reference.rsplit("/", 1)[-1] for reference in stored_images()) == sorted(
        [f"{read.uuid}-crop.jpg", f"{read.uuid}-full.jpg"])


@pytest.mark.rule("ING-1")
def test_upload_is_recognised_by_a_real_worker(client, cam, start_worker, media_root):
    worker = start_worker()
    read_id = _upload(client, cam)
    read = _wait_for_status(read_id, ReadStatus.DONE)
    _assert_stored_once(read, media_root)
    assert read.attempts == 1 and len(worker.recognizer_calls()) == 1
    status = client.get(f"/api/v1/cameras/reads/{read_id}/", **cam.auth).json()
    assert status == {"read_id": read_id, "status": "done"}


@pytest.mark.rule("ING-4")
def test_pool_process_killed_mid_task_is_redelivered_and_stored_once(client, cam, start_worker, media_root):
    worker = start_worker(delay=4)
    read_id = _upload(client, cam)
    _wait_for_status(read_id, ReadStatus.PROCESSING)
    deadline = time.monotonic() + 20
    while not worker.recognizer_calls() and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(worker.recognizer_calls()[0], signal.SIGKILL)  # the prefork child running the task
    # acks_late + reject_on_worker_lost: the message goes back to the queue, a new child takes it.
    read = _wait_for_status(read_id, ReadStatus.DONE, timeout=PROCESS_TIMEOUT + 10)
    _assert_stored_once(read, media_root)
    assert read.attempts == 2 and len(worker.recognizer_calls()) == 2


@pytest.mark.rule("ING-4")
def test_whole_worker_killed_mid_task_then_a_new_worker_and_the_sweeper_finish_it_once(
        client, cam, start_worker, media_root):
    first = start_worker(delay=30)
    read_id = _upload(client, cam)
    _wait_for_status(read_id, ReadStatus.PROCESSING)
    first.kill()
    assert PlateRead.system_objects.get(pk=read_id).status == ReadStatus.PROCESSING
    start_worker()
    # The dead worker's message stays unacknowledged in Redis until its visibility timeout; the
    # sweeper does not wait that long in production (minutes), nor here.
    assert services.reads_requeue_stuck(older_than=timedelta(0)).requeued == 1
    read = _wait_for_status(read_id, ReadStatus.DONE)
    _assert_stored_once(read, media_root)
    assert read.attempts == 2


@pytest.mark.rule("ING-4")
def test_upload_accepted_while_redis_is_unreachable_is_processed_once_it_is_back(
        client, cam, start_worker, media_root, monkeypatch):
    monkeypatch.setattr(current_app.conf, "broker_url", "redis://127.0.0.1:1/14")  # nothing listens there
    broker.forget()
    started = time.monotonic()
    read_id = _upload(client, cam)
    assert time.monotonic() - started < 5, "a dead broker must not hold the camera's upload"
    monkeypatch.undo()
    broker.forget()
    read = PlateRead.system_objects.get(pk=read_id)
    assert read.status == ReadStatus.RECEIVED and storage.exists(read.image_path)
    start_worker()
    assert services.reads_requeue_stuck(older_than=timedelta(0)).requeued == 1
    read = _wait_for_status(read_id, ReadStatus.DONE)
    _assert_stored_once(read, media_root)
    assert read.attempts == 1
