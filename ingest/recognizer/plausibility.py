"""Whether a reading is plausibly a US registration or junk to be stored as "no plate read".

Photos without a readable plate still yield short, low-confidence texts (``9C``, ``2E``, ``H3``) from
bumper stickers, grilles and signs. Such a text must never become a searchable plate, whether the
recognizer read it or a camera's own reader sent it, so every source of plate text asks this module.
"""

from __future__ import annotations

from ingest.recognizer.formats import PLATE_TEXT

# US registrations on the road are 4–8 characters; 2–3 character vanity plates exist but are rarer
# than the junk of that length, so they are not read (README, known limits).
MIN_PLATE_LENGTH = 4
MAX_PLATE_LENGTH = 8
# Below this the reader's own confidence means "no plate": junk candidates score 0.004–0.03.
MIN_PLATE_CONFIDENCE = 0.1
# The 50 states and the District of Columbia; the state classifier's output order (state.py).
STATE_LABELS = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS",
    "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV",
    "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
)  # fmt: skip
# Below this probability the state is "unknown". Chosen on the held-out plate crops (docs/recognition.md):
# the states the classifier names at or above it are right far more often than the ones below.
MIN_STATE_CONFIDENCE = 0.5


def is_plausible_plate(text: str, confidence: float | None = None) -> bool:
    """True when ``text`` (upper case, no spaces) may be a plate read with ``confidence`` (0–1, optional)."""
    if not text or not PLATE_TEXT.match(text):
        return False
    if not MIN_PLATE_LENGTH <= len(text) <= MAX_PLATE_LENGTH:
        return False
    return confidence is None or confidence >= MIN_PLATE_CONFIDENCE


def is_plausible_state(state, confidence: float | None = None) -> bool:
    """True when ``state`` names one of ``STATE_LABELS`` with ``confidence`` (0–1, optional) of at least
    ``MIN_STATE_CONFIDENCE``. Anything else is "state unknown": a hotlist comparison must never rely on
    a guess, nor on a region code that is not a US state (a camera's "us-zz", a province)."""
    if not isinstance(state, str) or state not in STATE_LABELS:
        return False
    return confidence is None or confidence >= MIN_STATE_CONFIDENCE
