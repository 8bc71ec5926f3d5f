"""Settings for the test suite: the real PostgreSQL and Redis, a faster password hasher."""
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
# No internet in the test environment; the common-password list still applies.
os.environ.setdefault("ALPR_BREACHED_PASSWORD_CHECK", "false")
os.environ.setdefault("ALPR_PARTNER_KEY_ENCRYPTION_KEYS", "JAZN92Ejwjmzal6-ZlAr3KV105IysQK-zLk6lJhHe-g=")

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, env

DEBUG = False
# The suite creates hundreds of users; PBKDF2 at full strength would dominate its run time.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
EVIDENCE_ROOT = BASE_DIR / "var" / "test-evidence"
SHARING_DOCUMENTS_ROOT = BASE_DIR / "var" / "test-sharing-documents"
CELERY_BROKER_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
