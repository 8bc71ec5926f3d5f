"""RET-4: a package directory left by a caller's rolled-back transaction is removed; recorded ones stay."""
import os
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.context import Actor
from audit.models import AuditEvent
from retention.models import EvidencePackage
from retention.services import evidence_orphans_remove, evidence_package_verify
from retention.tests.conftest import actor_of
from retention.tests.test_evidence import _dir, _package

pytestmark = [pytest.mark.django_db, pytest.mark.rule("RET-4")]


class CallerFailed(Exception):
    pass


def _orphan(detective, make_read) -> EvidencePackage:
    """Create a package inside a caller's transaction that then rolls back (a download failing later)."""
    with pytest.raises(CallerFailed), transaction.atomic():
        package = _package(detective, [make_read()])
        raise CallerFailed
    assert _dir(package).is_dir() and not EvidencePackage.objects.filter(uuid=package.uuid).exists()
    return package


def _age(directory: Path, by: timedelta) -> None:
    then = time.time() - by.total_seconds()
    os.utime(directory, (then, then))


def _sweep(**kwargs) -> list[str]:
    return evidence_orphans_remove(actor=Actor.system("scheduler"), **kwargs)


def test_the_sweep_removes_a_rolled_back_package_and_keeps_recorded_ones(detective, make_read):
    orphan = _orphan(detective, make_read)
    kept = _package(detective, [make_read()])
    assert _sweep() == []  # just written: its transaction might still be committing
    for package in (orphan, kept):
        _age(_dir(package), timedelta(hours=2))
    assert _sweep() == [orphan.directory]
    assert not _dir(orphan).exists()
    assert evidence_package_verify(actor=actor_of(detective), reference=str(kept.uuid)).ok
    event = AuditEvent.objects.get(action="retention.evidence_orphans_removed")
    assert event.targets == [f"path:{orphan.directory}"] and event.result_count == 1
    assert _sweep() == []


def test_the_sweep_removes_a_staging_directory_a_crash_left():
    staging = Path(settings.EVIDENCE_ROOT) / "2026" / ".staging-0b7c3c52-93a4-4b8e-9a52-7d1e2f0c4a11"
    (staging / "reads").mkdir(parents=True)
    (staging / "reads" / "1.json").write_text("{}")
    unrelated = Path(settings.EVIDENCE_ROOT) / "2026" / "not-a-package"
    unrelated.mkdir()
    for directory in (staging, unrelated):
        _age(directory, timedelta(hours=2))
    assert _sweep() == [f"2026/{staging.name}"]
    assert unrelated.is_dir()


def test_a_directory_newer_than_an_open_transaction_is_kept(detective, make_read):
    orphan = _orphan(detective, make_read)
    later = timezone.now() + timedelta(hours=2)
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT 1")  # a transaction left open: its package row could still commit
        assert _sweep(now=later) == []
    assert _sweep(now=later) == [orphan.directory]
