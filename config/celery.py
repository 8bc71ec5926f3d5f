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
