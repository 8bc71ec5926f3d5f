"""The monthly audit names a purpose dropped since, or during the month, by the label the policy of the time
gave it, as the oversight figures do (``policy.selectors.purpose_labels_before``; found by a review)."""
import pytest
import time_machine

from policy.defaults import permitted_purposes
from policy.models import AgencyPolicy
from policy.roles import Role
from reports.reporting.audit_report import audit_activity
from reports.tests.conftest import local
from reports.tests.test_audit_report import PERIOD, event

pytestmark = [pytest.mark.django_db, pytest.mark.rule("AUD-5", "RPT-3")]


def test_the_monthly_audit_names_a_purpose_dropped_during_the_month_by_its_label(user_factory):
    """Tried: on 1 March the policy permits "Missing person (endangered)" (code ``missing_endangered``); a
    detective searches under it on 5 March; on 20 March a new version drops the purpose. The monthly audit
    of March (``reports.reporting.audit_report.audit_activity``) judges the month by the version in force
    at its end and labels each person's searches with ``policy.purpose_label``, which returns the bare
    code for a purpose that version does not list: the report read by the oversight board lists the
    detective's search under "missing_endangered", while the oversight report of the same month (since
    da4751e) lists it as "Missing person (endangered)".

    Should: the audit report names purposes as ``purpose_labels_before(period.end)`` does."""
    purposes = [*permitted_purposes(), {"code": "missing_endangered", "label": "Missing person (endangered)"}]
    with time_machine.travel(local(2026, 3, 1, 8), tick=False):
        AgencyPolicy.objects.create(permitted_purposes=purposes)
    detective = user_factory(role=Role.DETECTIVE)
    event(detective, "search.plate", local(2026, 3, 5, 10), purpose="missing_endangered",
          case_number="26-004512", plate="ABC1234")
    with time_machine.travel(local(2026, 3, 20, 8), tick=False):
        AgencyPolicy.objects.create(permitted_purposes=permitted_purposes())

    [person] = [p for p in audit_activity(PERIOD).people if p.user == detective]
    assert dict(person.by_purpose) == {"Missing person (endangered)": 1}
