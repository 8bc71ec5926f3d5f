"""The plate classifier chooses which localiser boxes the reader reads, and the networks run through
ONNX Runtime exactly as exported."""

import cv2
import numpy as np
import pytest

from ingest.recognizer import Recognizer, plausibility
from ingest.recognizer.localize import Box, find_plate_candidates, iou
from ingest.recognizer.network import OnnxNetwork
from ingest.recognizer.pipeline import (
    CANDIDATE_BOXES,
    MAX_NOT_PLATE_TO_READ,
    NARROWED_READ_VARIANTS,
    PLATE_WIDTH_PER_SHORT_SPAN,
    PLATE_WIDTH_PER_SPAN,
    READ_BOXES,
    READ_VARIANTS,
    _plate_box,
    _rank_texts,
    boxes_to_read,
    extended_box,
    narrowed_box,
    plate_shaped,
)
from ingest.recognizer.reader import DEFAULT_MODEL_PATH
from ingest.recognizer.state import DEFAULT_STATE_MODEL_PATH
from ingest.recognizer.tests.synthetic_photos import make_photo


def cluttered_photo(text: str) -> tuple[np.ndarray, Box]:
    """The plate photo with rows of lettering above it that the localiser ranks as plate-like text."""
    photo = make_photo(text)
    image = photo.image.copy()
    for row, line in enumerate(("FLEET 2231 SERVICE", "CALL 555 0199 NOW", "EST 1987 MOTORS")):
        y = 60 + 45 * row
        cv2.rectangle(image, (60, y - 32), (740, y + 8), (230, 230, 230), -1)
        cv2.putText(image, line, (70, y), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (20, 20, 20), 3)
    return image, Box(*photo.box)


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize(
    ("model_path", "shape"),
    [(DEFAULT_MODEL_PATH, (5, 1, 32, 96)), (DEFAULT_STATE_MODEL_PATH, (5, 3, 48, 96))],
)
def test_onnx_runtime_gives_what_opencv_gives_for_the_exported_models(model_path, shape):
    batch = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    reference = cv2.dnn.readNetFromONNX(str(model_path))
    reference.setInput(batch)
    expected = reference.forward()
    assert np.allclose(OnnxNetwork(model_path).run(batch).reshape(expected.shape), expected, atol=1e-4)


@pytest.mark.rule("ING-1")
def test_the_plate_is_the_first_box_read_even_among_plate_like_lettering():
    image, truth = cluttered_photo("7ABC123")
    recognizer = Recognizer()
    candidates = find_plate_candidates(image, CANDIDATE_BOXES)
    assert len(candidates) > READ_BOXES, "the scene must offer more boxes than are read"
    chosen = recognizer._most_plate_like(candidates, image)
    assert 0 < len(chosen) <= READ_BOXES
    assert iou(chosen[0], truth) > 0.25
    plates = recognizer.recognize(image)
    assert plates[0].text == "7ABC123"
    assert iou(Box(*plates[0].box), truth) > 0.4


@pytest.mark.rule("ING-1")
def test_the_most_plate_like_boxes_are_read_first_and_sure_non_plates_not_at_all():
    boxes = [Box(10 * index, 0, 80, 20) for index in range(8)]
    not_plate = np.array([0.6, 0.01, MAX_NOT_PLATE_TO_READ, 0.3, 0.999, 0.02, 0.7, 0.5])
    assert boxes_to_read(boxes, not_plate) == [boxes[1], boxes[5], boxes[3], boxes[7], boxes[0]]
    assert boxes_to_read(boxes[2:5:2], not_plate[2:5:2]) == []


def test_a_text_row_box_becomes_a_plate_shaped_box_around_its_centre():
    x, y, w, h = plate_shaped(Box(100, 200, 80, 20))
    assert (x, w, h) == (100, 80.0, 40.0)
    assert y + h / 2 == 210


@pytest.mark.rule("ING-1")
@pytest.mark.parametrize(
    ("characters", "width_per_span"),
    [
        (4, PLATE_WIDTH_PER_SHORT_SPAN),
        (5, PLATE_WIDTH_PER_SHORT_SPAN),
        (6, PLATE_WIDTH_PER_SPAN),
        (7, PLATE_WIDTH_PER_SPAN),
    ],
)
def test_a_short_serial_is_given_a_plate_as_wide_as_a_long_one_around_it(characters, width_per_span):
    """What was tried: a four-character serial spaced out across its plate (Minnesota's 7364), whose
    characters span half the plate; boxed as if they spanned most of it, the box found a third of
    the plate (IoU 0.34) and the plate counted as not found."""
    span = (300.0, 360.0)
    x, _, w, h = _plate_box(Box(280, 400, 100, 24), span, characters)
    assert w == round(60 * width_per_span)
    assert abs(h - w / 2) <= 1
    assert abs((x + w / 2) - 330) <= 1, "the plate stays centred on its characters"
    assert PLATE_WIDTH_PER_SHORT_SPAN / PLATE_WIDTH_PER_SPAN > 1.2


