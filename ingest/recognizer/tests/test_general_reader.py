"""The general text reader (PP-OCRv6, pruned) as the plate reader's second opinion."""

import json

import cv2
import numpy as np
import pytest

from ingest.recognizer import Recognizer
from ingest.recognizer.alphabet import BLANK, CHAR_TO_INDEX, NUM_CLASSES
from ingest.recognizer.general_reader import DEFAULT_GENERAL_MODEL_PATH, GeneralTextReader
from ingest.recognizer.localize import Box
from ingest.recognizer.pipeline import (
    READ_VARIANTS,
    ROW_MAX_HEIGHT,
    BoxReadings,
    _rank_texts,
    _texts_to_weigh,
    character_row,
)
from ingest.recognizer.reader import greedy_decode, log_softmax
from ingest.recognizer.tests.synthetic_photos import render_plate
from ingest.recognizer.training.manifest import sha256_of

STEPS = 24


def text_line(text: str) -> np.ndarray:
    line = np.full((48, 40 + 26 * len(text), 3), 235, dtype=np.uint8)
    cv2.putText(line, text, (14, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (25, 25, 25), 2)
    return line


@pytest.fixture(scope="module")
def general() -> GeneralTextReader:
    return GeneralTextReader()


@pytest.mark.rule("ING-1")
def test_the_general_reader_reads_a_clean_line_in_the_plate_readers_classes(general):
    step_log_probs = general.step_log_probs(text_line("AVP2413"))
    assert step_log_probs.shape[1] == NUM_CLASSES
    assert greedy_decode(step_log_probs).text == "AVP2413"


@pytest.mark.rule("ING-1")
def test_lower_case_counts_as_upper_case_and_o_as_much_as_zero(general):
    assert greedy_decode(general.step_log_probs(text_line("xkw417"))).text == "XKW417"
    step_log_probs = general.step_log_probs(text_line("B0X707"))
    assert np.array_equal(step_log_probs[:, CHAR_TO_INDEX["O"]], step_log_probs[:, CHAR_TO_INDEX["0"]])


@pytest.mark.rule("ING-1")
def test_the_committed_model_is_the_one_the_manifest_names():
    manifest = json.loads((DEFAULT_GENERAL_MODEL_PATH.parent / "manifest.json").read_text())
    entry = manifest[DEFAULT_GENERAL_MODEL_PATH.name]
    assert entry["sha256"] == sha256_of(DEFAULT_GENERAL_MODEL_PATH)
    assert entry["data"]["wheel"] == "rapidocr==3.10.0"
    licence = DEFAULT_GENERAL_MODEL_PATH.with_suffix(".LICENSE").read_text()
    assert "Apache License" in licence and "Changed by this project" in licence


def plate_reader_says(text: str, runner_up: str) -> np.ndarray:
    """Step log-probabilities of a plate reader sure of ``text`` and giving ``runner_up``'s differing
    characters a fair chance: the confident look-alike slip a second opinion is there for."""
    scores = np.full((STEPS, NUM_CLASSES), -4.0)
    scores[:, BLANK] = 3.0
    steps = np.linspace(0, STEPS - 1, len(text)).round().astype(int)
    for step, char, other in zip(steps, text, runner_up, strict=True):
        scores[step, BLANK] = -4.0
        scores[step, CHAR_TO_INDEX[char]] = 4.0
        if other != char:
            scores[step, CHAR_TO_INDEX[other]] = 2.5
    return log_softmax(scores, axis=1)


def photo_with_plate(text: str) -> tuple[np.ndarray, Box]:
    plate = render_plate(text, width=240)
    photo = np.full((400, 600, 3), 90, dtype=np.uint8)
    photo[150:270, 180:420] = plate
    return photo, Box(206, 186, 187, 54)  # the row of characters


def plate_read_as(wrong: str, right: str, box: Box):
    steps = plate_reader_says(wrong, right)
    readings = [greedy_decode(steps) for _ in READ_VARIANTS]
    return _rank_texts(BoxReadings(box, READ_VARIANTS, readings))


@pytest.mark.rule("ING-1")
def test_the_second_opinion_overturns_the_plate_readers_confident_look_alike_slip():
    """What was tried: the plate reader alone reads the plate drawn as AVP2403 as AUP2403 (its slip on
    a held-out Arizona plate); with the general reader's opinion of the row the plate reads AVP2403."""
    photo, box = photo_with_plate("AVP2403")
    plate = plate_read_as("AUP2403", "AVP2403", box)
    assert plate.text == "AUP2403"
    assert character_row(plate.read, photo) is not None
    rescored = Recognizer()._second_opinion(plate, photo)
    assert rescored.text == "AVP2403"
    assert {candidate.text for candidate in rescored.candidates} >= {"AVP2403", "AUP2403"}


@pytest.mark.rule("ING-1")
def test_the_second_opinion_does_not_overturn_a_reading_it_agrees_with():
    photo, box = photo_with_plate("AUP2403")
    plate = plate_read_as("AUP2403", "AVP2403", box)
    assert Recognizer()._second_opinion(plate, photo).text == "AUP2403"


@pytest.mark.rule("ING-1")
def test_a_plate_without_readings_or_with_no_row_left_in_the_photo_keeps_its_reading():
    photo, box = photo_with_plate("AVP2403")
    plate = plate_read_as("AUP2403", "AVP2403", box)
    outside = plate_read_as("AUP2403", "AVP2403", Box(5000, 5000, 220, 60))
    recognizer = Recognizer()
    assert character_row(outside.read, photo) is None
    assert recognizer._second_opinion(outside, photo) == outside
    unread = type(plate)(plate.text, plate.confidence, plate.box, plate.candidates)
    assert recognizer._second_opinion(unread, photo) == unread


@pytest.mark.rule("ING-1")
def test_the_general_readers_reading_is_weighed_also_without_an_edge_character():
    """What was tried: the general reader took the frame beside a held-out Arizona plate for a Y and
    read `YAVP24O3`; the text it means, `AVP2403`, must be among those weighed."""
    plate = plate_read_as("AUP2403", "AVP2403", Box(206, 186, 187, 54))
    texts = _texts_to_weigh(plate, "YAVP24O3")
    assert {"AUP2403", "YAVP2403", "AVP2403", "YAVP240"} <= set(texts)
    assert _texts_to_weigh(plate, "7ABC") == ["AUP2403", "7ABC"]


@pytest.mark.rule("ING-1")
def test_the_row_shown_to_the_general_reader_is_no_taller_than_a_row_of_characters():
    photo, _ = photo_with_plate("AVP2403")
    plate_and_bumper = Box(180, 100, 240, 200)
    plate = plate_read_as("AUP2403", "AVP2403", plate_and_bumper)
    row = character_row(plate.read, photo)
    assert row.shape[0] <= ROW_MAX_HEIGHT * row.shape[1] + 1
    sliver = plate_read_as("AUP2403", "AVP2403", Box(206, 205, 187, 10))
    assert character_row(sliver.read, photo).shape[0] >= 0.3 * 187 * 0.92 - 1
