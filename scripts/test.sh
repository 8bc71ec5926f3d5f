#!/usr/bin/env bash
# Run the whole suite: lint, then pytest against the real PostgreSQL, Redis and a Celery worker.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test
.venv/bin/ruff check .
# --create-db: a fresh test database each run, so migrations are always exercised.
exec .venv/bin/pytest --create-db -q -p no:cacheprovider "$@"
