"""Partner searches are limited per person by the policy's ``partner_searches_per_hour`` (SHR-5, USE-7,
AUD-1).

Before: a partner agency's key could run searches through the API as fast as it liked, with nothing but
the per-search page size between it and our reads. Now the next search past the limit in any hour is
refused with a 429 and ``Retry-After``, returns nothing, and is recorded refused and flagged.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.context import Actor
from audit.models import AuditEvent, Outcome
from policy.models import AgencyPolicy
from retention.models import ReadShare
from retention.tests.conftest import create_read
from searches.tests.factories import make_camera
from sharing.models import PartnerSearch
from sharing.services import agencies
from sharing.tests.conftest import PartnerPersonFactory
from sharing.tests.test_partner_api import _search

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_two(db):
    AgencyPolicy.objects.create(partner_searches_per_hour=2)  # the newest version is in force


@pytest.fixture(autouse=True)
def read(db):
    return create_read(make_camera(), plate="ABC1234", age=timedelta(hours=2))


def _key(administrator, person) -> str:
    return agencies.credential_issue(actor=Actor.for_user(administrator), person_id=person.pk)[1]


@pytest.mark.rule("SHR-5", "USE-7", "AUD-1")
def test_the_search_past_the_hourly_limit_is_refused_with_429_recorded_and_flagged(client, partner,
                                                                                   limit_two):
    # Tried: a third search within the hour, with a limit of two.
    person, key = partner
    assert [_search(client, key).status_code for _ in range(2)] == [200, 200]
    shares = list(ReadShare.objects.values_list("pk", flat=True))
    refused = _search(client, key)
    assert refused.status_code == 429 and b"ABC1234" not in refused.content
    body = refused.json()
    assert body["error"] == "rate_limited" and "At most 2 partner searches" in body["detail"]
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    event = AuditEvent.objects.filter(action="search.plate").latest("id")
    assert (event.outcome, event.flagged, event.query["partner_person"]) == (Outcome.REFUSED, True, person.pk)
    assert event.targets == [] and person.full_name in event.actor_label
    assert PartnerSearch.objects.filter(person=person).count() == 2
    assert list(ReadShare.objects.values_list("pk", flat=True)) == shares  # nothing more went to the agency


@pytest.mark.rule("SHR-5", "USE-7")
def test_the_limit_is_per_person_and_slides_with_the_hour(client, partner, limit_two, administrator):
    person, key = partner
    for _ in range(2):
        _search(client, key)
    colleague = PartnerPersonFactory(agency=person.agency)
    assert _search(client, _key(administrator, colleague)).status_code == 200
    assert _search(client, key).status_code == 429
    # The older of the two searches leaves the window: one place is free again, and only one.
    oldest = PartnerSearch.objects.filter(person=person).earliest("searched_at")
    PartnerSearch.objects.filter(pk=oldest.pk).update(searched_at=timezone.now() - timedelta(minutes=61))
    assert _search(client, key).status_code == 200
    assert _search(client, key).status_code == 429


@pytest.mark.rule("SHR-5")
def test_searches_the_gate_refused_do_not_use_up_the_limit(client, partner, limit_two):
    _person, key = partner
    for _ in range(3):
        assert _search(client, key, description="investigation").status_code == 403
    assert [_search(client, key).status_code for _ in range(3)] == [200, 200, 429]


def test_the_schema_tells_integrators_about_the_429(client):
    schema = client.get("/partner/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    refused = schema["paths"]["/partner/api/v1/searches/"]["post"]["responses"]["429"]
    assert "partner_searches_per_hour" in refused["description"]
