"""Exactly one scheduler: real `celery beat` processes against the test database and Redis.

A second scheduler started while one runs waits (and says who holds the lock); it sends nothing until
the first is gone: at once when the first stops cleanly, within the lock's time to live when it dies.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)
TTL = 6.0
START_TIMEOUT = 90
SENT = "Sending due task scheduler-test-tick"
HOLDS = "This scheduler holds the scheduler lock"
WAITS = "Another scheduler holds the scheduler lock"


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Beat:
    """One `celery beat` process, as `make run` and docker-compose start it."""

    def __init__(self, tmp_path: Path, name: str, key: str, queue: str):
        self.log = tmp_path / f"beat-{name}.log"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "core.tests.scheduler_settings",
               "DATABASE_URL": _database_url(), "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
               "ALPR_SCHEDULER_LOCK_KEY": key, "ALPR_SCHEDULER_LOCK_TTL_SECONDS": str(TTL),
               "SCHEDULER_TEST_QUEUE": queue}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [str(Path(sys.executable).with_name("celery")), "-A", "config", "beat", "--loglevel", "INFO",
                 "--pidfile=", "--schedule", str(tmp_path / f"unused-{name}")],
                cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, text: str, timeout: float = START_TIMEOUT, count: int = 1) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.text().count(text) >= count:
                return time.monotonic()
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"scheduler never said {text!r}:\n{self.text()[-3000:]}")

    def stop(self, how: int) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, how)
        self.process.wait(timeout=30)


@pytest.fixture
def beats(tmp_path):
    key, queue = f"alpr:test-scheduler-lock:{uuid.uuid4().hex}", f"scheduler-test-{uuid.uuid4().hex}"
    started: list[Beat] = []

    def start(name: str) -> Beat:
        started.append(Beat(tmp_path, name, key, queue))
        return started[-1]

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    start.key, start.queue, start.broker = key, queue, broker
    yield start
    for beat in started:
        beat.stop(signal.SIGKILL)
    broker.delete(key, queue)


def test_a_second_scheduler_waits_and_takes_over_only_when_the_first_is_gone(beats):
    first = beats("first")
    first.wait_for(SENT)
    holder = beats.broker.get(beats.key).decode()
    assert f"pid {first.process.pid} " in holder

    second = beats("second")
    second.wait_for(WAITS)
    assert holder in second.text()  # it says who holds the lock
    # Both run for a while: one task a second is sent, by the first only (two schedulers: two a second).
    sent_before, window_start = beats.broker.llen(beats.queue), time.monotonic()
    time.sleep(5)
    sent = beats.broker.llen(beats.queue) - sent_before
    assert sent <= (time.monotonic() - window_start) + 2, sent
    assert SENT not in second.text() and second.process.poll() is None

    # The first dies without a word (SIGKILL): its lock expires and the second takes over.
    first.stop(signal.SIGKILL)
    second.wait_for(HOLDS, timeout=TTL + 30)
    second.wait_for(SENT)

    # A third waits for the second; the second stops cleanly and hands over at once (no expiry).
    third = beats("third")
    third.wait_for(WAITS)
    assert f"pid {second.process.pid} " in third.text()
    second.stop(signal.SIGTERM)
    stopped = time.monotonic()
    assert second.process.returncode == 0
    took_over = third.wait_for(HOLDS, timeout=TTL + 30)
    assert took_over - stopped < TTL, "the clean stop did not release the lock"
    third.wait_for(SENT)
    assert f"pid {third.process.pid} " in beats.broker.get(beats.key).decode()


def test_a_scheduler_that_lost_its_lock_stops(beats):
    """One that stalled past the time to live while another took the lock must not keep scheduling."""
    first = beats("first")
    first.wait_for(SENT)
    beats.broker.set(beats.key, "another host pid 1 since now")
    first.process.wait(timeout=TTL + 30)
    assert "Scheduler stopping: the scheduler lock" in first.text()
    assert "held by another scheduler (another host pid 1 since now)" in first.text()


def test_a_scheduler_whose_tick_outlived_its_lock_sends_nothing_more(settings):
    """A tick that stalls past the time to live (the standby took over meanwhile) must not go on to
    send the tasks it found due: every send checks the lock."""
    from celery.beat import ScheduleEntry

    from config.celery import app
    from core.scheduler import SchedulerLockLost, SingleScheduler

    settings.SCHEDULER_LOCK_KEY = f"alpr:test-scheduler-lock:{uuid.uuid4().hex}"
    queue = f"scheduler-test-{uuid.uuid4().hex}"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    scheduler = SingleScheduler(app=app, lazy=True)
    try:
        entry = ScheduleEntry(name="stalled", task="core.tests.scheduler_tick", schedule=1.0,
                              options={"queue": queue}, app=app)
        broker.set(settings.SCHEDULER_LOCK_KEY, "another host pid 1 since now")  # the standby took over
        with pytest.raises(SchedulerLockLost):
            scheduler.apply_async(entry, advance=False)
        assert broker.llen(queue) == 0
    finally:
        broker.delete(settings.SCHEDULER_LOCK_KEY, queue)
