"""An upload's read keeps where its camera was when the photo was taken (CAM-1, USE-6).

A camera uploads its backlog after a network outage: photos taken before a relocation took effect may
arrive after it. Each read gets the place in force at its capture time, not the camera's place at upload.
"""
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alpr.models import PlateRead
from ingest.tests.conftest import UPLOAD_URL
from reports.models import CameraLocationHistory
from searches.tests.factories import relocate

pytestmark = pytest.mark.django_db

POLE = (Decimal("41.888100"), Decimal("-87.803000"), "Test pole, northbound lanes")  # install_camera's place
ROOSEVELT = (Decimal("41.866000"), Decimal("-87.774000"), "Roosevelt Rd at Austin Blvd")


def _upload(client, cam, photo, captured_at):
    data = {"captured_at": captured_at.isoformat(), "photo": io.BytesIO(photo)}
    data["photo"].name = "car.jpg"
    response = client.post(UPLOAD_URL, data, **cam.auth)
    assert response.status_code == 202, response.content
    return PlateRead.system_objects.get(pk=response.json()["read_id"])


@pytest.mark.rule("CAM-1", "USE-6")
def test_a_backlog_uploaded_after_a_relocation_keeps_the_place_of_its_capture(client, cam, photo):
    # The installation took effect two days ago (install_camera records it as of now).
    installed = CameraLocationHistory.objects.filter(camera=cam.camera)
    installed.update(effective_at=timezone.now() - timedelta(days=2))
    relocate(cam.camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")

    backlog = _upload(client, cam, photo, timezone.now() - timedelta(hours=3))
    current = _upload(client, cam, photo, timezone.now())

    assert (backlog.camera_latitude, backlog.camera_longitude, backlog.camera_location) == POLE
    assert (current.camera_latitude, current.camera_longitude, current.camera_location) == ROOSEVELT
