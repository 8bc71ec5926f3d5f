"""A canvass in a real browser: the centre is picked from the camera list, a click on the camera map or
the arrow keys, never typed as raw coordinates; the map runs under the site's CSP (USE-6)."""
import math
import re

import pytest
from playwright.sync_api import expect

from conftest import UserFactory
from policy.roles import Role
from searches.selectors import canvass_map
from searches.tests.factories import make_camera, make_read
from tests.browser.conftest import (
    assert_accessible,
    assert_keyboard_usable,
    browser_sign_in,
    browser_state_justification,
    csp_refusals,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.rule("USE-6")]

SPECIFIC = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"
# One arrow key moves the centre 50 m: about 0.00045 degrees of latitude.
ARROW_STEP_DEGREES = math.degrees(50 / 6_371_000)


def _latlon(frame, x: float, y: float) -> tuple[float, float]:
    """Where a point of the drawing is on the ground: the inverse of `Frame.xy`, as the script does it."""
    mercator = (canvass_map().height - frame.offset_y - y) / frame.scale + frame.min_y
    return (math.degrees(2 * math.atan(math.exp(mercator)) - math.pi / 2),
            math.degrees((x - frame.offset_x) / frame.scale + frame.min_x))


def _click_drawing(svg, x: float, y: float) -> None:
    """Click the map at the drawing's (x, y), whatever size the page gives it."""
    box = svg.bounding_box()
    scale = box["width"] / canvass_map().width
    svg.click(position={"x": x * scale, "y": y * scale})


def test_the_officer_canvasses_around_a_camera_picked_from_the_list_or_the_map(page, live_server):
    officer = UserFactory(role=Role.OFFICER)
    harlem = make_camera("Harlem & North", latitude=41.909812, longitude=-87.806204,
                         location_description="Harlem Ave at North Ave")
    make_camera("Oak Park & Lake", latitude=41.888670, longitude=-87.794320)
    make_read(camera=harlem, plate="KRN5562")
    refused_scripts = csp_refusals(page)

    browser_sign_in(page, live_server, officer)
    browser_state_justification(page, live_server, SPECIFIC)
    page.get_by_role("link", name="Canvass (place and time)").click()

    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    camera = page.get_by_label("Around a camera")
    svg = page.get_by_role("application", name="Camera map: place the centre of the canvass")
    expect(svg).to_be_visible()
    assert_accessible(page, "the canvass form with its map")
    assert_keyboard_usable(page, "the canvass form with its map")

    # From the list (the keyboard's way): the camera's place fills the point.
    camera.select_option(label="Harlem & North · Harlem Ave at North Ave (41.90981, -87.80620)")
    expect(latitude).to_have_value("41.909812")
    expect(longitude).to_have_value("-87.806204")
    expect(page.get_by_role("status")).to_contain_text("Harlem & North")

    # A click anywhere on the map: the point under the pointer, and no camera.
    frame = canvass_map().frame
    _click_drawing(svg, 120, 330)
    expect(camera).to_have_value("")
    lat, lon = _latlon(frame, 120, 330)
    assert float(latitude.input_value()) == pytest.approx(lat, abs=2e-4)
    assert float(longitude.input_value()) == pytest.approx(lon, abs=2e-4)

    # The arrow keys move it, 50 m a step.
    before = float(latitude.input_value())
    svg.focus()
    page.keyboard.press("ArrowUp")
    assert float(latitude.input_value()) - before == pytest.approx(ARROW_STEP_DEGREES, abs=2e-6)

    # A click on a camera: its place, and the list names it.
    spot = next(spot for spot in canvass_map().spots if spot.camera_id == harlem.pk)
    _click_drawing(svg, spot.x, spot.y)
    expect(camera).to_have_value(str(harlem.pk))
    expect(latitude).to_have_value("41.909812")

    page.get_by_label("Radius (metres)").fill("200")
    page.get_by_role("button", name="Canvass", exact=True).click()
    page.wait_for_url(re.compile(r"/search/canvass/\?"))
    expect(page.get_by_role("heading", name=re.compile(r"Reads 1–1 of 1"))).to_be_visible(timeout=15_000)
    expect(page.get_by_role("row").filter(has_text="KRN5562")).to_contain_text("Harlem & North")
    expect(camera).to_have_value(str(harlem.pk))
    assert refused_scripts == []
