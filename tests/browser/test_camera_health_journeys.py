"""Camera health in a real browser: a camera that has gone silent is flagged to the administrator and shown
to the public as out of service; its agent's heartbeat (the recorded OpenALPR shape) puts it back."""
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import Camera
from alpr.services import camera_credential_rotate
from audit.context import Actor
from conftest import UserFactory
from ingest.tests.conftest import install_camera
from policy.roles import Role
from tests.browser.conftest import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEARTBEAT = Path(__file__).parents[2] / "ingest" / "tests" / "fixtures" / "openalpr_heartbeat.json"


@pytest.mark.rule("CAM-1")
def test_a_silent_camera_is_flagged_and_its_heartbeat_puts_it_back_in_service(new_page, live_server):
    camera = install_camera("Lake St at Harlem")
    key = camera_credential_rotate(actor=Actor.system("test installer"), camera_id=camera.pk).key
    Camera.objects.filter(pk=camera.pk).update(last_upload_at=timezone.now() - timedelta(hours=3))
    admin_page, public_page = new_page(), new_page()

    browser_sign_in(admin_page, live_server, UserFactory(role=Role.ADMINISTRATOR))
    admin_page.goto(f"{live_server.url}/reports/cameras/")
    expect(admin_page.get_by_role("status")).to_contain_text(
        "1 camera in service has sent neither a read nor a heartbeat for more than 60 minutes")
    row = (admin_page.get_by_role("table", name="Registered cameras, with when each was last heard from")
           .get_by_role("row").filter(has_text="Lake St at Harlem"))
    expect(row).to_contain_text("Active: silent since")
    assert_accessible(admin_page, "the camera registry with a silent camera")

    public_page.goto(f"{live_server.url}/portal/cameras/")
    public_row = (public_page.get_by_role("table", name="Cameras in the registry")
                  .get_by_role("row").filter(has_text="Lake St at Harlem"))
    expect(public_row).to_contain_text("Out of service")
    assert_accessible(public_page, "the portal's camera list with a camera out of service")

    # The camera's agent sends its heartbeat, as the recorded one, naming its version.
    heartbeat = {**json.loads(HEARTBEAT.read_text()), "agent_version": "2.8.101"}
    response = admin_page.request.post(f"{live_server.url}/api/v1/cameras/openalpr/",
                                       headers={"Authorization": f"Camera {key}"}, data=heartbeat)
    assert response.status == 200, response.text()

    admin_page.reload()
    expect(row).not_to_contain_text("silent")
    expect(row).to_contain_text("2.8.101")
    expect(admin_page.get_by_text("sends neither a read nor a heartbeat for 60 minutes")).to_be_visible()
    public_page.reload()
    expect(public_row).to_contain_text("Active")
    expect(public_page.get_by_text("Out of service")).to_have_count(0)
