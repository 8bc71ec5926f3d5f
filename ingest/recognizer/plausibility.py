"""Whether a reading is plausibly a US registration or junk to be stored as "no plate read".

Photos without a readable plate still yield short, low-confidence texts (``9C``, ``2E``, ``H3``) from
bumper stickers, grilles and signs. Such a text must never become a searchable plate, whether the
recognizer read it or a camera's own reader sent it, so every source of plate text asks this module.
"""

from __future__ import annotations

from alpr.plates import PLATE_SEPARATORS, US_STATES
from ingest.recognizer.formats import PLATE_TEXT

# US registrations on the road are 4–8 characters; 2–3 character vanity plates exist but are rarer
# than the junk of that length, so they are not read (README, known limits).
MIN_PLATE_LENGTH = 4
MAX_PLATE_LENGTH = 8
# Below this the reader's own confidence means "no plate": junk candidates score 0.004–0.03.
MIN_PLATE_CONFIDENCE = 0.1
# A reading this unsure (confidence below it) is a plate only when its state is named too: alone, such
# readings were junk far more often than plates (docs/recognition.md, "Junk": a phone number's tail,
# PRIVATE, a bus's fleet number, a grille at 0.14–0.38; plates read right without a state, 0.44 and up).
MIN_CONFIDENCE_WITHOUT_STATE = 0.4
# What cameras send for "no plate": each would pass the length and character test.
NO_PLATE_WORDS = frozenset({"NOPLATE", "NOREAD", "NOTREAD", "UNKNOWN", "NONE", "NULL", "ERROR", "BLANK"})
# The 50 states and the District of Columbia; the state classifier's output order (state.py).
STATE_LABELS = US_STATES
# Below this probability the state is "unknown". Chosen on the held-out plate crops (docs/recognition.md):
# the states the classifier names at or above it are right far more often than the ones below.
MIN_STATE_CONFIDENCE = 0.5


def reading_text(raw) -> str:
    """A reader's text as plate text: separators removed, upper case; "" when any other character is
    not an ASCII letter or digit. A camera's mark for a character it could not read (``7AB?123``) or a
    letter of another script (Cyrillic ``7АВС123``) makes the text no plate, not a shorter or another one."""
    if not isinstance(raw, str):
        return ""
    text = PLATE_SEPARATORS.sub("", raw)
    return text.upper() if text.isascii() and text.isalnum() else ""


def is_plausible_plate(text: str, confidence: float | None = None) -> bool:
    """True when ``text`` (upper case, no spaces) may be a plate read with ``confidence`` (0–1, optional)."""
    if not text or not PLATE_TEXT.match(text) or text in NO_PLATE_WORDS:
        return False
    if not MIN_PLATE_LENGTH <= len(text) <= MAX_PLATE_LENGTH:
        return False
    return confidence is None or confidence >= MIN_PLATE_CONFIDENCE


def is_plausible_reading(text: str, confidence: float | None, state_named: bool) -> bool:
    """``is_plausible_plate``, and a reading under MIN_CONFIDENCE_WITHOUT_STATE (or of unknown
    confidence) only when its state is named: what decides whether a reader's best text, the
    recognizer's or a camera's, becomes a searchable plate."""
    if not is_plausible_plate(text, confidence):
        return False
    return state_named or (confidence is not None and confidence >= MIN_CONFIDENCE_WITHOUT_STATE)


def is_plausible_state(state, confidence: float | None = None) -> bool:
    """True when ``state`` names one of ``STATE_LABELS`` with ``confidence`` (0–1, optional) of at least
    ``MIN_STATE_CONFIDENCE``. Anything else is "state unknown": a hotlist comparison must never rely on
    a guess, nor on a region code that is not a US state (a camera's "us-zz", a province)."""
    if not isinstance(state, str) or state not in STATE_LABELS:
        return False
    return confidence is None or confidence >= MIN_STATE_CONFIDENCE
