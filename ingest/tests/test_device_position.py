"""The position a device sends with an upload: both coordinates or neither (ING-3, USE-6).

A read with half a position (a latitude and no longitude) would be placed nowhere: a canvass looks at
a read's own position when it has one (``alpr.selectors._area_clause``), and a half one matches no
circle, not even one centred on the read's camera. So half a position is refused, and nothing is stored.
"""
import io

import pytest
from django.utils import timezone

from alpr.models import CameraKind, PlateRead
from ingest.tests.conftest import UPLOAD_URL, stored_images
from ingest.tests.test_formats import alpr_group, post_group

pytestmark = pytest.mark.django_db


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
