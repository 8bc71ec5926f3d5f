"""Refuse to start behind a connection pooler in transaction (or statement) mode.

The application keeps state in its database session between transactions: the hot statements of
ingest, search and the audit log are prepared once per connection (``PREPARE``/``EXECUTE``:
ingest/prepared.py, alpr.selectors, audit.services) and reused by later transactions, and the purge
holds a session-level advisory lock across its transactions (retention/services/purge.py). A pooler in
transaction mode (PgBouncer's ``pool_mode = transaction``) hands each transaction whichever server
connection is free, so an ``EXECUTE`` would land on a session that never prepared the statement, and
the purge's lock on a session it no longer runs on. Rather than fail on the first upload, web, worker
and scheduler check at start (config/gunicorn.py, config/celery.py) and stop with a message. A pooler
in session mode, or none, is fine.

The check: two client connections open at the same time each ask which server process they are on
(``pg_backend_pid()``), several times. Without a pooler, or with one in session mode, two open
connections always have two server processes. A pooler in transaction mode returns the server
connection to its pool after each statement outside a transaction and hands it to the next client, so
both are served by one process: proof that sessions are shared.
"""
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

PROBES = 5
MESSAGE = (
    "DATABASE_URL leads to a connection pooler in transaction mode: two database sessions opened at the "
    "same time were served by one PostgreSQL server process ({pid}). This application keeps prepared "
    "statements and locks in its database sessions between transactions (ingest, search, audit log, "
    "purge), which such a pooler hands to other clients. Connect to PostgreSQL directly or through a "
    "pooler in session mode (PgBouncer: pool_mode = session); see docs/scaling.md."
)


def shared_backend(wrapper=None) -> int | None:
    """The server process id two simultaneous sessions both ran on, or None if they never shared one.

    `wrapper`: a Django database connection (default: the default database's), whose settings are used
    to open two new sessions of its own.
    """
    wrapper = wrapper or connections["default"]
    params = wrapper.get_connection_params()
    first, second = wrapper.get_new_connection(params), wrapper.get_new_connection(params)
    try:
        for session in (first, second):
            session.autocommit = True
        for _ in range(PROBES):
            pids = [session.execute("SELECT pg_backend_pid()").fetchone()[0] for session in (first, second)]
            if pids[0] == pids[1]:
                return pids[0]
        return None
    finally:
        first.close()
        second.close()


def refuse_transaction_pooling() -> None:
    """Raise ImproperlyConfigured, with what to do, if the database sits behind a transaction pooler."""
    pid = shared_backend()
    if pid is not None:
        raise ImproperlyConfigured(MESSAGE.format(pid=pid))
