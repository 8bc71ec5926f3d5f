"""A camera's move does not move its past reads (USE-6, CAM-1, CAM-2).

A read of a fixed camera is where the camera was registered when the photo was taken: the database copies
that place into the read on insert (alpr migration 0011), and a canvass finds the read there, not at
wherever the camera stands now.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from alpr import access
from alpr.models import PlateRead
from reports.models import CameraLocationHistory
from searches.tests.factories import actor, camera_in_service, make_camera, make_read, relocate

pytestmark = pytest.mark.django_db

OLD = (41.909812, -87.806204)  # Harlem Ave at North Ave
NEW = (41.866000, -87.774000)  # Roosevelt Rd at Austin Blvd, ~5.5 km away
HARLEM = (Decimal("41.909812"), Decimal("-87.806204"), "Harlem Ave at North Ave, northbound")
ROOSEVELT = (Decimal("41.866000"), Decimal("-87.774000"), "Roosevelt Rd at Austin Blvd")


@pytest.fixture
def camera():
    return camera_in_service("Harlem & North", latitude=OLD[0], longitude=OLD[1],
                             location_description="Harlem Ave at North Ave, northbound")


def _canvass(officer, justification, place, *, since_hours=6):
    results = access.plate_reads_canvass(actor=actor(officer), justification=justification,
                                         latitude=place[0], longitude=place[1], radius_m=300,
                                         since=timezone.now() - timedelta(hours=since_hours))
    return {row.id: row for row in results.rows}


def _place(read: PlateRead) -> tuple:
    # Read back through the manager the trigger's values reached (an instance never sees them itself).
    return PlateRead.system_objects.filter(pk=read.pk).values_list(
        "camera_latitude", "camera_longitude", "camera_location").get()


@pytest.mark.rule("USE-6", "CAM-2")
def test_a_canvass_finds_reads_where_they_were_taken_not_where_the_camera_moved(officer, justification,
                                                                                camera):
    before = make_read(camera=camera, plate="KRN5562", images=False,
                       captured_at=timezone.now() - timedelta(hours=3))
    relocate(camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")
    after = make_read(camera=camera, plate="XYZ9876", images=False, captured_at=timezone.now())

    at_new_place = _canvass(officer, justification, NEW)
    assert set(at_new_place) == {after.pk}
    assert at_new_place[after.pk].distance_m == pytest.approx(0, abs=1)

    at_old_place = _canvass(officer, justification, OLD)
    assert set(at_old_place) == {before.pk}
    row = at_old_place[before.pk]
    assert row.distance_m == pytest.approx(0, abs=1)
    assert (row.camera_location, row.camera_latitude) == ("Harlem Ave at North Ave, northbound",
                                                          Decimal("41.909812"))


@pytest.mark.rule("CAM-1")
def test_a_read_carries_the_place_in_force_when_it_was_captured_whenever_it_is_stored(camera):
    """Two moves (Harlem -> Roosevelt -> Lake): each read gets the place of its capture time, also when it
    is stored after the moves (a camera's backlog), and keeps it whatever the camera does later."""
    relocate(camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")
    relocate(camera, latitude="41.887000", longitude="-87.790000",
             location_description="Harlem Ave at Lake St")
    first, second = CameraLocationHistory.objects.filter(camera=camera).order_by("effective_at")
    now = timezone.now()
    first.effective_at, second.effective_at = now - timedelta(hours=4), now - timedelta(hours=2)
    CameraLocationHistory.objects.bulk_update([first, second], ["effective_at"])

    def read_at(hours_ago):
        return make_read(camera=camera, plate="AAA1111", images=False,
                         captured_at=now - timedelta(hours=hours_ago))

    at_harlem, at_roosevelt, at_lake = read_at(5), read_at(3), read_at(1)

    assert _place(at_harlem) == HARLEM
    assert _place(at_roosevelt) == ROOSEVELT
    assert _place(at_lake) == (Decimal("41.887000"), Decimal("-87.790000"), "Harlem Ave at Lake St")


@pytest.mark.rule("CAM-1")
def test_an_update_never_changes_a_reads_place(camera):
    """Tried: a full save() of the instance make_read returned, which never saw the database's values
    (None), and an update naming the place."""
    read = make_read(camera=camera, plate="KRN5562", images=False)
    assert read.camera_latitude is None
    read.plate = "KRN5563"
    read.save()
    PlateRead.system_objects.filter(pk=read.pk).update(camera_location="Somewhere else",
                                                       camera_latitude=Decimal("1.000000"))
    assert _place(read) == HARLEM


@pytest.mark.rule("CAM-1")
def test_existing_reads_are_placed_by_the_same_rule(camera):
    """Migration 0011 fills the reads stored before it with ``alpr_camera_place_at``: the place in force at
    each read's capture (the first move after it says where the camera came from), else the current one."""
    relocate(camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")
    moved_at = CameraLocationHistory.objects.get(camera=camera).effective_at
    never_moved = make_camera("Never moved", latitude=41.8, longitude=-87.8,
                              location_description="Still here")

    def place_at(camera_id, moment):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM alpr_camera_place_at(%s, %s)", [camera_id, moment])
            return cursor.fetchone()

    assert place_at(camera.pk, moved_at - timedelta(seconds=1)) == HARLEM
    assert place_at(camera.pk, moved_at) == ROOSEVELT
    assert place_at(never_moved.pk, moved_at - timedelta(days=400)) == (Decimal("41.800000"),
                                                                         Decimal("-87.800000"), "Still here")
