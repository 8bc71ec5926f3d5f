"""Hear about new reads from ingest (``alpr.signals.read_stored``) and match them on arrival (ING-2)."""
import logging

from django.dispatch import receiver

from alpr.signals import read_stored

logger = logging.getLogger(__name__)


@receiver(read_stored, dispatch_uid="hotlists.match_on_arrival")
def match_read_on_arrival(sender, read_id, **kwargs):
    """Match in the ingest worker (a few milliseconds, so the alert is not delayed by a queue);
    if that fails, queue the task, which retries. If the process dies first, the read stays unmarked
    and ``hotlists.tasks.match_missed_reads`` matches it."""
    from hotlists.matching import read_match_hotlists
    from hotlists.tasks import match_read

    try:
        read_match_hotlists(read_id)
    except Exception:
        logger.exception("matching read %s failed; queued for retry", read_id)
        match_read.delay(read_id)
