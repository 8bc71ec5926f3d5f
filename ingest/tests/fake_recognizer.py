"""Stand-in recognizers for tests that exercise ingest rather than recognition.

``INGEST_RECOGNIZER`` points at one of these; the worker tests use ``worker_recognize``, which can be
slowed down (to kill a worker mid-task) and uses the real recognizer when its model is present.
"""
import os
import time
from pathlib import Path

from ingest.synthetic import plate_box

FAKE_TEXT = "7ABC123"
SECOND_TEXT = "KRN5562"
CALLS_FILE_ENV = "INGEST_TEST_CALLS_FILE"


def recognize(image: bytes) -> list[dict]:
    if not image:
        raise ValueError("empty photo")
    return [{
        "text": FAKE_TEXT,
        "confidence": 0.91,
        "box": plate_box(),
        # The reader's next guesses: a plausible look-alike, and junk scored as the real reader scores it
        # (never stored: ingest.services._clean_candidates).
        "candidates": [{"text": FAKE_TEXT, "confidence": 0.91}, {"text": "7A8C123", "confidence": 0.12},
                       {"text": "7A8C1Z3", "confidence": 0.004}],
        "state": "IL",
        "state_confidence": 0.83,
    }]


def two_plates(image: bytes) -> list[dict]:
    """Two vehicles in one photo, each plate with its own box and state, and junk (a sticker read as
    ``9C``) that must not become a third read. Works on any photo at least 640 x 400."""
    [first] = recognize(image)
    second = {"text": SECOND_TEXT, "confidence": 0.88, "box": [40, 60, 120, 40],
              "candidates": [{"text": SECOND_TEXT, "confidence": 0.88}], "state": "IN",
              "state_confidence": 0.76,
              "vehicle": {"type": "Sedan", "score": 0.71}}
    junk = {"text": "9C", "confidence": 0.02, "box": [500, 20, 30, 20], "candidates": [], "state": None}
    return [first, second, junk]


def junk_only(image: bytes) -> list[dict]:
    """A photo without a readable plate: only the junk the real reader makes of stickers and grilles."""
    return [{"text": "H3", "confidence": 0.03, "box": [10, 10, 20, 12], "candidates": [], "state": None},
            {"text": "2E", "confidence": 0.6, "box": [100, 10, 20, 12], "candidates": [], "state": None}]


def broken(image: bytes) -> list[dict]:
    raise RuntimeError("recognizer exploded")


def worker_recognize(image: bytes) -> list:
    """Record the call, wait INGEST_TEST_RECOGNIZER_DELAY seconds, then run the real recognizer
    (or the stand-in while the recognizer's model file is absent)."""
    calls = os.environ.get(CALLS_FILE_ENV)
    if calls:
        with Path(calls).open("a") as log:
            log.write(f"{os.getpid()}\n")
    time.sleep(float(os.environ.get("INGEST_TEST_RECOGNIZER_DELAY", "0")))
    from ingest.recognizer.reader import DEFAULT_MODEL_PATH

    if DEFAULT_MODEL_PATH.exists():
        from ingest.recognizer import recognize as real_recognize

        return real_recognize(image)
    return recognize(image)
