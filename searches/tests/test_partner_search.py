"""An officer's plate search that includes partner agencies' networks (Oak Park GO 4-68 IX.1), against
stand-in partner APIs whose answers the tests control (tests/test_federation_e2e.py runs a real second
instance): the same justification goes out, each partner is labelled with its outcome, a partner that
refuses, is down or is slow never fails the search, everything is audited with our own search, and
partner reads are shown, never stored as ours."""
import time
from contextlib import ExitStack

import pytest

from alpr import access
from alpr.models import PlateRead
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import ApplicationError
from policy.models import AgencyPolicy
from policy.roles import Role
from retention.models import ReadShare
from searches.models import JustificationRead
from searches.tests.factories import DESCRIPTION, make_camera, make_read, open_justification
from sharing.federation import Status
from sharing.services import networks
from sharing.tests.conftest import AgencyFactory, DeclarationFactory
from sharing.tests.partner_stub import answer_with_reads, partner_stub

pytestmark = pytest.mark.django_db
KEYS = {"officer": "0123456789abcdef:" + "a1" * 24, "other": "fedcba9876543210:" + "b2" * 24}


def _partner(administrator, url, *, name, people):
    """An agency with a declaration in force whose network at `url` is searchable; keys for `people`."""
    agency = AgencyFactory(name=name)
    DeclarationFactory(agency=agency)
    admin = Actor.for_user(administrator)
    networks.partner_network_configure(actor=admin, agency_id=agency.pk, api_base_url=url, searchable=True)
    for person, key in people:
        networks.partner_search_key_store(actor=admin, agency_id=agency.pk, user_id=person.pk, key=key)
    return agency


def _search(user, justification, plate="ABC1234", **kwargs):
    return access.plate_reads_search_with_partners(actor=Actor.for_user(user, client_ip="10.1.2.3"),
                                                   justification=justification, plate=plate, **kwargs)


@pytest.mark.rule("AUD-1")
@pytest.mark.rule("USE-1")
def test_partners_get_the_officers_justification_and_answer_labelled_audited_with_our_search(
        officer, administrator):
    make_read(camera=make_camera("Harlem & North"), plate="ABC1234")
    with partner_stub(answer_with_reads((501, "ABC1234"), (502, "ABC1234"))) as stub:
        agency = _partner(administrator, stub.url, name="Riverside Police Department",
                          people=[(officer, KEYS["officer"])])
        justification = open_justification(officer)
        found = _search(officer, justification)

    sent = stub.requests[0]
    assert sent.path == "/partner/api/v1/searches/"
    assert sent.headers["Authorization"] == f"Partner {KEYS['officer']}"
    assert {k: sent.body[k] for k in ("purpose", "case_number", "description", "plate", "mode")} == {
        "purpose": "violent_crime", "case_number": "26-004512", "description": DESCRIPTION,
        "plate": "ABC1234", "mode": "exact"}
    assert found.local.total == 1
    [partner] = found.partners
    assert (partner.agency.name, partner.status, partner.total) == (agency.name, Status.ANSWERED, 2)
    assert [read.read_id for read in partner.reads] == [501, 502]
    assert partner.reads[0].camera == "Main St, Main St at 1st Ave"

    ours = AuditEvent.objects.get(action="search.plate", outcome=Outcome.ALLOWED)
    theirs = AuditEvent.objects.get(action="search.partner_networks")
    assert theirs.txid == ours.txid  # one transaction: our search and what went out are recorded together
    assert (theirs.purpose, theirs.case_number, theirs.description) == (
        "violent_crime", "26-004512", DESCRIPTION)
    assert theirs.query["partners"] == [{"agency": agency.ori, "name": agency.name, "outcome": "answered",
                                         "count": 2, "message": ""}]
    assert theirs.targets == [f"agency:{agency.ori}", f"partner-read:{agency.ori}:501",
                              f"partner-read:{agency.ori}:502"]
    assert theirs.result_count == 2


@pytest.mark.rule("SHR-6")
def test_partner_reads_are_shown_never_stored_as_ours_nor_put_in_scope_nor_shared(officer, administrator):
    with partner_stub(answer_with_reads((7001, "ABC1234"))) as stub:
        _partner(administrator, stub.url, name="Riverside", people=[(officer, KEYS["officer"])])
        justification = open_justification(officer)
        _search(officer, justification)

    assert not PlateRead.system_objects.exists()
    assert not JustificationRead.objects.exists()
    assert not ReadShare.objects.exists()
    # Their read 7001 is no read of ours: it does not open here (no such read, refused and audited).
    with pytest.raises(ApplicationError):
        access.plate_read_get(actor=Actor.for_user(officer), justification=justification, read_id=7001)


