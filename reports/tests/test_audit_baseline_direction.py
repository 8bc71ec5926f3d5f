"""Any change of the monthly audit's baseline values (``audit_baseline_days``,
``audit_baseline_min_events``) is held for public comment. A person whose history falls short of the
baseline is judged by the policy's off-hours instead of their own hours, and for a day-shift person the
policy's off-hours flag *less*: a shorter baseline or more actions required loosens too, for them (found by
a review: they were given one direction each, so this change took effect at once, without comment)."""
import pytest
import time_machine

from policy.directions import loosening
from policy.models import AgencyPolicy
from policy.roles import Role
from policy.services import policy_values
from reports.reporting.audit_report import FLAG_OFF_HOURS, audit_activity
from reports.tests.conftest import local
from reports.tests.test_audit_report import PERIOD, event

pytestmark = [pytest.mark.django_db, pytest.mark.rule("AUD-5", "RPT-4")]


def _evening_flagged(detective) -> bool:
    flags = audit_activity(PERIOD).flags_of(FLAG_OFF_HOURS)
    return any(flag[0] == detective.audit_label for flag in flags)


@pytest.mark.parametrize("name, value", [("audit_baseline_min_events", 500), ("audit_baseline_days", 30)])
def test_a_change_of_the_baseline_that_unflags_activity_is_held_for_comment(user_factory, name, value):
    """Tried: a day-shift detective searched at 09:00 on 25 days of January 2026 (within the default 90 days
    before March, 25 actions: more than the default 20), then at 20:00 on a March evening. Under the
    default policy their own hours are {9}: the 20:00 search is flagged (the case the baseline exists for).
    The administrator then raises ``audit_baseline_min_events`` to 500 (or lowers ``audit_baseline_days``
    to 30, which no longer reaches January): the detective falls back to the policy's off-hours (22:00 to
    06:00), 20:00 is normal, and the month's audit no longer flags it.

    That change removes a flag from the monthly audit, i.e. it loosens what is shown to the auditor and
    the oversight board; yet ``policy.directions`` calls raising the minimum (and lowering the days) a
    tightening, so ``policy_update`` puts it in force at once, with no public comment and no Chief's
    approval (RPT-4). Should: either direction of these two values is held for comment (as
    ``ANY_CHANGE_LOOSENS`` does for values whose direction cannot be judged), or the fallback is at least
    as strict as the person's own hours."""
    detective = user_factory(role=Role.DETECTIVE)
    for day in range(2, 27):
        event(detective, "search.plate", local(2026, 1, day, 9), purpose="violent_crime",
              case_number="26-004512", plate="ABC1234")
    event(detective, "search.plate", local(2026, 3, 10, 20), purpose="violent_crime", case_number="26-004512",
          plate="ABC1234")
    with time_machine.travel(local(2026, 3, 1, 8), tick=False):
        before = AgencyPolicy.objects.create()  # the defaults: 90 days, 20 actions
    assert _evening_flagged(detective)  # their own hours judge them

    with time_machine.travel(local(2026, 3, 2, 8), tick=False):
        after = AgencyPolicy.objects.create(**{name: value})
    assert not _evening_flagged(detective)  # the change took the flag away

    assert name in loosening(policy_values(before), policy_values(after)), (
        f"changing {name} to {value} unflagged the audit but is judged a tightening: in force at once")
