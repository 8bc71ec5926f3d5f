"""Search limits come from the policy in force: canvass window and radius, partial-plate known characters."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access
from alpr.selectors import SearchMode
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import ApplicationError
from policy.models import AgencyPolicy
from policy.roles import Role
from searches.tests.factories import actor, make_camera, make_read, open_justification

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(role=Role.OFFICER)


@pytest.fixture
def justification(officer):
    return open_justification(officer)


def _canvass(officer, justification, **kwargs):
    kwargs = {"latitude": 41.885, "longitude": -87.785, "radius_m": 300, **kwargs}
    return access.plate_reads_canvass(actor=actor(officer), justification=justification, **kwargs)


def _refusal(action: str) -> AuditEvent:
    """Return the latest attempt refused for bad input: recorded as failed, like any ApplicationError."""
    return AuditEvent.objects.filter(action=action, outcome=Outcome.FAILED).latest("id")


@pytest.mark.rule("USE-6")
def test_the_canvass_window_follows_the_policy(officer, justification):
    camera = make_camera("Near", latitude=41.8860, longitude=-87.7850)
    read = make_read(camera=camera, plate="AAA1111", images=False,
                     captured_at=timezone.now() - timedelta(hours=30))
    thirty_six_hours_ago = timezone.now() - timedelta(hours=36)
    with pytest.raises(ApplicationError, match="at most 24 hours"):
        _canvass(officer, justification, since=thirty_six_hours_ago)
    AgencyPolicy.objects.create(canvass_max_hours=48)  # the newest version is in force
    results = _canvass(officer, justification, since=thirty_six_hours_ago)
    assert [row.id for row in results.rows] == [read.pk]
    AgencyPolicy.objects.create(canvass_max_hours=6)
    with pytest.raises(ApplicationError, match="at most 6 hours"):
        _canvass(officer, justification, since=timezone.now() - timedelta(hours=8))
    assert _refusal("search.canvass").query["radius_m"] == 300


@pytest.mark.rule("USE-6")
def test_the_default_canvass_window_never_exceeds_the_policy(officer, justification):
    AgencyPolicy.objects.create(canvass_max_hours=1)
    results = _canvass(officer, justification)
    assert results.window.until - results.window.since == timedelta(hours=1)


@pytest.mark.rule("USE-6")
def test_the_canvass_radius_follows_the_policy(officer, justification):
    with pytest.raises(ApplicationError, match="between 10 and 2000 metres"):
        _canvass(officer, justification, radius_m=2500)
    assert _refusal("search.canvass").query["radius_m"] == 2500
    AgencyPolicy.objects.create(canvass_max_radius_m=3000)
    assert _canvass(officer, justification, radius_m=2500).total == 0
    AgencyPolicy.objects.create(canvass_max_radius_m=500)
    with pytest.raises(ApplicationError, match="between 10 and 500 metres"):
        _canvass(officer, justification, radius_m=800)


@pytest.mark.rule("USE-5")
def test_the_known_characters_a_partial_plate_needs_follow_the_policy(officer, justification):
    camera = make_camera("Harlem & North")
    read = make_read(camera=camera, plate="ABC1234", images=False)

    def search(plate):
        return access.plate_reads_search(actor=actor(officer), justification=justification, plate=plate,
                                         mode=SearchMode.PARTIAL)

    assert [row.id for row in search("AB?123*").rows] == [read.pk]
    AgencyPolicy.objects.create(partial_plate_min_known=4)
    with pytest.raises(ApplicationError, match="at least 4 known characters in a row"):
        search("AB?123*")
    assert _refusal("search.plate").query["plate"] == "AB?123*"
    assert [row.id for row in search("AB?1234").rows] == [read.pk]
