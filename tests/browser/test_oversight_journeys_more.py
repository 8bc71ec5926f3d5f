"""More oversight journeys in a real browser: the administrator enters a district with its population shares
and assigns a camera to it (RPT-1); a member of the oversight board opens the compliance matrix and finds a
rule, where it is enforced and the tests that prove it (META-1)."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr.models import Camera, CameraStatus
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.views import _matrix as running_matrix
from hotlists.models import RaceEthnicity
from policy.roles import Role
from reports.models import CameraDistrict, District
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARES = {"White": "52.5", "Black or African American": "21.0", "Hispanic or Latino": "18.3", "Asian": "6.2"}


@pytest.mark.rule("RPT-1")
def test_administrator_enters_a_district_and_assigns_a_camera_to_it(page, live_server):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    camera = Camera.objects.create(name="North Ave at Harlem", location_description="NE corner",
                                   status=CameraStatus.ACTIVE, installed_on=timezone.localdate())
    browser_sign_in(page, live_server, administrator)
    nav_go(page, "Reports")
    page.get_by_role("navigation", name="Oversight").get_by_role("link", name="Districts").click()
    expect(page.get_by_role("heading", name="Districts and camera placement")).to_be_visible()
    expect(page.get_by_role("table", name="The district of each camera").get_by_role(
        "row", name="North Ave at Harlem")).to_contain_text("None")

    new = page.get_by_role("region", name="Enter a district")
    new.get_by_label("District name").fill("Beat 12")
    new.get_by_role("spinbutton", name="Population", exact=True).fill("8400")
    new.get_by_label("Source of the figures").fill("2020 Census, tracts 8121 to 8125")
    for label, share in SHARES.items():
        new.get_by_label(f"{label} (% of the population)").fill(share)
    new.get_by_label("Asian (% of the population)").fill("16.2")  # a typo: the shares pass 100 %
    new.get_by_role("button", name="Enter the district").click()
    expect(page.get_by_role("alert")).to_contain_text("The shares add up to more than 100 %")
    assert_accessible(page, "districts with a refused district")
    assert not District.objects.exists()
    new.get_by_label("Asian (% of the population)").fill("6.2")
    new.get_by_role("button", name="Enter the district").click()
    expect(page.get_by_role("status")).to_contain_text("District Beat 12 entered")
    districts = page.get_by_role("table", name="Districts and their population")
    row = districts.get_by_role("row").filter(has_text="Beat 12")
    expect(row).to_contain_text("8400")
    expect(row).to_contain_text("52.5")
    district = District.objects.get()
    assert district.population == 8400 and district.updated_by == administrator
    assert district.population_shares == {"white": 52.5, "black": 21.0, "american_indian": 0.0,
                                          "hispanic": 18.3, "asian": 6.2, "pacific_islander": 0.0}

    assign = page.get_by_role("region", name="Assign a camera to a district")
    assign.get_by_label("Camera").select_option(label="North Ave at Harlem")
    assign.get_by_role("combobox", name="District", exact=True).select_option(label="Beat 12")
    assign.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("North Ave at Harlem is now in Beat 12")
    expect(page.get_by_role("table", name="The district of each camera").get_by_role(
        "row", name="North Ave at Harlem")).to_contain_text("Beat 12")
    cameras_column = 2 + len(RaceEthnicity.recorded())  # after name, population and one share per category
    expect(row.get_by_role("cell").nth(cameras_column)).to_have_text("1")
    assert_accessible(page, "districts with one district and a camera in it")
    assert CameraDistrict.objects.get(camera=camera).district == district
    saves = AuditEvent.objects.filter(action="district.saved", actor_user=administrator)
    assert sorted(saves.values_list("outcome", flat=True)) == sorted([Outcome.FAILED, Outcome.ALLOWED])
    assert AuditEvent.objects.filter(action="district.camera_assigned", actor_user=administrator,
                                     outcome=Outcome.ALLOWED).exists()


@pytest.mark.rule("META-1")
def test_a_board_member_finds_a_rule_in_the_compliance_matrix(page, live_server):
    board = UserFactory(role=Role.OVERSIGHT)
    # The matrix this process serves (built once from the source; the same one the page shows).
    matrix = {row.rule.id: row for row in running_matrix()}
    browser_sign_in(page, live_server, board)
    nav_go(page, "Compliance")
    expect(page.get_by_role("heading", name="Compliance matrix")).to_be_visible()
    proven = sum(1 for row in matrix.values() if row.tests)
    expect(page.get_by_text(f"{proven} of {len(matrix)}")).to_be_visible()

    # The board member jumps to the rule on other-felony searches, as a link to it would.
    page.goto(f"{page.url}#rule-USE-2")
    rule = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="USE-2", exact=True))
    expect(rule).to_be_in_viewport()
    expect(rule).to_contain_text("Other significant felony")
    places = matrix["USE-2"].enforced_in
    expect(rule.get_by_text(places[0], exact=True)).to_be_hidden()  # folded until asked for
    rule.get_by_text(f"{len(places)} place").click()
    for place in places:
        expect(rule.get_by_text(place, exact=True)).to_be_visible()
    tests = matrix["USE-2"].tests
    assert tests
    listed = rule.get_by_role("listitem").filter(has_text=tests[0])
    expect(listed).to_be_hidden()  # folded until asked for
    rule.get_by_text(f"{len(tests)} test").click()
    expect(listed).to_be_visible()
    assert_accessible(page, "the compliance matrix with a rule's tests shown")
    # Every rule has a row (in its area, folded or not), and none is left without a test.
    rule_rows = page.locator(".matrix-table").get_by_role("rowheader", include_hidden=True)
    expect(rule_rows).to_have_count(len(matrix))
    expect(page.get_by_text("No test", exact=True)).to_have_count(0)
