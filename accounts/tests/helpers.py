"""Small helpers for the account tests: acting as someone, and reading what the audit log recorded."""
from audit.context import Actor
from audit.models import AuditEvent


def act_as(user) -> Actor:
    return Actor.for_user(user, client_ip="10.0.0.5")


def audit_rows(action: str, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))
