"""A transaction-mode pooler is refused at start; no pooler, or one in session mode, is not.

Each test starts a real PgBouncer (Debian's `pgbouncer`; scripts/setup.sh --for-tests installs it) on a
free loopback port in front of the test database.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from core.pooler import shared_backend

pytestmark = pytest.mark.django_db(transaction=True)
REFUSAL = "DATABASE_URL leads to a connection pooler in transaction mode"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def pgbouncer():
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    assert Path(binary).exists(), "PgBouncer is not installed: scripts/setup.sh --for-tests installs it"
    started = []

    def start(mode: str) -> int:
        db = connection.settings_dict
        port = _free_port()
        # PgBouncer refuses to run as root; as root it is told to switch to postgres, who must read these.
        folder = Path(tempfile.mkdtemp(prefix="alpr-pgbouncer-"))
        folder.chmod(0o755)
        (folder / "users.txt").write_text(f'"{db["USER"]}" "{db["PASSWORD"] or ""}"\n')
        (folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
            f"pool_mode = {mode}\ndefault_pool_size = 4\n"
            + ("user = postgres\n" if os.geteuid() == 0 else ""))
        for name in ("users.txt", "pgbouncer.ini"):
            (folder / name).chmod(0o644)
        process = subprocess.Popen([binary, str(folder / "pgbouncer.ini")],  # noqa: S603
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        started.append((process, folder))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(f"pgbouncer exited: {process.stdout.read().decode()}") from None
                time.sleep(0.1)
        raise AssertionError("pgbouncer did not listen within 30 s")

    yield start
    for process, folder in started:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _through(port: int) -> DatabaseWrapper:
    return DatabaseWrapper({**connection.settings_dict, "HOST": "127.0.0.1", "PORT": port}, alias="pooled")


def _database_url(port: int) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@127.0.0.1:{port}/{db['NAME']}"


def test_only_a_transaction_pooler_shares_sessions(pgbouncer):
    assert shared_backend() is None  # straight to PostgreSQL
    assert shared_backend(_through(pgbouncer("session"))) is None
    pid = shared_backend(_through(pgbouncer("transaction")))
    assert isinstance(pid, int) and pid > 0


def _run(command: list[str], port: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": _database_url(port), "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
           "GUNICORN_BIND": f"127.0.0.1:{_free_port()}"}
    return subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=120)


def test_web_and_worker_refuse_to_start_behind_a_transaction_pooler(pgbouncer):
    port = pgbouncer("transaction")
    bin_dir = Path(sys.executable).parent
    web = _run([str(bin_dir / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py"], port)
    assert web.returncode != 0 and REFUSAL in web.stderr, web.stderr[-3000:]
    assert "Booting worker" not in web.stderr  # refused before any worker started
    worker = _run([str(bin_dir / "celery"), "-A", "config", "worker", "--concurrency", "1",
                   "--without-gossip", "--without-mingle", "--without-heartbeat"], port)
    assert worker.returncode != 0 and REFUSAL in worker.stderr + worker.stdout, worker.stderr[-3000:]
    assert "ready." not in worker.stderr + worker.stdout


def test_web_starts_and_answers_through_a_session_pooler(pgbouncer):
    """The check refuses only transaction mode: through a session-mode pooler the web server starts and
    its health page reaches the database."""
    port, web_port = pgbouncer("session"), _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": _database_url(port), "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
           "GUNICORN_BIND": f"127.0.0.1:{web_port}", "WEB_CONCURRENCY": "1"}
    web = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "config.wsgi",  # noqa: S603
                            "-c", "config/gunicorn.py"], cwd=settings.BASE_DIR, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and web.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/health/", timeout=5) as response:
                    status = response.status
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200, web.stdout.read() if web.poll() is not None else "no answer"
    finally:
        web.terminate()
        web.wait(timeout=30)
