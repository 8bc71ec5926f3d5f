"""The one door from ingest to the plate recognizer (plain Python in ``ingest.recognizer``)."""
from functools import cache

from django.utils.module_loading import import_string

from ingest.conf import setting


@cache
def _recognize_function(path: str | None):
    if path:
        return import_string(path)
    # Imported lazily: OpenCV and the model load only in processes that recognise.
    from ingest.recognizer import recognize

    return recognize


def recognize_photo(image_bytes: bytes) -> list[dict]:
    """Return the plates in an encoded photo, best first, as dicts:
    ``{"text", "confidence", "box": [x, y, w, h], "candidates": [{"text", "confidence"}], "state"}``.
    """
    plates = _recognize_function(setting("INGEST_RECOGNIZER"))(image_bytes)
    return [plate.as_dict() if hasattr(plate, "as_dict") else dict(plate) for plate in plates]


def plate_is_plausible(text: str, confidence: float | None = None) -> bool:
    """Whether `text` (normalised) read with `confidence` (0–1) may be a plate: every source of plate
    text (the recognizer, a camera's own reader) asks this before a text becomes a searchable plate."""
    from ingest.recognizer.plausibility import is_plausible_plate

    return is_plausible_plate(text, confidence)


def plate_text(raw) -> str:
    """A reader's text (a camera's or the recognizer's) as plate text, or "" when it holds a character
    that is neither a separator nor an ASCII letter or digit (``plausibility.reading_text``)."""
    from ingest.recognizer.plausibility import reading_text

    return reading_text(raw)


def reading_is_plausible(text: str, confidence: float | None, state_named: bool) -> bool:
    """Whether a reader's best text becomes a searchable plate: ``plate_is_plausible``, and a reading
    under the confidence floor for plates without a state only when its state is named."""
    from ingest.recognizer.plausibility import is_plausible_reading

    return is_plausible_reading(text, confidence, state_named)


def state_is_plausible(state, confidence: float | None = None) -> bool:
    """Whether `state` (upper case) told with `confidence` (0–1) is a US state the reader was sure of:
    every source of a state (the recognizer, a camera's own reader) asks this before a read keeps one,
    since hotlist matching marks or suppresses a hit on it (``state_differs_alerts``)."""
    from ingest.recognizer.plausibility import is_plausible_state

    return is_plausible_state(state, confidence)
