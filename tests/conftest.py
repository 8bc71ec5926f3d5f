"""Fixtures of the cross-app tests."""
import pytest
from django.db import transaction
from django.test import override_settings

from alpr import partitions
from tests.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("side-doors")
    with (django_db_blocker.unblock(),
          override_settings(MEDIA_ROOT=root / "media", EVIDENCE_ROOT=root / "evidence",
                            SHARING_DOCUMENTS_ROOT=root / "documents")):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            partitions.forget_known_partitions()
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            partitions.forget_known_partitions()


