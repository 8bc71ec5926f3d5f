import pytest

from audit.context import Actor
from audit.models import AuditEvent
from conftest import UserFactory
from core.errors import ApplicationError
from policy.roles import Role
from policy.services import policy_update

pytestmark = pytest.mark.django_db


@pytest.mark.rule("RET-1")
def test_a_retention_over_90_days_is_refused_and_the_refusal_audited():
    admin = UserFactory(role=Role.ADMINISTRATOR)
    with pytest.raises(ApplicationError, match="90"):
        policy_update(actor=Actor.for_user(admin), changes={"retention_days": 91}, reason="Longer")
    refusal = AuditEvent.objects.get(action="policy.changed")
    assert refusal.outcome == "failed" and "90" in refusal.reason
