"""The read page's ways on: back to the results it came from, a hold, an erroneous-read report."""
import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from policy.roles import Role
from retention.models import ErroneousFlag
from searches.tests.factories import DESCRIPTION, camera_in_service, make_camera, make_read, relocate

pytestmark = pytest.mark.django_db


def _justify(client, case_number="26-004512"):
    return client.post("/search/justification/", {"purpose": "violent_crime", "case_number": case_number,
                                                   "description": DESCRIPTION})


def _links(response) -> dict[str, str]:
    """Return {link text: href} of the page's links."""
    html = response.content.decode()
    return {re.sub(r"<[^>]+>|\s+", " ", text).strip(): unescape(href)
            for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html, flags=re.S)}


@pytest.fixture
def read():
    return make_read(camera=make_camera("Lake & Harlem"), plate="ABC1234")


def test_back_to_results_is_a_real_link_to_the_search_with_its_query(make_verified_client, read):
    officer = make_verified_client(Role.OFFICER)
    _justify(officer)
    officer.get("/search/plates/", {"plate": "abc1234", "mode": "exact", "since": "2026-01-01T00:00"})
    page = officer.get(f"/search/reads/{read.pk}/")
    assert b"javascript:" not in page.content  # the site's CSP blocks javascript: URLs
    back = _links(page)["Back to results"]
    assert back == "/search/plates/?plate=abc1234&mode=exact&since=2026-01-01T00%3A00"
    again = officer.get(back)
    assert again.status_code == 200 and f"Open read {read.pk}".encode() in again.content


def test_back_to_results_is_offered_only_under_the_justification_searched(make_verified_client, read):
    """Going back re-runs the search, so only under the justification it was made under: here the
    read is reopened under a new justification for the same case (a hold keeps it in that case's
    scope) without a search, and the old search is not offered."""
    officer = make_verified_client(Role.OFFICER)
    _justify(officer)
    officer.get("/search/canvass/", {"latitude": "41.885", "longitude": "-87.785", "radius_m": "300"})
    assert _links(officer.get(f"/search/reads/{read.pk}/"))["Back to results"].startswith("/search/canvass/?")
    placed = officer.post("/retention/holds/new/", {"reason": "Evidence for the robbery trial",
                                                   "read_ids": str(read.pk)})
    assert placed.status_code == 302
    officer.post("/search/justification/end/")
    _justify(officer)
    page = officer.get(f"/search/reads/{read.pk}/")
    assert page.status_code == 200 and "Back to results" not in _links(page)
    assert "New search" in _links(page)


@pytest.mark.rule("RET-2")
@pytest.mark.rule("RET-5")
def test_an_officer_gets_a_hold_and_an_error_report_from_the_read(make_verified_client, read):
    officer = make_verified_client(Role.OFFICER)
    _justify(officer)
    officer.get("/search/plates/", {"plate": "ABC1234"})
    links = _links(officer.get(f"/search/reads/{read.pk}/"))
    hold = links[f"Place an evidence hold on read {read.pk}"]
    assert hold == f"/retention/holds/new/?read={read.pk}"
    assert f'value="{read.pk}"' in officer.get(hold).content.decode()  # the hold form starts with the read
    report = links[f"Report read {read.pk} as erroneous"]
    assert report == f"/retention/reads/{read.pk}/flag/?next=/search/reads/{read.pk}/"
    sent = officer.post(report, {"kind": "misread", "note": "The crop shows ABC1284",
                                 "suggested_plate": "ABC1284", "next": f"/search/reads/{read.pk}/"})
    assert sent.status_code == 302 and sent["Location"] == f"/search/reads/{read.pk}/"
    assert ErroneousFlag.objects.filter(read_id=read.pk, flagged_by=officer.user).exists()


@pytest.mark.rule("RET-5")
@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)",
                                    "/\\evil.example.org/", "http://testserver/search/"])
def test_after_an_error_report_a_next_off_this_site_or_down_to_http_is_not_followed(
    make_verified_client, read, target
):
    """Tried: the error report's hidden `next` edited to another host, a script, or this host over plain
    http from an https page (the last one was followed)."""
    officer = make_verified_client(Role.OFFICER)
    _justify(officer)
    officer.get("/search/plates/", {"plate": "ABC1234"})
    sent = officer.post(f"/retention/reads/{read.pk}/flag/", {
        "kind": "misread", "note": "The crop shows ABC1284", "suggested_plate": "ABC1284", "next": target},
        secure=True)
    assert sent.status_code == 302 and sent["Location"] == "/retention/flags/mine/"
    assert ErroneousFlag.objects.filter(read_id=read.pk, flagged_by=officer.user).exists()


