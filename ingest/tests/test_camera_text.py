"""What a camera's own reader sends is a plate only when it plausibly is one (issue 13: no junk reads).

Each case posts an OpenALPR agent group as a camera would, with the text, confidence and region tried.
"""
import pytest

from alpr.models import PlateRead, ReadStatus
from ingest.tests.test_formats import alpr_group, post_group

pytestmark = [pytest.mark.django_db, pytest.mark.rule("ING-1")]


def stored(response) -> PlateRead:
    assert response.status_code in (200, 202), response.content
    return PlateRead.system_objects.get(pk=response.json()["read_id"])


@pytest.mark.parametrize("text", [
    "7AB?123",  # the camera could not read the fourth character: 7 characters, not the plate 7AB123
    "7AB*123",
    "7\u0410\u0412\u0421123",  # Cyrillic А, В, С among Latin digits
    "KDB\u00df21",  # ß, which upper-cases to SS
    "\ufb00\ufb00\ufb00\ufb00",  # the ligature ff, which upper-cases to FF
    "\u0131\u0131\u0131\u0131",  # dotless i, which upper-cases to I
    "NOREAD",  # what cameras send for "no plate"
    "UNKNOWN",
])
def test_a_text_with_a_character_that_is_no_plate_character_is_no_plate_read(client, cam, media_root, text):
    read = stored(post_group(client, cam, alpr_group(
        best_plate_number=text, best_uuid=f"junk-{text.encode().hex()}",
        candidates=[{"plate": text, "confidence": 91.0}])))
    assert read.status == ReadStatus.DONE
    assert (read.plate, read.candidates, read.state) == ("", [], None), f"{text!r} stored as {read.plate!r}"
    assert read.image_path, "the read keeps its photo"


@pytest.mark.parametrize("text", ["kdb-4821", "KDB 4821", " kdb.4821 ", "KDB\u00b74821"])
def test_separators_and_case_are_normalised(client, cam, media_root, text):
    read = stored(post_group(client, cam, alpr_group(best_plate_number=text, best_uuid=f"sep-{text}")))
    assert read.plate == "KDB4821"


NO_PLATE_CHARACTERS = ["\uff2b\uff24\uff22\uff14\uff18\uff12\uff11", "\u041a\u0414\u0412", "---", ""]


@pytest.mark.parametrize("text", NO_PLATE_CHARACTERS)
def test_a_text_without_any_plate_character_keeps_its_upload_as_no_plate_read(client, cam, media_root, text):
    """Fullwidth letters, another script, only dashes, nothing: the photo is kept, no plate."""
    group = alpr_group(best_plate_number=text, best_uuid=f"j-{text.encode().hex()}", candidates=[])
    read = stored(post_group(client, cam, group))
    assert read.plate == "" and read.image_path
    assert PlateRead.system_objects.exclude(plate="").count() == 0


def test_an_unsure_camera_reading_without_a_state_is_no_plate_read(client, cam, media_root):
    """A bus's fleet number read at 0.15 with no region: the recognizer's rule holds for cameras too."""
    read = stored(post_group(client, cam, alpr_group(
        best_plate_number="219906", best_confidence=15.0, best_region="", best_uuid="unsure-bus-number",
        candidates=[{"plate": "219906", "confidence": 15.0}])))
    assert read.plate == ""


def test_an_unsure_camera_reading_with_its_state_named_is_a_plate(client, cam, media_root):
    read = stored(post_group(client, cam, alpr_group(
        best_plate_number="KDB4821", best_confidence=30.0, best_region="us-il", best_region_confidence=90.0,
        best_uuid="unsure-with-state")))
    assert (read.plate, read.state) == ("KDB4821", "IL")


def test_two_agent_groups_whose_uuids_differ_only_at_the_end_are_two_reads(client, cam, media_root):
    base = "A" * 110
    first = post_group(client, cam, alpr_group(best_uuid=base + "111111111", best_plate_number="KDB4821"))
    second = post_group(client, cam, alpr_group(best_uuid=base + "222222222", best_plate_number="ZX9Q14",
                                                candidates=[]))
    assert first.status_code == 202, first.content
    assert second.status_code == 202 and not second.json()["duplicate"], second.content
    assert sorted(PlateRead.system_objects.values_list("plate", flat=True)) == ["KDB4821", "ZX9Q14"]


def test_a_uuid_too_long_for_the_key_is_refused_and_nothing_is_stored(client, cam, media_root):
    response = post_group(client, cam, alpr_group(best_uuid="A" * 120))
    assert response.status_code == 400
    assert "best_uuid" in response.content.decode()
    assert PlateRead.system_objects.count() == 0
