"""Every page of the app renders for the roles that may see it, and refuses the others."""

import pytest

from policy.roles import Capability, Role

pytestmark = pytest.mark.django_db

PORTAL_URLS = [
    "/portal/",
    "/portal/cameras/",
    "/portal/policy/",
    "/portal/usage/",
    "/portal/integrity/",
    "/portal/incidents/",
    "/portal/report-a-problem/",
    "/portal/report-a-problem/status/",
    "/portal/cameras.csv",
    "/portal/cameras.json",
    "/portal/usage.csv",
    "/portal/usage.json",
    "/portal/integrity.json",
]
STAFF_URLS = [
    "/reports/",
    "/reports/cameras/",
    "/reports/cameras/placements/new/",
    "/reports/cameras/costs/new/",
    "/reports/districts/",
    "/reports/policy-text/",
    "/reports/complaints/",
    "/reports/incidents/",
    "/reports/contacts/",
]


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_portal_pages_answer_without_signing_in(client, camera, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:1000]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_render_for_the_administrator(make_verified_client, url):
    response = make_verified_client(Role.ADMINISTRATOR).get(url)
    assert response.status_code == 200, response.content[:2000]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_need_a_signed_in_session(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_chief_sees_the_approval_queue(make_verified_client):
    assert make_verified_client(Role.CHIEF).get("/reports/cameras/placements/queue/").status_code == 200


@pytest.mark.parametrize("url", ["/reports/", "/reports/cameras/", "/reports/complaints/"])
def test_an_officer_is_refused_the_oversight_pages(make_verified_client, url):
    assert make_verified_client(Role.OFFICER).get(url).status_code == 403


def test_the_camera_map_works_offline_and_uses_tiles_only_when_configured(client, camera, settings):
    page = client.get("/portal/cameras/")
    assert b"<svg" in page.content and b"portal-tiles.js" not in page.content
    assert "tile.example.org" not in page["Content-Security-Policy"]
    settings.PORTAL_TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"
    page = client.get("/portal/cameras/")
    assert b"portal-tiles.js" in page.content and b'data-lat="41.9093"' in page.content
    assert "img-src 'self' data: https://tile.example.org" in page["Content-Security-Policy"]


def test_the_month_to_generate_is_chosen_from_a_list_of_ended_months(make_verified_client):
    """The month was a bare `type=month` box (a tiny text box where browsers lack a month picker):
    now a list of the months that have ended and that the audit log still covers, last month first."""
    from datetime import date

    from django.utils import timezone

    from policy.selectors import current_policy

    page = make_verified_client(Role.ADMINISTRATOR).get("/reports/").content.decode()
    select = page[page.index('<select name="month"'):]
    select = select[:select.index("</select>")]
    today = timezone.localdate()
    last_month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    assert 'type="month"' not in page and 'for="id_month"' in page
    assert f'<option value="{last_month:%Y-%m}" selected>{last_month:%B %Y}</option>' in select
    assert f'value="{today:%Y-%m}"' not in select  # not ended
    assert select.count("<option") == current_policy().audit_retention_days // 31


@pytest.mark.rule("ACC-7")
def test_a_refused_page_names_whoever_the_role_table_lets_in_now(make_verified_client, regrant):
    regrant(Capability.RECORD_INCIDENTS, Role.OVERSIGHT)
    response = make_verified_client(Role.ADMINISTRATOR).get("/reports/incidents/")
    assert response.status_code == 403
    assert "Only oversight board members may record security incidents." in response.content.decode()
