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


@pytest.mark.rule("USE-3")
@pytest.mark.parametrize(("description", "named"), [
    ("Robbery suspect seen leaving in March, grey sedan", None),
    ("Vehicle parked by the church lot after the armed robbery", None),
    ("Identify marchers at the downtown protest march", "first_amendment"),
    ("Find congregants of the new mosque", "protected_class"),
])
def test_prohibited_purposes_are_recognised_without_refusing_ordinary_words(description, named):
    from policy.models import AgencyPolicy

    found = AgencyPolicy().prohibited_purpose_named_in(description)
    assert (found or {}).get("code") == named
