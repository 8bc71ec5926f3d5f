from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from alpr import storage
from alpr.models import Camera, CameraKind
from alpr.services import camera_credential_rotate
from audit.context import Actor
from conftest import UserFactory
from ingest.conf import setting
from ingest.synthetic import plate_photo
from policy.roles import Role
from policy.selectors import current_policy
from reports import conf as reports_conf
from reports.services.cameras import placement_record_prior

UPLOAD_URL = "/api/v1/cameras/reads/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test gets its own MEDIA_ROOT, so 'no files stored' means exactly that."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INGEST_RECOGNIZER = "ingest.tests.fake_recognizer.recognize"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_health_marks():
    """Each test sees its cameras' first upload as the first of the minute (ingest.health)."""
    from ingest import health

    health._upload_marked.clear()


@pytest.fixture(autouse=True)
def _fresh_placement_flags():
    """Each test sees its cameras' first report away from their placement as the day's first."""
    from ingest import services

    services._away_flagged.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    client = redis.Redis.from_url(setting("INGEST_REDIS_URL"))
    for key in client.scan_iter("ingest:rate:*"):
        client.delete(key)


class CameraWithKey:
    def __init__(self, camera: Camera, key: str):
        self.camera, self.key = camera, key

    @property
    def auth(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Camera {self.key}"}


def install_camera(name: str, *, chief=None, kind: str = CameraKind.FIXED) -> Camera:
    """A camera in service: its installation approved by the Chief, its public notice run (CAM-2)."""
    chief = chief or UserFactory(role=Role.CHIEF)
    placement = placement_record_prior(
        actor=Actor.for_user(chief), camera_name=name, camera_kind=kind,
        approved_on=timezone.localdate() - timedelta(days=reports_conf.camera_notice_days() + 1),
        latitude="41.888100", longitude="-87.803000", location_description="Test pole, northbound lanes",
        justification="Test: repeated vehicle thefts reported along this corridor last quarter.",
        nondiscrimination="Test: weighed against the district's population and the other cameras.",
        approved_by="Test: the Chief", approval_document="Test memo", public_notice="Test: the portal")
    # In service for longer than the retention window, as a camera of the programme has been: whatever
    # capture time a test sends is one the camera took in service (ingest refuses the others, CAM-2).
    in_service_since = timezone.now() - timedelta(days=current_policy().retention_days + 1)
    Camera.objects.filter(pk=placement.camera_id).update(in_service_since=in_service_since)
    placement.camera.refresh_from_db()
    return placement.camera


@pytest.fixture
def make_camera(db):
    counter = iter(range(1, 10_000))
    chief = UserFactory(role=Role.CHIEF)

    def make(name: str | None = None, *, kind: str = CameraKind.FIXED) -> CameraWithKey:
        camera = install_camera(name or f"Test camera {next(counter)}", chief=chief, kind=kind)
        key = camera_credential_rotate(actor=Actor.system("test installer"), camera_id=camera.pk).key
        return CameraWithKey(camera, key)

    return make


@pytest.fixture
def cam(make_camera) -> CameraWithKey:
    return make_camera()


@pytest.fixture
def photo() -> bytes:
    return plate_photo("7ABC123")


def stored_images() -> list[str]:
    """References of every image stored (in this test's MEDIA_ROOT), whatever the backend's layout."""
    return storage.stored_names()


@pytest.fixture(autouse=True)
def _only_test_receivers_on_read_stored():
    """Other features' receivers (hotlist matching) are tested by their owners; keep them out of these
    tests, whose database may not hold their tables."""
    from alpr.signals import read_stored

    saved = read_stored.receivers
    read_stored.receivers = []
    read_stored.sender_receivers_cache.clear()
    yield
    read_stored.receivers = saved
    read_stored.sender_receivers_cache.clear()


@pytest.fixture
def heard():
    """The ids of the reads `read_stored` announces while the test runs."""
    from alpr.signals import read_stored

    calls = []

    def receiver(sender, read_id, **kwargs):
        calls.append(read_id)

    read_stored.connect(receiver)
    yield calls
    read_stored.disconnect(receiver)
