"""The search pages state the policy's limits, and a search past them is refused on the record."""
import pytest

from audit.models import AuditEvent, Outcome
from policy.models import AgencyPolicy

pytestmark = pytest.mark.django_db


@pytest.mark.rule("USE-5")
@pytest.mark.rule("USE-6")
def test_the_search_forms_state_the_limits_in_force(justified_client):
    def pages():
        return [justified_client.get("/search/", query).content.decode()
                for query in ({}, {"tab": "canvass"})]

    plate, canvass = pages()
    assert "at least 3 known characters in a row" in plate
    assert "A canvass covers at most 24 hours" in canvass and "At most 2000 metres" in canvass
    AgencyPolicy.objects.create(canvass_max_hours=1, canvass_max_radius_m=400, partial_plate_min_known=5)
    plate, canvass = pages()
    assert "at least 5 known characters in a row" in plate
    assert "Default: 1 hour before the end. A canvass covers at most 1 hour" in canvass
    assert "At most 400 metres" in canvass and 'max="400"' in canvass


@pytest.mark.rule("USE-6")
def test_a_canvass_radius_past_the_policy_is_refused_and_audited(justified_client):
    AgencyPolicy.objects.create(canvass_max_radius_m=400)
    response = justified_client.get("/search/canvass/", {"latitude": "41.885", "longitude": "-87.785",
                                                       "radius_m": "900"})
    assert response.status_code == 400 and "between 10 and 400 metres" in response.content.decode()
    refused = AuditEvent.objects.get(action="search.canvass", outcome=Outcome.FAILED)
    assert refused.query["radius_m"] == 900
