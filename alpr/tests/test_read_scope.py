"""A read opens only within its justification's scope, and so many per justification (USE-1, USE-4, AUD-1).

The side door this closes: under any open justification, ``plate_read_get`` and ``plate_read_image``
opened any read by its number. Now a read opens when a search under the same justification listed
it, when it is the read of an alert the person receives, or when an evidence hold for the same case
keeps it; at most ``read_opens_per_justification`` distinct reads open under one justification.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access
from audit.models import AuditEvent, Outcome
from core.errors import PolicyDenied
from hotlists import services as hotlist_services
from hotlists.matching import read_match_hotlists
from policy.models import AgencyPolicy
from policy.selectors import current_policy
from retention.services import hold_place
from searches.models import JustificationRead
from searches.tests.factories import actor, make_camera, make_read, open_justification

pytestmark = pytest.mark.django_db
OUTSIDE = "outside_read_scope"


def _search(officer, justification, plate):
    return access.plate_reads_search(actor=actor(officer), justification=justification, plate=plate)


def _open(officer, justification, read_id, kind=None):
    if kind is None:
        return access.plate_read_get(actor=actor(officer), justification=justification, read_id=read_id)
    return access.plate_read_image(actor=actor(officer), justification=justification, read_id=read_id,
                                   kind=kind)


def _refused(officer, justification, read_id, kind=None) -> PolicyDenied:
    with pytest.raises(PolicyDenied) as refused:
        _open(officer, justification, read_id, kind)
    return refused.value


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def _hotlist_7abc123(detective, *, case_number: str) -> None:
    """Hotlist plate 7ABC123 (IL) for `case_number`: its reads raise alerts from now on."""
    hotlist_services.hotlist_entry_add(
        actor=actor(detective), plate_pattern="7ABC123", state="IL", case_number=case_number,
        reason="Stolen in burglary at 100 Main St", expires_at=timezone.now() + timedelta(days=30),
        vehicle_description="Blue Honda Civic")


@pytest.mark.rule("USE-1")
@pytest.mark.rule("AUD-1")
def test_a_read_no_search_listed_is_refused_by_number_and_audited_as_refused(officer, justification, camera):
    """Tried: search plate ABC1234 under the justification, then open the read of XYZ9876 (never listed),
    its photo and its crop by number; and a number that is no read at all."""
    searched = make_read(camera=camera, plate="ABC1234")
    other = make_read(camera=camera, plate="XYZ9876")
    assert [row.id for row in _search(officer, justification, "ABC1234").rows] == [searched.pk]
    assert _open(officer, justification, searched.pk).pk == searched.pk

    for kind, action in ((None, "read.viewed"), ("full", "read.image_viewed"), ("crop", "read.image_viewed")):
        refused = _refused(officer, justification, other.pk, kind)
        assert refused.code == OUTSIDE and "Search for it first" in refused.message
        event = _last(action)
        assert event.outcome == Outcome.REFUSED and event.targets == [f"read:{other.pk}"]
        assert event.case_number == "26-004512" and "XYZ9876" not in str(event.query)
    # A number with no read behind it gets the same refusal: the scope is no oracle of which ids exist.
    assert _refused(officer, justification, other.pk + 1000).code == OUTSIDE
    assert not AuditEvent.objects.filter(action__startswith="read.", outcome=Outcome.ALLOWED,
                                         targets__contains=[f"read:{other.pk}"]).exists()


@pytest.mark.rule("USE-1")
def test_the_scope_belongs_to_one_justification(officer, justification, camera):
    """Tried: list a read under one justification, then open it under the officer's next one."""
    read = make_read(camera=camera, plate="ABC1234", images=False)
    _search(officer, justification, "ABC1234")
    later = open_justification(officer, case_number="26-004513")
    assert _refused(officer, later, read.pk).code == OUTSIDE
    _search(officer, later, "ABC1234")
    assert _open(officer, later, read.pk).pk == read.pk
    assert _last("read.viewed").query["scope"] == "listed"


