"""ING-2: every new read is matched against the live hotlist entries on arrival and raises alerts."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.models import PlateRead
from hotlists import services
from hotlists.matching import find_matches, read_match_hotlists
from hotlists.models import Alert, HotlistEntry
from hotlists.tests.conftest import act_as, audit_rows, in_days
from policy.models import AgencyPolicy
from policy.selectors import current_policy

pytestmark = pytest.mark.django_db


def add(detective, plate, **fields):
    return services.hotlist_entry_add(
        actor=act_as(detective), plate_pattern=plate, reason=fields.pop("reason", "Stolen vehicle report"),
        case_number=fields.pop("case_number", "26-004512"), expires_at=fields.pop("expires_at", in_days()),
        **fields)


@pytest.mark.rule("ING-2")
def test_a_new_read_raises_an_alert_on_arrival_exactly_once(detective, make_read,
                                                           django_capture_on_commit_callbacks):
    entry = add(detective, "7ABC123", state="IL")
    with django_capture_on_commit_callbacks(execute=True):
        read = make_read("7ABC123")  # read_stored is sent after the commit; the receiver matches
    [alert] = Alert.objects.all()
    assert (alert.read_id, alert.entry, alert.match_kind, alert.camera_id) == (read.pk, entry, "exact",
                                                                               read.camera_id)
    assert alert.read_captured_at == read.captured_at and not alert.state_differs
    # Delivered twice (a retried task, a repeated signal): still one alert.
    assert read_match_hotlists(read.pk) == []
    assert Alert.objects.count() == 1
    [row] = audit_rows("hotlist.read_matched")
    assert row.actor_type == "system" and row.case_number == "26-004512"
    assert f"read:{read.pk}" in row.targets


@pytest.mark.rule("ING-2", "USE-1")
@pytest.mark.parametrize("hours", [None, 3])  # the default (24), and a version in force that says 3
def test_a_backlog_read_captured_longer_ago_than_the_policy_allows_raises_no_alert(
        detective, make_read, django_capture_on_commit_callbacks, hours):
    """A camera's backlog arrives: a pass captured 20 days ago is no lead. Alerted now, its photo, plate
    and place would open to everyone who receives alerts without a justification (USE-1); it stays
    searchable under one. A pass captured within the policy's ``alert_max_read_age_hours`` still alerts."""
    if hours:
        AgencyPolicy.objects.create(alert_max_read_age_hours=hours)  # the newest version is in force
    lookback = timedelta(hours=current_policy().alert_max_read_age_hours)
    assert lookback == timedelta(hours=hours or 24)
    add(detective, "7ABC123")
    with django_capture_on_commit_callbacks(execute=True):
        old = make_read("7ABC123", when=timezone.now() - timedelta(days=20))
        day_old = make_read("7ABC123", when=timezone.now() - lookback - timedelta(minutes=1))
        recent = make_read("7ABC123", when=timezone.now() - lookback + timedelta(minutes=5))
    assert [alert.read_id for alert in Alert.objects.all()] == [recent.pk]
    assert [row.targets[0] for row in audit_rows("hotlist.read_matched")] == [f"read:{recent.pk}"]
    # Matched all the same: the sweep for missed matches leaves them alone.
    matched = PlateRead.system_objects.filter(pk__in=[old.pk, day_old.pk], hotlist_matched_at__isnull=False)
    assert matched.count() == 2
    assert read_match_hotlists(old.pk) == []


@pytest.mark.rule("ING-2")
def test_a_read_matching_nothing_raises_nothing(detective, make_read, django_capture_on_commit_callbacks):
    add(detective, "7ABC123")
    with django_capture_on_commit_callbacks(execute=True):
        make_read("9XYZ999")
    assert not Alert.objects.exists()


@pytest.mark.rule("RET-6")
def test_expired_and_deactivated_entries_stop_matching(detective, make_read):
    expiring = add(detective, "EXP1234", expires_at=timezone.now() + timedelta(seconds=30))
    withdrawn = add(detective, "WDN1234")
    services.hotlist_entry_deactivate(actor=act_as(detective), entry_id=withdrawn.pk, reason="Case closed")
    assert find_matches("EXP1234") and not find_matches("WDN1234")
    assert find_matches("EXP1234", now=timezone.now() + timedelta(minutes=1)) == []
    HotlistEntry.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    read = make_read("EXP1234")
    assert read_match_hotlists(read.pk) == []


@pytest.mark.rule("USE-5")
@pytest.mark.parametrize(("pattern", "plate", "hit"), [
    ("7AB?123", "7ABC123", True),
    ("7AB?123", "7ABCC123", False),
    ("*C123", "7ABC123", True),
    ("7AB*", "7ABXYZ9", True),
    ("7AB*23", "7ABC123", True),
    ("7AB*", "8ABC123", False),
])
def test_wildcard_entries_match_partial_plates(detective, pattern, plate, hit):
    entry = add(detective, pattern)
    matches = find_matches(plate)
    assert ([m.entry_id for m in matches] == [entry.pk]) is hit
    if hit:
        assert matches[0].kind == "wildcard"


@pytest.mark.rule("ING-2")
@pytest.mark.parametrize(("listed", "read"), [
    ("7ABC123", "7A8C123"),  # B read as 8
    ("OSL1234", "05L1234"),  # O/0 and S/5
    ("GZI4567", "6214567"),  # G/6, Z/2, I/1
    ("DQ12345", "0012345"),  # D and Q look like 0
])
def test_misread_tolerant_matching_by_lookalike_characters(detective, listed, read):
    entry = add(detective, listed)
    [match] = find_matches(read)
    assert (match.entry_id, match.kind) == (entry.pk, "misread")


