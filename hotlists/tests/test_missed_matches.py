"""ING-2, ING-4: a read whose matching a dead worker never finished is matched by the sweep, once."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alpr.models import PlateRead
from hotlists.matching import MISSED_GRACE, reads_match_missed
from hotlists.models import Alert
from hotlists.tests.conftest import audit_rows
from hotlists.tests.test_matching import add
from policy.models import AgencyPolicy

pytestmark = pytest.mark.django_db


def _later(delay=MISSED_GRACE):
    """The sweep's clock, once the read has waited `delay` for its on-arrival matching."""
    return timezone.now() + delay + timedelta(seconds=1)


def _matched_at(read):
    return PlateRead.system_objects.get(pk=read.pk).hotlist_matched_at


@pytest.mark.rule("ING-2")
@pytest.mark.rule("ING-4")
def test_a_read_stored_but_never_matched_is_matched_by_the_sweep(detective, make_read):
    entry = add(detective, "7ABC123")
    read = make_read("7ABC123")  # read_stored is never sent: the worker died after the commit
    assert not Alert.objects.exists() and _matched_at(read) is None
    assert reads_match_missed(now=timezone.now()).reads == 0  # still within its on-arrival grace
    result = reads_match_missed(now=_later())
    assert (result.reads, result.alerts) == (1, 1)
    [alert] = Alert.objects.all()
    assert (alert.read_id, alert.entry) == (read.pk, entry)
    assert len(audit_rows("hotlist.read_matched")) == 1
    assert _matched_at(read) is not None
    assert reads_match_missed(now=_later()).reads == 0


@pytest.mark.rule("ING-2", "USE-1")
def test_the_sweep_raises_no_alert_for_a_read_captured_longer_ago_than_the_policy_allows(detective,
                                                                                          make_read):
    """Stored just now, but captured three days ago (a camera's backlog): no lead, no alert, whichever
    matching reaches it."""
    add(detective, "7ABC123")
    read = make_read("7ABC123", when=timezone.now() - timedelta(days=3))
    result = reads_match_missed(now=_later())
    assert (result.reads, result.alerts) == (1, 0)
    assert not Alert.objects.exists() and _matched_at(read) is not None


@pytest.mark.rule("ING-2", "USE-1")
def test_the_sweep_alerts_on_a_read_as_old_as_the_policy_in_force_allows(detective, make_read):
    """Two days old is too old under the default (24 hours), not under a version that allows 72."""
    AgencyPolicy.objects.create(alert_max_read_age_hours=72)
    add(detective, "7ABC123")
    read = make_read("7ABC123", when=timezone.now() - timedelta(days=2))
    assert reads_match_missed(now=_later()).alerts == 1
    assert Alert.objects.get().read_id == read.pk


@pytest.mark.rule("ING-2")
@pytest.mark.rule("ING-4")
def test_a_read_matched_on_arrival_is_not_matched_again(detective, make_read,
                                                         django_capture_on_commit_callbacks):
    add(detective, "7ABC123")
    with django_capture_on_commit_callbacks(execute=True):
        read = make_read("7ABC123")
        unmatched = make_read("9XYZ999")
    assert _matched_at(read) is not None and _matched_at(unmatched) is not None
    assert reads_match_missed(now=_later()).reads == 0
    assert Alert.objects.count() == 1 and len(audit_rows("hotlist.read_matched")) == 1


@pytest.mark.rule("ING-4")
def test_alerts_raised_before_a_crash_are_not_raised_twice(detective, make_read):
    add(detective, "7ABC123")
    second = add(detective, "7ABC12?")
    read = make_read("7ABC123")
    Alert.objects.create(read_id=read.pk, read_captured_at=read.captured_at, camera_id=read.camera_id,
                         entry=second, match_kind="wildcard", created_at=timezone.now())
    assert reads_match_missed(now=_later()).alerts == 1  # only the alert still missing
    assert Alert.objects.filter(read_id=read.pk).count() == 2


@pytest.mark.rule("ING-2")
def test_the_sweep_matches_only_entries_listed_when_the_read_arrived(detective, make_read):
    read = make_read("7ABC123")
    add(detective, "7ABC123")  # listed after the read arrived: matching it now would search stored reads
    assert reads_match_missed(now=_later()).reads == 1
    assert not Alert.objects.exists() and _matched_at(read) is not None


@pytest.mark.rule("ING-4")
@pytest.mark.parametrize("hours", [24, 6])
def test_the_sweep_looks_back_as_far_as_the_policy_lets_a_read_alert(detective, make_read, hours):
    AgencyPolicy.objects.create(alert_max_read_age_hours=hours)
    add(detective, "7ABC123")
    make_read("7ABC123")
    assert reads_match_missed(now=_later(timedelta(hours=hours))).reads == 0
    assert not Alert.objects.exists()


@pytest.mark.rule("ING-4")
def test_the_sweep_runs_as_the_application_role(detective, make_read):
    add(detective, "7ABC123")
    make_read("7ABC123")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {settings.DATABASE_APP_ROLE_NAME}")
        assert reads_match_missed(now=_later()).alerts == 1