@pytest.mark.rule("USE-1")
def test_a_canvass_puts_its_reads_in_scope(officer, justification):
    near = make_camera("Near", latitude=41.8860, longitude=-87.7850)
    read = make_read(camera=near, plate="AAA1111", images=False)
    assert _refused(officer, justification, read.pk).code == OUTSIDE
    access.plate_reads_canvass(actor=actor(officer), justification=justification, latitude=41.885,
                               longitude=-87.785, radius_m=300)
    assert _open(officer, justification, read.pk).pk == read.pk


@pytest.mark.rule("USE-1")
def test_the_read_of_an_alert_opens_for_those_who_receive_alerts(officer, justification, detective):
    read = make_read(camera=make_camera(), plate="7ABC123", state="IL")
    assert _refused(officer, justification, read.pk).code == OUTSIDE  # no alert yet, no search
    _hotlist_7abc123(detective, case_number="26-004599")
    [alert] = read_match_hotlists(read.pk)
    assert alert.read_id == read.pk
    assert _open(officer, justification, read.pk).pk == read.pk
    assert _last("read.viewed").query["scope"] == "alert"


@pytest.mark.rule("USE-1", "USE-7")
def test_the_read_of_a_closed_or_old_alert_or_of_another_cases_alert_is_not_opened_or_exported(
        officer, detective):
    """Tried: a detective downloads as evidence for case 26-004512 the read of an alert of case 26-009999
    already closed as a misread (an innocent car), never searched for, by its number; and opens the read
    of an alert older than the inbox (the policy's ``alert_open_days``)."""
    from hotlists import alerts
    from hotlists.models import Alert
    from searches.models import Download

    _hotlist_7abc123(detective, case_number="26-009999")
    read = make_read(camera=make_camera(), plate="7ABC123", state="IL")
    [alert] = read_match_hotlists(read.pk)
    other_case = open_justification(detective, case_number="26-004512")
    same_case = open_justification(officer, case_number="26-009999")
    purpose = "Evidence for the prosecutor in the Oak Street pharmacy robbery"
    with pytest.raises(PolicyDenied) as refused:  # an open alert of another case: opened, not exported
        access.plate_reads_download(actor=actor(detective), justification=other_case, read_ids=[read.pk],
                                    purpose=purpose)
    assert refused.value.code == OUTSIDE
    assert _open(detective, other_case, read.pk).pk == read.pk
    alerts.alert_image(actor=actor(officer), alert_id=alert.pk, kind="full")
    alerts.alert_verify(actor=actor(officer), alert_id=alert.pk, outcome="misread", characters_match=False,
                        state_match=True, vehicle_match=True)
    assert _refused(detective, other_case, read.pk).code == OUTSIDE  # closed: no longer in anyone's inbox
    assert _refused(officer, same_case, read.pk).code == OUTSIDE
    assert not Download.objects.exists()

    younger = make_read(camera=make_camera("Madison & Oak Park"), plate="7ABC123", state="IL")
    [open_alert] = read_match_hotlists(younger.pk)
    days = current_policy().alert_open_days
    Alert.objects.filter(pk=open_alert.pk).update(created_at=timezone.now() - timedelta(days=days + 1))
    assert _refused(officer, same_case, younger.pk).code == OUTSIDE


@pytest.mark.rule("USE-1", "USE-8")
def test_the_read_of_a_confirmed_alert_opens_until_the_action_is_recorded(officer, detective):
    """Tried: the read of an alert confirmed and acted on (closed: it left the inbox) opened by number
    under a justification, as if the alert were still open; the confirmed alert awaiting its action is."""
    from hotlists import alerts

    _hotlist_7abc123(detective, case_number="26-009999")
    read = make_read(camera=make_camera(), plate="7ABC123", state="IL")
    [alert] = read_match_hotlists(read.pk)
    justification = open_justification(officer, case_number="26-004512")
    alerts.alert_image(actor=actor(officer), alert_id=alert.pk, kind="full")
    alerts.alert_verify(actor=actor(officer), alert_id=alert.pk, outcome="confirmed", characters_match=True,
                        state_match=True, vehicle_match=True)
    assert _open(officer, justification, read.pk).pk == read.pk
    assert _last("read.viewed").query["scope"] == "alert"
    alerts.alert_record_action(actor=actor(officer), alert_id=alert.pk, action="stop")
    assert _refused(officer, justification, read.pk).code == OUTSIDE