@pytest.mark.rule("USE-5")
def test_wildcard_entries_are_also_misread_tolerant(detective):
    entry = add(detective, "7AB?123")
    [match] = find_matches("7A8X123")
    assert (match.entry_id, match.kind) == (entry.pk, "misread")


def test_the_recognisers_candidate_readings_count_as_possible_misreads(detective, make_read):
    entry = add(detective, "7ABC128")
    read = make_read("7ABC123", candidates=[{"text": "7ABC123", "confidence": 0.8},
                                            {"text": "7ABC128", "confidence": 0.15}])
    [alert] = read_match_hotlists(read.pk)
    assert (alert.entry, alert.match_kind) == (entry, "misread")


def test_a_state_mismatch_still_alerts_but_is_marked(detective, make_read):
    add(detective, "7ABC123", state="WI")
    [alert] = read_match_hotlists(make_read("7ABC123", state="IL").pk)
    assert alert.state_differs


def test_one_read_matching_two_entries_raises_two_alerts(detective, make_read):
    add(detective, "7ABC123", case_number="26-000001")
    add(detective, "7ABC*", case_number="26-000002")
    alerts = read_match_hotlists(make_read("7ABC123").pk)
    assert sorted(a.match_kind for a in alerts) == ["exact", "wildcard"]


@pytest.mark.rule("RET-5")
def test_a_read_confirmed_erroneous_raises_no_alert_and_leaves_the_feed(detective, officer, make_read,
                                                                        user_factory):
    from hotlists.alerts import alerts_poll
    from retention.services import flag_review, read_flag_erroneous

    add(detective, "7ABC123")
    read = make_read("7ABC123")
    [alert] = read_match_hotlists(read.pk)
    assert [a["id"] for a in alerts_poll(actor=act_as(officer), after_id=0)["alerts"]] == [alert.pk]
    administrator = user_factory(role="administrator")
    flag = read_flag_erroneous(actor=act_as(officer), read_id=read.pk, kind="wrong_camera",
                               note="Camera clock was a day off")
    flag_review(actor=act_as(administrator), flag_id=flag.pk, confirm=True, note="Camera log confirms")
    after = alerts_poll(actor=act_as(officer), after_id=0)
    assert (after["unverified"], after["alerts"]) == (0, [])
    Alert.objects.all().delete()
    assert read_match_hotlists(read.pk) == []


def _set_state_policy(administrator, value: str):
    from policy.services import policy_update

    return policy_update(actor=act_as(administrator), changes={"state_differs_alerts": value},
                         reason="Plates of another state are other vehicles here (test)")


@pytest.mark.rule("ING-2")
@pytest.mark.rule("USE-8")
def test_by_default_a_read_of_another_state_alerts_marked_state_differs(detective, make_read):
    add(detective, "7ABC123", state="WI")
    [alert] = read_match_hotlists(make_read("7ABC123", state="IL").pk)
    assert alert.state_differs
    [row] = audit_rows("hotlist.read_matched")
    assert row.description.endswith("state differs")  # the auditor sees it too


@pytest.mark.rule("ING-2")
@pytest.mark.rule("USE-8")
def test_the_policy_may_suppress_alerts_of_another_state_and_only_those(detective, administrator, make_read):
    change = _set_state_policy(administrator, "suppressed")
    assert change.in_force is not None and change.proposal is None  # fewer alerts: at once
    wisconsin = add(detective, "7ABC123", state="WI", case_number="26-000001")
    illinois = add(detective, "7ABC123", state="IL", case_number="26-000002")
    unknown_state = add(detective, "7ABC123", case_number="26-000003")
    raised = read_match_hotlists(make_read("7ABC123", state="IL").pk)
    assert {alert.entry for alert in raised} == {illinois, unknown_state}
    assert not any(alert.state_differs for alert in raised)
    # A read whose state was not told still alerts on every entry: the state is compared only when both
    # name one.
    raised = read_match_hotlists(make_read("7ABC123", state=None).pk)
    assert {alert.entry for alert in raised} == {wisconsin, illinois, unknown_state}


@pytest.mark.rule("USE-8")
@pytest.mark.rule("AUD-1")
def test_a_hit_suppressed_as_another_state_is_audited(detective, administrator, make_read):
    _set_state_policy(administrator, "suppressed")
    wisconsin = add(detective, "7ABC123", state="WI", case_number="26-000001")
    read = make_read("7ABC123", state="IL")
    assert read_match_hotlists(read.pk) == []
    [row] = audit_rows("hotlist.match_suppressed")
    assert row.targets == [f"read:{read.pk}", f"hotlist-entry:{wisconsin.pk}"]
    assert row.case_number == "26-000001" and "state_differs_alerts=suppressed" in row.description
    assert (row.query["read_state"], row.query["entry_state"]) == ("IL", "WI")
    assert audit_rows("hotlist.read_matched") == []


@pytest.mark.rule("RPT-4")
def test_alerting_again_on_another_state_is_proposed_not_applied(detective, administrator, make_read):
    _set_state_policy(administrator, "suppressed")
    change = _set_state_policy(administrator, "marked")
    assert change.in_force is None and change.proposal is not None
    add(detective, "7ABC123", state="WI")
    assert read_match_hotlists(make_read("7ABC123", state="IL").pk) == []


@pytest.mark.rule("ING-2")
@pytest.mark.parametrize("text", ["9C", "H3", "2E"])
def test_a_junk_text_sent_by_a_camera_matches_nothing(detective, make_read, text):
    add(detective, text)  # an exact entry of that text: it would match if the junk were stored as a plate
    read = make_read(text)
    assert read.plate == "" and read_match_hotlists(read.pk) == []
    assert not Alert.objects.exists()
