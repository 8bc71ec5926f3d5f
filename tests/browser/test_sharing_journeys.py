"""Sharing with other agencies in a real browser: the administrator records an agency's written request,
approves and releases it (SHR-1, SHR-2, SHR-6), revokes an agency and the portal stops listing it (SHR-4);
and the sharing pages pass the accessibility check (axe-core, WCAG 2.1 AA) the portal uses."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import Camera
from conftest import UserFactory
from policy.roles import Role
from retention.models import ReadShare
from retention.tests.conftest import create_read
from sharing.models import AgencyStatus, RecordsRequest, RequestStatus, SharingRequest
from sharing.tests.conftest import (
    AgencyFactory,
    DeclarationFactory,
    PartnerPersonFactory,
    RecordsRequestFactory,
    SharingRequestFactory,
)
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def camera(db):
    return Camera.objects.create(name="Harlem & North", location_description="NE corner")


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.rule("SHR-1")
@pytest.mark.rule("SHR-2")
@pytest.mark.rule("SHR-6")
def test_administrator_records_approves_and_releases_an_agency_request(page, live_server, camera):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    agency = DeclarationFactory(agency=AgencyFactory(name="Riverside Police Department")).agency
    read = create_read(camera, plate="ABC1234", captured_at=timezone.now() - timedelta(days=1))
    browser_sign_in(page, live_server, administrator)

    nav_go(page, "Sharing")
    expect(page.get_by_role("heading", name="Requests from other agencies")).to_be_visible()
    page.get_by_role("link", name="Record a request").click()
    # Who is asking, answered with the keyboard alone.
    page.get_by_label("A law-enforcement agency in the registry").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record a law-enforcement agency's request")).to_be_visible()
    page.get_by_label("Requesting agency").select_option(label=str(agency))
    page.get_by_label("Requesting person").fill("Det. Maria Lopez")
    page.get_by_label("Their e-mail").fill("mlopez@riverside.example.org")
    page.get_by_label("Purpose").select_option(label="Violent crime investigation")
    page.get_by_label("Their case number").fill("RPD-26-0412")
    page.get_by_label("What the data is for").fill(
        "Armed robbery of a gas station on Harlem Avenue; the suspect vehicle fled north")
    page.get_by_label("Plates asked for").fill("ABC1234")
    page.get_by_label(re.compile(r"^From\b")).fill(local_input(timezone.now() - timedelta(days=2)))
    page.get_by_label(re.compile(r"^To\b")).fill(local_input(timezone.now() - timedelta(minutes=5)))
    page.get_by_role("button", name="Record the request").click()

    ask = SharingRequest.objects.get()
    heading = f"Request {ask.pk} from Riverside Police Department"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("waits for review")
    page.get_by_label("Approve the request").check()
    page.get_by_label("Reason for the decision").fill("Specific robbery case; declaration in force")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("approved")
    page.get_by_role("button", name="Release the data").click()

    ask.refresh_from_db()
    assert ask.status == RequestStatus.RELEASED and ask.decided_by == administrator
    expect(page.get_by_role("status")).to_contain_text(f"Released as evidence package {ask.package.pk}")
    expect(page.locator("#delete-by")).to_have_text(f"{ask.delete_by:%Y-%m-%d}")
    package_link = page.get_by_role("link", name=f"Evidence package {ask.package.pk}")
    expect(package_link).to_be_visible()
    expect(page.get_by_role("heading", name="Record the deletion certificate")).to_be_visible()
    package_link.click()
    expect(page.get_by_role("heading", name=f"Evidence package {ask.package.pk}")).to_be_visible()
    expect(page.get_by_text("Riverside Police Department").first).to_be_visible()
    assert ask.package.read_ids == [read.pk]
    assert ReadShare.objects.filter(read_id=read.pk, agency_ori=agency.ori).exists()


@pytest.mark.rule("SHR-4")
def test_a_revoked_agency_leaves_the_portal_list(page, new_page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    agency = DeclarationFactory(agency=AgencyFactory(name="Cicero Police Department")).agency
    agencies = page.get_by_role("region", name="Agencies with access")
    page.goto(f"{live_server.url}/portal/usage/")
    expect(agencies.get_by_role("listitem").filter(has_text="Cicero Police Department")).to_be_visible()

    admin_page = new_page()
    browser_sign_in(admin_page, live_server, administrator)
    nav_go(admin_page, "Sharing")
    admin_page.get_by_role("link", name="Agencies").click()
    admin_page.get_by_role("link", name="Cicero Police Department").click()
    admin_page.get_by_role("link", name="Revoke access").click()
    expect(admin_page.get_by_text("the reason you give are published on the public portal")).to_be_visible()
    admin_page.get_by_label(re.compile(r"^Reason\b")).fill("Asked for data for a traffic stop, which "
                                                            "its declaration excludes")
    admin_page.get_by_role("button", name="Revoke access now").click()
    expect(admin_page.locator("#id_confirm_error")).to_have_text("Tick the box to confirm the revocation.")
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.ACTIVE
    admin_page.get_by_label("I understand").check()
    admin_page.get_by_role("button", name="Revoke access now").click()
    expect(admin_page.get_by_role("status").first).to_contain_text("access is revoked")
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.REVOKED

    page.goto(f"{live_server.url}/portal/usage/")
    expect(agencies).to_contain_text("None. No other agency has access")
    expect(agencies).not_to_contain_text("Cicero Police Department")


@pytest.mark.rule("SHR-3")
def test_sharing_pages_pass_the_accessibility_check(page, new_page, live_server, camera):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    agency = DeclarationFactory(agency=AgencyFactory(name="Riverside Police Department")).agency
    PartnerPersonFactory(agency=agency)
    ask = SharingRequestFactory(agency=agency)
    RecordsRequestFactory()
    browser_sign_in(page, live_server, administrator)
    urls = ["/sharing/", "/sharing/requests/new/", "/sharing/requests/new/agency/", "/sharing/records/new/",
            f"/sharing/requests/{ask.pk}/", "/sharing/certificates/", "/sharing/agencies/",
            "/sharing/agencies/new/", f"/sharing/agencies/{agency.pk}/",
            f"/sharing/agencies/{agency.pk}/declarations/new/", f"/sharing/agencies/{agency.pk}/revoke/"]
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page)
    # Forms with their errors shown.
    for url, button in ((f"/sharing/agencies/{agency.pk}/declarations/new/", "Record the declaration"),
                        ("/sharing/requests/new/agency/", "Record the request"),
                        (f"/sharing/requests/{ask.pk}/", "Record the decision")):
        page.goto(f"{live_server.url}{url}")
        page.get_by_role("button", name=button).click()
        expect(page.locator(".field-error").first).to_be_visible()
        assert_accessible(page, f"{url} with its errors")

    records = new_page()
    browser_sign_in(records, live_server, UserFactory(role=Role.RECORDS))
    nav_go(records, "Records requests")
    expect(records.get_by_role("heading", name="Records requests", exact=True)).to_be_visible()
    assert_accessible(records)
    item = RecordsRequest.objects.get()
    records.get_by_label("Response given").fill("Sent the reads of the requester's own plate under FOIA")
    records.get_by_role("button", name=f"Close request {item.pk}").click()
    expect(records.get_by_role("status")).to_contain_text("closed")
