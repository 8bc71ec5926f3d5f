"""Gunicorn settings for the web processes (scripts/run.sh, the Dockerfile, docker-compose.yml).

Threaded workers (gthread) with keep-alive: cameras keep their connection open between uploads, and
sync workers (no keep-alive) measured 22 ms of CPU per upload against 11–16 ms for these
(docs/benchmarks.md, Ingest). Four processes of
four threads each suit two cores; give a larger host more processes (WEB_CONCURRENCY), about two per
core. Each thread holds its own database connection (CONN_MAX_AGE), so a host opens up to
processes × threads connections.
"""
import os
import sys

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 30


def on_starting(server):
    """Stop before any worker starts if the database sits behind a transaction pooler (core/pooler.py)."""
    import django
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")  # as config/wsgi.py
    django.setup()
    from core.pooler import refuse_transaction_pooling

    try:
        refuse_transaction_pooling()
    except ImproperlyConfigured as refusal:
        server.log.error("Not starting: %s", refusal)
        sys.exit(3)
