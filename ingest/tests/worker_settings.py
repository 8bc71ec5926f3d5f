"""Settings for the Celery worker the end-to-end tests start: the test settings, plus the test's
MEDIA_ROOT and a recognizer wrapper that can be slowed down (to kill the worker mid-task)."""
import os
from pathlib import Path

from config.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["INGEST_TEST_MEDIA_ROOT"])
# A test may name another stand-in (e.g. two plates in one photo) through the environment.
INGEST_RECOGNIZER = os.environ.get("INGEST_TEST_RECOGNIZER", "ingest.tests.fake_recognizer.worker_recognize")
