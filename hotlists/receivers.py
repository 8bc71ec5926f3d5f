"""Hear about new reads from ingest (``alpr.signals.read_stored``) and match them on arrival (ING-2);
hear about corrected misreads (``alpr.signals.read_corrected``) and undo what the old plate set off."""
import logging

from django.dispatch import receiver

from alpr.signals import read_corrected, read_stored

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


@receiver(read_corrected, dispatch_uid="hotlists.alerts_after_correction")
def alerts_after_correction(sender, read_id, plate_before, flag_id, **kwargs):
    """In the correcting transaction: an error here undoes the correction, never leaves it half done."""
    from hotlists.matching import alerts_after_correction as undo_and_rematch

    undo_and_rematch(read_id, plate_before=plate_before, flag_id=flag_id)
