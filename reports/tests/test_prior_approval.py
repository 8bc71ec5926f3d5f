"""CAM-2 for cameras installed before this system: the Chief records the earlier approval of a pending
camera (who approved it, when, the document, where the public was told) and it goes into service."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from alpr.models import Camera, CameraStatus
from audit.models import AuditEvent
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Role
from reports import conf
from reports.models import CameraLocationHistory, CameraPlacementRequest, PlacementStatus
from reports.services.cameras import placement_decide, placement_record_prior, placement_request
from reports.tests.conftest import (
    LONG_AGO,
    PRIOR_RECORDED,
    actor,
    assert_still_pending,
    days_ago,
    prior_approval,
)

pytestmark = pytest.mark.django_db


def _record(people, camera, role=Role.CHIEF, **overrides):
    return placement_record_prior(actor=actor(people[role]), camera_id=camera.pk,
                                  **prior_approval(**overrides))


@pytest.mark.rule("CAM-2")
def test_the_chief_records_an_earlier_approval_and_the_camera_goes_into_service(
        client, people, pending_camera):
    placement = _record(people, pending_camera)
    pending_camera.refresh_from_db()
    effective = days_ago(LONG_AGO) + timedelta(days=conf.camera_notice_days() + 1)
    assert pending_camera.status == CameraStatus.ACTIVE and pending_camera.installed_on == effective
    assert pending_camera.location_description == "Lake St at Harlem Ave, NE corner"
    assert (placement.camera_id, placement.status) == (pending_camera.pk, PlacementStatus.DONE)
    assert (placement.prior_approved_on, placement.notice_from) == (days_ago(LONG_AGO), days_ago(LONG_AGO))
    assert placement.prior_approved_by == "Chief R. Alvarez" and placement.decided_by == people[Role.CHIEF]
    assert placement.prior_approval_document.startswith("Memo 24-09")
    assert CameraLocationHistory.objects.get(placement=placement).camera == pending_camera
    audit = AuditEvent.objects.get(action=PRIOR_RECORDED)
    assert audit.outcome == "allowed" and audit.actor_user == people[Role.CHIEF]
    assert audit.targets == [f"placement:{placement.pk}", f"camera:{pending_camera.pk}"]
    assert "Chief R. Alvarez" in audit.description and "recorded after the fact" in audit.description
    # The public portal lists it in service, with the approval it rests on.
    page = client.get("/portal/cameras/").content.decode()
    assert "Lake St at Harlem Ave, NE corner" in page and "Chief R. Alvarez" in page
    listed = {row["name"]: row for row in client.get("/portal/cameras.json").json()["cameras"]}
    assert listed[pending_camera.name]["status"] == "Active"
    assert listed[pending_camera.name]["installed_on"] == effective.isoformat()


@pytest.mark.rule("CAM-2")
def test_a_later_public_notice_counts_from_its_own_first_day(people, pending_camera):
    placement = _record(people, pending_camera, notice_from=days_ago(LONG_AGO - 10))
    assert placement.notice_from == days_ago(LONG_AGO - 10)
    assert placement.effective_on == days_ago(LONG_AGO - 10) + timedelta(days=conf.camera_notice_days() + 1)


@pytest.mark.rule("CAM-2")
def test_a_paper_notice_too_counts_whole_days_from_the_day_after_it_started(people, pending_camera):
    """Tried: a paper notice that started the policy's period ago to the day: its first day was not whole
    (posted that afternoon, say), so it has one day to run, as a notice on the portal would."""
    days = conf.camera_notice_days()
    with pytest.raises(ApplicationError, match=f"runs until {days_ago(-1)}"):
        _record(people, pending_camera, notice_from=days_ago(days))
    assert_still_pending(pending_camera)
    placement = _record(people, pending_camera, notice_from=days_ago(days + 1))
    assert placement.effective_on == days_ago(0) and placement.status == PlacementStatus.DONE


@pytest.mark.rule("CAM-2")
@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.OFFICER, Role.DETECTIVE, Role.AUDITOR,
                                  Role.OVERSIGHT])
def test_only_the_chief_records_an_earlierprior_approval(people, pending_camera, role):
    # Tried: every other role records a prior approval for a pending camera through the service.
    with pytest.raises(PolicyDenied, match="Only the Chief"):
        _record(people, pending_camera, role=role)
    assert_still_pending(pending_camera)
    refusal = AuditEvent.objects.get(action=PRIOR_RECORDED)
    assert refusal.outcome == "refused" and refusal.actor_user == people[role]
    assert refusal.targets == [f"camera:{pending_camera.pk}"]


BAD_INPUT = {  # what was tried: (the change to a good record, the message's gist)
    "approved in the future": ({"approved_on": days_ago(-1)}, "approval's date"),
    "approved yesterday: notice still running": ({"approved_on": days_ago(1)}, "runs until"),
    "approved before any ALPR camera (a typo)": ({"approved_on": date(202, 3, 4)}, "approval's date"),
    "approval date not a date": ({"approved_on": "2024-03-04"}, "approval's date"),
    "notice before the approval": ({"notice_from": days_ago(LONG_AGO + 1)}, "on or after the approval"),
    "notice started yesterday": ({"notice_from": days_ago(1)}, "runs until"),
    "notice in the future": ({"notice_from": days_ago(-3)}, "not after today"),
    "no approver": ({"approved_by": "   "}, "who approved"),
    "approver too long": ({"approved_by": "x" * 201}, "At most 200"),
    "no approval document": ({"approval_document": ""}, "approval document"),
    "no public notice": ({"public_notice": ""}, "public was notified"),
    "no crime analysis": ({"justification": "Busy road"}, "crime analysis"),
    "no nondiscrimination consideration": ({"nondiscrimination": ""}, "disparate impact"),
    "latitude out of range": ({"latitude": "91"}, "latitude"),
    "heading out of range": ({"heading": 400}, "Heading"),
    "unknown camera type": ({"camera_kind": "drone"}, "camera type"),
}


@pytest.mark.rule("CAM-2")
@pytest.mark.parametrize("change", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_clearly_and_changes_nothing(people, pending_camera, change):
    overrides, message = change
    with pytest.raises(ApplicationError, match=message):
        _record(people, pending_camera, **overrides)
    assert_still_pending(pending_camera)
    assert AuditEvent.objects.get(action=PRIOR_RECORDED).outcome == "failed"


@pytest.mark.rule("CAM-2")
def test_only_a_pending_camera_with_no_installation_under_way_qualifies(people, pending_camera):
    # Tried: a camera in service, a retired one, one that does not exist, and, the way round the public
    # notice, a camera whose installation the Chief approved last week (its notice still running).
    chief = actor(people[Role.CHIEF])
    _record(people, pending_camera)
    with pytest.raises(ApplicationError, match="recorded already"):
        _record(people, pending_camera)
    retired = Camera.objects.create(name="Old trailer", status=CameraStatus.RETIRED)
    with pytest.raises(ApplicationError, match="only a camera awaiting"):
        _record(people, retired)
    with pytest.raises(ApplicationError, match="No such camera"):
        placement_record_prior(actor=chief, camera_id=999_999, **prior_approval())
    placement = placement_request(
        actor=actor(people[Role.ADMINISTRATOR]), kind="install", camera_name="Madison St at Oak Park Ave",
        **{key: value for key, value in prior_approval().items() if key in (
            "latitude", "longitude", "location_description", "justification", "nondiscrimination")})
    placement = placement_decide(actor=chief, placement_id=placement.pk, approve=True)
    with pytest.raises(ApplicationError, match="requested or approved already"):
        placement_record_prior(actor=chief, camera_name="madison st at oak park ave", **prior_approval())
    call_command("camera_credentials", "Madison St at Oak Park Ave", "--create", "--placement",
                 str(placement.pk), stdout=StringIO(), stderr=StringIO())
    registered = Camera.objects.get(name="Madison St at Oak Park Ave")
    with pytest.raises(ApplicationError, match="approved; public notice running"):
        _record(people, registered)
    registered.refresh_from_db()
    assert registered.status == CameraStatus.PENDING
    retired.refresh_from_db()
    assert CameraPlacementRequest.objects.count() == 2 and retired.status == CameraStatus.RETIRED
    assert AuditEvent.objects.filter(action=PRIOR_RECORDED, outcome="failed").count() == 5


@pytest.mark.rule("CAM-2")
def test_a_camera_not_registered_yet_is_registered_with_its_earlierprior_approval(people):
    placement = placement_record_prior(actor=actor(people[Role.CHIEF]), camera_name="Roosevelt Rd at Austin",
                                       **prior_approval())
    camera = Camera.objects.get(name="Roosevelt Rd at Austin")
    assert placement.camera == camera and camera.status == CameraStatus.ACTIVE


@pytest.mark.rule("CAM-2")
def test_the_database_keeps_an_earlier_approval_whole(people, pending_camera):
    placement = _record(people, pending_camera)
    for change in ({"prior_approved_by": ""}, {"prior_public_notice": ""},
                   {"prior_approved_on": placement.notice_from + timedelta(days=1)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CameraPlacementRequest.objects.filter(pk=placement.pk).update(**change)
