"""Retention in a real browser: a detective places an evidence hold, exports and verifies an evidence
package; an officer flags an erroneous read and the administrator confirms it (RET-2, RET-4, RET-5).
Each first states a justification at the search gate: holds, exports and flags are made under it."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEvent
from conftest import UserFactory
from policy.roles import Role
from retention.models import (
    ErroneousDataNotification,
    ErroneousFlag,
    EvidenceHold,
    EvidencePackage,
    FlagStatus,
)
from retention.services import read_share_register
from retention.services.evidence import package_check
from retention.tests.conftest import create_read
from tests.browser.conftest import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_DESCRIPTION = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"


def state_justification(page, live_server, *, case_number: str = "26-004512") -> None:
    """State a case justification at the search gate (for an auditor or administrator: an audit one)."""
    page.goto(f"{live_server.url}/search/")
    purpose = page.get_by_role("combobox", name="Purpose", exact=True)
    if purpose.count():
        purpose.select_option(label="Violent crime investigation")
        page.get_by_label("Case number or CAD run number").fill(case_number)
    page.get_by_label("Description").fill(CASE_DESCRIPTION)
    page.get_by_role("button", name=re.compile("Continue")).click()
    expect(page.get_by_role("status")).to_contain_text("Justification recorded")


def search_plate(page, read) -> None:
    """Search the read's plate on the search page: a read is held, exported or flagged once a search
    under the justification listed it."""
    page.get_by_label("Plate", exact=True).fill(read.plate)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name=re.compile(f"Open read {read.pk}"))).to_be_visible()


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def camera(db):
    from alpr.models import Camera

    return Camera.objects.create(name="Harlem & North", location_description="NE corner")


@pytest.mark.rule("RET-2")
def test_detective_places_an_evidence_hold(page, live_server, camera):
    detective = UserFactory(role=Role.DETECTIVE)
    read = create_read(camera, plate="ABC1234")
    browser_sign_in(page, live_server, detective)
    state_justification(page, live_server, case_number="26-004512")
    search_plate(page, read)
    page.goto(f"{live_server.url}/retention/holds/new/?read={read.pk}")
    expect(page.get_by_label("Read numbers")).to_have_value(str(read.pk))
    expect(page.get_by_text("Under your justification")).to_contain_text("26-004512")
    assert_accessible(page, "the evidence hold form")
    page.get_by_label("Reason").fill("Vehicle seen leaving the shooting on Oak Street")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_role("heading", name=re.compile(r"Evidence hold \d+"))).to_be_visible()
    hold = EvidenceHold.objects.get()
    expect(page.get_by_role("heading", name=f"Evidence hold {hold.pk}")).to_be_visible()
    expect(page.get_by_role("cell", name="ABC1234")).to_be_visible()
    assert_accessible(page, "an evidence hold")
    assert list(hold.held_reads.values_list("read_id", flat=True)) == [read.pk]
    assert hold.case_number == "26-004512"
    assert AuditEvent.objects.filter(action="retention.hold_placed", actor_user=detective).exists()


@pytest.mark.rule("RET-4")
def test_detective_exports_evidence_and_verifies_the_package(page, live_server, camera):
    detective = UserFactory(role=Role.DETECTIVE)
    read = create_read(camera, plate="XYZ9876")
    browser_sign_in(page, live_server, detective)
    state_justification(page, live_server)
    search_plate(page, read)
    page.goto(f"{live_server.url}/retention/evidence/new/?read={read.pk}")
    assert_accessible(page, "the evidence package form")
    page.get_by_label("What the export is for").fill("Photo of the getaway car for the prosecutor")
    page.get_by_label("Recipient").fill("Cook County State's Attorney")
    page.get_by_role("button", name="Create the package").click()
    expect(page.get_by_role("heading", name=re.compile(r"Evidence package \d+"))).to_be_visible()
    package = EvidencePackage.objects.get()
    expect(page.get_by_role("heading", name=f"Evidence package {package.pk}")).to_be_visible()
    expect(page.get_by_text(package.manifest_sha256)).to_be_visible()
    page.get_by_role("button", name="Verify the package").click()
    expect(page.get_by_role("status")).to_contain_text("Verified")
    expect(page.locator("#verification-status")).to_contain_text("Intact")
    assert_accessible(page, "a verified evidence package")
    package.refresh_from_db()
    assert package.last_verified_ok is True
    assert package_check(package.directory, package).ok


@pytest.mark.rule("RET-5", "USE-8")
def test_officer_flags_a_read_and_the_administrator_confirms_it(page, new_page, live_server, camera):
    """The misread had raised a hotlist alert (8BC1234 is wanted); once corrected, that alert is closed."""
    from audit.context import Actor
    from hotlists.matching import read_match_hotlists
    from hotlists.services import hotlist_entry_add

    officer = UserFactory(role=Role.OFFICER)
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    hotlist_entry_add(actor=Actor.system("test"), plate_pattern="8BC1234", state="", case_number="26-009999",
                      reason="Stolen in the burglary at 100 Main St",
                      expires_at=timezone.now() + timedelta(days=30))
    read = create_read(camera, plate="8BC1234")
    [alert] = read_match_hotlists(read.pk)
    read_share_register(actor=Actor.system("sharing"), read_id=read.pk, agency_name="Berwyn PD",
                        agency_ori="IL0160100")
    browser_sign_in(page, live_server, officer)
    state_justification(page, live_server)
    search_plate(page, read)
    page.goto(f"{live_server.url}/retention/reads/{read.pk}/flag/")
    expect(page.get_by_role("heading", name="Report an erroneous read")).to_be_visible()
    assert_accessible(page, "the erroneous-read form")
    page.get_by_label("What is wrong").select_option(label="Misread plate")
    page.get_by_label("Note").fill("The photo shows a 9 where the read says 3")
    page.get_by_label("Correct plate, if known").fill("8BC1294")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status")).to_contain_text("goes to the system administrator")
    flag = ErroneousFlag.objects.get()
    assert flag.flagged_by == officer and flag.status == FlagStatus.OPEN

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    state_justification(admin_page, live_server)  # an audit justification: the queue then shows the reads
    admin_page.goto(f"{live_server.url}/retention/flags/")
    expect(admin_page.get_by_text("8BC1234")).to_be_visible()
    assert_accessible(admin_page, "the error reports")
    admin_page.get_by_label("Confirm the error").check()
    expect(admin_page.get_by_label("Corrected plate")).to_have_value("8BC1294")
    admin_page.get_by_label("Review note").fill("Checked the crop: 9, not 3")
    admin_page.get_by_role("button", name=re.compile(f"Record the decision on flag {flag.pk}")).click()
    expect(admin_page.get_by_role("status")).to_contain_text("1 agency notice")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.plate_after == "8BC1294"
    assert ErroneousDataNotification.objects.filter(flag=flag, agency_ori="IL0160100").exists()

    page.goto(f"{live_server.url}/hotlists/alerts/{alert.pk}/")
    verification = page.locator("#verification")
    expect(verification).to_contain_text("Misread")
    expect(verification).to_contain_text("The system, on a confirmed correction of the read")
    expect(page.get_by_role("button", name="Record verification")).to_have_count(0)
