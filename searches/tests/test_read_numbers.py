"""Reads by number: the read pages open only the reads a search under the session's justification
listed (USE-1, AUD-1), up to the policy's cap per justification (USE-4)."""
import pytest

from audit.models import AuditEvent, Outcome
from policy.models import AgencyPolicy
from policy.roles import Role
from searches.tests.factories import DESCRIPTION, make_camera, make_read

pytestmark = pytest.mark.django_db


@pytest.mark.rule("USE-1")
@pytest.mark.rule("AUD-1")
def test_walking_read_numbers_opens_only_the_reads_a_search_listed(justified_client):
    """Tried: search one plate, then GET /search/reads/N/ and its photo for every N around the reads."""
    camera = make_camera("Lake & Harlem")
    listed = make_read(camera=camera, plate="ABC1234")
    others = [make_read(camera=camera, plate=plate) for plate in ("XYZ9876", "QRS5555", "TUV4321")]
    assert justified_client.get("/search/plates/", {"plate": "ABC1234"}).status_code == 200

    ids = [listed.pk] + [read.pk for read in others]
    for number in range(min(ids) - 2, max(ids) + 3):
        detail = justified_client.get(f"/search/reads/{number}/")
        photo = justified_client.get(f"/search/reads/{number}/image/full/")
        if number == listed.pk:
            assert detail.status_code == 200 and b"ABC1234" in detail.content
            assert photo.status_code == 200
            continue
        assert detail.status_code == 403 and photo.status_code == 403, number
        assert b"not in the results of a search under your justification" in detail.content
        for plate in (b"XYZ9876", b"QRS5555", b"TUV4321"):
            assert plate not in detail.content
    refused = AuditEvent.objects.filter(actor_user=justified_client.user, outcome=Outcome.REFUSED,
                                        action__in=["read.viewed", "read.image_viewed"])
    assert refused.count() == 2 * (len(range(min(ids) - 2, max(ids) + 3)) - 1)
    assert not AuditEvent.objects.filter(actor_user=justified_client.user, outcome=Outcome.FAILED).exists()


@pytest.mark.rule("USE-4")
def test_the_read_page_says_when_the_cap_is_reached(justified_client):
    """Tried: with a cap of one read per justification, open a second read from the results."""
    AgencyPolicy.objects.create(read_opens_per_justification=1)
    camera = make_camera()
    first, second = (make_read(camera=camera, plate="ABC1234") for _ in range(2))
    results = justified_client.get("/search/plates/", {"plate": "ABC1234"})
    assert results.status_code == 200 and results.content.count(b"Open read") == 2
    assert justified_client.get(f"/search/reads/{first.pk}/").status_code == 200
    refused = justified_client.get(f"/search/reads/{second.pk}/")
    assert refused.status_code == 403 and b"opened 1 read under this justification" in refused.content
    assert justified_client.get(f"/search/reads/{second.pk}/image/crop/").status_code == 200  # thumbnail
    event = AuditEvent.objects.filter(action="read.viewed").latest("id")
    assert event.outcome == Outcome.REFUSED and event.flagged


@pytest.mark.rule("USE-7")
@pytest.mark.parametrize(("role", "offered"), [(Role.OFFICER, True), (Role.DISPATCHER, False)])
def test_the_read_page_offers_the_download_only_to_those_who_handle_evidence(make_verified_client, role,
                                                                             offered):
    # Tried: a dispatcher (who may search but not book evidence) opening a read it searched.
    client = make_verified_client(role)
    client.post("/search/justification/", {"purpose": "violent_crime", "case_number": "26-004512",
                                           "description": DESCRIPTION})
    read = make_read(camera=make_camera("Lake & Harlem"), plate="ABC1234")
    client.get("/search/plates/", {"plate": "ABC1234"})
    page = client.get(f"/search/reads/{read.pk}/")
    assert page.status_code == 200 and b"ABC1234" in page.content
    assert (b"Download as evidence" in page.content) is offered