@pytest.mark.rule("ING-1")
def test_a_box_far_wider_than_its_characters_is_read_again_around_them():
    """What was tried: a localiser box that takes in the bumper beside the plate, so the characters
    fill under half the crop (a tow bracket's box did this to 8P62983)."""
    photo = make_photo("8P62983", plate_width=110)
    x, y, w, h = photo.box
    character_row = Box(x + round(0.11 * w), y + round(0.3 * h), round(0.78 * w), round(0.45 * h))
    wide = Box(x - round(0.9 * w), character_row.y, round(0.9 * w) + w, character_row.h)
    gray = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    recognizer = Recognizer()
    [read] = recognizer._read_boxes([wide], gray, READ_VARIANTS)
    narrow = narrowed_box(read)
    assert narrow is not None
    assert iou(narrow, character_row) > 0.6
    [reread] = recognizer._read_boxes([narrow], gray, NARROWED_READ_VARIANTS)
    assert _rank_texts(reread).text == "8P62983"
    assert narrowed_box(reread) is None, "a box that fits its characters is not narrowed again"


def hazy_photo_beside_foliage(text: str) -> tuple[np.ndarray, Box]:
    """A washed-out scene (a fifth of its contrast, lifted to mid-grey) under a band of hard black and
    white speckle, like sunlit leaves: the speckle's edges drown the plate's in the localiser's mask."""
    photo = make_photo(text)
    image = photo.image.astype(np.float32) * 0.2 + 90
    speckle = np.random.default_rng(0).random((25, 175)) > 0.5
    image[20:120, 50:750] = np.kron(speckle, np.ones((4, 4)))[..., None] * 255
    return image.astype(np.uint8), Box(*photo.box)


@pytest.mark.rule("ING-1")
def test_a_washed_out_plate_is_looked_for_again_in_the_contrast_equalised_photo():
    """What was tried: a hazy photo whose plate the localiser misses beside a high-contrast area."""
    image, truth = hazy_photo_beside_foliage("7ABC123")
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    recognizer = Recognizer()
    assert recognizer._plates_found_in(gray, gray, image) == ([], False), "the first look must miss it"
    [plate] = recognizer.recognize(image)
    assert plate.text == "7ABC123"
    assert iou(Box(*plate.box), truth) > 0.4


@pytest.mark.rule("ING-1")
def test_a_box_that_cuts_the_characters_short_is_widened_on_that_side():
    """What was tried: a box starting inside the plate's first character (the hazy CK0A1F plate's box
    cut into its characters)."""
    photo = make_photo("8P62983", plate_width=130)
    x, y, w, h = photo.box
    row = Box(x + round(0.11 * w), y + round(0.3 * h), round(0.78 * w), round(0.45 * h))
    cut = Box(row.x + 9, row.y, row.w - 15, row.h)
    gray = cv2.cvtColor(photo.image, cv2.COLOR_BGR2GRAY)
    recognizer = Recognizer()
    [read] = recognizer._read_boxes([cut], gray, READ_VARIANTS)
    wide = extended_box(read)
    assert wide is not None
    assert wide.x <= row.x, "widened past the characters' left edge"
    assert abs(wide.x + wide.w - (row.x + row.w)) < 0.1 * row.w, "fitted to the characters on the right"
    [reread] = recognizer._read_boxes([wide], gray, NARROWED_READ_VARIANTS)
    assert _rank_texts(reread).text == "8P62983"
    [whole] = recognizer._read_boxes([Box(row.x - 8, row.y, row.w + 16, row.h)], gray, READ_VARIANTS)
    assert extended_box(whole) is None, "a box that holds all its characters is not widened"


def spy_on_looks(recognizer: Recognizer) -> list[bool]:
    """Record each look ``recognize`` takes (True for the second, on the equalised photo)."""
    looks: list[bool] = []
    first_look = recognizer._plates_found_in

    def recorded(localised, gray, bgr, second_look=False):
        looks.append(second_look)
        return first_look(localised, gray, bgr, second_look=second_look)

    recognizer._plates_found_in = recorded
    return looks


@pytest.mark.rule("ING-1")
def test_an_unsure_reading_without_a_state_is_no_plate_and_needs_no_second_look(monkeypatch):
    """What was tried: a plate whose state the classifier cannot name, read with a confidence under
    the floor for such readings (the floor raised above every reading so that this plate is under it)."""
    photo = make_photo("7ABC123")
    recognizer = Recognizer()
    [plate] = recognizer.recognize(photo.image)
    assert plate.state is None, "the synthetic plate's state must be one the classifier cannot name"
    monkeypatch.setattr(plausibility, "MIN_CONFIDENCE_WITHOUT_STATE", 1.0)
    looks = spy_on_looks(recognizer)
    assert recognizer.recognize(photo.image) == []
    assert looks == [False], "a plate-like text judged too unsure was looked at: no second look"


@pytest.mark.rule("ING-1")
def test_only_a_photo_with_nothing_plate_like_gets_a_second_look():
    recognizer = Recognizer()
    looks = spy_on_looks(recognizer)
    assert [p.text for p in recognizer.recognize(make_photo("7ABC123").image)] == ["7ABC123"]
    assert looks == [False]
    image, _ = hazy_photo_beside_foliage("7ABC123")
    assert [p.text for p in recognizer.recognize(image)] == ["7ABC123"]
    assert looks == [False, False, True]
