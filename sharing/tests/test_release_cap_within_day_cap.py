"""The cap per release (``sharing_reads_per_release``) is never above the person's daily cap the release
counts towards (``download_cap_per_user_day``): the policy refuses one that is, by both names, on every path
(its ``clean``, so the policy page and ``policy_update``), and any cap per release it accepts is reachable."""
import pytest
from django.core.exceptions import ValidationError

from audit.context import Actor
from core.errors import ApplicationError
from policy import defaults
from policy.models import AgencyPolicy
from policy.selectors import current_policy
from policy.services import policy_update
from sharing.services import requests as request_services
from sharing.tests.conftest import DeclarationFactory
from sharing.tests.test_release_caps import _approved, _reads

pytestmark = pytest.mark.django_db


@pytest.mark.rule("USE-7", "SHR-1")
def test_a_cap_per_release_above_the_daily_cap_is_refused_naming_both(administrator):
    """The policy is asked for 40 reads per release (within its 1 to 100) while the daily cap stays at its
    default 25. A release's reads count towards the releasing person's daily cap, so no release above 25
    reads could ever pass: the policy refuses it, saying which two values disagree, and ``policy_update``
    (the policy page's path) refuses it as well; lowering the daily cap below the cap per release is
    refused alike. (Bounded each on its own, 40 was accepted and every release of 26 to 40 reads was
    refused as "Daily download limit reached".)"""
    asked = AgencyPolicy(permitted_purposes=defaults.permitted_purposes(), sharing_reads_per_release=40)
    with pytest.raises(ValidationError) as refused:
        asked.full_clean()
    message = " ".join(refused.value.message_dict["sharing_reads_per_release"])
    assert "reads one release may carry" in message and "download cap per user day" in message

    admin = Actor.for_user(administrator)
    for changes in ({"sharing_reads_per_release": 40}, {"download_cap_per_user_day": 10}):
        with pytest.raises(ApplicationError, match="download cap per user day") as refused:
            policy_update(actor=admin, changes=changes, reason="More per release")
        assert refused.value.field == "sharing_reads_per_release"
    assert current_policy().sharing_reads_per_release == 25


@pytest.mark.rule("USE-7", "SHR-1")
def test_a_release_within_a_cap_the_policy_accepts_goes_through_on_an_empty_day(administrator):
    """The policy allows 40 reads per release and 50 per person per day (accepted together). An agency's
    approved request matches 30 of our reads; the administrator, who has downloaded and released nothing
    today, releases them all."""
    policy = AgencyPolicy(permitted_purposes=defaults.permitted_purposes(), sharing_reads_per_release=40,
                          download_cap_per_user_day=50)
    policy.full_clean()
    policy.save()
    agency = DeclarationFactory().agency
    _reads("CAP3001", 30)
    ask = _approved(agency, administrator, "CAP3001")

    released = request_services.request_release(actor=Actor.for_user(administrator), request_id=ask.pk)
    assert len(released.package.read_ids) == 30
