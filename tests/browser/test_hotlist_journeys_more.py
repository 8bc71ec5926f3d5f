"""More hotlist journeys in a real browser: an officer verifies an alert against its image and records an
arrest with the perceived race and sex of the person (USE-8, RPT-1); a detective imports a LEADS list and a
read of one of its plates raises an alert (ING-2)."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.services import camera_create
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from hotlists import services
from hotlists.models import Alert, HotlistEntry, ImportRun
from ingest.services import EdgeReading, read_accept
from ingest.synthetic import plate_photo
from ingest.validation import check_image
from policy.roles import Role
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def camera(db):
    return camera_create(actor=Actor.system("test installer"), name="Harlem & Lake NB")


def arrive(camera, plate: str):
    """Store a read as a camera's edge recogniser would; it is matched against the hotlists on commit."""
    image = check_image(plate_photo(plate))
    edge = EdgeReading(plate=plate, confidence=0.92, state="IL", state_confidence=0.9, crop=image,
                       candidates=[{"text": plate, "confidence": 0.92}])
    return read_accept(camera=camera, photo=image, captured_at=timezone.now(), edge=edge).read


@pytest.mark.rule("USE-8")
@pytest.mark.rule("RPT-1")
def test_officer_verifies_an_alert_and_records_the_arrest_with_the_person_perceived(page, live_server,
                                                                                   camera):
    detective, officer = UserFactory(role=Role.DETECTIVE), UserFactory(role=Role.OFFICER)
    services.hotlist_entry_add(actor=Actor.for_user(detective), plate_pattern="7ABC123", state="IL",
                               reason="Stolen in a burglary at 100 Main St", case_number="26-004512",
                               expires_at=timezone.now() + timedelta(days=30),
                               vehicle_description="Blue Honda Civic")
    read = arrive(camera, "7ABC123")
    alert = Alert.objects.get(read_id=read.pk)

    browser_sign_in(page, live_server, officer)
    nav_go(page, "Alerts")
    row = page.get_by_role("row").filter(has_text="Stolen in a burglary at 100 Main St")
    expect(row).to_contain_text("Harlem & Lake NB")
    expect(row).to_contain_text("IL (90 % sure)")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Verify before acting")).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plate-crop, .plate-photo')].every(i => i.naturalWidth > 0)")
    # Verification first: nothing to act on yet.
    expect(page.get_by_role("button", name="Record action")).to_have_count(0)
    assert_accessible(page, "an alert to verify")
    for question in ("Do the plate characters", "Does the issuing state match", "Does the vehicle match"):
        page.get_by_role("group", name=question).get_by_label("Yes, it matches").check()
    page.get_by_label("Confirmed: plate, state and vehicle match").check()
    page.get_by_role("button", name="Record verification").click()
    expect(page.locator("#verification")).to_contain_text("Confirmed")

    # The action, with the person as the officer perceived them (Illinois stop-study categories).
    assert_accessible(page, "a confirmed alert's action form")
    race = page.get_by_label("Perceived race or ethnicity of the person stopped")
    sex = page.get_by_label("Sex of the person stopped")
    expect(race).to_have_value("not_recorded")
    expect(sex).to_have_value("not_recorded")
    page.get_by_role("group", name="Action taken").get_by_label("Arrest").check()
    page.get_by_label("Notes").fill("Driver arrested on the burglary warrant")
    race.select_option(label="Hispanic or Latino")
    sex.select_option(label="Female")
    page.get_by_role("button", name="Record action").click()
    action = page.locator("#action")
    expect(action).to_contain_text("Arrest")
    expect(action).to_contain_text("Hispanic or Latino")
    expect(action).to_contain_text("Female")

    alert.refresh_from_db()
    assert (alert.verification_outcome, alert.verified_by) == ("confirmed", officer)
    assert (alert.action, alert.action_by, alert.subject_race, alert.subject_sex) == (
        "arrest", officer, "hispanic", "female")
    recorded = AuditEvent.objects.get(action="hotlist.alert_action", actor_user=officer)
    assert recorded.outcome == Outcome.ALLOWED
    assert recorded.query == {"subject_race": "hispanic", "subject_sex": "female"}
    assert AuditEvent.objects.filter(action="hotlist.alert_image_viewed", actor_user=officer).exists()


def leads_line(plate: str, number: str, make: str, colour: str) -> str:
    """One STOLEN record of an Illinois LEADS extract, laid out as the published sample record
    (openalpr_hotlist_import, parsers/il_leads.py): plate, state, plate type, record type, tagged fields."""
    return (f"{plate:8}ILPCSTOLEN VYR/19 VMA/{make:5}VMO/FOC VST/4D VCO/{colour:8}DOT/011026 "
            f"LDS/{number}")


@pytest.mark.rule("ING-2")
def test_detective_imports_a_leads_list_and_its_plates_match_on_arrival(page, live_server, camera):
    detective = UserFactory(role=Role.DETECTIVE)
    data = "\r\n".join([leads_line("5TRK882", "V26A4600", "ISU", "WHI"),
                        leads_line("9QRS555", "V26A4601", "FORD", "RED")]) + "\r\n"

    browser_sign_in(page, live_server, detective)
    nav_go(page, "Hotlists")
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Import a hotlist file")).to_be_visible()
    page.get_by_label("Format").select_option(label="LEADS list")
    page.get_by_label(re.compile(r"^File\b")).set_input_files(
        files=[{"name": "leads-2611.txt", "mimeType": "text/plain", "buffer": data.encode("ascii")}])
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Import of leads-2611.txt")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Accepted: 2 of 2 rows")
    assert_accessible(page, "an import report")

    run = ImportRun.objects.get()
    assert (run.status, run.rows_accepted) == ("accepted", 2)
    assert detective.full_name in run.imported_by_label
    assert set(HotlistEntry.objects.values_list("plate_pattern", flat=True)) == {"5TRK882", "9QRS555"}
    assert AuditEvent.objects.filter(action="hotlist.imported", actor_user=detective,
                                     outcome=Outcome.ALLOWED).exists()

    # A camera reads one of the imported plates: the detective's open page announces the alert.
    read = arrive(camera, "9QRS555")
    alert = Alert.objects.get(read_id=read.pk)
    assert alert.entry.case_number == "V26A4601"
    banner = page.locator(".alert-banner").filter(has_text="Hotlist alert: 9QRS555")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("9QRS555 (IL, 90 % sure)")  # the read's state, to verify (USE-8)
    banner.get_by_role("link", name="Verify now").click()
    expect(page.get_by_role("heading", name="Verify before acting")).to_be_visible()
    expect(page.get_by_text("2019 FORD FOC 4D RED")).to_be_visible()
