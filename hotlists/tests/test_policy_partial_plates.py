"""Hotlist entries follow the policy's minimum of known characters for a partial plate."""
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.context import Actor
from core.errors import ApplicationError
from hotlists.models import HotlistEntry
from hotlists.services import hotlist_entry_add
from policy.models import AgencyPolicy

pytestmark = pytest.mark.django_db


def _add(detective, pattern: str) -> HotlistEntry:
    return hotlist_entry_add(actor=Actor.for_user(detective), plate_pattern=pattern,
                             case_number="26-004512", reason="Stolen in a burglary on Lake St",
                             expires_at=timezone.now() + timedelta(days=5))


@pytest.mark.rule("USE-5")
def test_a_partial_plate_needs_the_policy_minimum_of_known_characters(detective):
    assert _add(detective, "AB?123").plate_pattern == "AB?123"  # 3 known in a row: the default allows it
    AgencyPolicy.objects.create(partial_plate_min_known=4)
    with pytest.raises(ApplicationError, match="at least 4 known characters"):
        _add(detective, "CD?456")
    assert not HotlistEntry.objects.filter(plate_pattern="CD?456").exists()
    assert _add(detective, "CD?4567").plate_pattern == "CD?4567"
