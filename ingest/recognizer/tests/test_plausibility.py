"""Junk texts are not plates, whoever read them (issue 13: no junk reads)."""
import pytest

from ingest.recognizer.plausibility import (
    MIN_CONFIDENCE_WITHOUT_STATE,
    is_plausible_plate,
    is_plausible_reading,
    reading_text,
)

pytestmark = pytest.mark.rule("ING-1")


@pytest.mark.parametrize("text", ["7ABC123", "ABC1234", "LKD7M2", "SAMPLE", "AB12"])
def test_plate_like_texts_are_plausible(text):
    assert is_plausible_plate(text)
    assert is_plausible_plate(text, 0.9)


@pytest.mark.parametrize("text", ["9C", "2E", "H3", "ABC", "", "ABC 123", "abc123", "ABCDE12345", "7ABC-12"])
def test_short_malformed_or_overlong_texts_are_junk(text):
    assert not is_plausible_plate(text)


@pytest.mark.parametrize("confidence", [0.004, 0.03, 0.099])
def test_a_low_confidence_reading_is_junk_even_when_plate_shaped(confidence):
    assert not is_plausible_plate("7ABC123", confidence)


@pytest.mark.parametrize(("raw", "text"), [
    ("7abc-123", "7ABC123"), (" 7ABC 123 ", "7ABC123"), ("7·ABC·123", "7ABC123"), ("7.ABC.123", "7ABC123"),
    ("7AB?123", ""), ("7\u0410\u0412\u0421123", ""), ("KDB\u00df21", ""), ("\ufb00\ufb00", ""),
    ("---", ""), ("", ""), (None, ""), (4821, ""),
])
def test_a_reader_text_loses_its_separators_and_anything_else_makes_it_no_plate(raw, text):
    assert reading_text(raw) == text


@pytest.mark.parametrize("word", ["NOREAD", "NOPLATE", "UNKNOWN", "NONE"])
def test_what_cameras_send_for_no_plate_is_no_plate(word):
    assert not is_plausible_plate(word, 0.99)


@pytest.mark.parametrize(("confidence", "state_named", "plate"), [
    (0.9, False, True), (MIN_CONFIDENCE_WITHOUT_STATE, False, True), (0.39, False, False),
    (0.39, True, True), (0.15, True, True), (0.05, True, False), (None, False, False), (None, True, True),
])
def test_an_unsure_reading_is_a_plate_only_with_its_state_named(confidence, state_named, plate):
    assert is_plausible_reading("219906", confidence, state_named) is plate
