"""Camera health: a camera in service silent longer than the policy allows is flagged to the administrator
and shown on the public portal as out of service (alpr.cameras, ingest.health)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.cameras import cameras_silent
from alpr.models import Camera, CameraStatus
from alpr.services import camera_create, camera_enter_service
from audit.context import Actor
from ingest import health
from policy.roles import Role
from policy.selectors import current_policy

pytestmark = pytest.mark.django_db
INSTALLER = Actor.system("test installer")


def in_service(name: str, *, installed_days_ago: int = 30, **contacts) -> Camera:
    """A camera whose installation took effect `installed_days_ago` days ago, last heard from as given."""
    camera = camera_create(actor=INSTALLER, name=name)
    Camera.objects.filter(pk=camera.pk).update(
        status=CameraStatus.ACTIVE, installed_on=timezone.localdate() - timedelta(days=installed_days_ago),
        **contacts)
    return Camera.objects.get(pk=camera.pk)


def ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


@pytest.fixture
def fleet():
    """One camera of each kind of health, under the default policy (60 minutes)."""
    return {
        "uploading": in_service("Uploading", last_upload_at=ago(5)),
        "heartbeat only": in_service("Heartbeat only", last_upload_at=ago(600), last_heartbeat_at=ago(1)),
        "silent": in_service("Silent", last_upload_at=ago(90), last_heartbeat_at=ago(75)),
        "never heard from": in_service("Never heard from"),
        "pending": camera_create(actor=INSTALLER, name="Pending"),
    }


@pytest.mark.rule("CAM-1")
def test_only_cameras_in_service_silent_longer_than_the_policy_are_silent(fleet):
    assert current_policy().camera_silent_minutes == 60
    assert [camera.name for camera in cameras_silent()] == ["Never heard from", "Silent"]
    assert cameras_silent().count() == 2
    silent = cameras_silent().get(name="Silent")
    assert abs((silent.last_contact_at - ago(75)).total_seconds()) < 5  # the later of the two contacts
    assert cameras_silent().get(name="Never heard from").last_contact_at is None
    # Half an hour on, the camera that uploaded five minutes ago is still fine; the heartbeat's is not
    # yet either; 70 minutes on, both are silent.
    assert cameras_silent(now=timezone.now() + timedelta(minutes=30)).count() == 2
    assert cameras_silent(now=timezone.now() + timedelta(minutes=70)).count() == 4
    Camera.objects.filter(pk=fleet["silent"].pk).update(status=CameraStatus.INACTIVE)
    assert [camera.name for camera in cameras_silent()] == ["Never heard from"]


def test_a_camera_just_in_service_is_not_silent_before_the_policys_time(fleet):
    Camera.objects.filter(name="Never heard from").update(installed_on=timezone.localdate())
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)  # the agency's
    assert not cameras_silent(now=midnight + timedelta(minutes=59)).filter(name="Never heard from").exists()
    assert cameras_silent(now=midnight + timedelta(minutes=61)).filter(name="Never heard from").exists()


def test_a_camera_installed_long_ago_is_silent_only_from_when_it_went_into_service_here(db):
    """Tried: a camera whose earlier approval took effect 400 days ago goes into service today (the Chief
    records that approval now); it has had no time to be heard from yet."""
    camera = camera_create(actor=INSTALLER, name="Installed before the system")
    camera_enter_service(actor=INSTALLER, camera_id=camera.pk,
                         installed_on=timezone.localdate() - timedelta(days=400))
    minutes = current_policy().camera_silent_minutes
    assert not cameras_silent().filter(pk=camera.pk).exists()
    later = timezone.now() + timedelta(minutes=minutes + 1)
    assert cameras_silent(now=later).filter(pk=camera.pk).exists()


def test_an_upload_marks_the_camera_at_most_once_a_minute(fleet, django_assert_num_queries):
    health._upload_marked.clear()
    camera = fleet["silent"]
    with django_assert_num_queries(1):
        health.camera_upload_seen(camera.pk)
    with django_assert_num_queries(0):
        health.camera_upload_seen(camera.pk)
    assert not cameras_silent().filter(pk=camera.pk).exists()


@pytest.mark.rule("CAM-1")
def test_the_administrator_sees_each_cameras_last_contact_and_the_silent_ones(fleet, make_verified_client):
    page = make_verified_client(Role.ADMINISTRATOR).get("/reports/cameras/").content.decode()
    assert "2 cameras in service" in page and "for more than 60 minutes" in page
    assert "Active: <strong>silent</strong> since" in page and "never heard from" in page
    assert f"{timezone.localtime(fleet['uploading'].last_upload_at):%Y-%m-%d %H:%M}" in page


@pytest.mark.rule("CAM-1")
def test_the_portal_shows_a_silent_camera_as_out_of_service(fleet, client):
    page = client.get("/portal/cameras/").content.decode()
    assert page.count("Out of service") == 2
    cameras = {row["name"]: row["status"] for row in client.get("/portal/cameras.json").json()["cameras"]}
    assert cameras["Silent"] == cameras["Never heard from"] == "Out of service"
    assert cameras["Uploading"] == cameras["Heartbeat only"] == "Active"
    assert cameras["Pending"] == "Awaiting approval and public notice"
    csv = client.get("/portal/cameras.csv").content.decode()
    assert "Silent,Fixed,Out of service" in csv


def test_the_policy_page_shows_the_silence_allowed(make_verified_client):
    page = make_verified_client(Role.ADMINISTRATOR).get("/policy/").content.decode()
    assert "Camera silent minutes" in page and "shown on the portal as out of service" in page
