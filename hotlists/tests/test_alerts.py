"""USE-8: an alert is verified against the image before anyone acts on it; outcomes feed the reports."""
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError, PolicyDenied
from hotlists import alerts, services
from hotlists.matching import read_match_hotlists
from hotlists.models import Alert
from hotlists.selectors import alert_outcome_counts
from hotlists.tests.conftest import act_as, audit_rows, in_days, matched_on_arrival

pytestmark = pytest.mark.django_db

CONFIRM = {"outcome": "confirmed", "characters_match": True, "state_match": True, "vehicle_match": True}


@pytest.fixture
def alert(detective, make_read):
    services.hotlist_entry_add(actor=act_as(detective), plate_pattern="7ABC123", state="IL",
                               reason="Stolen in burglary at 100 Main St", case_number="26-004512",
                               expires_at=in_days(), vehicle_description="Blue Honda Civic")
    [raised] = read_match_hotlists(make_read("7ABC123").pk)
    return raised


def look(officer, alert):
    alerts.alert_get(actor=act_as(officer), alert_id=alert.pk)
    data, content_type = alerts.alert_image(actor=act_as(officer), alert_id=alert.pk, kind="full")
    assert data[:2] == b"\xff\xd8" and content_type == "image/jpeg"


@pytest.mark.rule("USE-8")
def test_an_action_before_verification_is_refused_audited_and_flagged(officer, alert):
    look(officer, alert)
    with pytest.raises(PolicyDenied):
        alerts.alert_record_action(actor=act_as(officer), alert_id=alert.pk, action="arrest")
    alert.refresh_from_db()
    assert alert.action == ""
    [row] = audit_rows("hotlist.alert_action")
    assert row.outcome == "refused" and row.flagged and row.actor_user == officer


@pytest.mark.rule("USE-8")
@pytest.mark.parametrize("outcome", ["misread", "wrong_state", "vehicle_mismatch", "entry_invalid"])
def test_an_alert_not_confirmed_can_never_be_acted_on(officer, alert, outcome):
    look(officer, alert)
    checks = {"characters_match": outcome != "misread", "state_match": outcome != "wrong_state",
              "vehicle_match": outcome != "vehicle_mismatch"}
    alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome=outcome, **checks)
    with pytest.raises(PolicyDenied):
        alerts.alert_record_action(actor=act_as(officer), alert_id=alert.pk, action="stop")


@pytest.mark.rule("USE-8")
def test_the_database_refuses_an_action_without_confirmation(alert):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(action="arrest")


@pytest.mark.rule("USE-8")
def test_verification_needs_the_image_and_every_comparison(officer, alert):
    with pytest.raises(PolicyDenied, match="image"):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, **CONFIRM)
    look(officer, alert)
    with pytest.raises(ApplicationError, match="characters, the issuing state and the vehicle"):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, **{**CONFIRM, "vehicle_match": False})
    with pytest.raises(ApplicationError, match="contradicts"):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome="misread",
                            characters_match=True,
                            state_match=True, vehicle_match=True)
    assert not Alert.objects.get(pk=alert.pk).verification_outcome


@pytest.mark.rule("USE-8")
def test_confirmed_then_action_is_recorded_and_audited(officer, alert):
    look(officer, alert)
    alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, records_check="LEADS 14:02 record active",
                        **CONFIRM)
    alerts.alert_record_action(actor=act_as(officer), alert_id=alert.pk, action="vehicle_recovered",
                               notes="Towed to lot B")
    alert.refresh_from_db()
    assert (alert.verification_outcome, alert.verified_by, alert.records_check, alert.action,
            alert.action_by) == (
        "confirmed", officer, "LEADS 14:02 record active", "vehicle_recovered", officer)
    [verified] = audit_rows("hotlist.alert_verified")
    assert verified.purpose == "alert verification" and verified.case_number == "26-004512"
    [acted] = audit_rows("hotlist.alert_action")
    assert acted.outcome == "allowed" and f"alert:{alert.pk}" in acted.targets
    with pytest.raises(ApplicationError):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, **CONFIRM)


@pytest.mark.rule("USE-8")
def test_an_expired_entry_cannot_be_confirmed(officer, alert):
    look(officer, alert)
    past = timezone.now() - timedelta(minutes=1)
    type(alert.entry).objects.filter(pk=alert.entry_id).update(expires_at=past)
    with pytest.raises(ApplicationError, match="no longer valid"):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, **CONFIRM)
    alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome="entry_invalid",
                        characters_match=True, state_match=True, vehicle_match=True)


@pytest.mark.rule("AUD-1")
def test_each_look_at_an_alert_and_its_image_is_audited_with_purpose_and_case(officer, alert):
    look(officer, alert)
    [viewed] = audit_rows("hotlist.alert_viewed")
    [image] = audit_rows("hotlist.alert_image_viewed")
    for row in (viewed, image):
        assert (row.actor_user, row.purpose, row.case_number) == (officer, "alert verification", "26-004512")
        assert f"read:{alert.read_id}" in row.targets


@pytest.mark.rule("ACC-7")
def test_roles_without_alert_duty_cannot_see_alerts(user_factory, alert):
    auditor = user_factory(role="auditor")
    with pytest.raises(PolicyDenied):
        alerts.alert_get(actor=act_as(auditor), alert_id=alert.pk)
    with pytest.raises(PolicyDenied):
        alerts.alert_image(actor=act_as(auditor), alert_id=alert.pk, kind="full")
    assert [r.outcome for r in audit_rows("hotlist.alert_image_viewed")] == ["refused"]


