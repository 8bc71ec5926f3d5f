"""Every plate in a photo, each with its own box and state; nothing from photos without a plate."""

import cv2
import numpy as np
import pytest

from ingest.recognizer import Recognizer, recognize
from ingest.recognizer.formats import edit_distance
from ingest.recognizer.localize import Box, iou
from ingest.recognizer.state import MIN_STATE_CONFIDENCE, STATE_LABELS
from ingest.recognizer.tests.synthetic_photos import jpeg_bytes, make_photo, make_two_car_photo


@pytest.mark.rule("ING-1")
def test_two_cars_in_one_photo_give_two_plates_each_at_its_own_box():
    scene, placed = make_two_car_photo(("7ABC123", "KDB4821"))
    plates = recognize(jpeg_bytes(scene))
    assert len(plates) == 2
    for truth in placed:
        at_box = [plate for plate in plates if iou(Box(*plate.box), Box(*truth.box)) > 0.4]
        assert len(at_box) == 1
        assert edit_distance(at_box[0].text, truth.text) <= 1, at_box[0].text  # as test_pipeline allows


def scene_without_plate(kind: str) -> np.ndarray:
    """A car-sized scene with no plate: a blank car, noise, or lettering that is not a registration."""
    rng = np.random.default_rng(3)
    if kind == "noise":
        return rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    scene = np.full((600, 800, 3), (70, 80, 95), dtype=np.uint8)
    cv2.rectangle(scene, (150, 200), (650, 520), (120, 40, 40), -1)
    cv2.rectangle(scene, (200, 230), (600, 300), (30, 30, 30), -1)
    if kind == "sticker":  # a short bumper sticker, the "9C" kind of junk
        cv2.rectangle(scene, (330, 380), (470, 440), (235, 235, 235), -1)
        cv2.putText(scene, "9C", (350, 430), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (20, 20, 20), 4)
    if kind == "stripes":  # a grille of vertical bars, plate-sized
        for x in range(330, 470, 12):
            cv2.rectangle(scene, (x, 385), (x + 5, 430), (20, 20, 20), -1)
    return scene


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize("kind", ["blank car", "noise", "sticker", "stripes"])
def test_a_photo_without_a_plate_gives_no_plate(kind):
    assert recognize(jpeg_bytes(scene_without_plate(kind))) == []


@pytest.mark.rule("ING-1")
def test_each_plate_has_a_state_with_its_confidence_or_none_with_zero():
    plates = recognize(make_photo("7ABC123").image)
    assert plates
    for plate in plates:
        as_dict = plate.as_dict()
        assert as_dict["state"] == plate.state and as_dict["state_confidence"] == round(
            plate.state_confidence, 4
        )
        if plate.state is None:
            assert plate.state_confidence == 0.0
        else:
            assert plate.state in STATE_LABELS
            assert MIN_STATE_CONFIDENCE <= plate.state_confidence <= 1.0


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize("text", ["5XYZ902", "ABC1234"])
def test_a_plate_of_californias_design_is_read_as_california(text):
    """The test plate is California's: white, the name in red across the top, a dark blue serial."""
    plates = recognize(jpeg_bytes(make_photo(text).image))
    assert [(plate.text, plate.state) for plate in plates] == [(text, "CA")]
    assert plates[0].state_confidence >= MIN_STATE_CONFIDENCE


@pytest.mark.rule("ING-1")
def test_without_the_classifier_no_state_is_named():
    plates = Recognizer(detect_state=False).recognize(make_photo("ABC1234").image)
    assert plates and all(plate.state is None and plate.state_confidence == 0.0 for plate in plates)
