"""The sweep of unmatched reads reads the policy once per sweep, whatever the number of reads, and judges
every read's age by that one ``alert_read_cutoff``; matching one read on arrival reads it once."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hotlists.matching import MISSED_GRACE, read_match_hotlists, reads_match_missed
from hotlists.tests.test_matching import add

pytestmark = pytest.mark.django_db

READS = 30


@pytest.mark.rule("ING-2", "ING-4")
def test_the_sweep_reads_the_policy_once_not_once_per_read(detective, make_read):
    """The sweep of unmatched reads (``hotlists.matching.reads_match_missed``, every 60 s, up to 500 reads a
    run) over 30 reads whose matching never ran reads the policy a fixed number of times, not once per read:
    it passes its ``alert_read_cutoff`` down to each read's matching. (Asking ``current_policy()`` in
    ``_too_old_to_alert`` for every read made 31 policy queries for 30 reads, 501 for a full run after an
    outage, all answering the same row.)"""
    add(detective, "7ABC123")
    for n in range(READS):
        make_read(f"8XYZ{n:03d}")
    with CaptureQueriesContext(connection) as queries:
        result = reads_match_missed(now=timezone.now() + MISSED_GRACE + timedelta(seconds=1))
    assert result.reads == READS  # the case tried
    policy_reads = [q["sql"] for q in queries.captured_queries if 'FROM "policy_agencypolicy"' in q["sql"]]
    assert len(policy_reads) <= 2, f"{len(policy_reads)} policy queries for {READS} reads"


@pytest.mark.rule("ING-2")
def test_matching_one_read_on_arrival_reads_the_policy_once(detective, make_read):
    add(detective, "7ABC123")
    read = make_read("8XYZ001")
    with CaptureQueriesContext(connection) as queries:
        read_match_hotlists(read.pk)
    policy_reads = [q["sql"] for q in queries.captured_queries if 'FROM "policy_agencypolicy"' in q["sql"]]
    assert len(policy_reads) == 1, policy_reads
