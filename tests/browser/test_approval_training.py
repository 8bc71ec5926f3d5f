"""The Chief's approval queue in a real browser shows lapsed training before the decision, and the
approval says what the lapse still blocks (ACC-2, ACC-5)."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AccountStatus, TrainingKind, TrainingRecord
from conftest import UserFactory
from policy.roles import Role
from policy.selectors import current_policy
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.rule("ACC-5")
def test_the_chief_sees_lapsed_training_and_is_told_what_approval_does_not_open(page, live_server):
    chief = UserFactory(role=Role.CHIEF)
    lapsed = UserFactory(role=Role.DETECTIVE, full_name="Lee Park", status=AccountStatus.PENDING,
                         trained=False)
    completed = timezone.localdate() - timedelta(days=current_policy().training_validity_days + 10)
    for kind in (TrainingKind.ALPR_TRAINING, TrainingKind.POLICY_SIGNOFF):
        TrainingRecord.objects.create(user=lapsed, kind=kind, completed_on=completed, reference="Course",
                                      recorded_by=chief)
    browser_sign_in(page, live_server, chief)
    nav_go(page, "Approvals")
    row = page.get_by_role("row").filter(has_text="Lee Park")
    expect(row.get_by_role("cell").filter(has_text="Blocks ALPR data")).to_contain_text(
        "Department-approved ALPR training: expired on")
    approve = row.get_by_role("button", name="Approve Lee Park")
    expect(approve).to_have_accessible_description(re.compile("^Blocks ALPR data"))
    assert_accessible(page, "approvals with lapsed training")
    approve.click()
    expect(page.get_by_role("status")).to_contain_text(
        "Lee Park's account is approved, but their training blocks all access to ALPR data")