@pytest.mark.rule("ACC-4")
def test_each_person_searches_only_with_their_own_key(officer, administrator):
    other = UserFactory(role=Role.DETECTIVE)
    without_key = UserFactory(role=Role.OFFICER)
    with partner_stub(answer_with_reads()) as stub:
        _partner(administrator, stub.url, name="Riverside",
                 people=[(officer, KEYS["officer"]), (other, KEYS["other"])])
        _search(other, open_justification(other))
        found = _search(without_key, open_justification(without_key))

    # The detective's search carried the detective's key; the officer with no key sent nothing at all.
    assert [request.headers["Authorization"] for request in stub.requests] == [f"Partner {KEYS['other']}"]
    [partner] = found.partners
    assert partner.status == Status.NOT_SEARCHED and "issued you no key" in partner.message


@pytest.mark.rule("SHR-4")
def test_an_agency_whose_declaration_lapsed_is_not_sent_the_search(officer, administrator):
    with partner_stub(answer_with_reads((1, "ABC1234"))) as stub:
        agency = _partner(administrator, stub.url, name="Riverside", people=[(officer, KEYS["officer"])])
        agency.declarations.all().delete()
        found = _search(officer, open_justification(officer))

    assert stub.requests == []
    [partner] = found.partners
    assert partner.status == Status.NOT_SEARCHED and "no signed declaration in force" in partner.message
    assert AuditEvent.objects.get(action="search.partner_networks").query["partners"][0]["outcome"] == (
        "not_searched")


def test_a_refusal_down_slow_or_garbled_partner_is_shown_as_such_and_never_fails_the_search(
        officer, administrator):
    AgencyPolicy.objects.create(partner_search_timeout_seconds=1)
    make_read(camera=make_camera(), plate="ABC1234")
    refusal = {"error": "policy_denied",
               "detail": "The other-felony exception is not open to outside agencies."}
    with ExitStack() as stack:
        refusing = stack.enter_context(partner_stub(lambda request: (403, refusal)))
        slow = stack.enter_context(partner_stub(answer_with_reads((1, "ABC1234")), delay=3))
        garbled = stack.enter_context(partner_stub(lambda request: (200, b"<html>maintenance</html>")))
        moved = stack.enter_context(partner_stub(lambda request: (302, {})))
        for name, stub in (("A Refusing", refusing), ("B Slow", slow), ("C Garbled", garbled),
                           ("D Moved", moved)):
            _partner(administrator, stub.url, name=name, people=[(officer, KEYS["officer"])])
        _partner(administrator, "http://127.0.0.1:9/partner/", name="E Down",
                 people=[(officer, KEYS["officer"])])
        started = time.monotonic()
        found = _search(officer, open_justification(officer))
        took = time.monotonic() - started

    assert took < 2.5  # the slow partner was waited for 1 second (the policy), in parallel with the rest
    assert found.local.total == 1
    outcomes = {partner.agency.name: (partner.status, partner.message) for partner in found.partners}
    assert outcomes["A Refusing"] == (Status.REFUSED, refusal["detail"])
    assert outcomes["B Slow"][0] == Status.UNAVAILABLE
    assert outcomes["C Garbled"] == (Status.UNAVAILABLE, "Its answer was not a partner search result.")
    # A redirect is not followed: the key would go where the administrator never configured.
    assert outcomes["D Moved"] == (Status.UNAVAILABLE, "It answered HTTP 302.")
    assert outcomes["E Down"] == (Status.UNAVAILABLE, "Its network could not be reached.")
    recorded = AuditEvent.objects.get(action="search.partner_networks")
    assert recorded.outcome == Outcome.ALLOWED
    assert {entry["name"]: entry["outcome"] for entry in recorded.query["partners"]} == {
        "A Refusing": "refused", "B Slow": "unavailable", "C Garbled": "unavailable",
        "D Moved": "unavailable", "E Down": "unavailable"}


@pytest.mark.rule("USE-1")
def test_nothing_goes_out_for_a_search_we_refuse(officer, administrator):
    # Tried: a plate too short to search, and a search without a justification.
    with partner_stub(answer_with_reads()) as stub:
        _partner(administrator, stub.url, name="Riverside", people=[(officer, KEYS["officer"])])
        with pytest.raises(ApplicationError):
            _search(officer, open_justification(officer), plate="A*")
        with pytest.raises(ApplicationError):
            _search(officer, None)
    assert stub.requests == []
    refused = AuditEvent.objects.filter(action="search.partner_networks").order_by("id")
    assert [event.outcome for event in refused] == [Outcome.FAILED, Outcome.REFUSED]


