"""Scheduled retention jobs (see config/schedule.py). Thin: each calls one service."""
from celery import shared_task

from audit.context import Actor
from retention import services


@shared_task
def purge_expired_reads() -> int:
    """Delete reads (and their images) older than the retention period, except held ones (RET-1)."""
    return services.reads_purge_expired(actor=Actor.system("scheduler")).pk


@shared_task
def remind_hold_reviews() -> int:
    """Remind placers of evidence holds that are due for review (RET-2)."""
    return services.hold_reviews_remind(actor=Actor.system("scheduler"))


@shared_task
def remove_orphaned_evidence() -> int:
    """Delete evidence directories that no package records (a caller's transaction rolled back, RET-4)."""
    return len(services.evidence_orphans_remove(actor=Actor.system("scheduler")))


@shared_task
def pack_read_images() -> int:
    """Pack finished days' single images into their segments, so a day's purge is a handful of deletes."""
    return services.reads_pack_images(actor=Actor.system("scheduler")).images
