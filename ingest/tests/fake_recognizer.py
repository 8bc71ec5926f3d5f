"""Stand-in recognizers for tests that exercise ingest rather than recognition.

``INGEST_RECOGNIZER`` points at one of these; the worker tests use ``worker_recognize``, which can be
slowed down (to kill a worker mid-task) and uses the real recognizer when its model is present.
"""
import os
import time
from pathlib import Path

from ingest.synthetic import plate_box

FAKE_TEXT = "7ABC123"
CALLS_FILE_ENV = "INGEST_TEST_CALLS_FILE"


def recognize(image: bytes) -> list[dict]:
    if not image:
        raise ValueError("empty photo")
    return [{
        "text": FAKE_TEXT,
        "confidence": 0.91,
        "box": plate_box(),
        "candidates": [{"text": FAKE_TEXT, "confidence": 0.91}, {"text": "7A8C123", "confidence": 0.05}],
        "state": "IL",
    }]


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
