"""Ingest settings with their defaults; override any of them in Django settings."""
from django.conf import settings

DEFAULTS = {
    # Largest upload body accepted (a photo, or an OpenALPR JSON with base64 images): 413 above.
    "INGEST_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    # Decompression-bomb limit: a photo may not decode to more pixels than this.
    "INGEST_MAX_PIXELS": 40_000_000,
    # How far in the future a capture time may be (camera clocks drift); and how far before the camera
    # went into service.
    "INGEST_CLOCK_SKEW_SECONDS": 300,
    # A retry (same camera, same Idempotency-Key) is recognised when its capture time is within this many
    # seconds of the first delivery's: the look-up then reads only the day partitions of that window.
    "INGEST_IDEMPOTENCY_WINDOW_SECONDS": 3600,
    # Per-camera fixed-window rate limit: at most LIMIT uploads per WINDOW seconds, then 429.
    "INGEST_RATE_LIMIT": 1200,
    "INGEST_RATE_WINDOW_SECONDS": 60,
    # Redis for the rate-limit counters; defaults to the Celery broker.
    "INGEST_REDIS_URL": None,
    # The sweeper requeues reads unfinished for this long, and gives up after this many attempts.
    "INGEST_STUCK_AFTER_MINUTES": 5,
    "INGEST_MAX_ATTEMPTS": 5,
    # Dotted path of the recognise function (bytes -> list of plates); None = ingest.recognizer.
    "INGEST_RECOGNIZER": None,
}


def setting(name: str):
    value = getattr(settings, name, DEFAULTS[name])
    if name == "INGEST_REDIS_URL" and not value:
        return settings.CELERY_BROKER_URL
    return value
