#!/usr/bin/env bash
# Start the whole system: web server, Celery worker and scheduler, with demo data. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
# Migrations ran as the database owner (scripts/setup.sh); everything from here, the demo data
# included, logs in as the role that owns nothing and cannot rewrite the audit log (core/migrations/).
source scripts/app-database-url.sh
PORT=${PORT:-8000}
VENV=.venv

"$VENV/bin/python" manage.py seed_demo

pids=()
stop() {
  trap - INT TERM
  echo; echo "Stopping web, worker and scheduler..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  exit 0
}
trap stop INT TERM

"$VENV/bin/gunicorn" config.wsgi --bind "127.0.0.1:$PORT" --workers 3 --access-logfile - \
  --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE" & pids+=($!)
"$VENV/bin/celery" -A config worker --loglevel INFO --concurrency 2 & pids+=($!)
"$VENV/bin/celery" -A config beat --loglevel INFO --pidfile= & pids+=($!)

sleep 2
"$VENV/bin/python" manage.py seed_demo --print-logins --url "http://127.0.0.1:$PORT/"
# If any of the three stops, stop the others too.
wait -n "${pids[@]}"
stop