@pytest.mark.rule("ACC-5")
def test_an_officer_without_leads_certification_cannot_verify(user_factory, alert):
    from accounts.models import TrainingRecord

    officer = user_factory(role="officer")
    TrainingRecord.objects.filter(user=officer, kind="leads_certification").delete()
    with pytest.raises(PolicyDenied):
        alerts.alert_get(actor=act_as(officer), alert_id=alert.pk)


def test_the_poll_delivers_new_alerts_once_and_audits_the_delivery(officer, alert):
    first = alerts.alerts_poll(actor=act_as(officer), after_id=0)
    assert [a["id"] for a in first["alerts"]] == [alert.pk] and first["unverified"] == 1
    assert first["alerts"][0]["plate"] == "7ABC123"
    assert first["latest"] == 0  # too fresh to move the mark: a slower commit may still show up below it
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(seconds=6))
    settled = alerts.alerts_poll(actor=act_as(officer), after_id=0)
    assert settled["latest"] == alert.pk
    again = alerts.alerts_poll(actor=act_as(officer), after_id=settled["latest"])
    assert again["alerts"] == []
    rows = audit_rows("hotlist.alerts_delivered")
    assert len(rows) == 2 and all(r.actor_user == officer and f"alert:{alert.pk}" in r.targets for r in rows)


@pytest.mark.rule("USE-8")
@pytest.mark.rule("RPT-2")
def test_outcomes_are_counted_for_hit_rate_and_false_positive_rate(officer, detective, make_read):
    for plate in ("AAA1111", "BBB2222", "CCC3333", "DDD4444"):
        services.hotlist_entry_add(actor=act_as(detective), plate_pattern=plate,
                                   reason="Stolen vehicle report",
                                   case_number="26-004512", expires_at=in_days())
    raised = [read_match_hotlists(make_read(plate).pk)[0]
              for plate in ("AAA1111", "BBB2222", "CCC3333", "DDD4444")]
    for alert in raised[:3]:
        look(officer, alert)
    alerts.alert_verify(actor=act_as(officer), alert_id=raised[0].pk, **CONFIRM)
    alerts.alert_record_action(actor=act_as(officer), alert_id=raised[0].pk, action="arrest")
    alerts.alert_verify(actor=act_as(officer), alert_id=raised[1].pk, outcome="misread",
                        characters_match=False, state_match=True, vehicle_match=True)
    alerts.alert_verify(actor=act_as(officer), alert_id=raised[2].pk, outcome="wrong_state",
                        characters_match=True, state_match=False, vehicle_match=True)
    counts = alert_outcome_counts(timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1))
    assert (counts["alerts"], counts["verified"], counts["unverified"]) == (4, 3, 1)
    assert counts["outcomes"]["confirmed"] == 1 and counts["outcomes"]["misread"] == 1
    assert counts["actions"]["arrest"] == 1 and counts["actions"]["stop"] == 0
    assert counts["hit_rate"] == pytest.approx(1 / 3)
    assert counts["false_positive_rate"] == pytest.approx(2 / 3)


@pytest.mark.rule("USE-8")
def test_a_read_without_image_is_confirmed_only_on_a_records_check(officer, detective, make_read):
    services.hotlist_entry_add(actor=act_as(detective), plate_pattern="NOIMG12",
                               reason="Stolen vehicle report", case_number="26-004512", expires_at=in_days())
    [alert] = read_match_hotlists(make_read("NOIMG12", with_images=False).pk)
    with pytest.raises(ApplicationError, match="LEADS/NCIC check"):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, **CONFIRM)
    alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, records_check="NCIC hit confirmed 14:10",
                        **CONFIRM)


@pytest.mark.rule("USE-8")
def test_the_vehicle_is_not_confirmed_after_seeing_only_the_plate_crop(officer, alert):
    """Tried: a client fetches only /alerts/<id>/image/crop/ (the plate) and posts a confirmation with the
    vehicle ticked as matching."""
    alerts.alert_image(actor=act_as(officer), alert_id=alert.pk, kind="crop")
    with pytest.raises(PolicyDenied, match="full image of the vehicle"):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome="confirmed",
                            characters_match=True, state_match=True, vehicle_match=True)
    assert Alert.objects.get(pk=alert.pk).verification_outcome == ""


@pytest.mark.rule("USE-8", "RET-1")
def test_an_alert_whose_read_is_past_retention_cannot_be_confirmed(detective, officer, make_read):
    """Tried: confirming, on a typed records check, an alert whose read is gone (the page says "read
    purged": nothing to compare), then recording an arrest on it."""
    read = make_read("7ABC123", when=timezone.now() - timedelta(days=40))
    services.hotlist_entry_add(actor=act_as(detective), plate_pattern="7ABC123", state="IL",
                               reason="Stolen in burglary at 100 Main St", case_number="26-004512",
                               expires_at=in_days(), vehicle_description="Blue Honda Civic")
    [alert] = matched_on_arrival(read)  # 40 days ago
    assert alerts.alert_get(actor=act_as(officer), alert_id=alert.pk).read is None
    with pytest.raises(ApplicationError, match="nothing left to compare"):
        alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome="confirmed",
                            records_check="LEADS ok", characters_match=True, state_match=True,
                            vehicle_match=True)
    with pytest.raises(ApplicationError):
        alerts.alert_record_action(actor=act_as(officer), alert_id=alert.pk, action="arrest")
    closed = alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, outcome="entry_invalid",
                                 characters_match=None, state_match=None, vehicle_match=None)
    assert closed.verification_outcome == "entry_invalid"
