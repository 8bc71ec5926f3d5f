"""The extension point of ingest: other features hear about new plate reads here.

``read_stored`` is sent once a read's plate is known and committed: after recognition of an uploaded
photo, or on arrival of an edge-recognised read (OpenALPR agent, Plate Recognizer snapshot). It is
sent after the commit, with ``sender=PlateRead`` and ``read_id``; receivers load what they need by id
through ``PlateRead.system_objects``. Receivers run in the ingest worker: keep them short and queue
heavy work as their own task. An exception in one receiver is logged and does not stop the others.

    from alpr.signals import read_stored

    @receiver(read_stored)
    def match_hotlists(sender, read_id, **kwargs): ...
"""
import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

read_stored = Signal()
# Sent inside the transaction that corrects a confirmed misread (``retention``'s flag review), with
# ``read_id``, ``plate_before`` and ``flag_id``: what the old plate set off (hotlist alerts) is undone in
# the same transaction, so a receiver that fails undoes the correction too.
read_corrected = Signal()


def send_read_stored(read_id: int) -> None:
    """Tell every receiver that read `read_id` is stored; call after commit."""
    from alpr.models import PlateRead

    for receiver, result in read_stored.send_robust(sender=PlateRead, read_id=read_id):
        if isinstance(result, Exception):
            logger.error("read_stored receiver %r failed for read %s", receiver, read_id,
                         exc_info=(type(result), result, result.__traceback__))
