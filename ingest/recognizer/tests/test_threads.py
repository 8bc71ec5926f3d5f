"""One setting, ALPR_RECOGNITION_THREADS, sets how many threads every part of recognition may use."""

import os

import cv2
import pytest

from config.celery import one_thread_per_recognition_process
from ingest.recognizer.network import OnnxNetwork
from ingest.recognizer.reader import DEFAULT_MODEL_PATH


@pytest.fixture
def restore_threads():
    before_cv2, before_omp = cv2.getNumThreads(), os.environ.get("OMP_THREAD_LIMIT")
    yield
    cv2.setNumThreads(before_cv2)
    if before_omp is None:
        os.environ.pop("OMP_THREAD_LIMIT", None)
    else:
        os.environ["OMP_THREAD_LIMIT"] = before_omp


@pytest.mark.parametrize(("setting", "expected"), [(None, 1), ("2", 2)])
def test_worker_processes_and_networks_take_their_threads_from_one_setting(
    monkeypatch, restore_threads, setting, expected
):
    if setting is None:
        monkeypatch.delenv("ALPR_RECOGNITION_THREADS", raising=False)
    else:
        monkeypatch.setenv("ALPR_RECOGNITION_THREADS", setting)
    one_thread_per_recognition_process()
    assert cv2.getNumThreads() == expected
    assert os.environ["OMP_THREAD_LIMIT"] == str(expected)
    session = OnnxNetwork(DEFAULT_MODEL_PATH).session
    assert session.get_session_options().intra_op_num_threads == expected
