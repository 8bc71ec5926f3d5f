"""Scheduled sharing jobs (see config/schedule.py). Thin: each calls one service."""
from celery import shared_task

from audit.context import Actor
from sharing.services.notices import erroneous_notices_deliver
from sharing.services.requests import deletion_certificates_chase


@shared_task
def chase_deletion_certificates() -> dict:
    """Remind recipients of due deletion certificates; flag overdue ones (SHR-2)."""
    return deletion_certificates_chase(actor=Actor.system("scheduler"))


@shared_task
def deliver_erroneous_notices() -> int:
    """E-mail erroneous-data notices to the agencies that received the reads (RET-5)."""
    return erroneous_notices_deliver(actor=Actor.system("scheduler"))
