"""The upload path's publisher sends what `apply_async` would send, on one connection per thread."""
import json
import threading

import pytest
import redis
from celery import current_app
from celery.signals import before_task_publish

from ingest import broker
from ingest.tasks import recognize_read

IDS = ("id", "root_id", "correlation_id", "reply_to")


@pytest.fixture
def published():
    sent, task_ids = [], set()

    def record(sender, body, exchange, routing_key, headers, properties, **kwargs):
        task_ids.add(headers["id"])
        sent.append({"task": sender, "body": body, "exchange": exchange, "routing_key": routing_key,
                     "headers": {k: v for k, v in headers.items() if k not in IDS},
                     "properties": {k: v for k, v in properties.items() if k not in IDS}})

    before_task_publish.connect(record, weak=False)
    broker.forget()
    yield sent
    before_task_publish.disconnect(record)
    broker.forget()
    _remove_from_the_queue(task_ids)


def _remove_from_the_queue(task_ids: set[str]) -> None:
    """No worker consumes these messages: take them out again, so that none reaches a worker test."""
    client = redis.Redis.from_url(current_app.conf.broker_url)
    for raw in client.lrange("celery", 0, -1):
        if json.loads(raw)["headers"].get("id") in task_ids:
            client.lrem("celery", 1, raw)


def test_the_message_is_the_one_apply_async_sends(published):
    recognize_read.apply_async((41,), retry=False)
    broker.send_recognition(41)
    assert len(published) == 2
    assert published[1] == published[0]
    assert published[1]["task"] == "ingest.tasks.recognize_read" and published[1]["body"][0] == (41,)


def test_one_connection_per_thread_reused_across_uploads(published, monkeypatch):
    opened = []
    connect = broker._connect
    monkeypatch.setattr(broker, "_connect", lambda: opened.append(threading.get_ident()) or connect())
    for read_id in range(3):
        broker.send_recognition(read_id)
    other = threading.Thread(target=broker.send_recognition, args=(9,))
    other.start()
    other.join()
    assert len(published) == 4
    assert len(opened) == 2 and opened[0] != opened[1]


def test_a_failed_publish_drops_the_connection_and_the_next_connects_again(published, monkeypatch):
    broker.send_recognition(1)
    producer = broker._publisher.producer

    def refuse(*args, **kwargs):
        raise ConnectionError("broker went away")

    monkeypatch.setattr(producer, "publish", refuse)
    with pytest.raises(ConnectionError):
        broker.send_recognition(2)
    assert broker._publisher.producer is None
    broker.send_recognition(3)
    assert broker._publisher.producer is not producer
    assert [message["body"][0] for message in published] == [(1,), (2,), (3,)]  # 2 was tried, not sent


def test_an_unreachable_broker_fails_within_the_connect_timeout(monkeypatch):
    import time

    monkeypatch.setattr(current_app.conf, "broker_url", "redis://127.0.0.1:1/14")  # nothing listens there
    broker.forget()
    started = time.monotonic()
    with pytest.raises(Exception):  # noqa: B017  (kombu's OperationalError or redis' ConnectionError)
        broker.send_recognition(1)
    assert time.monotonic() - started < 3
    monkeypatch.undo()
    broker.forget()
