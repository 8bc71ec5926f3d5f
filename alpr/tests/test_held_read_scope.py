"""A held read opens by number only to the person who placed the hold, under their justification for its
case (USE-1, USE-4, RET-2, AUD-1).

The side door this closes: the held scope was bound to a typed string. Any officer who stated the
hold's case number in a justification opened its reads by id (``/search/reads/<id>/`` and the photo),
and listed them on the hold's page. A colleague on the same case now searches for the read, which
lists it (audited as a search), like any other read.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import PolicyDenied
from policy.roles import Role
from retention.services import hold_release
from searches.tests.factories import DESCRIPTION, actor, make_camera, make_read, open_justification

pytestmark = pytest.mark.django_db
CASE = "26-004512"
OUTSIDE = "outside_read_scope"


@pytest.fixture
def officer_a():
    return UserFactory(role=Role.OFFICER)


@pytest.fixture
def officer_b():
    return UserFactory(role=Role.DETECTIVE)


@pytest.fixture
def held(officer_a):
    """A read officer A opened and held for case 26-004512 (the plate is searched by no one else)."""
    read = make_read(camera=make_camera("Harlem & North"), plate="HLD4512")
    justification = open_justification(officer_a, case_number=CASE)
    access.plate_reads_search(actor=actor(officer_a), justification=justification, plate="HLD4512")
    hold = access.plate_reads_hold(actor=actor(officer_a), justification=justification, read_ids=[read.pk],
                                   reason="Getaway car of the Oak Street pharmacy robbery, for the trial")
    return read, hold


def _open(user, justification, read_id, kind=None):
    if kind is None:
        return access.plate_read_get(actor=actor(user), justification=justification, read_id=read_id)
    return access.plate_read_image(actor=actor(user), justification=justification, read_id=read_id, kind=kind)


def _last(action: str, user) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, actor_user=user).latest("id")


@pytest.mark.rule("USE-1", "USE-4", "RET-2", "AUD-1")
@pytest.mark.parametrize("kind, action", [(None, "read.viewed"), ("full", "read.image_viewed"),
                                          ("crop", "read.image_viewed")])
def test_another_officer_stating_the_same_case_number_cannot_open_a_held_read(officer_a, officer_b, held,
                                                                              kind, action):
    # Tried: officer B states a justification for the hold's case number, then opens the held read by id.
    read, _hold = held
    same_case = open_justification(officer_b, case_number=CASE)
    with pytest.raises(PolicyDenied) as refused:
        _open(officer_b, same_case, read.pk, kind)
    assert refused.value.code == OUTSIDE and "hold you placed" in refused.value.message
    event = _last(action, officer_b)
    assert (event.outcome, event.targets, event.case_number) == (Outcome.REFUSED, [f"read:{read.pk}"], CASE)
    assert "HLD4512" not in str(event.query)
    # The placer still opens it under a new justification for the case (the hold's scope, not a search's).
    later = open_justification(officer_a, case_number=CASE)
    assert _open(officer_a, later, read.pk, kind)
    assert _last(action, officer_a).query["scope"] == "held"


@pytest.mark.rule("USE-1", "RET-2")
def test_the_placer_opens_it_only_under_the_holds_case_and_while_it_holds(officer_a, held):
    read, hold = held
    other_case = open_justification(officer_a, case_number="26-009999")
    with pytest.raises(PolicyDenied) as refused:
        _open(officer_a, other_case, read.pk)
    assert refused.value.code == OUTSIDE
    hold_release(actor=actor(officer_a), hold_id=hold.pk, reason="Case closed, plea entered")
    after_release = open_justification(officer_a, case_number=CASE)
    with pytest.raises(PolicyDenied):
        _open(officer_a, after_release, read.pk)


@pytest.mark.rule("USE-1", "RET-2")
def test_a_plate_window_hold_binds_to_its_placer_too(officer_a, officer_b):
    # Tried: officer A holds every read of a plate in a window; officer B, same case number, opens one.
    read = make_read(camera=make_camera(), plate="WIN4512", captured_at=timezone.now() - timedelta(days=3))
    placing = open_justification(officer_a, case_number=CASE)
    now = timezone.now()
    access.plate_reads_hold(actor=actor(officer_a), justification=placing, plate="WIN4512",
                            since=now - timedelta(days=5), until=now - timedelta(days=1),
                            reason="Getaway car of the Oak Street pharmacy robbery, for the trial")
    with pytest.raises(PolicyDenied) as refused:
        _open(officer_b, open_justification(officer_b, case_number=CASE), read.pk)
    assert refused.value.code == OUTSIDE
    assert _open(officer_a, open_justification(officer_a, case_number=CASE), read.pk).pk == read.pk


@pytest.mark.rule("USE-1", "RET-2")
def test_a_plate_window_hold_opens_no_read_uploaded_after_it_was_placed(officer_a):
    # Tried: a camera's backlog uploaded after the hold, captured in its window. The hold matched its plate
    # and window at every use, so the backlog read opened to the placer by number, listed by no search.
    camera, now = make_camera(), timezone.now()
    there = make_read(camera=camera, plate="WIN4512", captured_at=now - timedelta(days=3))
    placing = open_justification(officer_a, case_number=CASE)
    access.plate_reads_hold(actor=actor(officer_a), justification=placing, plate="WIN4512",
                            since=now - timedelta(days=5), until=now - timedelta(days=1),
                            reason="Getaway car of the Oak Street pharmacy robbery, for the trial")
    backlog = make_read(camera=camera, plate="WIN4512", captured_at=now - timedelta(days=2))
    later = open_justification(officer_a, case_number=CASE)
    assert _open(officer_a, later, there.pk).pk == there.pk
    with pytest.raises(PolicyDenied) as refused:
        _open(officer_a, later, backlog.pk)
    assert refused.value.code == OUTSIDE


@pytest.mark.rule("USE-1", "RET-2", "AUD-1")
def test_a_colleague_on_the_case_reaches_the_held_read_by_searching_for_it(officer_b, held):
    read, _hold = held
    justification = open_justification(officer_b, case_number=CASE)
    results = access.plate_reads_search(actor=actor(officer_b), justification=justification, plate="HLD4512")
    assert [row.id for row in results.rows] == [read.pk]
    assert _open(officer_b, justification, read.pk).pk == read.pk
    assert _last("read.viewed", officer_b).query["scope"] == "listed"


@pytest.mark.rule("RET-2", "AUD-1")
def test_the_reads_of_a_hold_are_listed_to_its_placer_only(officer_a, officer_b, held):
    # Tried: officer B, with a justification for the hold's case, asks for the reads the hold keeps.
    read, hold = held
    with pytest.raises(PolicyDenied) as refused:
        access.hold_reads_list(actor=actor(officer_b), justification=open_justification(officer_b,
                                                                                          case_number=CASE),
                               hold=hold)
    assert refused.value.code == "outside_hold_scope"
    event = _last("retention.hold_viewed", officer_b)
    assert (event.outcome, event.targets) == (Outcome.REFUSED, [f"hold:{hold.pk}"])
    listed = access.hold_reads_list(actor=actor(officer_a), justification=open_justification(
        officer_a, case_number=CASE), hold=hold)
    assert [summary.id for summary in listed] == [read.pk]


@pytest.mark.rule("USE-1", "RET-2", "AUD-1")
def test_the_read_page_and_photo_refuse_another_officer_with_the_same_case_number(make_verified_client,
                                                                                  officer_a, held):
    # Tried: /search/reads/<id>/ and its photo, by a signed-in officer whose justification names the case.
    read, _hold = held
    other = make_verified_client(Role.OFFICER)
    other.post("/search/justification/", {"purpose": "violent_crime", "case_number": CASE,
                                          "description": DESCRIPTION})
    for path, action in ((f"/search/reads/{read.pk}/", "read.viewed"),
                         (f"/search/reads/{read.pk}/image/full/", "read.image_viewed")):
        response = other.get(path)
        assert response.status_code == 403 and b"HLD4512" not in response.content
        assert _last(action, other.user).outcome == Outcome.REFUSED
    placer = make_verified_client(user=officer_a)
    placer.post("/search/justification/", {"purpose": "violent_crime", "case_number": CASE,
                                           "description": DESCRIPTION})
    assert b"HLD4512" in placer.get(f"/search/reads/{read.pk}/").content
    assert placer.get(f"/search/reads/{read.pk}/image/full/").status_code == 200
