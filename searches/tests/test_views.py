"""The search pages: the gate, searches, read detail, images and downloads through the access layer."""
import pytest
from django.urls import get_resolver

from audit.models import AuditEvent, Outcome
from policy.roles import Role
from searches.tests.factories import DESCRIPTION, make_camera, make_read

pytestmark = pytest.mark.django_db


def _justify(client, **overrides):
    data = {"purpose": "violent_crime", "case_number": "26-004512", "description": DESCRIPTION, **overrides}
    return client.post("/search/justification/", data)


@pytest.fixture
def officer_client(make_verified_client):
    return make_verified_client(Role.OFFICER)


@pytest.mark.rule("USE-1")
def test_the_search_page_asks_for_the_justification_first(officer_client):
    response = officer_client.get("/search/")
    assert b"Why are you searching?" in response.content
    refused = _justify(officer_client, case_number="")
    assert refused.status_code == 403 and b"case number or CAD run number is required" in refused.content
    refused = _justify(officer_client, description="per supervisor")
    assert refused.status_code == 403 and b"does not say what this search is for" in refused.content
    response = officer_client.get("/search/plates/", {"plate": "ABC1234"})
    assert response.status_code == 302  # back to the gate, and the refused search is on record
    assert AuditEvent.objects.filter(action="search.plate", outcome=Outcome.REFUSED).exists()


@pytest.mark.rule("USE-1")
def test_a_justified_officer_searches_opens_a_read_and_sees_the_image(officer_client):
    camera = make_camera("Lake & Harlem")
    read = make_read(camera=camera, plate="ABC1234")
    assert _justify(officer_client).status_code == 302
    page = officer_client.get("/search/")
    assert b"Searching under: Violent crime investigation" in page.content and b"more minute" in page.content
    results = officer_client.get("/search/plates/", {"plate": "abc1234", "mode": "exact"})
    assert results.status_code == 200 and b"ABC1234" in results.content and b"Exact" in results.content
    assert results["Cache-Control"] == "no-store, private"
    detail = officer_client.get(f"/search/reads/{read.pk}/")
    assert detail.status_code == 200 and b"Download as evidence" in detail.content
    image = officer_client.get(f"/search/reads/{read.pk}/image/crop/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"] == "no-store, private"
    actions = list(AuditEvent.objects.filter(actor_user=officer_client.user).values_list("action", flat=True))
    assert {"search.plate", "read.viewed", "read.image_viewed"} <= set(actions)


@pytest.mark.rule("USE-1", "AUD-1")
@pytest.mark.parametrize("opened_from", ["cross-site", "same-site"])
@pytest.mark.parametrize("path, query", [
    ("/search/plates/", {"plate": "ABC1234", "mode": "exact", "partners": "on"}),
    ("/search/canvass/", {"latitude": "41.885", "longitude": "-87.785", "radius_m": "300"}),
])
def test_a_search_opened_from_another_site_does_not_run(officer_client, path, query, opened_from):
    # Tried: a link on another site to /search/plates/?plate=…&partners=on, followed while the officer's
    # justification was open: the session cookie went with it (SameSite=Lax) and the search ran in the
    # officer's name, audited, and went out to the partner networks. Same-site: a page on another host
    # of the city's domain (a sibling subdomain) did the same.
    make_read(camera=make_camera("Lake & Harlem"), plate="ABC1234")
    assert _justify(officer_client).status_code == 302
    page = officer_client.get(path, query, HTTP_SEC_FETCH_SITE=opened_from)
    assert b"opened from another site, so it has not run" in page.content
    searches = AuditEvent.objects.filter(action__in=["search.plate", "search.canvass"])
    assert not searches.exists()
    ran = officer_client.get(path, {k: v for k, v in query.items() if k != "partners"},
                             HTTP_SEC_FETCH_SITE="same-origin")
    assert ran.status_code == 200 and b"opened from another site" not in ran.content
    assert searches.filter(outcome=Outcome.ALLOWED).count() == 1


@pytest.mark.rule("USE-6")
def test_the_canvass_page(officer_client):
    camera = make_camera("Lake & Harlem", latitude=41.8850, longitude=-87.7850)
    make_read(camera=camera, plate="XYZ9876", images=False)
    _justify(officer_client)
    response = officer_client.get("/search/canvass/", {"latitude": "41.8851", "longitude": "-87.7851",
                                                       "radius_m": "200"})
    assert response.status_code == 200 and b"XYZ9876" in response.content