def test_when_our_search_fails_after_the_partners_were_asked_the_outbound_search_is_still_recorded(
        officer, administrator, monkeypatch):
    def expired(**kwargs):
        from core.errors import PolicyDenied
        raise PolicyDenied("Your justification has expired. State it again to continue.")

    with partner_stub(answer_with_reads((9, "ABC1234"))) as stub:
        agency = _partner(administrator, stub.url, name="Riverside", people=[(officer, KEYS["officer"])])
        justification = open_justification(officer)
        monkeypatch.setattr(access, "plate_reads_search", expired)
        with pytest.raises(ApplicationError):
            _search(officer, justification)
    event = AuditEvent.objects.get(action="search.partner_networks")
    assert event.outcome == Outcome.REFUSED and "expired" in event.reason
    assert event.query["partners"][0]["count"] == 1 and f"partner-read:{agency.ori}:9" in event.targets


# --- the search page ---------------------------------------------------------------------------------

def _open_search_page(client):
    client.post("/search/justification/", {"purpose": "violent_crime", "case_number": "26-004512",
                                           "description": DESCRIPTION})


def test_the_page_offers_partners_shows_each_labelled_and_asks_for_evidence_from_the_agency(
        make_verified_client, administrator):
    client = make_verified_client(Role.OFFICER)
    make_read(camera=make_camera(), plate="ABC1234")
    with partner_stub(answer_with_reads((501, "ABC1234"))) as stub:
        agency = _partner(administrator, stub.url, name="Riverside Police Department",
                          people=[(client.user, KEYS["officer"])])
        _open_search_page(client)
        assert "Also search partner agencies" in client.get("/search/").content.decode()
        response = client.get("/search/plates/", {"plate": "ABC1234", "partners": "on"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Partner networks" in page and "Riverside Police Department" in page and "Answered" in page
    assert f"mailto:{agency.contact_email}?subject=Evidence%20request%3A%20read%20501" in page
    assert "/search/reads/501/" not in page  # no link that would open it as one of ours
    assert "partners=on" not in page  # paging our reads does not send the search out again


def test_without_a_searchable_partner_the_page_does_not_offer_one(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    _open_search_page(client)
    assert "Also search partner agencies" not in client.get("/search/").content.decode()


def _hostile_read(**overrides):
    read = {"read_id": 1, "captured_at": "2026-12-01T10:00:00+00:00", "plate": "ABC1234", "state": "IL",
            "confidence": 0.9, "camera": {}}
    return {"total": 1, "results": [{**read, **overrides}]}


@pytest.mark.rule("AUD-1")
@pytest.mark.rule("SHR-4")
def test_a_hostile_partners_answer_never_fails_the_search_nor_leaves_it_unrecorded(officer, administrator):
    # Tried: answers Python's JSON decoder takes but our reading of them chokes on: a confidence too
    # large for a float, JSON nested deeper than the interpreter recurses, a confidence of NaN; and reads
    # that are no reads: a time without its offset, a read id of 4,000 digits or of true.
    too_large = _hostile_read(confidence=10 ** 400)
    too_deep = b"[" * 200_000 + b"]" * 200_000
    not_a_number = (b'{"total": 1, "results": [{"read_id": 1, "captured_at": "2026-12-01T10:00:00+00:00", '
                    b'"plate": "X", "confidence": NaN}]}')
    with ExitStack() as stack:
        for name, answer in (("A Huge", (200, too_large)), ("B Deep", (200, too_deep)),
                             ("C Deep refusal", (403, too_deep)),
                             ("D NaN", (200, not_a_number)),
                             ("F No offset", (200, _hostile_read(captured_at="2026-12-01T10:00:00"))),
                             ("G Huge id", (200, _hostile_read(read_id=10 ** 4000))),
                             ("H True id", (200, _hostile_read(read_id=True))),
                             ("E Fine", answer_with_reads((5, "ABC1234"))(None))):
            stub = stack.enter_context(partner_stub(lambda request, answer=answer: answer))
            _partner(administrator, stub.url, name=name, people=[(officer, KEYS["officer"])])
        found = _search(officer, open_justification(officer))

    outcomes = {partner.agency.name: partner for partner in found.partners}
    for name in ("A Huge", "B Deep", "C Deep refusal", "D NaN", "F No offset", "G Huge id", "H True id"):
        assert outcomes[name].status in (Status.UNAVAILABLE, Status.REFUSED), name
        assert outcomes[name].reads == ()
    assert outcomes["E Fine"].status == Status.ANSWERED and outcomes["E Fine"].total == 1
    recorded = AuditEvent.objects.get(action="search.partner_networks")
    assert recorded.outcome == Outcome.ALLOWED and len(recorded.query["partners"]) == 8
    assert recorded.targets == [f"agency:{partner.agency.ori}" for partner in found.partners[:4]] + [
        f"agency:{found.partners[4].agency.ori}", f"partner-read:{found.partners[4].agency.ori}:5",
        *(f"agency:{partner.agency.ori}" for partner in found.partners[5:])]
