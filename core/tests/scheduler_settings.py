"""Settings for the schedulers core/tests/test_scheduler_lock.py starts: the test settings, with one task
due every second on a queue of the test's own (no worker consumes it; the test counts and deletes it)."""
import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["SCHEDULER_TEST_QUEUE"]
CELERY_BEAT_SCHEDULE = {"scheduler-test-tick": {"task": "core.tests.scheduler_tick", "schedule": 1.0}}
