"""Junk texts are not plates, whoever read them (issue 13: no junk reads)."""
import pytest

from ingest.recognizer.plausibility import is_plausible_plate

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
