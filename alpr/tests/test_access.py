"""The access layer: every search and every view is justified, bounded and audited (USE-1 to USE-7, AUD-1)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access
from alpr.geo import haversine_m
from alpr.models import ReadStatus
from alpr.plates import MatchKind
from alpr.selectors import COUNT_CAP, Area, SearchMode
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied
from policy.models import AgencyPolicy
from policy.roles import Role
from searches import services
from searches.tests.factories import DESCRIPTION, actor, make_camera, make_read, open_justification

pytestmark = pytest.mark.django_db


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


@pytest.fixture
def officer():
    return UserFactory(role=Role.OFFICER)


@pytest.fixture
def justification(officer):
    return open_justification(officer)


@pytest.fixture
def camera():
    return make_camera("Harlem & North")


def _search(officer, justification, plate, mode=SearchMode.EXACT, **kwargs):
    return access.plate_reads_search(actor=actor(officer), justification=justification, plate=plate,
                                     mode=mode, **kwargs)


@pytest.mark.rule("USE-1")
def test_a_search_without_a_justification_is_refused_audited_and_not_run(officer, camera):
    make_read(camera=camera, plate="ABC1234", images=False)
    with pytest.raises(PolicyDenied) as refused:
        _search(officer, None, "ABC1234")
    assert refused.value.code == "justification_required"
    event = _last("search.plate")
    assert event.outcome == Outcome.REFUSED and event.result_count is None and event.targets == []
    assert event.query["plate"] == "ABC1234" and event.actor_user == officer


@pytest.mark.rule("AUD-1")
def test_every_search_writes_its_audit_row(officer, justification, camera):
    reads = [make_read(camera=camera, plate="ABC1234", images=False,
                       captured_at=timezone.now() - timedelta(hours=hours)) for hours in (1, 2)]
    make_read(camera=camera, plate="XYZ9876", images=False)
    results = _search(officer, justification, "abc 1234", camera_ids=[camera.pk])
    assert [row.id for row in results.rows] == [reads[0].pk, reads[1].pk]
    assert all(row.match_kind is MatchKind.EXACT for row in results.rows)
    event = _last("search.plate")
    assert event.outcome == Outcome.ALLOWED and event.actor_user == officer
    assert (event.purpose, event.case_number) == ("violent_crime", "26-004512")
    assert event.description == DESCRIPTION
    assert event.query["plate"] == "ABC1234" and event.query["mode"] == "exact"
    assert event.query["camera_ids"] == [camera.pk] and event.query["justification"] == justification.pk
    assert event.query["since"] and event.query["until"]
    assert event.result_count == 2 and event.targets == [f"read:{r.pk}" for r in reads]
    assert event.client_ip == "10.1.2.3"
    _search(officer, justification, "XYZ9876")  # a follow-up search is its own entry
    assert AuditEvent.objects.filter(action="search.plate", case_number="26-004512").count() == 2


@pytest.mark.rule("USE-5")
def test_partial_plates_match_one_unknown_character_and_unknown_runs(officer, justification, camera):
    for plate in ("ABC1234", "ABX1234", "AB1234", "ABXY1234", "QQC1234", "ABC12345"):
        make_read(camera=camera, plate=plate, images=False)
    found = lambda pattern: sorted(r.plate for r in _search(officer, justification, pattern).rows)  # noqa: E731
    assert found("AB?1234") == ["ABC1234", "ABX1234"]
    assert found("AB*1234") == ["AB1234", "ABC1234", "ABX1234", "ABXY1234"]
    assert found("*C1234") == ["ABC1234", "QQC1234"]
    assert found("ABC123?") == ["ABC1234"]
    results = _search(officer, justification, "AB?1234")
    assert {row.match_kind for row in results.rows} == {MatchKind.WILDCARD}
    assert _last("search.plate").query["mode"] == "partial"


@pytest.mark.rule("USE-5")
def test_a_partial_plate_too_vague_to_search_is_refused_and_recorded(officer, justification):
    with pytest.raises(ApplicationError, match="known characters in a row"):
        _search(officer, justification, "A?C?E")
    assert _last("search.plate").outcome == Outcome.FAILED


@pytest.mark.rule("USE-5")
@pytest.mark.parametrize(("min_known", "plate"), [(3, "A1B2"), (3, "AB12C"), (6, "ABC1234")])
def test_one_differing_character_needs_what_the_partial_plate_needs(officer, justification, camera,
                                                                     min_known, plate):
    # Tried: A?B2 is refused (two known characters in a row), so the same plate was searched as A1B2
    # allowing one differing character, which found A9B2 and X1B2; under the strictest policy value
    # (6), ABC?234 is refused but ABC1234 allowing one difference found ABC9234.
    from policy.services import policy_update

    if min_known != 3:
        admin = UserFactory(role=Role.ADMINISTRATOR)
        policy_update(actor=actor(admin), changes={"partial_plate_min_known": min_known},
                      reason="Partial plates must pin down more characters")
    make_read(camera=camera, plate=plate[:-2] + "9" + plate[-1], images=False)
    with pytest.raises(ApplicationError, match="known characters in a row"):
        _search(officer, justification, plate, SearchMode.MISREAD_EDIT)
    assert _last("search.plate").outcome == Outcome.FAILED


@pytest.mark.rule("USE-5")
def test_one_differing_character_needs_a_plate_as_long_as_the_policy_says(officer, justification, camera):
    make_read(camera=camera, plate="ABC923", images=False)
    make_read(camera=camera, plate="ABC9234", images=False)
    found = _search(officer, justification, "ABC123", SearchMode.MISREAD_EDIT)  # the default: 4
    assert [row.plate for row in found.rows] == ["ABC923"]
    AgencyPolicy.objects.create(one_edit_min_length=7)  # the newest version is in force
    with pytest.raises(ApplicationError, match="needs at least 7 characters"):
        _search(officer, justification, "ABC123", SearchMode.MISREAD_EDIT)
    assert _last("search.plate").outcome == Outcome.FAILED
    found = _search(officer, justification, "ABC1234", SearchMode.MISREAD_EDIT)
    assert [row.plate for row in found.rows] == ["ABC9234"]


@pytest.mark.rule("USE-5")
def test_misread_tolerant_search_treats_lookalikes_as_equal(officer, justification, camera):
    for plate in ("B0S1234", "8OS1234", "BDS1234", "B0S1235", "80S12345", "XYZ1234"):
        make_read(camera=camera, plate=plate, images=False)
    results = _search(officer, justification, "BOS1234", SearchMode.MISREAD)
    assert sorted(r.plate for r in results.rows) == ["8OS1234", "B0S1234", "BDS1234"]
    assert {r.match_kind for r in results.rows} == {MatchKind.LOOKALIKE}
    exact = _search(officer, justification, "B0S1234", SearchMode.MISREAD)
    assert {r.plate: r.match_kind for r in exact.rows}["B0S1234"] is MatchKind.EXACT


@pytest.mark.rule("USE-5")
def test_misread_tolerant_search_with_one_more_edit(officer, justification, camera):
    for plate in ("B0S1234", "B0S1235", "80S12345", "0S1234", "XB0S1234", "B0S9934", "ZZZ1234"):
        make_read(camera=camera, plate=plate, images=False)
    results = _search(officer, justification, "BOS1234", SearchMode.MISREAD_EDIT)
    kinds = {r.plate: r.match_kind for r in results.rows}
    assert kinds == {"B0S1234": MatchKind.LOOKALIKE, "B0S1235": MatchKind.ONE_EDIT,
                     "80S12345": MatchKind.ONE_EDIT, "0S1234": MatchKind.ONE_EDIT,
                     "XB0S1234": MatchKind.ONE_EDIT}


@pytest.mark.rule("USE-5")
def test_the_time_window_is_capped_at_retention_and_defaults_to_seven_days(officer, justification, camera):
    recent = make_read(camera=camera, plate="ABC1234", images=False,
                       captured_at=timezone.now() - timedelta(days=3))
    make_read(camera=camera, plate="ABC1234", images=False, captured_at=timezone.now() - timedelta(days=10))
    old = make_read(camera=camera, plate="ABC1234", images=False,
                    captured_at=timezone.now() - timedelta(days=40))  # past retention, not yet purged
    assert [r.id for r in _search(officer, justification, "ABC1234").rows] == [recent.pk]
    results = _search(officer, justification, "ABC1234", since=timezone.now() - timedelta(days=365))
    assert results.window.clamped and old.pk not in [r.id for r in results.rows]
    assert len(results.rows) == 2
    assert timezone.now() - results.window.since <= timedelta(days=30, seconds=5)
    assert _last("search.plate").query["window_clamped"] is True
    with pytest.raises(PolicyDenied) as refused:  # no search listed it: it is out of the read scope
        access.plate_read_get(actor=actor(officer), justification=justification, read_id=old.pk)
    assert refused.value.code == "outside_read_scope"


def test_only_finished_reads_of_this_department_are_searchable(officer, justification, camera):
    mine = make_read(camera=camera, plate="ABC1234", images=False)
    make_read(camera=camera, plate="ABC1234", images=False, status=ReadStatus.PROCESSING)
    make_read(camera=camera, plate="ABC1234", images=False, origin_agency="IL0160000")
    assert [r.id for r in _search(officer, justification, "ABC1234").rows] == [mine.pk]


@pytest.mark.rule("USE-6")
def test_canvass_returns_reads_within_the_radius_during_the_window(officer, justification):
    centre = (41.8850, -87.7850)
    near = make_camera("Near", latitude=41.8860, longitude=-87.7850)      # ~111 m north
    edge = make_camera("Edge", latitude=41.8850, longitude=-87.7885)      # ~290 m west
    far = make_camera("Far", latitude=41.8950, longitude=-87.7850)        # ~1.1 km north
    mobile = make_camera("Squad camera", latitude=None, longitude=None, kind="mobile")
    in_time = timezone.now() - timedelta(minutes=30)
    near_read = make_read(camera=near, plate="AAA1111", images=False, captured_at=in_time)
    edge_read = make_read(camera=edge, plate="BBB2222", images=False, captured_at=in_time)
    make_read(camera=far, plate="CCC3333", images=False, captured_at=in_time)
    make_read(camera=near, plate="DDD4444", images=False, captured_at=timezone.now() - timedelta(hours=5))
    mobile_read = make_read(camera=mobile, plate="EEE5555", images=False, captured_at=in_time,
                            latitude="41.884500", longitude="-87.785000")  # ~56 m south
    make_read(camera=mobile, plate="FFF6666", images=False, captured_at=in_time,
              latitude="41.880000", longitude="-87.785000")  # ~556 m south
    assert haversine_m(*centre, 41.8850, -87.7885) == pytest.approx(290, abs=5)

    results = access.plate_reads_canvass(actor=actor(officer), justification=justification,
                                         latitude=centre[0], longitude=centre[1], radius_m=300,
                                         since=timezone.now() - timedelta(hours=2))
    assert {r.id for r in results.rows} == {near_read.pk, edge_read.pk, mobile_read.pk}
    distances = {r.id: r.distance_m for r in results.rows}
    assert distances[near_read.pk] == pytest.approx(111, abs=3)
    assert distances[mobile_read.pk] == pytest.approx(56, abs=3)
    event = _last("search.canvass")
    assert event.result_count == 3 and event.query["radius_m"] == 300 and event.case_number == "26-004512"
    smaller = access.plate_reads_canvass(actor=actor(officer), justification=justification,
                                         latitude=centre[0], longitude=centre[1], radius_m=200,
                                         since=timezone.now() - timedelta(hours=2))
    assert {r.id for r in smaller.rows} == {near_read.pk, mobile_read.pk}


@pytest.mark.rule("USE-6")
def test_canvass_follows_the_same_rules(officer, justification):
    with pytest.raises(PolicyDenied):
        access.plate_reads_canvass(actor=actor(officer), justification=None, latitude=41.88,
                                   longitude=-87.78, radius_m=300)
    assert _last("search.canvass").outcome == Outcome.REFUSED
    with pytest.raises(ApplicationError, match="at most 24 hours"):
        access.plate_reads_canvass(actor=actor(officer), justification=justification, latitude=41.88,
                                   longitude=-87.78, radius_m=300, since=timezone.now() - timedelta(days=3))
    with pytest.raises(ApplicationError, match="radius"):
        access.plate_reads_canvass(actor=actor(officer), justification=justification, latitude=41.88,
                                   longitude=-87.78, radius_m=50_000)


def test_plate_search_narrowed_to_an_area(officer, justification):
    near = make_camera("Near", latitude=41.8860, longitude=-87.7850)
    far = make_camera("Far", latitude=41.9500, longitude=-87.7850)
    kept = make_read(camera=near, plate="ABC1234", images=False)
    make_read(camera=far, plate="ABC1234", images=False)
    results = _search(officer, justification, "ABC1234", area=Area(41.885, -87.785, 500))
    assert [r.id for r in results.rows] == [kept.pk]


def test_results_are_paginated_and_never_in_bulk(officer, justification, camera):
    base = timezone.now() - timedelta(hours=3)
    for minute in range(7):
        make_read(camera=camera, plate="ABC1234", images=False, captured_at=base + timedelta(minutes=minute))
    first = _search(officer, justification, "ABC1234", per_page=5)
    assert len(first.rows) == 5 and first.total == 7 and first.has_next
    second = _search(officer, justification, "ABC1234", per_page=5, page=2)
    assert len(second.rows) == 2 and not second.has_next
    assert _last("search.plate").targets == [f"read:{r.id}" for r in second.rows]
    huge = _search(officer, justification, "ABC1234", per_page=100_000)
    assert huge.per_page == access.MAX_PER_PAGE
    with pytest.raises(ApplicationError):
        _search(officer, justification, "ABC1234", page=COUNT_CAP)


@pytest.mark.rule("AUD-1")
def test_each_read_view_and_image_view_is_audited(officer, justification, camera):
    read = make_read(camera=camera, plate="ABC1234")
    _search(officer, justification, "ABC1234")
    got = access.plate_read_get(actor=actor(officer), justification=justification, read_id=read.pk)
    assert got.pk == read.pk and got.camera == camera
    event = _last("read.viewed")
    assert event.targets == [f"read:{read.pk}"] and event.result_count == 1
    assert event.case_number == "26-004512" and event.query["plate"] == "ABC1234"
    image = access.plate_read_image(actor=actor(officer), justification=justification, read_id=read.pk,
                                    kind="full")
    assert image.content.startswith(b"\xff\xd8") and image.content_type == "image/jpeg"
    event = _last("read.image_viewed")
    assert event.targets == [f"read:{read.pk}"] and event.query["image"] == "full"
    with pytest.raises(PolicyDenied):
        access.plate_read_image(actor=actor(officer), justification=None, read_id=read.pk, kind="crop")
    assert _last("read.image_viewed").outcome == Outcome.REFUSED


def test_someone_elses_or_an_expired_justification_does_not_work(officer, justification, camera):
    read = make_read(camera=camera, plate="ABC1234", images=False)
    other = UserFactory(role=Role.OFFICER)
    with pytest.raises(PolicyDenied) as refused:
        access.plate_read_get(actor=actor(other), justification=justification, read_id=read.pk)
    assert refused.value.code == "justification_foreign"
    type(justification).objects.filter(pk=justification.pk).update(expires_at=timezone.now())
    with pytest.raises(PolicyDenied) as refused:
        _search(officer, justification, "ABC1234")
    assert refused.value.code == "justification_expired"


@pytest.mark.rule("USE-2")
def test_a_justification_whose_purpose_the_policy_removed_since_no_longer_searches(officer, camera):
    # Tried: an officer states a "missing person" justification; the administrator then removes that
    # purpose (a tightening, in force at once); the open justification still searched for hours.
    from policy import defaults
    from policy.services import policy_update

    make_read(camera=camera, plate="ABC1234", images=False)
    stated = open_justification(officer, purpose="missing_person")
    assert _search(officer, stated, "ABC1234").rows
    purposes = [p for p in defaults.permitted_purposes() if p["code"] != "missing_person"]
    admin = UserFactory(role=Role.ADMINISTRATOR)
    assert policy_update(actor=actor(admin), changes={"permitted_purposes": purposes},
                         reason="Missing-person searches go through the state police now").in_force
    with pytest.raises(PolicyDenied) as refused:
        _search(officer, stated, "ABC1234")
    assert refused.value.code == "justification_expired" and "no longer permits" in str(refused.value)
    assert _last("search.plate").outcome == Outcome.REFUSED


@pytest.mark.rule("ACC-5")
def test_a_user_whose_training_lapsed_after_stating_a_justification_is_refused(officer, justification):
    officer.training_records.all().delete() if hasattr(officer, "training_records") else None
    from accounts.models import TrainingRecord

    TrainingRecord.objects.filter(user=officer).delete()
    with pytest.raises(PolicyDenied) as refused:
        _search(officer, justification, "ABC1234")
    assert refused.value.code == "training_expired"
    assert _last("search.plate").outcome == Outcome.REFUSED


@pytest.mark.rule("USE-4")
def test_audit_queries_never_return_plate_reads_outside_audit_scope(officer, justification, camera):
    read = make_read(camera=camera, plate="ABC1234")
    other = make_read(camera=camera, plate="ZZZ9999")
    _search(officer, justification, "ABC1234")
    officer_search = _last("search.plate")
    auditor = UserFactory(role=Role.AUDITOR)
    audit = services.justification_open(actor=actor(auditor), purpose="", case_number="",
                                        description="Quarterly review of searches made on case 26-004512")

    with pytest.raises(PolicyDenied) as refused:  # an audit query never searches reads
        _search(auditor, audit, "ABC1234")
    assert refused.value.code == "outside_audit_scope"
    with pytest.raises(PolicyDenied):  # nor opens a read without an entry naming it
        access.plate_read_get(actor=actor(auditor), justification=audit, read_id=read.pk)
    with pytest.raises(PolicyDenied):  # nor one the reviewed entry does not name
        access.plate_read_get(actor=actor(auditor), justification=audit, read_id=other.pk,
                              audit_event_id=officer_search.pk)

    events = access.audit_trail_lookup(actor=actor(auditor), justification=audit, plate="ABC1234")
    assert officer_search in events
    lookup = _last("search.audit_lookup")
    assert lookup.purpose == "audit_query" and lookup.case_number == "" and lookup.result_count == len(events)
    by_case = access.audit_trail_lookup(actor=actor(auditor), justification=audit, case_number="26-004512")
    assert officer_search in by_case

    seen = access.plate_read_get(actor=actor(auditor), justification=audit, read_id=read.pk,
                                 audit_event_id=officer_search.pk)
    assert seen.pk == read.pk
    assert _last("read.viewed").query["audit_event"] == officer_search.pk
    with pytest.raises(PolicyDenied):  # officers cannot use the audit path
        access.audit_trail_lookup(actor=actor(officer), justification=justification, plate="ABC1234")


@pytest.mark.rule("USE-7")
def test_a_download_needs_a_stated_purpose_and_respects_the_caps(officer, justification, camera):
    from policy.models import AgencyPolicy

    reads = [make_read(camera=camera, plate=f"ABC12{n:02d}") for n in range(3)]
    for read in reads:
        _search(officer, justification, read.plate)
    download = lambda ids, purpose="Evidence for the prosecutor in the armed robbery case": (  # noqa: E731
        access.plate_reads_download(actor=actor(officer), justification=justification, read_ids=ids,
                                    purpose=purpose))
    with pytest.raises(PolicyDenied, match="per request"):  # mass download is impossible
        download([r.pk for r in reads])
    assert _last("read.downloaded").outcome == Outcome.REFUSED
    with pytest.raises(PolicyDenied) as refused:
        download([reads[0].pk], purpose="evidence")
    assert refused.value.code == "download_purpose"
    with pytest.raises(PolicyDenied) as refused:
        download([reads[0].pk], purpose="Send to ICE for a deportation case")
    assert refused.value.flag_for_audit and _last("read.downloaded").flagged
    AgencyPolicy.objects.create(download_cap_per_user_day=2)  # the newest version is in force
    download([reads[0].pk])
    event = _last("read.downloaded")
    assert event.outcome == Outcome.ALLOWED and event.targets == [f"read:{reads[0].pk}"]
    assert event.case_number == "26-004512" and "prosecutor" in event.query["purpose"]
    download([reads[1].pk])
    with pytest.raises(PolicyDenied) as refused:
        download([reads[2].pk])
    assert refused.value.code == "download_cap_day"


@pytest.mark.rule("RET-5")
def test_a_read_confirmed_erroneous_no_longer_matches_a_search(officer, justification, camera):
    from retention.models import ErroneousFlag, ErroneousRead, ErrorKind, FlagStatus

    wrong = make_read(camera=camera, plate="ABC1234")
    right = make_read(camera=camera, plate="ABC1234")
    flag = ErroneousFlag.objects.create(read_id=wrong.pk, read_captured_at=wrong.captured_at,
                                        kind=ErrorKind.WRONG_CAMERA, note="Came from the wrong camera",
                                        flagged_by=officer, status=FlagStatus.CONFIRMED)
    ErroneousRead.objects.create(read_id=wrong.pk, captured_at=wrong.captured_at, flag=flag)
    for mode in (SearchMode.EXACT, SearchMode.MISREAD, SearchMode.PARTIAL):
        plate = "ABC123?" if mode == SearchMode.PARTIAL else "ABC1234"
        assert [row.id for row in _search(officer, justification, plate, mode).rows] == [right.pk], mode


@pytest.mark.rule("USE-4")
def test_an_auditor_cannot_open_a_read_by_citing_a_refused_attempt(officer, camera):
    # Tried: an officer with no justification asks for read N (refused, and the refusal names read:N);
    # the auditor then cites that refusal to open read N and its photo.
    read = make_read(camera=camera, plate="ABC1234")
    with pytest.raises(PolicyDenied):
        access.plate_read_get(actor=actor(officer), justification=None, read_id=read.pk)
    attempt = _last("read.viewed")
    assert attempt.outcome == Outcome.REFUSED and f"read:{read.pk}" in attempt.targets
    auditor = UserFactory(role=Role.AUDITOR)
    audit = services.justification_open(actor=actor(auditor), purpose="", case_number="",
                                        description="Quarterly review of searches made on case 26-004512")
    with pytest.raises(PolicyDenied) as refused:
        access.plate_read_get(actor=actor(auditor), justification=audit, read_id=read.pk,
                              audit_event_id=attempt.pk)
    assert refused.value.code == "outside_audit_scope"
    with pytest.raises(PolicyDenied):
        access.plate_read_image(actor=actor(auditor), justification=audit, read_id=read.pk, kind="full",
                                audit_event_id=attempt.pk)
    assert _last("read.viewed").outcome == Outcome.REFUSED


@pytest.mark.rule("USE-4")
def test_an_auditor_cannot_open_a_read_by_citing_the_systems_own_entry(officer, detective, camera):
    # Tried: the auditor cites the audit entry that hotlist matching (the system, no person) wrote when
    # the read matched an entry: the plate and the photo of a read nobody had opened came back.
    from hotlists.matching import read_match_hotlists
    from hotlists.services import hotlist_entry_add

    hotlist_entry_add(actor=actor(detective), plate_pattern="ABC1234", state="", case_number="26-004512",
                      reason="Stolen in the burglary at 100 Main St",
                      expires_at=timezone.now() + timedelta(days=30))
    read = make_read(camera=camera, plate="ABC1234")
    assert read_match_hotlists(read.pk)
    matched = _last("hotlist.read_matched")
    assert matched.outcome == Outcome.ALLOWED and f"read:{read.pk}" in matched.targets
    auditor = UserFactory(role=Role.AUDITOR)
    audit = services.justification_open(actor=actor(auditor), purpose="", case_number="",
                                        description="Quarterly review of the hotlist alerts raised")
    for opening in (access.plate_read_get, access.plate_read_image):
        kwargs = {"kind": "full"} if opening is access.plate_read_image else {}
        with pytest.raises(PolicyDenied) as refused:
            opening(actor=actor(auditor), justification=audit, read_id=read.pk, audit_event_id=matched.pk,
                    **kwargs)
        assert refused.value.code == "outside_audit_scope"
