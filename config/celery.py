"""The project's one Celery app, configured from Django settings (``CELERY_*``)."""
import os
import sys

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("alpr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_transaction_pooling(**kwargs):
    """A worker or scheduler behind a transaction pooler stops at start with a message (core/pooler.py)."""
    from django.core.exceptions import ImproperlyConfigured

    from core.pooler import refuse_transaction_pooling as refuse

    try:
        refuse()
    except ImproperlyConfigured as refusal:
        # Celery logs and ignores a receiver's exceptions; SystemExit it lets through.
        sys.exit(f"Not starting: {refusal}")


@signals.worker_process_init.connect
def one_thread_per_recognition_process(**kwargs):
    """Each worker process recognises on one thread: the worker scales by processes (--concurrency, one
    per core). Left alone, OpenCV, ONNX Runtime and Tesseract (OpenMP, a child process per call) each
    start a thread per core in every process, so N processes on N cores run N x N threads that take
    the cores from each other (docs/benchmarks.md, Ingest: recognition with 1 and 2 worker processes).
    ALPR_RECOGNITION_THREADS overrides."""
    import cv2

    from ingest.recognizer.network import recognition_threads

    threads = recognition_threads()
    os.environ["OMP_THREAD_LIMIT"] = str(threads)  # read by each Tesseract process the recognizer starts
    cv2.setNumThreads(threads)
