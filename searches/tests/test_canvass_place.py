"""A canvass starts from a camera or a point on the camera map, not from typed coordinates alone (USE-6)."""
import re

import pytest

from audit.models import AuditEvent
from searches.audit_actions import CANVASS_SEARCHED
from searches.tests.factories import make_camera, make_read

pytestmark = [pytest.mark.django_db, pytest.mark.rule("USE-6")]


@pytest.fixture
def officer(justified_client):
    return justified_client


@pytest.fixture
def harlem():
    return make_camera("Harlem & North", latitude=41.909812, longitude=-87.806204,
                       location_description="Harlem Ave at North Ave, northbound")


def _canvasses(officer):
    return AuditEvent.objects.filter(actor_user=officer.user, action=CANVASS_SEARCHED.code)


def test_the_canvass_form_lists_the_cameras_with_their_places_and_draws_them(officer, harlem):
    make_camera("No coordinates yet", latitude=None, longitude=None)
    page = officer.get("/search/?tab=canvass").content.decode()
    select = page[page.index('<select name="camera"'):]
    select = select[:select.index("</select>")]
    assert f'<option value="{harlem.pk}">Harlem &amp; North · Harlem Ave at North Ave, northbound ' \
           f'(41.90981, -87.80620)</option>' in select
    assert "No coordinates yet" not in select
    assert f'data-camera="{harlem.pk}" data-lat="41.909812" data-lon="-87.806204"' in page
    # The map works under the site's CSP: its script is a file of the site, nothing inline.
    assert '<script src="/static/searches/canvass-map.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) and " onclick=" not in page


def test_a_camera_chosen_without_coordinates_is_the_centre(officer, harlem):
    near = make_read(camera=harlem, plate="KRN5562", images=False)
    make_read(camera=make_camera("Far away", latitude=41.75, longitude=-87.60), plate="XYZ9876", images=False)
    response = officer.get("/search/canvass/", {"camera": str(harlem.pk), "radius_m": "200"})
    page = response.content.decode()
    assert response.status_code == 200 and near.plate in page and "XYZ9876" not in page
    query = _canvasses(officer).get().query
    assert (query["latitude"], query["longitude"], query["radius_m"]) == (41.909812, -87.806204, 200)
    assert f'<option value="{harlem.pk}" selected>' in page  # the form keeps the choice


def test_typed_or_clicked_coordinates_win_over_the_camera(officer, harlem):
    response = officer.get("/search/canvass/", {"camera": str(harlem.pk), "latitude": "41.8850",
                                                "longitude": "-87.7850", "radius_m": "300"})
    assert response.status_code == 200
    query = _canvasses(officer).get().query
    assert (query["latitude"], query["longitude"]) == (41.885, -87.785)


@pytest.mark.parametrize("camera", ["999999", "99999999999999999999999", "-1", "harlem", "1e3"])
def test_an_unknown_camera_is_refused_and_nothing_is_searched(officer, harlem, camera):
    """Tried: camera ids that do not exist or are not ids, with no coordinates."""
    response = officer.get("/search/canvass/", {"camera": camera, "radius_m": "300"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not _canvasses(officer).exists()


def test_a_canvass_naming_no_radius_stays_within_a_policy_narrower_than_the_usual_radius(officer, harlem):
    """Tried: the policy's widest radius set to 200 m: the form offered 300 m, and a canvass around a
    camera that named no radius was refused for a radius the officer never chose."""
    from policy.selectors import current_policy

    policy = current_policy()
    policy.pk, policy.canvass_max_radius_m = None, 200
    policy.save()
    page = officer.get("/search/?tab=canvass").content.decode()
    assert re.search(r'<input type="number" name="radius_m" value="200"[^>]*max="200"', page)
    response = officer.get("/search/canvass/", {"camera": str(harlem.pk)})
    assert response.status_code == 200
    assert _canvasses(officer).get().query["radius_m"] == 200
