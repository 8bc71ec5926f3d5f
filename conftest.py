"""Fixtures shared by every app's tests: people of each role, and clients signed in through MFA."""
import time
import uuid

import factory
import pytest
from django.db import OperationalError
from django.db.backends.postgresql.operations import DatabaseOperations
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountStatus, TrainingKind, TrainingRecord, User
from policy.roles import Role

PASSWORD = "Plate-Reader-Passphrase-2026"  # noqa: S105  (test fixture)


# Django empties tables between transactional tests with TRUNCATE, which the audit log's triggers
# refuse (as they must). Tests only: let the superuser test connection skip triggers for that flush.
_flush = DatabaseOperations.execute_sql_flush


FLUSH_ATTEMPTS = 5


def _flush_past_audit_triggers(self, sql_list):
    with self.connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        _flush_retrying_deadlocks(self, sql_list)
    finally:
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


def _flush_retrying_deadlocks(self, sql_list):
    """Flush; if PostgreSQL picks the flush's TRUNCATE as a deadlock victim, try again.

    After a browser test, a request the page sent last (an alert poll, a download) may still hold a
    table lock in the live server's thread while the TRUNCATE of every table waits for it; PostgreSQL
    then aborts one of the two. The request finishes in milliseconds, so a retry succeeds.
    """
    for attempt in range(FLUSH_ATTEMPTS):
        try:
            return _flush(self, sql_list)
        except OperationalError as error:
            if "deadlock detected" not in str(error) or attempt == FLUSH_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


DatabaseOperations.execute_sql_flush = _flush_past_audit_triggers


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n:04d}")
    full_name = factory.Faker("name")
    badge_number = factory.Sequence(lambda n: f"B{n:05d}")
    role = Role.OFFICER
    status = AccountStatus.ACTIVE
    email = factory.LazyAttribute(lambda u: f"{u.username}@police.example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def trained(user, create, extracted, **kwargs):
        """Give the person current training for their role unless `trained=False`."""
        user.save()
        if extracted is False:
            return
        for kind in TrainingKind:
            TrainingRecord.objects.create(user=user, kind=kind, completed_on=timezone.localdate(),
                                          reference="Fixture", recorded_by=user)


def confirmed_totp(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True, tolerance=0)


def current_code(device: TOTPDevice) -> str:
    """Return the device's current code, fresh enough to be checked in the same 30-second step.

    Codes are accepted only in their own step (tolerance 0), so a code read in the last moments of
    a step could expire before the request that carries it arrives.
    """
    into_step = (time.time() - device.t0) % device.step
    if into_step > device.step - 3:
        time.sleep(device.step - into_step + 0.05)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user, *, password: str = PASSWORD):
    """Sign `client` in as `user` through the real pages: password, notice, TOTP."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_totp(user)
    response = client.post("/accounts/login/", {"username": user.username, "password": password,
                                                "notice_acknowledged": "on"})
    assert response.status_code == 302, response.content[:500]
    response = client.post("/accounts/verify/", {"token": current_code(device)})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture(autouse=True)
def _fresh_partition_cache():
    """Forget which read partitions this process has seen: a rolled-back test takes its own with it."""
    from alpr.partitions import forget_known_partitions

    forget_known_partitions()


@pytest.fixture(autouse=True)
def _fresh_submission_counts(settings):
    """Count portal submissions under this test's own key prefix, in the test Redis database.

    The counters outlive a test by up to the limit's period; a fresh prefix keeps one test (or another
    suite running beside this one) from using up the next one's allowance, without flushing a database
    that the Celery broker shares.
    """
    limiter = {
        **settings.CACHES["ratelimit"],
        "LOCATION": settings.CELERY_BROKER_URL,
        "KEY_PREFIX": f"test-ratelimit-{uuid.uuid4().hex}",
    }
    settings.CACHES = {**settings.CACHES, "ratelimit": limiter}


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """A real S3 server (SeaweedFS) on loopback for the session, started on first use, with one signed
    identity; stopped at the end."""
    from core.seaweedfs import SeaweedServer

    server = SeaweedServer(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture(params=["local", "s3"])
def storage_backend(request, settings, tmp_path):
    """Run a test on each storage backend: the local disk (its own MEDIA_ROOT and EVIDENCE_ROOT), and
    S3 against the session's SeaweedFS in a bucket of the test's own. Yields the backend's name."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.SHARING_DOCUMENTS_ROOT = tmp_path / "documents"
    if request.param == "s3":
        server = request.getfixturevalue("seaweedfs")
        bucket = server.create_bucket(f"test-{uuid.uuid4().hex[:16]}")
        for name, value in server.settings(bucket).items():
            setattr(settings, name, value)
        yield request.param
        server.delete_bucket(bucket)
    else:
        settings.ALPR_STORAGE_BACKEND = "local"
        yield request.param


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def make_verified_client(db, client_factory):
    """Return a function that signs a fresh client in as a new user of `role` (or a given user)."""

    def make(role: str = Role.OFFICER, user=None, **user_fields):
        person = user or UserFactory(role=role, **user_fields)
        client = client_factory()
        sign_in(client, person)
        client.user = person
        return client

    return make


@pytest.fixture
def regrant(monkeypatch):
    """Return a function that grants `capability` to exactly `roles` for this test (policy.roles)."""
    from policy.roles import ROLE_CAPABILITIES

    def grant(capability: str, *roles: str) -> None:
        for role, capabilities in ROLE_CAPABILITIES.items():
            granted = capabilities | {capability} if role in roles else capabilities - {capability}
            monkeypatch.setitem(ROLE_CAPABILITIES, role, frozenset(granted))

    return grant


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.OFFICER)


@pytest.fixture
def detective(db):
    return UserFactory(role=Role.DETECTIVE)


@pytest.fixture
def analyst(db):
    return UserFactory(role=Role.ANALYST)


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


@pytest.fixture
def verified_client(make_verified_client):
    return make_verified_client(Role.OFFICER)
