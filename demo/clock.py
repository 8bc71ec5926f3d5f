"""The demo's one time-travel helper: replaying the department's past with the clock set to it.

Every service stamps what it does with ``django.utils.timezone.now()`` (audit entries, justifications,
alerts, reports, purge runs...), and none takes a clock as an argument. To give the demo an honest
history, seeding does what happened on each past day *at* that moment: ``at(moment)`` sets the
process's clock there (``time_machine``, which moves ``datetime``, ``date`` and ``time`` together) and
lets it run on, so a justification still expires 30 minutes after it was stated and a read still ages
into the purge. Nothing is written afterwards and nothing is back-dated by hand: each audit entry is
appended, hashed by the database and chained in the order written, so the chain verifies as any other.

Only ``seed_demo`` and the tests use it; the servers never travel.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import time_machine


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the block with the clock starting at `moment` (an aware datetime) and ticking on."""
    with time_machine.travel(moment, tick=True):
        yield
