"""Hotlist journey in a real browser: a detective lists a plate, a camera photographs it, the officer's
open screen shows the alert within 5 seconds (ING-2), and the officer verifies before acting (USE-8)."""
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.services import camera_credential_rotate
from audit.context import Actor
from conftest import UserFactory
from hotlists.models import Alert, HotlistEntry
from ingest.services import read_recognize
from ingest.synthetic import plate_photo
from ingest.tests.conftest import install_camera
from ingest.tests.fake_recognizer import FAKE_TEXT
from policy.roles import Role
from tests.browser.conftest import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _ingest_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INGEST_RECOGNIZER = "ingest.tests.fake_recognizer.recognize"  # reads FAKE_TEXT in any photo


def upload_photo(page, live_server, camera_key: str, plate: str) -> int:
    """POST a photo as the camera does (its own credential, no browser session); return the read id."""
    response = page.request.post(
        f"{live_server.url}/api/v1/cameras/reads/",
        headers={"Authorization": f"Camera {camera_key}"},
        multipart={"captured_at": timezone.now().isoformat(),
                   "photo": {"name": "car.jpg", "mimeType": "image/jpeg", "buffer": plate_photo(plate)}})
    assert response.status == 202, response.text()
    return response.json()["read_id"]


@pytest.mark.rule("ING-2")
@pytest.mark.rule("USE-8")
@pytest.mark.rule("USE-5")
def test_detective_lists_a_plate_and_the_officer_sees_the_alert_and_verifies_it(new_page, live_server):
    detective = UserFactory(role=Role.DETECTIVE)
    officer = UserFactory(role=Role.OFFICER)
    installer = Actor.system("test installer")
    camera = install_camera("Harlem Ave & Lake St NB")
    camera_key = camera_credential_rotate(actor=installer, camera_id=camera.pk).key

    # The officer is on shift with the alert inbox open.
    officer_page = new_page()
    browser_sign_in(officer_page, live_server, officer)
    officer_page.goto(f"{live_server.url}/hotlists/alerts/")
    expect(officer_page.get_by_role("heading", name="Hotlist alerts")).to_be_visible()
    expect(officer_page.get_by_role("region", name="Live hotlist alerts")).to_be_attached()
    assert_accessible(officer_page, "the alert inbox")

    # The detective lists the plate, with the help on partial plates on the page.
    detective_page = new_page()
    browser_sign_in(detective_page, live_server, detective)
    detective_page.goto(f"{live_server.url}/hotlists/entries/add/")
    expect(detective_page.get_by_role("heading", name="Partial plates")).to_be_visible()
    assert_accessible(detective_page, "the hotlist entry form")
    detective_page.get_by_label("Plate").fill(FAKE_TEXT)
    detective_page.get_by_label("Issuing state").fill("IL")
    detective_page.get_by_label("Reason").fill("Stolen in a burglary at 100 Main St")
    detective_page.get_by_label("Case number").fill("26-004512")
    detective_page.get_by_label("Expires on").fill(
        (timezone.localdate() + timezone.timedelta(days=14)).isoformat())
    detective_page.get_by_label("Priority").select_option(label="High")
    detective_page.get_by_label("Vehicle description").fill("Grey sedan")
    detective_page.get_by_role("button", name="Add to hotlist").click()
    expect(detective_page.get_by_role("status")).to_contain_text(f"{FAKE_TEXT} is on the hotlist")
    assert_accessible(detective_page, "the hotlists")
    assert HotlistEntry.objects.get().created_by == detective

    # A camera uploads a photo of the plate; the recognition worker reads it.
    read_id = upload_photo(detective_page, live_server, camera_key, FAKE_TEXT)
    read_recognize(read_id=read_id)  # what the Celery worker runs; read_stored follows the commit
    recognised = time.monotonic()
    assert Alert.objects.filter(read_id=read_id).count() == 1

    # The officer's open page shows it within 5 seconds: banner, sound, screen-reader announcement.
    banner = officer_page.locator(".alert-banner").filter(has_text=f"Hotlist alert: {FAKE_TEXT}")
    expect(banner).to_be_visible(timeout=5_000)
    assert time.monotonic() - recognised <= 5.0
    expect(officer_page.locator("#alert-feed-live")).to_contain_text(f"New hotlist alert: {FAKE_TEXT}")
    expect(officer_page.locator("#alert-feed")).to_have_attribute("data-last-beep", re.compile(r"\d+"))
    officer_page.wait_for_timeout(2_500)  # the next polls repeat nothing
    expect(officer_page.locator(".alert-banner")).to_have_count(1)
    assert_accessible(officer_page, "the alert inbox with a live alert")

    # Verification first: the action form is not offered, and the service would refuse it anyway.
    banner.get_by_role("link", name="Verify now").click()
    expect(officer_page.get_by_role("heading", name="Verify before acting")).to_be_visible()
    officer_page.wait_for_timeout(2_500)
    expect(officer_page.locator(".alert-banner")).to_have_count(0)  # announced once per tab, not per page
    expect(officer_page.get_by_role("img", name="Plate crop of the read")).to_be_visible()
    # Both images arrive through the audited image view (the officer must see one before verifying).
    officer_page.wait_for_function(
        "() => [...document.querySelectorAll('.plate-crop, .plate-photo')].every(i => i.naturalWidth > 0)")
    expect(officer_page.locator("img.plate-photo")).to_have_count(1)
    expect(officer_page.get_by_role("button", name="Record action")).to_have_count(0)
    assert_accessible(officer_page, "an alert to verify")
    officer_page.get_by_role("group", name="Do the plate characters").get_by_label("Yes, it matches").check()
    officer_page.get_by_role("group",
                             name="Does the issuing state match").get_by_label("Yes, it matches").check()
    officer_page.get_by_role("group", name="Does the vehicle match").get_by_label("Yes, it matches").check()
    officer_page.get_by_label("LEADS/NCIC check (optional)").fill("LEADS 14:02, record active")
    officer_page.get_by_label("Confirmed: plate, state and vehicle match").check()
    officer_page.get_by_role("button", name="Record verification").click()
    expect(officer_page.locator("#verification")).to_contain_text("Confirmed")
    assert_accessible(officer_page, "a verified alert with its action form")

    officer_page.get_by_label("Vehicle stopped").check()
    officer_page.get_by_role("button", name="Record action").click()
    expect(officer_page.locator("#action")).to_contain_text("Vehicle stopped")
    alert = Alert.objects.get(read_id=read_id)
    assert (alert.verification_outcome, alert.verified_by, alert.action, alert.action_by) == (
        "confirmed", officer, "stop", officer)
