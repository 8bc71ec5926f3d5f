"""Settings for `make run` on a developer's or evaluator's machine."""
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-development-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")
# No internet on development machines; production keeps the breached-password check on.
os.environ.setdefault("ALPR_BREACHED_PASSWORD_CHECK", "false")
# Mail is printed to the worker's and web server's logs unless EMAIL_URL names a server.
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("ALPR_PARTNER_KEY_ENCRYPTION_KEYS", "8Jj3V2b1bKpX0b5tqV0m0p3mJ6s7XgqzE4cS9n2a1kY=")

from config.settings.base import *  # noqa: F403
