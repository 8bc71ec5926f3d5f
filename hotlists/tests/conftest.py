"""Fixtures for the hotlist tests: people of each role, a camera, reads arriving through ingest."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.services import camera_create
from audit.context import Actor
from audit.models import AuditEvent
from demo.clock import at
from hotlists.matching import read_match_hotlists
from ingest.services import EdgeReading, read_accept
from ingest.synthetic import plate_photo
from ingest.validation import check_image


def act_as(user) -> Actor:
    return Actor.for_user(user, client_ip="10.0.0.7")


def audit_rows(action, **filters):
    code = getattr(action, "code", action)
    return list(AuditEvent.objects.filter(action=code, **filters).order_by("id"))


def in_days(days: float = 30):
    return timezone.now() + timedelta(days=days)


def matched_on_arrival(read) -> list:
    """Match `read` with the clock a minute after its capture: the alerts an old read raised when it
    arrived (matched now, a read captured longer ago than the policy's ``alert_max_read_age_hours``
    raises none)."""
    with at(read.captured_at + timedelta(minutes=1)):
        return read_match_hotlists(read.pk)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def camera(db):
    return camera_create(actor=Actor.system("test installer"), name="Harlem & Lake NB")


@pytest.fixture
def make_read(camera):
    """Store a read as a camera's edge recogniser would (done, with a crop and a photo)."""

    def make(plate: str, *, state: str | None = "IL", candidates=None, when=None, with_images: bool = True):
        image = check_image(plate_photo(plate)) if with_images else None
        edge = EdgeReading(plate=plate, confidence=0.9, state=state, state_confidence=0.9, crop=image,
                           candidates=candidates or [{"text": plate, "confidence": 0.9}])
        return read_accept(camera=camera, photo=image, captured_at=when or timezone.now(), edge=edge).read

    return make