@pytest.mark.rule("USE-1")
@pytest.mark.parametrize("days, age, opens", [(3, 4, False), (3, 2, True), (10, 8, True), (10, 11, False)])
def test_an_alerts_read_opens_while_the_policy_keeps_the_alert_in_the_inbox(officer, detective, days, age,
                                                                             opens):
    """Tried: with the policy's inbox at 3 days, open the read of an open alert raised 4 days ago (the
    fixed week let it open); at 10 days, one raised 8 days ago (the fixed week refused it)."""
    from hotlists.models import Alert

    AgencyPolicy.objects.create(alert_open_days=days)  # the newest version is in force
    _hotlist_7abc123(detective, case_number="26-009999")
    read = make_read(camera=make_camera(), plate="7ABC123", state="IL")
    [alert] = read_match_hotlists(read.pk)
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(days=age))
    justification = open_justification(officer, case_number="26-009999")
    if opens:
        assert _open(officer, justification, read.pk).pk == read.pk
        assert _last("read.viewed").query["scope"] == "alert"
    else:
        assert _refused(officer, justification, read.pk).code == OUTSIDE


@pytest.mark.rule("USE-1")
@pytest.mark.rule("RET-2")
def test_a_held_read_opens_under_the_same_case_number_only(officer, justification, camera):
    """Tried: a read held for case 26-004512 opened under a justification for another case."""
    read = make_read(camera=camera, plate="ABC1234", images=False)
    hold_place(actor=actor(officer), case_number="26-004512", reason="Evidence in the robbery case",
               read_ids=[read.pk])
    assert _open(officer, justification, read.pk).pk == read.pk
    assert _last("read.viewed").query["scope"] == "held"
    other_case = open_justification(officer, case_number="26-009999")
    assert _refused(officer, other_case, read.pk).code == OUTSIDE


@pytest.mark.rule("USE-4")
@pytest.mark.rule("AUD-1")
def test_reads_opened_per_justification_are_capped_by_the_policy(officer, justification, camera):
    """Tried: with a cap of 2, open three listed reads; re-open the first two and their photos; open the
    third's crop (the results thumbnail), then its detail page."""
    AgencyPolicy.objects.create(read_opens_per_justification=2)  # the newest version is in force
    reads = [make_read(camera=camera, plate="ABC1234") for _ in range(3)]
    assert len(_search(officer, justification, "ABC1234").rows) == 3
    for read in reads[:2]:
        _open(officer, justification, read.pk)
        _open(officer, justification, read.pk, "full")  # the same read again: counted once
        _open(officer, justification, read.pk)
    assert _open(officer, justification, reads[2].pk, "crop").content  # a thumbnail is not an opening

    refused = _refused(officer, justification, reads[2].pk)
    assert refused.code == "read_open_cap" and "opened 2 reads" in refused.message
    event = _last("read.viewed")
    assert event.outcome == Outcome.REFUSED and event.flagged and event.targets == [f"read:{reads[2].pk}"]
    assert _refused(officer, justification, reads[2].pk, "full").code == "read_open_cap"
    assert JustificationRead.objects.filter(justification=justification, opened_at__isnull=False).count() == 2
    # Another justification starts its own count, for the reads its own searches list.
    fresh = open_justification(officer, case_number="26-004513")
    _search(officer, fresh, "ABC1234")
    assert _open(officer, fresh, reads[2].pk).pk == reads[2].pk


@pytest.mark.rule("USE-7")
def test_a_download_takes_only_reads_in_scope(officer, justification, camera):
    """Tried: download, as evidence, a read no search under the justification listed."""
    read = make_read(camera=camera, plate="ABC1234")
    with pytest.raises(PolicyDenied) as refused:
        access.plate_reads_download(actor=actor(officer), justification=justification, read_ids=[read.pk],
                                    purpose="Evidence for the prosecutor in the armed robbery case")
    assert refused.value.code == OUTSIDE
    assert _last("read.downloaded").outcome == Outcome.REFUSED

