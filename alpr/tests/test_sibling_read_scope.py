"""Two plates in one photo are two reads (issue 13): the scope opens each on its own (USE-1, USE-4).

The upload's read takes the first plate; the second plate is a read of its own (``source_read_id``)
sharing the photo, with its own box and crop. Tried here: a search that listed one of the two opens
the other's page, full photo or crop by number; an alert on the second plate opens the upload's read.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access, storage
from alpr.models import PlateRead
from core.errors import PolicyDenied
from hotlists import services as hotlist_services
from hotlists.matching import read_match_hotlists
from searches.tests.factories import actor, jpeg, make_read, open_justification

pytestmark = pytest.mark.django_db
OUTSIDE = "outside_read_scope"


@pytest.fixture
def photo(camera):
    """The upload's read (ABC1234) and the second plate of its photo (XYZ9876), as recognition stores them."""
    upload = make_read(camera=camera, plate="ABC1234", state="IL", box_x=10, box_y=20, box_w=60, box_h=30)
    sibling = PlateRead(camera=camera, plate="XYZ9876", state="WI", confidence=0.9,
                        captured_at=upload.captured_at, status=upload.status, image_path=upload.image_path,
                        idempotency_key=f"plate-2:{upload.uuid}", source_read_id=upload.pk,
                        box_x=200, box_y=40, box_w=60, box_h=30)
    sibling.crop_path = storage.write_durably(
        storage.read_image_name(sibling.captured_at, sibling.uuid, "crop"), jpeg(size=(90, 45)))
    sibling.save(force_insert=True)
    return upload, sibling


def _open(user, justification, read_id, kind=None):
    if kind is None:
        return access.plate_read_get(actor=actor(user), justification=justification, read_id=read_id)
    return access.plate_read_image(actor=actor(user), justification=justification, read_id=read_id, kind=kind)


def _refused_everywhere(user, justification, read_id) -> None:
    for kind in (None, "full", "crop"):
        with pytest.raises(PolicyDenied) as refused:
            _open(user, justification, read_id, kind)
        assert refused.value.code == OUTSIDE


def _listed(user, justification, plate) -> list[int]:
    return [row.id for row in access.plate_reads_search(actor=actor(user), justification=justification,
                                                        plate=plate).rows]


@pytest.mark.rule("USE-1")
@pytest.mark.rule("USE-4")
def test_a_search_listing_one_plate_of_a_photo_does_not_open_the_other(officer, justification, photo):
    upload, sibling = photo
    assert _listed(officer, justification, "ABC1234") == [upload.pk]
    assert _open(officer, justification, upload.pk).box == [10, 20, 60, 30]
    assert _open(officer, justification, upload.pk, "crop").content == storage.read_bytes(upload.crop_path)
    _refused_everywhere(officer, justification, sibling.pk)

    other = open_justification(officer, case_number="26-004513")
    assert _listed(officer, other, "XYZ9876") == [sibling.pk]
    opened = _open(officer, other, sibling.pk)
    assert (opened.plate, opened.box, opened.source_read_id) == ("XYZ9876", [200, 40, 60, 30], upload.pk)
    # Its crop is its own plate's, not the upload's; its full photo is the shared one.
    assert _open(officer, other, sibling.pk, "crop").content == storage.read_bytes(sibling.crop_path)
    assert _open(officer, other, sibling.pk, "full").content == storage.read_bytes(upload.image_path)
    _refused_everywhere(officer, other, upload.pk)


@pytest.mark.rule("USE-1")
def test_an_alert_on_the_second_plate_opens_that_read_only(officer, justification, detective, photo):
    upload, sibling = photo
    hotlist_services.hotlist_entry_add(
        actor=actor(detective), plate_pattern="XYZ9876", state="WI", case_number="26-004599",
        reason="Stolen in burglary at 100 Main St", expires_at=timezone.now() + timedelta(days=30))
    assert read_match_hotlists(upload.pk) == []
    [alert] = read_match_hotlists(sibling.pk)
    assert alert.read_id == sibling.pk and not alert.state_differs
    assert _open(officer, justification, sibling.pk).plate == "XYZ9876"
    _refused_everywhere(officer, justification, upload.pk)
