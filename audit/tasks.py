"""Celery tasks of the audit log. Scheduled in config/schedule.py."""
from celery import shared_task

from audit.chain import seal_pending


@shared_task(ignore_result=True)
def seal_audit_chain() -> int:
    """Append committed events to the hash chain (idempotent; a no-op while another sealer runs)."""
    return seal_pending()
