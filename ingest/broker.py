"""Publishing recognition tasks from the upload path, on a producer each thread keeps.

`recognize_read.apply_async()` cost about 0.75 ms of CPU per upload, a tenth of the upload: Celery
routes the task and copies its queue and exchange for every message, and kombu's Redis transport
builds a new redis client (with its table of ~170 response callbacks) for every command it sends.
Uploads publish one task to one queue many times a second, so each thread keeps a producer on its
own broker connection, with the task's route resolved once and one redis client per channel. The
message itself is still built and sent by Celery (`create_task_message`, `send_task_message`: the
protocol a worker reads, and the publish signals). About 0.2 ms.

The broker URL and the task's route are read when a thread first publishes (and again after a
failed publish); `forget()` makes the next publish read them afresh.
"""
import contextlib
import os
import threading
import uuid

from celery import current_app
from kombu.transport import redis as kombu_redis

# Fail fast when the broker is down or hangs: an upload must not wait on it (ING-4: the read is
# already stored, and the sweeper queues it later).
CONNECT_TIMEOUT_SECONDS = 1
SEND_TIMEOUT_SECONDS = 2


class _Channel(kombu_redis.Channel):
    """kombu's Redis channel, reusing one client (and its pool) for every command it sends."""

    _command_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        if self._command_client is None:
            self._command_client = super()._create_client()
        return self._command_client


class _Transport(kombu_redis.Transport):
    Channel = _Channel


class _Publisher(threading.local):
    """One thread's producer; `pid` tells a forked child not to use its parent's socket."""

    pid: int | None = None
    app = None
    connection = None
    producer = None
    route: dict | None = None
    task_name = ""
    ignore_result = True


_publisher = _Publisher()


def send_recognition(read_id: int) -> None:
    """Send ``ingest.tasks.recognize_read(read_id)`` to its queue; raise if the broker cannot take it."""
    publisher = _publisher if _publisher.pid == os.getpid() else _connect()
    app = publisher.app
    message = app.amqp.create_task_message(
        str(uuid.uuid4()), publisher.task_name, (read_id,), {}, ignore_result=publisher.ignore_result,
        argsrepr=f"({read_id!r},)", kwargsrepr="{}", reply_to=app.thread_oid,
    )
    try:
        app.amqp.send_task_message(publisher.producer, publisher.task_name, message, retry=False,
                                   **publisher.route)
    except BaseException:
        forget()  # the connection may be broken: the next upload connects afresh
        raise


def _connect() -> _Publisher:
    from ingest.tasks import recognize_read

    forget()
    app = current_app._get_current_object()
    connection = app.connection_for_write()
    if connection.transport_cls == "redis":
        connection = app.connection_for_write(transport=_Transport, transport_options={
            "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS, "socket_timeout": SEND_TIMEOUT_SECONDS})
    try:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2,
                                     timeout=CONNECT_TIMEOUT_SECONDS)
        channel = connection.default_channel
    except BaseException:
        connection.release()
        raise
    # The task's route (task_routes, or the default queue), as apply_async would resolve it.
    route = app.amqp.router.route({}, recognize_read.name, (), {})
    route["queue"] = route["queue"].bind(channel)
    _publisher.app, _publisher.connection, _publisher.route = app, connection, route
    _publisher.producer = app.amqp.Producer(channel, auto_declare=False)
    _publisher.task_name, _publisher.ignore_result = recognize_read.name, recognize_read.ignore_result
    _publisher.pid = os.getpid()
    return _publisher


def forget() -> None:
    """Drop this thread's connection: the next publish connects again (to the broker configured then)."""
    connection, ours = _publisher.connection, _publisher.pid == os.getpid()
    _publisher.pid = _publisher.app = _publisher.connection = _publisher.producer = _publisher.route = None
    if connection is not None and ours:  # a forked child leaves its parent's sockets alone
        with contextlib.suppress(Exception):  # a broken connection has nothing left to release
            connection.release()
