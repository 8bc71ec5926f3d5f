"""End-to-end checks on synthetic photos: the plate is found and read with at most one slip."""

import numpy as np
import pytest

from ingest.recognizer import PlateResult, recognize
from ingest.recognizer.formats import edit_distance
from ingest.recognizer.localize import Box, find_plate_candidates, iou
from ingest.recognizer.tests.synthetic_photos import jpeg_bytes, make_photo

CONDITIONS = {
    "clean": {},
    "small": {"plate_width": 95},
    "tilted": {"tilt": 0.05},
    "blurred": {"blur": 1.0},
    "noisy": {"noise": 8.0},
    "night": {"night": True, "noise": 3.0},
}
TEXTS = ("7ABC123", "KDB4821", "5XYZ902", "ABC1234")


def overlaps_truth(plate: PlateResult, truth: tuple[int, int, int, int]) -> float:
    return iou(Box(*plate.box), Box(*truth))


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize("condition", CONDITIONS)
def test_localiser_puts_the_plate_among_its_first_candidates(condition):
    photo = make_photo("7ABC123", **CONDITIONS[condition])
    candidates = find_plate_candidates(photo.image)
    assert any(iou(box, Box(*photo.box)) > 0.25 for box in candidates[:5])


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("text", TEXTS)
def test_plate_is_found_and_read_within_one_character(condition, text):
    photo = make_photo(text, seed=len(text), **CONDITIONS[condition])
    plates = recognize(jpeg_bytes(photo.image))
    assert plates, "no plate found"
    best = plates[0]
    assert overlaps_truth(best, photo.box) > 0.4
    assert edit_distance(best.text, text) <= 1, best.text


@pytest.mark.rule("ING-1")
def test_clean_plate_is_read_exactly_and_result_is_well_formed():
    photo = make_photo("7ABC123")
    plates = recognize(photo.image)
    best = plates[0]
    assert best.text == "7ABC123"
    assert 0.0 < best.confidence <= 1.0
    assert best.candidates[0].text == best.text
    assert [c.confidence for c in best.candidates] == sorted(
        (c.confidence for c in best.candidates), reverse=True
    )
    as_dict = best.as_dict()
    assert set(as_dict) == {"text", "confidence", "box", "candidates", "state", "state_confidence"}
    assert all(isinstance(value, int) for value in as_dict["box"])


@pytest.mark.rule("ING-1")
def test_photo_without_a_plate_gives_no_confident_reading():
    blank = np.full((480, 640, 3), 128, dtype=np.uint8)
    assert recognize(blank) == []


def test_undecodable_bytes_are_rejected():
    with pytest.raises(ValueError):
        recognize(b"not an image")