@pytest.mark.rule("USE-7")
def test_images_are_never_reachable_without_the_access_layer(officer_client, client):
    read = make_read(camera=make_camera(), plate="ABC1234")
    assert client.get(f"/search/reads/{read.pk}/image/full/").status_code == 302  # not signed in
    assert officer_client.get(f"/search/reads/{read.pk}/image/full/").status_code == 403  # no justification
    # Nothing serves MEDIA_ROOT: the stored path is not a URL, signed in or not.
    assert client.get(f"/media/{read.image_path}").status_code in (302, 404)
    assert officer_client.get(f"/media/{read.image_path}").status_code == 404
    assert officer_client.get(f"/{read.image_path}").status_code == 404


@pytest.mark.rule("USE-7")
def test_no_endpoint_returns_reads_in_bulk():
    """Every search URL returns one page (at most 50 reads), one read or one image; a new URL here must
    be reviewed against USE-7 and added to this list."""
    searches = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "searches")
    assert {p.name for p in searches.url_patterns} == {
        "home", "justification_start", "justification_end", "plate_results", "canvass_results", "read_detail",
        "read_image", "read_download", "outcome_record", "felony_requests", "felony_decide", "audit_lookup",
        "outcome_for"}  # one's own ended search and its outcomes: no read at all


@pytest.mark.rule("USE-7")
def test_a_results_page_never_holds_more_than_fifty_reads(officer_client):
    camera = make_camera()
    for _ in range(3):
        make_read(camera=camera, plate="ABC1234", images=False)
    _justify(officer_client)
    response = officer_client.get("/search/plates/", {"plate": "ABC1234", "per_page": "100000"})
    assert response.content.count(b"Open read") == 3
    from alpr.access import MAX_PER_PAGE

    assert MAX_PER_PAGE == 50


@pytest.mark.rule("USE-4")
def test_an_auditor_gets_the_audit_lookup_not_plate_search(make_verified_client, officer_client):
    read = make_read(camera=make_camera(), plate="ABC1234")
    _justify(officer_client)
    officer_client.get("/search/plates/", {"plate": "ABC1234"})
    auditor = make_verified_client(Role.AUDITOR)
    assert auditor.post("/search/justification/", {
        "description": "Monthly review of searches on case 26-004512"}).status_code == 302
    page = auditor.get("/search/")
    assert b"Audit lookup" in page.content
    assert auditor.get("/search/plates/", {"plate": "ABC1234"}).status_code == 403
    lookup = auditor.get("/search/audit/", {"plate": "ABC1234"})
    assert lookup.status_code == 200 and f"read:{read.pk}".encode() in lookup.content
    event = AuditEvent.objects.filter(action="search.plate", actor_user=officer_client.user).latest("id")
    assert auditor.get(f"/search/reads/{read.pk}/").status_code == 403
    assert auditor.get(f"/search/reads/{read.pk}/?event={event.pk}").status_code == 200


@pytest.mark.rule("USE-2")
def test_felony_request_pages(make_verified_client, officer_client):
    response = officer_client.post("/search/felony/", {
        "case_number": "26-007001", "offense": "Arson of an occupied building",
        "description": "Witness saw a dark pickup leave the fire at 12 Elm St at 02:10"})
    assert response.status_code == 302
    chief = make_verified_client(Role.CHIEF)
    page = chief.get("/search/felony/")
    assert b"Arson of an occupied building" in page.content
    from searches.models import FelonyExceptionRequest

    request = FelonyExceptionRequest.objects.get()
    decide = f"/search/felony/{request.pk}/decide/"
    assert officer_client.post(decide, {"decision": "approve"}).status_code == 403
    chief.post(f"/search/felony/{request.pk}/decide/", {"decision": "approve", "note": "Agreed"})
    request.refresh_from_db()
    assert request.status == "approved"
    assert _justify(officer_client, purpose="other_felony", case_number="26-007001",
                    felony_request=str(request.pk)).status_code == 302


def test_outcome_form(officer_client):
    _justify(officer_client)
    response = officer_client.post("/search/outcome/", {"outcome": "lead", "note": "Owner interviewed"})
    assert response.status_code == 302
    assert b"A lead" in officer_client.get("/search/").content
