#!/usr/bin/env bash
# Start the whole system: web server, Celery worker and scheduler, with demo data. Ctrl-C stops all.
# Their logs go to var/log/ (web.log, worker.log, scheduler.log), so the sign-in banner printed last stays
# on screen; `make banner` prints it again.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
# Migrations ran as the database owner (scripts/setup.sh); everything from here, the demo data
# included, logs in as the role that owns nothing and cannot rewrite the audit log (core/migrations/).
source scripts/app-database-url.sh
PORT=${PORT:-8000}
VENV=.venv
LOGS=var/log
mkdir -p "$LOGS"

printf '\033[1m==> %s\033[0m\n' "Loading the demo department and replaying its history (a minute or two the first time)"
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

# Threaded workers, as measured for ingest (config/gunicorn.py; docs/benchmarks.md).
"$VENV/bin/gunicorn" config.wsgi -c config/gunicorn.py --bind "127.0.0.1:$PORT" --access-logfile - \
  --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE" >>"$LOGS/web.log" 2>&1 & pids+=($!)
"$VENV/bin/celery" -A config worker --loglevel INFO --concurrency 2 >>"$LOGS/worker.log" 2>&1 & pids+=($!)
"$VENV/bin/celery" -A config beat --loglevel INFO --pidfile= >>"$LOGS/scheduler.log" 2>&1 & pids+=($!)

# The banner once the web server answers, so the address it prints works when it is read.
"$VENV/bin/python" - "http://127.0.0.1:$PORT/portal/" <<'PY' || echo "The web server has not answered yet: see $LOGS/web.log"
import sys, time, urllib.request
for _ in range(60):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        break
    except OSError:
        time.sleep(1)
else:
    sys.exit(1)
PY
"$VENV/bin/python" manage.py seed_demo --print-logins --url "http://127.0.0.1:$PORT/"
# If any of the three stops, stop the others too.
wait -n "${pids[@]}"
stop