@pytest.mark.rule("RET-2")
def test_the_read_offers_only_what_the_role_may_do(make_verified_client, read):
    """A dispatcher searches and may report an error, but books no evidence (policy.roles); an
    auditor opening the read for review gets neither."""
    dispatcher = make_verified_client(Role.DISPATCHER)
    _justify(dispatcher)
    dispatcher.get("/search/plates/", {"plate": "ABC1234"})
    links = _links(dispatcher.get(f"/search/reads/{read.pk}/"))
    assert f"Report read {read.pk} as erroneous" in links
    assert not any(text.startswith("Place an evidence hold") for text in links)
    assert dispatcher.get(f"/retention/holds/new/?read={read.pk}").status_code == 403

    auditor = make_verified_client(Role.AUDITOR)
    auditor.post("/search/justification/", {"description": "Monthly review of searches on case 26-004512"})
    event = AuditEvent.objects.filter(action="search.plate", actor_user=dispatcher.user).latest("id")
    page = auditor.get(f"/search/reads/{read.pk}/?event={event.pk}")
    assert page.status_code == 200
    assert not any(text.startswith(("Place an evidence hold", "Report read", "Back to results"))
                   for text in _links(page))


def _text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


KENWORTH = {"colour": {"name": "white", "confidence": 0.3768},
            "make": {"name": "kenworth", "confidence": 0.4033},
            "make_model": {"name": "iveco_daily", "confidence": 0.1842},
            "body_type": {"name": "tractor-trailer", "confidence": 0.9963}}


@pytest.mark.rule("USE-8")
def test_the_read_page_shows_the_state_and_the_vehicle_the_camera_described(make_verified_client):
    camera = make_camera("Lake & Harlem")
    first = make_read(camera=camera, plate="A424761", state="IN", state_confidence=0.914, vehicle=KENWORTH,
                      box_x=270, box_y=125, box_w=102, box_h=56)
    second = make_read(camera=camera, plate="KRN5562", captured_at=first.captured_at, source_read_id=first.pk,
                       box_x=40, box_y=60, box_w=120, box_h=40)
    officer = make_verified_client(Role.OFFICER)
    _justify(officer)
    officer.get("/search/canvass/", {"latitude": "41.885", "longitude": "-87.785", "radius_m": "300"})
    page = _text(officer.get(f"/search/reads/{first.pk}/"))
    assert "IN (91 % sure)" in page
    assert "Colour: white" in page and "Make: kenworth" in page and "Make and model: iveco daily" in page
    assert "Body type: tractor-trailer (100 %)" in page and "at 270, 125 (102 × 56 px)" in page
    other = _text(officer.get(f"/search/reads/{second.pk}/"))
    assert "at 40, 60 (120 × 40 px); the photo shows several plates" in other
    assert "not described by the camera" in other and "IN (91" not in other


@pytest.mark.rule("ING-1")
def test_a_read_without_a_plate_is_listed_by_a_canvass_as_no_plate_read(make_verified_client):
    camera = make_camera("Lake & Harlem")
    nothing = make_read(camera=camera, plate="", confidence=None)
    officer = make_verified_client(Role.OFFICER)
    _justify(officer)
    listing = officer.get("/search/canvass/", {"latitude": "41.885", "longitude": "-87.785",
                                               "radius_m": "300"})
    assert "No plate read" in listing.content.decode()
    page = officer.get(f"/search/reads/{nothing.pk}/").content.decode()
    assert f"Read {nothing.pk}: <span class=\"no-plate\">No plate read</span>" in page


@pytest.mark.rule("RET-5")
def test_a_read_confirmed_erroneous_since_it_was_listed_opens_with_a_warning(make_verified_client, read):
    # Tried: an officer lists a read, the read is then confirmed erroneous (wrong time), and the officer
    # opens it again from the results: the page showed it as any other read, with nothing to say it is wrong.
    from audit.context import Actor
    from retention.services import flag_review, read_flag_erroneous

    officer = make_verified_client(Role.OFFICER)
    _justify(officer)
    officer.get("/search/plates/", {"plate": "abc1234", "mode": "exact", "since": "2026-01-01T00:00"})
    before = officer.get(f"/search/reads/{read.pk}/")
    assert before.status_code == 200 and b'id="read-erroneous"' not in before.content
    flag = read_flag_erroneous(actor=Actor.for_user(officer.user), read_id=read.pk, kind="wrong_time",
                               note="The camera clock was an hour off")
    admin = make_verified_client(Role.ADMINISTRATOR).user
    flag_review(actor=Actor.for_user(admin), flag_id=flag.pk, confirm=True, note="Camera log confirms")
    after = officer.get(f"/search/reads/{read.pk}/")
    assert after.status_code == 200 and b'id="read-erroneous"' in after.content
    assert b"Confirmed erroneous" in after.content


@pytest.mark.rule("USE-6", "CAM-1")
def test_the_read_page_names_the_place_the_read_was_taken_after_the_camera_moved(make_verified_client):
    camera = camera_in_service("Harlem & North", latitude=41.909812, longitude=-87.806204,
                               location_description="Harlem Ave at North Ave")
    read = make_read(camera=camera, plate="ABC1234", captured_at=timezone.now() - timedelta(hours=3))
    relocate(camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")
    officer = make_verified_client(Role.OFFICER)
    _justify(officer)
    assert f"Open read {read.pk}" in officer.get("/search/plates/", {"plate": "ABC1234"}).content.decode()
    html = officer.get(f"/search/reads/{read.pk}/").content.decode()
    assert "Roosevelt" not in html
    assert "Harlem & North · Harlem Ave at North Ave" in unescape(html)
