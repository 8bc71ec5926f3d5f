"""AUD-2: many writers at once, each in its own transaction and connection, while the sealer runs:
the chain has every committed event exactly once, no fork and no gap, late committers included."""
import threading
import time

import pytest
from django.db import connection, transaction

from audit.chain import chain_shape, seal_pending, verify_chain
from audit.models import AuditSeal
from audit.tests.helpers import record_events

WRITERS = 8
EVENTS_PER_WRITER = 40


def _in_own_connection(work):
    def run():
        try:
            work()
        finally:
            connection.close()
    return run


@pytest.mark.rule("AUD-2")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_make_one_chain_without_forks_or_gaps():
    errors = []
    writing = threading.Event()
    writing.set()

    def writer(number):
        try:
            for n in range(EVENTS_PER_WRITER):
                with transaction.atomic():
                    record_events(1, label=f"writer {number} event {n}")
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    def sealer():
        while writing.is_set():
            seal_pending()

    threads = [threading.Thread(target=_in_own_connection(lambda n=n: writer(n))) for n in range(WRITERS)]
    sealers = [threading.Thread(target=_in_own_connection(sealer)) for _ in range(2)]  # two: one must yield
    for thread in sealers + threads:
        thread.start()
    for thread in threads:
        thread.join()
    writing.clear()
    for thread in sealers:
        thread.join()
    seal_pending()

    assert not errors
    shape = chain_shape()
    assert shape.events == shape.links == WRITERS * EVENTS_PER_WRITER
    assert (shape.forks, shape.gaps) == (0, 0)
    assert verify_chain().ok


@pytest.mark.rule("AUD-2")
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_late_is_sealed_after_those_committed_before_it():
    inserted, release = threading.Event(), threading.Event()
    late = {}

    def slow_transaction():
        with transaction.atomic():
            late["event"] = record_events(1, label="slow")[0]  # takes its id now...
            inserted.set()
            release.wait(10)  # ...and commits only after others have been sealed

    slow = threading.Thread(target=_in_own_connection(slow_transaction))
    slow.start()
    assert inserted.wait(10)
    quick = record_events(3, label="quick")
    assert seal_pending() == 3  # the slow event is not visible yet
    release.set()
    slow.join()
    time.sleep(0.05)
    record_events(1, label="after")
    assert seal_pending() == 2

    late_link = AuditSeal.objects.get(event_id=late["event"].pk)
    assert late["event"].pk < min(event.pk for event in quick)
    assert late_link.position > AuditSeal.objects.get(event_id=quick[-1].pk).position
    assert chain_shape().gaps == 0
    assert verify_chain().ok
