"""Reads an evidence hold keeps past retention stay findable for the case (RET-2); nothing else does."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access
from alpr.selectors import SearchMode
from audit.context import Actor
from audit.models import AuditEvent
from conftest import UserFactory
from core.errors import ApplicationError, NotFound, PolicyDenied
from hotlists.models import Alert
from hotlists.services import hotlist_entry_add
from policy.roles import Role
from retention.services import hold_place, hold_release
from searches.tests.factories import actor, make_camera, make_read, open_justification
from sharing.services import agencies
from sharing.tests.conftest import AgencyFactory, DeclarationFactory, PartnerPersonFactory

pytestmark = pytest.mark.django_db
A_YEAR_AGO = timedelta(days=365)


@pytest.fixture
def officer():
    return UserFactory(role=Role.OFFICER)


@pytest.fixture
def justification(officer):
    return open_justification(officer)


@pytest.fixture
def reads():
    """A recent read, and two of the same plate past the 30 days of retention (not purged yet)."""
    camera = make_camera("Harlem & North")
    now = timezone.now()
    return {"recent": make_read(camera=camera, plate="ABC1234", captured_at=now - timedelta(days=2)),
            "held": make_read(camera=camera, plate="ABC1234", captured_at=now - timedelta(days=40)),
            "unheld": make_read(camera=camera, plate="ABC1234", captured_at=now - timedelta(days=45))}


def _hold(officer, *read_ids, **window):
    return hold_place(actor=actor(officer), case_number="26-004512", reason="Evidence in the robbery case",
                      read_ids=list(read_ids), **window)


def _found(officer, justification, plate="ABC1234", mode=SearchMode.EXACT, **kwargs) -> list[int]:
    results = access.plate_reads_search(actor=actor(officer), justification=justification, plate=plate,
                                        mode=mode, since=timezone.now() - A_YEAR_AGO, **kwargs)
    return [row.id for row in results.rows]


@pytest.mark.rule("RET-2")
def test_a_search_reaching_past_retention_finds_held_reads_only(officer, justification, reads):
    _hold(officer, reads["held"].pk)
    assert _found(officer, justification) == [reads["recent"].pk, reads["held"].pk]
    event = AuditEvent.objects.filter(action="search.plate").latest("id")
    assert event.targets == [f"read:{reads['recent'].pk}", f"read:{reads['held'].pk}"]
    assert event.query["window_clamped"] is True and event.query["held_since"]


@pytest.mark.rule("RET-2")
@pytest.mark.parametrize("plate, mode", [("ABC1234", SearchMode.EXACT), ("AB?1234", SearchMode.PARTIAL),
                                         ("A8C1234", SearchMode.MISREAD),
                                         ("A8C1235", SearchMode.MISREAD_EDIT)])
def test_every_match_mode_finds_held_reads(officer, justification, reads, plate, mode):
    _hold(officer, reads["held"].pk)
    assert _found(officer, justification, plate, mode) == [reads["recent"].pk, reads["held"].pk]


@pytest.mark.rule("RET-2")
def test_a_search_within_retention_does_not_reach_back_to_held_reads(officer, justification, reads):
    _hold(officer, reads["held"].pk)
    results = access.plate_reads_search(actor=actor(officer), justification=justification, plate="ABC1234")
    assert [row.id for row in results.rows] == [reads["recent"].pk] and not results.window.clamped


@pytest.mark.rule("RET-2")
def test_a_plate_window_hold_keeps_its_reads_findable(officer, justification, reads):
    now = timezone.now()
    _hold(officer, plate="ABC1234", window_start=now - timedelta(days=42),
          window_end=now - timedelta(days=38))
    assert _found(officer, justification) == [reads["recent"].pk, reads["held"].pk]


@pytest.mark.rule("RET-2")
def test_a_released_hold_returns_its_reads_to_retention(officer, justification, reads):
    hold = _hold(officer, reads["held"].pk)
    assert _found(officer, justification) == [reads["recent"].pk, reads["held"].pk]
    hold_release(actor=actor(officer), hold_id=hold.pk, reason="Case closed")
    assert _found(officer, justification) == [reads["recent"].pk]
    with pytest.raises(NotFound):  # listed by the search before the release, gone from retention since
        access.plate_read_get(actor=actor(officer), justification=justification, read_id=reads["held"].pk)


@pytest.mark.rule("RET-2")
def test_a_window_wholly_past_retention_finds_only_held_reads(officer, justification, reads):
    _hold(officer, reads["held"].pk)
    now = timezone.now()
    assert _found(officer, justification, until=now - timedelta(days=35)) == [reads["held"].pk]


@pytest.mark.rule("RET-2")
def test_pages_and_counts_include_held_reads(officer, justification, reads):
    _hold(officer, reads["held"].pk)
    results = access.plate_reads_search(actor=actor(officer), justification=justification, plate="ABC1234",
                                        since=timezone.now() - A_YEAR_AGO, per_page=1, page=2)
    assert [row.id for row in results.rows] == [reads["held"].pk] and results.total == 2
    past_the_end = access.plate_reads_search(actor=actor(officer), justification=justification,
                                             plate="ABC1234", since=timezone.now() - A_YEAR_AGO, per_page=1,
                                             page=5)
    assert past_the_end.rows == [] and past_the_end.total == 2


@pytest.mark.rule("RET-2")
def test_a_canvass_past_retention_finds_held_reads_only(officer, justification):
    camera = make_camera("Near", latitude=41.8860, longitude=-87.7850)
    then = timezone.now() - timedelta(days=40)
    held = make_read(camera=camera, plate="AAA1111", images=False, captured_at=then)
    make_read(camera=camera, plate="BBB2222", images=False, captured_at=then + timedelta(minutes=5))
    _hold(officer, held.pk)
    results = access.plate_reads_canvass(actor=actor(officer), justification=justification, latitude=41.885,
                                         longitude=-87.785, radius_m=300, since=then - timedelta(hours=1),
                                         until=then + timedelta(hours=1))
    assert [row.id for row in results.rows] == [held.pk]


@pytest.mark.rule("RET-2")
def test_a_held_read_past_retention_opens_with_its_images_and_downloads(officer, justification, reads):
    _hold(officer, reads["held"].pk)
    read = access.plate_read_get(actor=actor(officer), justification=justification, read_id=reads["held"].pk)
    assert read.pk == reads["held"].pk
    image = access.plate_read_image(actor=actor(officer), justification=justification,
                                    read_id=reads["held"].pk, kind="crop")
    assert image.content.startswith(b"\xff\xd8")
    package = access.plate_reads_download(actor=actor(officer), justification=justification,
                                          read_ids=[reads["held"].pk],
                                          purpose="Evidence for the prosecutor in the armed robbery case")
    assert package.read_ids == [reads["held"].pk]
    for opening in (access.plate_read_get, lambda **kw: access.plate_read_image(kind="crop", **kw)):
        with pytest.raises(PolicyDenied) as refused:  # neither held for the case nor listed by a search
            opening(actor=actor(officer), justification=justification, read_id=reads["unheld"].pk)
        assert refused.value.code == "outside_read_scope"


@pytest.mark.rule("RET-2")
def test_held_reads_need_the_same_justification_as_any_search(officer, reads):
    _hold(officer, reads["held"].pk)
    with pytest.raises(PolicyDenied, match="purpose, case number"):
        access.plate_read_get(actor=actor(officer), justification=None, read_id=reads["held"].pk)


@pytest.mark.rule("RET-2")
@pytest.mark.rule("SHR-6")
def test_partner_agencies_never_reach_held_reads_past_retention(client, officer, administrator, reads):
    """A hold keeps reads for this department's case; a partner's search stays cut at retention."""
    _hold(officer, reads["held"].pk)
    agency = AgencyFactory(sharing_enabled=True)
    DeclarationFactory(agency=agency)
    person = PartnerPersonFactory(agency=agency)
    _, key = agencies.credential_issue(actor=Actor.for_user(administrator), person_id=person.pk)
    response = client.post("/partner/api/v1/searches/", {
        "purpose": "violent_crime", "case_number": "RPD-26-00417", "plate": "ABC1234",
        "description": "Carjacking at gunpoint on North Avenue; the stolen grey SUV was last seen heading "
                       "east",
        "since": (timezone.now() - A_YEAR_AGO).isoformat()},
        content_type="application/json", HTTP_AUTHORIZATION=f"Partner {key}")
    assert response.status_code == 200, response.content
    assert [row["read_id"] for row in response.json()["results"]] == [reads["recent"].pk]


OTHER_CASE = "26-009999"


@pytest.mark.rule("RET-1", "RET-2", "USE-1")
def test_held_reads_past_retention_are_found_only_under_a_justification_for_the_hold_s_case(officer, reads):
    # Tried: a second officer, under a justification for another case, searches the plate a year back,
    # canvasses the camera's spot at the held read's hour, and asks for a window wholly past retention.
    # The hold keeps the read for case 26-004512 alone; to everyone else it is past retention (RET-1).
    _hold(officer, reads["held"].pk)
    other = UserFactory(role=Role.DETECTIVE)
    unrelated = open_justification(other, case_number=OTHER_CASE)
    assert _found(other, unrelated) == [reads["recent"].pk]
    then = reads["held"].captured_at
    with pytest.raises(ApplicationError) as refused:  # as if nothing were kept in the hour
        access.plate_reads_canvass(actor=actor(other), justification=unrelated, latitude=41.885,
                                   longitude=-87.785, radius_m=300, since=then - timedelta(hours=1),
                                   until=then + timedelta(hours=1))
    assert refused.value.field == "until"
    with pytest.raises(ApplicationError) as refused:
        _found(other, unrelated, until=timezone.now() - timedelta(days=35))
    assert refused.value.field == "until"
    colleague_on_the_case = open_justification(UserFactory(role=Role.DETECTIVE))
    assert _found(colleague_on_the_case.user, colleague_on_the_case) == [reads["recent"].pk, reads["held"].pk]


@pytest.mark.rule("RET-1", "RET-2", "USE-1")
def test_another_case_cannot_open_a_held_read_past_retention_as_an_alert(officer, reads):
    # Tried: the held read (past retention) has an alert open in the inbox; an officer who verifies alerts
    # opens it by number under a justification for another case. To that case the read is past retention.
    _hold(officer, reads["held"].pk)
    detective = UserFactory(role=Role.DETECTIVE)
    entry = hotlist_entry_add(actor=actor(detective), plate_pattern="ABC1234", case_number="26-004512",
                              reason="Stolen in the Main St burglary",
                              expires_at=timezone.now() + timedelta(days=30))
    # Planted: matching raises no alert for a read captured over a day ago, but an alert raised on a fresh
    # read stays in the inbox after the read passes a retention shorter than alert_open_days.
    Alert.objects.create(read_id=reads["held"].pk, read_captured_at=reads["held"].captured_at,
                         camera_id=reads["held"].camera_id, entry=entry, match_kind="exact",
                         created_at=timezone.now())
    other = UserFactory(role=Role.OFFICER)
    unrelated = open_justification(other, case_number=OTHER_CASE)
    with pytest.raises(NotFound):
        access.plate_read_get(actor=actor(other), justification=unrelated, read_id=reads["held"].pk)
    assert access.plate_read_get(actor=actor(officer), justification=open_justification(officer),
                                 read_id=reads["held"].pk).pk == reads["held"].pk
