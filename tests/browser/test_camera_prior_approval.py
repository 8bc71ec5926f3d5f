"""CAM-2 in a real browser: the Chief finds a camera installed before the system among the pending
placements, records its earlier approval from the department's records (a first try dated too
recently is refused beside its field), and the public portal lists the camera in service."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import CameraStatus
from alpr.services import camera_create
from audit.context import Actor
from audit.models import AuditEvent
from conftest import UserFactory
from policy.roles import Role
from tests.browser.conftest import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.rule("CAM-2")]

NAME = "Lake St at Harlem Ave"


def test_the_chief_records_the_earlier_approval_of_a_pending_camera(page, live_server):
    camera = camera_create(actor=Actor.system("old installer"), name=NAME, latitude="41.888000",
                           longitude="-87.803100", location_description="Lake & Harlem")
    chief = UserFactory(role=Role.CHIEF)
    browser_sign_in(page, live_server, chief)
    page.goto(f"{live_server.url}/reports/cameras/")
    page.get_by_role("navigation", name="Oversight").get_by_role("link", name="Placement approvals").click()
    expect(page.get_by_role("heading", name="Cameras installed before this system")).to_be_visible()
    page.get_by_role("link", name=f"Record its earlier approval ({NAME})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Record the earlier approval of {NAME}")
    expect(page.get_by_label("Location, as the public will read it")).to_have_value("Lake & Harlem")
    assert_accessible(page, "the prior-approval form")

    today = timezone.localdate()
    page.get_by_label("Date of the approval").fill((today - timedelta(days=3)).isoformat())
    page.get_by_label("Approved by").fill("Chief R. Alvarez")
    page.get_by_label("Approval document").fill("Memo 24-09, filed with the Village Clerk")
    page.get_by_label("How the public was notified").fill("Village website and board meeting")
    page.get_by_label("Location, as the public will read it").fill("Lake St at Harlem Ave, NE corner")
    page.get_by_label("Crime-analysis justification").fill(
        "Installed on the crime analysis of memo 24-09: eleven stolen-vehicle recoveries at this corner.")
    page.get_by_label("Nondiscrimination consideration").fill(
        "Weighed against the census tracts when approved: commercial corner, no tract over-represented.")
    submit = page.get_by_role("button", name="Record the approval and put the camera in service")
    submit.click()
    # Three days ago: the public notice has not run; the form says so beside the date and the camera
    # stays pending.
    expect(page.locator("#id_approved_on_error")).to_contain_text("request the installation and approve it")
    assert_accessible(page, "the prior-approval form with a refusal")
    camera.refresh_from_db()
    assert camera.status == CameraStatus.PENDING

    page.get_by_label("Date of the approval").fill((today - timedelta(days=400)).isoformat())
    submit.click()
    expect(page.get_by_role("heading", name="Camera placements awaiting your decision")).to_be_visible()
    expect(page.get_by_text(f"Recorded. {NAME} is in service")).to_be_visible()
    expect(page.get_by_role("link", name=f"Record its earlier approval ({NAME})")).to_have_count(0)
    camera.refresh_from_db()
    assert camera.status == CameraStatus.ACTIVE
    assert AuditEvent.objects.filter(action="camera.placement_prior_recorded", outcome="allowed",
                                     actor_user=chief).count() == 1

    page.goto(f"{live_server.url}/portal/cameras/")
    row = page.get_by_role("row").filter(has_text=NAME)
    expect(row).to_contain_text("Lake St at Harlem Ave, NE corner")
    expect(row).to_contain_text("Active")
    expect(page.get_by_text("by Chief R. Alvarez (Memo 24-09")).to_be_visible()
