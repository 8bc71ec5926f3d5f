"""Which version of the policy was in force at a past moment: a past period is judged by the version in force
at its end (RPT-1, AUD-5), whatever was changed since."""
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from policy.models import AgencyPolicy
from policy.selectors import current_policy, policy_in_force_before

pytestmark = pytest.mark.django_db


def _local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.mark.rule("RPT-1", "AUD-5")
def test_the_version_in_force_before_a_moment_is_the_newest_put_in_force_before_it():
    with time_machine.travel(_local(2026, 3, 10, 9), tick=False):
        march = AgencyPolicy.objects.create(repeated_plate_searches=4)
    with time_machine.travel(_local(2026, 4, 1, 0, 0), tick=False):
        april = AgencyPolicy.objects.create(repeated_plate_searches=6)
    assert current_policy() == april
    assert policy_in_force_before(_local(2026, 4, 1)) == march  # the end of March: April's came after
    assert policy_in_force_before(_local(2026, 4, 1, 0, 1)) == april
    assert policy_in_force_before(_local(2026, 3, 10, 9)) != march  # not yet in force
    before_any = policy_in_force_before(_local(2020, 1, 1))  # not the first version: the defaults
    assert before_any.pk is None and before_any.repeated_plate_searches == 3
