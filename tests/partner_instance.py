"""A second running instance of this system, as a partner agency runs it, for end-to-end tests of our
officers' searches of partner networks (tests/test_federation_e2e.py, the browser journey).

It has its own PostgreSQL database (created and migrated here, dropped afterwards), its own port and
its own web server (gunicorn serving ``config.wsgi``), and is seeded, in its own process, as the
partner sees us: our department registered with a declaration in force and partner searches on, one
of our officers registered as a partner person with a key, and reads of `PLATE` on its cameras.

    with running_partner() as partner:
        partner.url          # its partner API, e.g. http://127.0.0.1:8123/partner/
        partner.key          # the key it issued to our officer
        partner.stop()       # as if its network went down
"""
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PLATE = "FED4321"
PARTNER_NAME = "Riverside Police Department"
PARTNER_ORI = "IL0990000"
OUR_ORI = "IL0160000"
OUR_OFFICER = ("Olivia Reyes", "OPD-4417")
START_SECONDS = 30


@dataclass
class Partner:
    url: str
    key: str
    reads: list[int]
    database: str
    process: subprocess.Popen

    def audit_rows(self, sql: str) -> list[tuple]:
        """Rows of a query on the partner's own database (e.g. its audit log)."""
        with _connection(self.database) as connection:
            return connection.execute(sql).fetchall()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _connection(name: str = "postgres"):
    db = settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                           password=db["PASSWORD"] or None, dbname=name, autocommit=True)


def _database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    login = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{login}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database_url: str, media: Path) -> dict:
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**environment, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "ALPR_PARTNER_MEDIA": str(media), "PYTHONPATH": str(ROOT)}


def _run(arguments: list[str], environment: dict) -> str:
    done = subprocess.run([sys.executable, *arguments], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the partner's web server stopped while starting"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the partner's web server did not answer {url} within {START_SECONDS} s")


def _create_database(name: str, environment: dict) -> None:
    """Create the partner's database as a copy of this test run's (migrated) one when no one else is
    connected to it, which takes a second; else create it empty and migrate it, which takes many."""
    from django.db import connections

    source = connections["default"].settings_dict["NAME"]
    connections.close_all()
    with _connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        try:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            return
        except psycopg.errors.ObjectInUse:
            admin.execute(f'CREATE DATABASE "{name}"')
    _run(["manage.py", "migrate", "--noinput", "-v", "0"], environment)


@contextmanager
def running_partner(tmp_path: Path):
    """Create and seed the partner's database, start its web server; drop it all afterwards.

    Call it once the test database exists (after pytest-django's ``django_db_setup``).
    """
    name = f"{settings.DATABASES['default']['NAME']}_partner{os.environ.get('PYTEST_XDIST_WORKER', '')}"
    environment = _environment(_database_url(name), tmp_path / "partner-media")
    process = None
    try:
        _create_database(name, environment)
        seeded = json.loads(_run(["-m", "tests.partner_instance"], environment).strip().splitlines()[-1])
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "4", "--log-level", "warning"], cwd=ROOT, env=environment)
        base = f"http://127.0.0.1:{port}/partner/"
        _wait_until_up(f"http://127.0.0.1:{port}/health/", process)
        partner = Partner(url=base, key=seeded["key"], reads=seeded["reads"], database=name, process=process)
        yield partner
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        with _connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed() -> dict:
    """Seed the partner's own database (run in its process): us as a partner, our officer, its reads."""
    from datetime import timedelta

    from django.test import override_settings
    from django.utils import timezone

    from audit.context import Actor
    from conftest import UserFactory
    from policy.roles import Role
    from searches.tests.factories import make_camera, make_read
    from sharing.models import Agency, AgencyKind, Declaration, PartnerPerson
    from sharing.services import agencies

    administrator = UserFactory(role=Role.ADMINISTRATOR, username="partner-admin")
    us = Agency.objects.create(name="Oak Park Police Department", ori=OUR_ORI, state="IL",
                               kind=AgencyKind.IN_STATE, contact_name="Records", sharing_enabled=True,
                               contact_email="records@oak-park.example.gov")
    today = timezone.localdate()
    Declaration.objects.create(
        agency=us, signatory_name="Morgan Chen", signatory_title="Chief of Police", deletion_days=30,
        signed_on=today - timedelta(days=10), expires_on=today + timedelta(days=300),
        no_immigration_enforcement=True, no_reproductive_health_investigation=True,
        deletes_within_period=True, no_resharing_without_approval=True,
        document="declarations/oak-park.pdf", document_sha256="0" * 64,
        recorded_by=administrator)
    person = PartnerPerson.objects.create(agency=us, full_name=OUR_OFFICER[0], badge_number=OUR_OFFICER[1],
                                          email="oreyes@oak-park.example.gov")
    _, key = agencies.credential_issue(actor=Actor.for_user(administrator), person_id=person.pk)
    camera = make_camera("Riverside Rd at 1st Ave", location_description="Riverside Rd at 1st Ave")
    with override_settings(MEDIA_ROOT=os.environ["ALPR_PARTNER_MEDIA"]):
        reads = [make_read(camera=camera, plate=PLATE, captured_at=timezone.now() - timedelta(hours=hours))
                 for hours in (2, 5)]
    make_read(camera=camera, plate="OTHER99", images=False)
    return {"key": key, "reads": [read.pk for read in reads]}


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(seed()))
