"""`make run`'s demo department: one person per role, cameras and reads; idempotent; never in production."""
import pytest
from django.core.management import CommandError, call_command

from accounts.models import AccountStatus, User
from alpr.models import Camera, CameraStatus, PlateRead
from demo.people import current_demo_code
from policy.roles import Role
from reports.models import CameraDistrict, CameraPlacementRequest, District, PlacementStatus
from sharing.models import RecordsRequest, SharingRequest
from sharing.selectors import agencies_with_access

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_department_once(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    settings.SHARING_DOCUMENTS_ROOT = tmp_path / "documents"
    call_command("seed_demo")
    call_command("seed_demo")
    active_roles = set(User.objects.filter(status=AccountStatus.ACTIVE).values_list("role", flat=True))
    assert active_roles == set(Role.values)
    assert User.objects.filter(status=AccountStatus.PENDING).count() == 1
    assert Camera.objects.count() == 4
    # In service through installations the Chief approved, their public notice long run (CAM-2).
    assert set(Camera.objects.values_list("status", flat=True)) == {CameraStatus.ACTIVE}
    installed = CameraPlacementRequest.objects.filter(kind="install", status=PlacementStatus.DONE)
    assert installed.count() == 4 and all(p.decided_by.role == Role.CHIEF for p in installed)
    assert PlateRead.system_objects.count() == 48
    assert len(current_demo_code("oreyes")) == 6
    assert agencies_with_access() == ["Riverside Police Department"]  # the undeclared one receives nothing
    assert SharingRequest.objects.count() == 1 and RecordsRequest.objects.count() == 1
    assert CameraDistrict.objects.count() == 4 and District.objects.count() == 2


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development"):
        call_command("seed_demo")
