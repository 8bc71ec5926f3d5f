"""CAM-2: the Chief's page to record the earlier approval of a pending camera, linked from the placement
approvals; only the Chief opens it (ACC-7), and what it sends goes through the service's checks."""

import pytest

from alpr.models import Camera, CameraStatus
from audit.models import AuditEvent
from policy.roles import Role
from reports.models import CameraPlacementRequest
from reports.tests.conftest import PRIOR_RECORDED, assert_still_pending, days_ago, prior_approval

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    data = prior_approval(camera_kind="fixed", **overrides)
    return {key: str(value) for key, value in data.items()}


@pytest.mark.rule("CAM-2")
def test_the_chief_finds_the_pending_camera_in_the_queue_and_records_itsprior_approval(
        make_verified_client, pending_camera, client):
    chief = make_verified_client(Role.CHIEF)
    url = f"/reports/cameras/{pending_camera.pk}/prior-approval/"
    queue = chief.get("/reports/cameras/placements/queue/").content.decode()
    assert pending_camera.name in queue and url in queue
    form = chief.get(url)
    assert form.status_code == 200 and 'value="Lake &amp; Harlem"' in form.content.decode()
    response = chief.post(url, _form())
    assert response.status_code == 302 and response.url == "/reports/cameras/placements/queue/"
    pending_camera.refresh_from_db()
    assert pending_camera.status == CameraStatus.ACTIVE
    assert url not in chief.get("/reports/cameras/placements/queue/").content.decode()
    assert chief.get(url).status_code == 404  # in service: nothing left to record
    assert "Lake St at Harlem Ave, NE corner" in client.get("/portal/cameras/").content.decode()


@pytest.mark.rule("CAM-2")
def test_the_message_after_recording_writes_its_date_as_every_page_does(make_verified_client, pending_camera):
    """Tried: the message said "installed on December 3, 2026" where every other page and message writes
    2026-12-03 (core/dates.py)."""
    chief = make_verified_client(Role.CHIEF)
    response = chief.post(f"/reports/cameras/{pending_camera.pk}/prior-approval/", _form(), follow=True)
    placement = CameraPlacementRequest.objects.get(camera=pending_camera)
    assert f"installed on {placement.effective_on.isoformat()}, and listed" in response.content.decode()


@pytest.mark.rule("CAM-2")
def test_the_page_shows_a_refusal_beside_its_field_and_changes_nothing(make_verified_client, pending_camera):
    # Tried: an approval dated last week, whose public notice has not run.
    chief = make_verified_client(Role.CHIEF)
    response = chief.post(f"/reports/cameras/{pending_camera.pk}/prior-approval/",
                          _form(approved_on=days_ago(7)))
    assert response.status_code == 400
    assert "request the installation and approve it" in response.content.decode()
    assert_still_pending(pending_camera)
    assert AuditEvent.objects.get(action=PRIOR_RECORDED).outcome == "failed"


@pytest.mark.rule("CAM-2")
def test_a_post_for_a_camera_in_service_reaches_the_service_and_is_refused(make_verified_client, people):
    camera = Camera.objects.create(name="In service", status=CameraStatus.ACTIVE, installed_on=days_ago(30))
    response = make_verified_client(Role.CHIEF).post(f"/reports/cameras/{camera.pk}/prior-approval/", _form())
    assert response.status_code == 400 and "only a camera awaiting" in response.content.decode()
    assert not CameraPlacementRequest.objects.exists()


@pytest.mark.rule("CAM-2")
@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.OFFICER, Role.DETECTIVE, Role.AUDITOR,
                                  Role.OVERSIGHT, Role.DISPATCHER])
def test_other_roles_are_refused_the_page(make_verified_client, pending_camera, role):
    # Tried: each other role opens the page and posts a complete, valid record.
    person = make_verified_client(role)
    url = f"/reports/cameras/{pending_camera.pk}/prior-approval/"
    assert person.get(url).status_code == 403
    assert person.post(url, _form()).status_code == 403
    assert_still_pending(pending_camera)
    refusals = AuditEvent.objects.filter(action="auth.page_refused", actor_user=person.user)
    assert refusals.count() == 2 and {event.outcome for event in refusals} == {"refused"}
