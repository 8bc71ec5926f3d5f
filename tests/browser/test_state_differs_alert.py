"""A photo of two vehicles in a real browser: the Indiana plate matches an Illinois hotlist entry, so its
alert is marked "state differs"; the officer sees both states, the vehicle the camera described and the
plate's own crop, and records the verification as a wrong state (ING-2, USE-8; issue 13). The officer
then finds both plates of the photo in a search, each a read of its own."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.services import camera_credential_rotate
from audit.context import Actor
from conftest import UserFactory
from hotlists.models import Alert
from hotlists.services import hotlist_entry_add
from ingest.services import read_recognize
from ingest.synthetic import plate_photo
from ingest.tests.conftest import install_camera
from ingest.tests.fake_recognizer import FAKE_TEXT, SECOND_TEXT
from policy.roles import Role
from tests.browser.conftest import assert_accessible, browser_sign_in, browser_state_justification, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _ingest_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INGEST_RECOGNIZER = "ingest.tests.fake_recognizer.two_plates"  # 7ABC123 IL and KRN5562 IN


@pytest.mark.rule("ING-2")
@pytest.mark.rule("USE-8")
def test_an_alert_whose_state_differs_is_shown_and_verified_by_the_officer(new_page, live_server):
    detective, officer = UserFactory(role=Role.DETECTIVE), UserFactory(role=Role.OFFICER)
    entry = hotlist_entry_add(
        actor=Actor.for_user(detective, client_ip="10.0.0.7"), plate_pattern=SECOND_TEXT, state="IL",
        reason="Stolen in a burglary at 100 Main St", case_number="26-004512",
        expires_at=timezone.now() + timezone.timedelta(days=14), vehicle_description="Grey sedan")
    camera = install_camera("Harlem Ave & Lake St NB")
    key = camera_credential_rotate(actor=Actor.system("test installer"), camera_id=camera.pk).key

    page = new_page()
    browser_sign_in(page, live_server, officer)
    response = page.request.post(
        f"{live_server.url}/api/v1/cameras/reads/", headers={"Authorization": f"Camera {key}"},
        multipart={"captured_at": timezone.now().isoformat(),
                   "photo": {"name": "two-cars.jpg", "mimeType": "image/jpeg",
                             "buffer": plate_photo(FAKE_TEXT)}})
    assert response.status == 202, response.text()
    read_recognize(read_id=response.json()["read_id"])  # what the worker runs; matching follows the commit
    alert = Alert.objects.get()
    assert alert.entry == entry and alert.state_differs

    nav_go(page, "Alerts")
    row = page.locator("#alert-inbox tbody tr").filter(has_text=SECOND_TEXT)
    expect(row).to_contain_text("State differs")
    assert_accessible(page, "the alert inbox with an alert of another state")
    row.get_by_role("link").click()
    expect(page.locator("#state-differs")).to_contain_text("a plate of IN (76 % sure)")
    expect(page.locator("#state-differs")).to_contain_text("the entry is for IL")
    expect(page.locator("#read-state")).to_contain_text("IN")
    expect(page.locator("#entry-state")).to_have_text("IL")
    expect(page.locator("#read-vehicle")).to_contain_text("Body type: sedan")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plate-crop, .plate-photo')].every(i => i.naturalWidth > 0)")
    # The photo shows two vehicles: this alert's plate (at 40, 60 of the 640 x 400 photo) is outlined.
    outline = page.locator(".plate-box-frame .plate-box")
    expect(outline).to_be_visible()
    assert outline.evaluate("m => [m.style.left, m.style.top, m.style.width, m.style.height]") == [
        "6.25%", "15%", "18.75%", "10%"]
    assert_accessible(page, "an alert whose state differs")

    page.get_by_role("group", name="Do the plate characters").get_by_label("Yes, it matches").check()
    page.get_by_role("group", name="Does the issuing state match").get_by_label("No").check()
    page.get_by_role("group", name="Does the vehicle match").get_by_label("Yes, it matches").check()
    page.get_by_label("Wrong issuing state").check()
    page.get_by_role("button", name="Record verification").click()
    expect(page.locator("#verification")).to_contain_text("Wrong issuing state")
    expect(page.get_by_role("button", name="Record action")).to_have_count(0)
    alert.refresh_from_db()
    assert (alert.verification_outcome, alert.state_match, alert.verified_by) == (
        "wrong_state", False, officer)

    # Both plates of the photo are reads of their own, found by a search and opened with their own state.
    browser_state_justification(page, live_server, "Burglary at 100 Main St, grey sedan seen leaving")
    page.get_by_label("Plate", exact=True).fill(SECOND_TEXT)
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name=f"Open read {alert.read_id}").click()
    expect(page.locator("#read-state")).to_contain_text("IN (76 % sure)")
    expect(page.locator("#read-box")).to_contain_text("several plates")
    expect(page.locator(".read-images .plate-box")).to_be_visible()
    assert_accessible(page, "the read of the second plate of a photo")
