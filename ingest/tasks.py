"""Thin Celery tasks: load by id, call one idempotent service."""
from celery import shared_task

from ingest import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recognize_read(read_id: int) -> None:
    """Recognise the plate of read `read_id` (idempotent: a finished read is left alone)."""
    services.read_recognize(read_id=read_id)


@shared_task(ignore_result=True)
def requeue_stuck_reads() -> dict:
    """Queue again reads a dead worker or a down broker left unfinished (scheduled every minute)."""
    result = services.reads_requeue_stuck()
    # Cheap when they exist; keeps tomorrow's partitions ready even if the daily task is late.
    services.read_partitions_prepare()
    return {"requeued": result.requeued, "failed": result.failed}


@shared_task(ignore_result=True)
def ensure_read_partitions() -> int:
    """Create the plate-read partitions for today and the next two days."""
    return len(services.read_partitions_prepare())
