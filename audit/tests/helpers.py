"""Helpers for the audit tests: writing events, and tampering as a superuser would."""
from contextlib import contextmanager

from django.db import connection

from audit.audit_actions import AUDIT_LOG_VIEWED
from audit.context import Actor
from audit.services import audit_record


def record_events(count: int, *, label: str = "Test process") -> list:
    return [audit_record(actor=Actor.system(label), action=AUDIT_LOG_VIEWED, description=f"event {n}")
            for n in range(count)]


@contextmanager
def triggers_bypassed():
    """Act as a superuser who switches triggers (and foreign-key checks) off: an attacker's view."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            cursor.execute("SET session_replication_role = origin")
