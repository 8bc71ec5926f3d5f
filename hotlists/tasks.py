"""Thin Celery tasks: load by id, call one idempotent service."""
from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=2, retry_backoff_max=60, max_retries=8)
def match_read(read_id: int) -> int:
    """Match one read against the hotlists (idempotent per read and entry); return alerts raised."""
    from hotlists.matching import read_match_hotlists

    return len(read_match_hotlists(read_id))


@shared_task(ignore_result=True)
def match_missed_reads() -> dict:
    """Match done reads whose matching a dead worker never finished (scheduled every minute)."""
    from hotlists.matching import reads_match_missed

    result = reads_match_missed()
    return {"reads": result.reads, "alerts": result.alerts}


@shared_task
def import_hotlist_folder() -> list[int]:
    """Import every file waiting in HOTLIST_IMPORT_DIR; return the ImportRun ids."""
    from hotlists.imports import import_folder

    return [run.pk for run in import_folder()]
