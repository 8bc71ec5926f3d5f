#!/usr/bin/env bash
# Set up everything the system needs on a Debian machine, idempotently: system packages,
# PostgreSQL and Redis (only if none is running), the virtualenv, the database and migrations.
# The database is the one DATABASE_URL names (the owner's URL, as the settings read it), so a machine
# may hold several: each checkout creates and migrates its own.
# Usage: scripts/setup.sh [--for-tests]
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(tesseract-ocr tesseract-ocr-eng chromium fonts-liberation fonts-dejavu-core
                 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b postgresql-client redis-tools)
VENV=.venv
PYTHON=${PYTHON:-python3}
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/alpr}  # config/settings/base.py's default
# postgres://[user[:password]@]host[:port]/name[?options]
if ! [[ $DATABASE_URL =~ ^[a-z]+://(([^:@/]*)(:([^@/]*))?@)?([^:/?]*)(:([0-9]+))?/([^?]+) ]]; then
  echo "DATABASE_URL is not a postgres://user@host:port/name URL: $DATABASE_URL" >&2; exit 1
fi
PG_USER=${BASH_REMATCH[2]:-postgres}
PG_HOST=${BASH_REMATCH[5]:-127.0.0.1}
export PGPORT=${BASH_REMATCH[7]:-5432}
[ -z "${BASH_REMATCH[4]}" ] || export PGPASSWORD=${BASH_REMATCH[4]}
DB_NAME=${BASH_REMATCH[8]}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_system_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing system packages: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# Another apt (a second setup, `make run` beside `make test`) may hold its locks: `install` waits for
# the dpkg lock (DPkg::Lock::Timeout), `update` does not wait for the lists lock, so it is retried.
apt_install() {
  local attempt
  for attempt in $(seq 60); do
    as_root apt-get update -qq && break
    [ "$attempt" -lt 60 ] || return 1
    sleep 5
  done
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if pg_isready -q -h "$PG_HOST" 2>/dev/null; then return; fi
  say "No PostgreSQL on $PG_HOST: installing and starting one"
  install_system_packages postgresql
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -n1)" main start || true
  for _ in $(seq 30); do pg_isready -q -h "$PG_HOST" && return; sleep 1; done
  echo "PostgreSQL did not start" >&2; exit 1
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then return; fi
  say "No Redis on 127.0.0.1:6379: installing and starting one"
  install_system_packages redis-server
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 30); do redis-cli ping >/dev/null 2>&1 && return; sleep 1; done
  echo "Redis did not start" >&2; exit 1
}

ensure_virtualenv() {
  [ -x "$VENV/bin/python" ] || { say "Creating the virtualenv"; "$PYTHON" -m venv "$VENV"; }
  local stamp="$VENV/.requirements.sha256"
  local wanted
  wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    say "Installing Python packages (exact versions)"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -r requirements-dev.txt
    echo "$wanted" > "$stamp"
  fi
}

ensure_database() {
  if ! psql -h "$PG_HOST" -U "$PG_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
    say "Creating database $DB_NAME"
    createdb -h "$PG_HOST" -U "$PG_USER" "$DB_NAME"
  fi
}

# The tests start a PgBouncer of their own (core/tests/test_pooler.py): the app must refuse one in
# transaction mode.
[ "${1:-}" != "--for-tests" ] || SYSTEM_PACKAGES+=(pgbouncer)
install_system_packages "${SYSTEM_PACKAGES[@]}"
ensure_postgres
ensure_redis
ensure_virtualenv
ensure_database
if [ "${1:-}" != "--for-tests" ]; then
  say "Migrating the database (as its owner; the servers will log in as alpr_app)"
  "$VENV/bin/python" manage.py migrate --noinput -v 0
  "$VENV/bin/python" manage.py collectstatic --noinput -v 0
fi
