"""The position a device sends with an upload (ING-3, USE-6, CAM-2).

Both coordinates or neither: a read with half a position (a latitude and no longitude) would be placed
nowhere: a canvass looks at a read's own position when it has one (``alpr.selectors._area_clause``), and a
half one matches no circle, not even one centred on the read's camera. So it is refused, storing nothing.

Only a mobile camera's reads are placed where its device says. A fixed or trailer camera was approved at
one place, after public notice: its reads are placed there (the placement in force at capture), and its
device reporting itself far from there is flagged for the auditor (possibly moved without approval), the
reads still accepted.
"""
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.access import plate_reads_canvass
from alpr.models import CameraKind, PlateRead
from audit.context import Actor
from audit.models import AuditEvent
from conftest import UserFactory
from ingest import services
from ingest.audit_actions import CAMERA_AWAY_FROM_PLACEMENT
from ingest.tests.conftest import UPLOAD_URL, stored_images
from ingest.tests.test_formats import alpr_group, post_group
from policy.roles import Role
from reports.models import CameraLocationHistory
from searches.tests.factories import open_justification, relocate

pytestmark = pytest.mark.django_db

# Where ingest.tests.conftest.install_camera puts every test camera (its approved installation).
POLE = (41.888100, -87.803000)
FAR = (41.930000, -87.803000)  # ~4.7 km north of the pole
NEAR = (41.888500, -87.803000)  # ~45 m north: a GPS's wander


def _upload(client, cam, photo, **fields):
    data = {"captured_at": timezone.now().isoformat(), "photo": io.BytesIO(photo), **fields}
    return client.post(UPLOAD_URL, data, **cam.auth)


@pytest.fixture
def squad(make_camera):
    """A mobile (vehicle-mounted) camera: its reads are placed where its device says."""
    return make_camera("Squad 12 camera", kind=CameraKind.MOBILE)


@pytest.mark.rule("ING-3", "USE-6")
@pytest.mark.parametrize(("sent", "missing"), [({"latitude": "41.8881"}, "longitude"),
                                               ({"longitude": "-87.803"}, "latitude")])
def test_an_upload_with_half_a_position_is_refused_and_stores_nothing(client, squad, photo, media_root,
                                                                     sent, missing):
    response = _upload(client, squad, photo, **sent)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == missing and f"without {missing}" in body["detail"], body
    assert PlateRead.system_objects.count() == 0 and stored_images() == []


@pytest.mark.rule("ING-3", "USE-6")
@pytest.mark.parametrize("dropped", ["gps_latitude", "gps_longitude"])
def test_an_openalpr_group_with_half_a_position_is_refused_and_stores_nothing(client, squad, media_root,
                                                                             dropped):
    group = alpr_group(best_uuid=f"half-{dropped}")
    group.pop(dropped)
    response = post_group(client, squad, group)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == dropped and f"without {dropped}" in body["detail"], body
    assert PlateRead.system_objects.count() == 0 and stored_images() == []


@pytest.mark.rule("USE-6")
def test_a_position_of_zero_zero_is_no_fix_and_the_read_is_placed_by_its_camera(client, squad, photo):
    """A GPS without a fix reports (0, 0): no position, not a read off the coast of West Africa."""
    for response in (_upload(client, squad, photo, latitude="0", longitude="0.0"),
                     post_group(client, squad, alpr_group(gps_latitude=0, gps_longitude=0))):
        assert response.status_code == 202, response.content
        read = PlateRead.system_objects.get(pk=response.json()["read_id"])
        assert (read.latitude, read.longitude) == (None, None)
        assert read.camera_latitude is not None  # placed by its camera's registered place
    # One coordinate at zero is a real place (the equator, or the prime meridian): kept.
    response = _upload(client, squad, photo, latitude="0", longitude="-87.803")
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert (str(read.latitude), str(read.longitude)) == ("0.000000", "-87.803000")


@pytest.mark.rule("USE-6")
def test_a_mobile_cameras_read_is_placed_where_its_device_says(client, squad, photo):
    for response in (_upload(client, squad, photo, latitude="41.9300", longitude="-87.803"),
                     post_group(client, squad, alpr_group(gps_latitude=41.93, gps_longitude=-87.803))):
        assert response.status_code == 202, response.content
        read = PlateRead.system_objects.get(pk=response.json()["read_id"])
        assert (str(read.latitude), str(read.longitude)) == ("41.930000", "-87.803000")


def _canvass_ids(latitude, longitude, radius_m=300) -> set[int]:
    officer = UserFactory(role=Role.OFFICER)
    result = plate_reads_canvass(actor=Actor.for_user(officer), justification=open_justification(officer),
                                 latitude=latitude, longitude=longitude, radius_m=radius_m)
    return {row.id for row in result.rows}


def _flags(camera=None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action=CAMERA_AWAY_FROM_PLACEMENT.code).order_by("id")
    return list(events.filter(targets__contains=[f"camera:{camera.pk}"]) if camera else events)


def _group_at(place, uuid, **overrides):
    return alpr_group(best_uuid=uuid, gps_latitude=place[0], gps_longitude=place[1], **overrides)


@pytest.mark.rule("CAM-2", "USE-6")
@pytest.mark.parametrize("kind", [CameraKind.FIXED, CameraKind.TRAILER])
def test_a_camera_that_stays_put_is_placed_at_its_approved_placement_whatever_its_device_says(
        client, make_camera, kind):
    """The device says it is ~4.7 km from the pole the Chief approved: the read is accepted, found by a
    canvass at the pole and not at the place the device names, and the auditor is told."""
    cam = make_camera(kind=kind)
    response = post_group(client, cam, _group_at(FAR, "far-away"))
    assert response.status_code == 202, response.content
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert (read.latitude, read.longitude) == (None, None)  # the device's position places nothing
    assert (float(read.camera_latitude), float(read.camera_longitude)) == POLE
    assert read.pk in _canvass_ids(*POLE) and read.pk not in _canvass_ids(*FAR)

    [flag] = _flags(cam.camera)
    assert flag.flagged and flag.actor_type == "camera" and f"read:{read.pk}" in flag.targets
    assert "approved placement" in flag.description and "moved without" in flag.description
    assert flag.query["reported"] == ["41.930000", "-87.803000"]
    assert flag.query["approved"] == ["41.888100", "-87.803000"]
    assert flag.query["distance_m"] == pytest.approx(4659, abs=10)


@pytest.mark.rule("CAM-2")
def test_a_camera_away_from_its_placement_is_flagged_once_a_day_however_many_uploads_say_so(
        client, cam, make_camera, photo, monkeypatch):
    for number in range(3):
        assert post_group(client, cam, _group_at(FAR, f"far-{number}")).status_code == 202
        services._away_flagged.clear()  # another process: the database still knows today's entry
    data = {"captured_at": timezone.now().isoformat(), "photo": io.BytesIO(photo),
            "latitude": str(FAR[0]), "longitude": str(FAR[1])}
    response = client.post(UPLOAD_URL, data, **cam.auth)  # the upload form's position counts the same
    assert response.status_code == 202, response.content
    assert PlateRead.system_objects.get(pk=response.json()["read_id"]).latitude is None
    assert len(_flags(cam.camera)) == 1
    # Another camera away from its own placement is another entry.
    other = make_camera()
    assert post_group(client, other, _group_at(FAR, "other-far")).status_code == 202
    assert len(_flags(other.camera)) == 1 and len(_flags()) == 2
    # The next day, the camera reporting the same is flagged again.
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert post_group(client, cam, _group_at(FAR, "far-tomorrow")).status_code == 202
    assert len(_flags(cam.camera)) == 2


@pytest.mark.rule("CAM-2")
def test_a_gps_wandering_near_the_placement_is_not_flagged(client, cam):
    response = post_group(client, cam, _group_at(NEAR, "near"))
    assert response.status_code == 202, response.content
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert (read.latitude, float(read.camera_latitude)) == (None, POLE[0])
    assert _flags() == []


@pytest.mark.rule("CAM-2", "USE-6")
def test_the_position_is_compared_with_the_placement_in_force_when_the_photo_was_taken(client, cam):
    """The camera was moved (approved) to Roosevelt Rd. Its backlog from before the move reports the old
    pole: that is where it was, no flag. A photo taken since that still reports the old pole is flagged."""
    CameraLocationHistory.objects.filter(camera=cam.camera).update(
        effective_at=timezone.now() - timedelta(days=2))
    relocate(cam.camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")
    epoch = int((timezone.now() - timedelta(hours=3)).timestamp() * 1000)
    backlog = post_group(client, cam, _group_at(POLE, "backlog", epoch_start=epoch, epoch_end=epoch + 800))
    assert backlog.status_code == 202, backlog.content
    assert _flags() == []
    since = int(timezone.now().timestamp() * 1000) + 1000  # after the move took effect
    assert post_group(client, cam, _group_at(POLE, "since", epoch_start=since,
                                             epoch_end=since + 800)).status_code == 202
    [flag] = _flags(cam.camera)
    assert flag.query["approved"] == ["41.866000", "-87.774000"]


@pytest.mark.rule("USE-6")
def test_a_mobile_camera_far_from_its_registered_place_is_not_flagged(client, squad):
    response = post_group(client, squad, _group_at(FAR, "patrol"))
    assert response.status_code == 202, response.content
    read = PlateRead.system_objects.get(pk=response.json()["read_id"])
    assert (float(read.latitude), float(read.longitude)) == FAR
    assert read.pk in _canvass_ids(*FAR) and read.pk not in _canvass_ids(*POLE)
    assert _flags() == []
