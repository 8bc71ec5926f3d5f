"""The partner API: per-person keys, the same justification gate, own reads only (SHR-4 to SHR-6)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.context import Actor
from audit.models import ActorType, AuditEvent, Outcome
from retention.models import ErroneousDataNotification, ReadShare
from retention.tests.conftest import create_read
from searches.tests.factories import camera_in_service, make_camera, relocate
from sharing.models import AgencyStatus, PartnerSearch, RequestStatus
from sharing.services import agencies
from sharing.tests.conftest import (
    AgencyFactory,
    DeclarationFactory,
    EvidencePackageFactory,
    PartnerPersonFactory,
    SharingRequestFactory,
)

pytestmark = pytest.mark.django_db
SEARCH_URL = "/partner/api/v1/searches/"
GOOD_SEARCH = {
    "purpose": "violent_crime",
    "case_number": "RPD-26-00417",
    "description": "Carjacking at gunpoint on North Avenue; the stolen grey SUV was last seen heading east",
    "plate": "ABC1234",
}


def _search(client, key, **overrides):
    return client.post(
        SEARCH_URL,
        {**GOOD_SEARCH, **overrides},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Partner {key}",
    )


@pytest.mark.rule("SHR-5")
@pytest.mark.rule("SHR-6")
def test_a_partner_search_returns_our_own_reads_only_and_is_audited_and_counted(client, partner):
    person, key = partner
    camera = make_camera(location_description="Harlem Ave at Lake St")
    ours = create_read(camera, plate="ABC1234", age=timedelta(hours=3))
    received = create_read(camera, plate="ABC1234", age=timedelta(hours=4), origin_agency="IL0160000")

    response = _search(client, key)

    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["read_id"] for row in body["results"]] == [ours.pk]
    assert body["results"][0]["camera"]["location"] == "Harlem Ave at Lake St"
    assert received.pk not in {row["read_id"] for row in body["results"]}
    event = AuditEvent.objects.get(action="search.plate", outcome=Outcome.ALLOWED)
    assert event.actor_type == ActorType.AGENCY and event.actor_user is None
    assert person.full_name in event.actor_label and person.agency.name in event.actor_label
    assert (event.purpose, event.case_number) == ("violent_crime", "RPD-26-00417")
    assert event.query["agency"] == person.agency.ori and event.targets == [f"read:{ours.pk}"]
    search = PartnerSearch.objects.get()
    assert (search.agency, search.person, search.result_count) == (person.agency, person, 1)
    assert list(ReadShare.objects.values_list("read_id", "agency_ori")) == [(ours.pk, person.agency.ori)]


@pytest.mark.rule("SHR-5", "CAM-1")
def test_a_partner_is_told_where_a_read_was_taken_not_where_its_camera_moved_since(client, partner):
    _person, key = partner
    camera = camera_in_service("Harlem & North", latitude=41.909812, longitude=-87.806204,
                               location_description="Harlem Ave at North Ave")
    before = create_read(camera, plate="ABC1234", age=timedelta(hours=3))
    relocate(camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")
    after = create_read(camera, plate="ABC1234")

    response = _search(client, key)

    assert response.status_code == 200, response.content
    places = {row["read_id"]: row["camera"] for row in response.json()["results"]}
    assert places == {
        before.pk: {"name": "Harlem & North", "location": "Harlem Ave at North Ave",
                    "latitude": "41.909812", "longitude": "-87.806204"},
        after.pk: {"name": "Harlem & North", "location": "Roosevelt Rd at Austin Blvd",
                   "latitude": "41.866000", "longitude": "-87.774000"},
    }


@pytest.mark.rule("SHR-2")
def test_without_a_declaration_in_force_a_partner_gets_nothing(client, partner):
    person, key = partner
    create_read(make_camera(), plate="ABC1234", age=timedelta(hours=1))
    person.agency.declarations.update(expires_on=timezone.localdate() - timedelta(days=1))

    response = _search(client, key)

    assert response.status_code == 403
    assert response.json()["error"] == "agency_blocked"
    assert "no signed declaration" in response.json()["detail"]
    assert not PartnerSearch.objects.exists() and not ReadShare.objects.exists()
    assert AuditEvent.objects.get(action="search.plate").outcome == Outcome.REFUSED


@pytest.mark.rule("SHR-4")
def test_after_revocation_the_key_no_longer_works(client, partner, administrator):
    person, key = partner
    agencies.agency_revoke(
        actor=Actor.for_user(administrator),
        agency_id=person.agency_id,
        reason="Re-shared our data with a private company",
    )
    response = _search(client, key)
    assert response.status_code == 401
    assert not PartnerSearch.objects.exists()
    assert AuditEvent.objects.filter(action="sharing.partner_auth_refused").exists()


@pytest.mark.rule("SHR-4")
def test_a_partner_search_for_immigration_enforcement_is_refused_flagged_and_revokes(client, partner):
    person, key = partner
    create_read(make_camera(), plate="ABC1234", age=timedelta(hours=1))

    response = _search(client, key, description="Locate this car for an ICE deportation operation next week")

    assert response.status_code == 403 and response.json()["error"] == "prohibited_purpose"
    refused = AuditEvent.objects.get(action="search.plate")
    assert refused.outcome == Outcome.REFUSED and refused.flagged
    person.agency.refresh_from_db()
    assert person.agency.status == AgencyStatus.REVOKED
    assert not PartnerSearch.objects.exists()
    assert _search(client, key).status_code == 401  # the key died with the agency


ICE = "Locate this car for an ICE deportation operation next week"


@pytest.mark.rule("SHR-4", "AUD-1")
@pytest.mark.parametrize(("what", "overrides"), [
    ("a blank case number", {"description": ICE, "case_number": ""}),
    ("a description over 2000 characters", {"description": ICE + " " + "x" * 2000}),
    ("a mode the API does not know", {"description": ICE, "mode": "everything"}),
    ("a plate of 40 characters", {"purpose": "immigration", "description": ICE, "plate": "A" * 40}),
])
def test_an_immigration_search_revokes_the_agency_whatever_else_is_wrong_with_it(client, partner, what,
                                                                                 overrides):
    """Before, the API's own field checks turned these away (400) before the gate saw them: nothing
    recorded, nothing flagged, the agency kept its access."""
    person, key = partner
    response = _search(client, key, **overrides)
    assert response.status_code == 403 and response.json()["error"] == "prohibited_purpose", what
    refused = AuditEvent.objects.get(action="search.plate")
    assert refused.outcome == Outcome.REFUSED and refused.flagged
    assert len(refused.description) <= 4000
    person.agency.refresh_from_db()
    assert person.agency.status == AgencyStatus.REVOKED


@pytest.mark.rule("AUD-1")
@pytest.mark.parametrize(("what", "overrides", "code", "outcome"), [
    ("no case number", {"case_number": ""}, "case_number_required", Outcome.REFUSED),
    # One character more than PartnerSearch.case_number and the audit log store: refused, not a 500.
    ("a case number of 65 characters", {"case_number": "RPD-" + "1" * 61}, "case_number_format",
     Outcome.REFUSED),
    ("a description over 2000 characters", {"description": GOOD_SEARCH["description"] + " x" * 1000},
     "description_too_long", Outcome.REFUSED),
    ("an unknown mode", {"mode": "everything"}, "invalid", Outcome.FAILED),
    # Before, these three were turned away by the API's own field checks: nothing was recorded.
    ("a start that is not a date", {"since": "last tuesday"}, "invalid", Outcome.FAILED),
    ("an end in a month 13", {"until": "2026-13-01T00:00:00Z"}, "invalid", Outcome.FAILED),
    ("a page that is not a number", {"page": "two"}, "invalid", Outcome.FAILED),
])
def test_a_malformed_partner_search_is_refused_and_recorded(client, partner, what, overrides, code, outcome):
    person, key = partner
    response = _search(client, key, **overrides)
    assert response.status_code in (400, 403) and response.json()["error"] == code, what
    assert AuditEvent.objects.get(action="search.plate").outcome == outcome
    assert not PartnerSearch.objects.exists()
    person.agency.refresh_from_db()
    assert person.agency.status == AgencyStatus.ACTIVE


@pytest.mark.rule("SHR-5", "AUD-1")
def test_a_permitted_purpose_whose_code_is_longer_than_recorded_is_refused_not_recorded_cut_short(client,
                                                                                                  partner):
    """A policy stored before AgencyPolicy.clean() refused such codes lists a code of 70 characters: the
    partner's search was counted under its first 64 characters, a purpose the policy does not list."""
    from policy import defaults
    from policy.models import AgencyPolicy

    code = "organised_retail_theft_ring_across_several_municipalities_in_cook_cnty"
    AgencyPolicy.objects.create(permitted_purposes=[*defaults.permitted_purposes(),
                                                    {"code": code, "label": "Organised retail theft ring"}])
    _, key = partner
    response = _search(client, key, purpose=code)
    assert response.status_code == 403 and response.json()["error"] == "purpose_code_too_long"
    assert AuditEvent.objects.get(action="search.plate").outcome == Outcome.REFUSED
    assert not PartnerSearch.objects.exists()


@pytest.mark.rule("SHR-4")
def test_the_prohibited_purpose_check_reads_a_bounded_part_of_a_huge_description(client, partner,
                                                                                 monkeypatch):
    """A 380 kB description (under the 2.5 MB request limit): the matcher's time grows faster than the
    text, so it used to read all of it (10 s here, minutes at 2 MB) before the length was refused."""
    from policy.models import AgencyPolicy

    read = []
    matcher = AgencyPolicy.prohibited_purpose_named_in
    monkeypatch.setattr(AgencyPolicy, "prohibited_purpose_named_in",
                        lambda policy, text: read.append(len(text)) or matcher(policy, text))
    _, key = partner
    response = _search(client, key, description="carjacking suspect " * 20000, case_number="X" * 100000)
    assert response.status_code == 403 and response.json()["error"] == "description_too_long"
    assert read and max(read) <= 4000
    assert AuditEvent.objects.get(action="search.plate").flagged


@pytest.mark.rule("AUD-1")
def test_a_wrong_secret_for_a_real_partner_key_is_recorded_and_flagged(client, partner):
    """A leaked key id being tried, or a rotated key's old secret replayed."""
    person, key = partner
    key_id = key.split(":")[0]
    response = client.post(SEARCH_URL, GOOD_SEARCH, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Partner {key_id}:" + "0" * 64)
    assert response.status_code == 401
    refused = AuditEvent.objects.get(action="sharing.partner_auth_refused")
    assert refused.reason == "wrong secret" and refused.flagged
    assert refused.targets == [f"partner-key:{key_id}"] and person.agency.name in refused.actor_label
    assert not PartnerSearch.objects.exists()


@pytest.mark.rule("SHR-5")
@pytest.mark.parametrize(
    ("what", "overrides", "code"),
    [
        ("a vague reason", {"description": "investigation"}, "vague_description"),
        ("no case number", {"case_number": ""}, None),
        ("a purpose we do not permit", {"purpose": "neighbourhood_watch"}, "purpose_not_permitted"),
        ("the Chief-only felony exception", {"purpose": "other_felony"}, "felony_exception_outside"),
    ],
)
def test_partner_searches_pass_the_same_justification_gate(client, partner, what, overrides, code):
    _, key = partner
    response = _search(client, key, **overrides)
    assert response.status_code in (400, 403), what
    if code:
        assert response.json()["error"] == code
    assert not PartnerSearch.objects.exists()


@pytest.mark.rule("SHR-5")
def test_sharing_switched_off_refuses_searches(client, partner):
    person, key = partner
    person.agency.__class__.objects.filter(pk=person.agency_id).update(sharing_enabled=False)
    response = _search(client, key)
    assert response.status_code == 403 and "not enabled" in response.json()["detail"]


@pytest.mark.rule("ACC-3")
def test_the_partner_api_answers_only_partner_keys(client, verified_client):
    assert client.post(SEARCH_URL, GOOD_SEARCH, content_type="application/json").status_code == 401
    assert (
        client.post(
            SEARCH_URL,
            GOOD_SEARCH,
            content_type="application/json",
            HTTP_AUTHORIZATION="Partner 0123456789abcdef:" + "0" * 48,
        ).status_code
        == 401
    )
    # A signed-in officer's session is not a partner key.
    assert verified_client.post(SEARCH_URL, GOOD_SEARCH, content_type="application/json").status_code in (
        401,
        403,
    )
    for url in ("/partner/api/v1/purposes/", "/partner/api/v1/notices/"):
        assert client.get(url).status_code == 401


def test_purposes_leave_out_the_felony_exception(client, partner):
    _, key = partner
    codes = [
        p["code"]
        for p in client.get("/partner/api/v1/purposes/", HTTP_AUTHORIZATION=f"Partner {key}").json()[
            "purposes"
        ]
    ]
    assert "violent_crime" in codes and "other_felony" not in codes


@pytest.mark.rule("SHR-2")
def test_a_partner_certifies_deletion_of_its_own_release_only(client, partner, administrator):
    person, key = partner
    other = SharingRequestFactory(status=RequestStatus.APPROVED)
    own = SharingRequestFactory(agency=person.agency, status=RequestStatus.APPROVED)
    url = "/partner/api/v1/requests/{}/deletion-certificate/"
    assert client.post(url.format(other.uuid), HTTP_AUTHORIZATION=f"Partner {key}").status_code == 404
    assert (
        client.post(url.format(own.uuid), HTTP_AUTHORIZATION=f"Partner {key}").status_code == 400
    )  # not released
    own.__class__.objects.filter(pk=own.pk).update(
        status=RequestStatus.RELEASED,
        decided_by=administrator,
        delete_by=timezone.localdate(),
        package=EvidencePackageFactory(),
    )
    response = client.post(url.format(own.uuid), HTTP_AUTHORIZATION=f"Partner {key}")
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.deletion_certified_at is not None and person.full_name in own.deletion_certified_by


def _notices(person, *, age=timedelta(hours=1), plate="ABC1234"):
    from retention.models import ErroneousFlag, ErrorKind, FlagStatus

    read = create_read(make_camera(), plate=plate, age=age)
    flag = ErroneousFlag.objects.create(
        read_id=read.pk,
        read_captured_at=read.captured_at,
        kind=ErrorKind.MISREAD,
        note="n",
        flagged_by=person.agency.declarations.get().recorded_by,
        status=FlagStatus.CONFIRMED,
        reviewed_at=timezone.now(),
    )
    ours = ErroneousDataNotification.objects.create(
        flag=flag,
        read_id=read.pk,
        agency_name=person.agency.name,
        agency_ori=person.agency.ori,
        message="Read is a misread.",
    )
    ErroneousDataNotification.objects.create(
        flag=flag, read_id=read.pk, agency_name="Other PD", agency_ori="IL9999999", message="Not for you."
    )
    return ours


@pytest.mark.rule("RET-5")
@pytest.mark.rule("AUD-1")
def test_a_partner_reads_the_erroneous_data_notices_for_its_own_agency_only(client, partner):
    # Tried: a partner reads its notices; the listing of reads left no audit row.
    person, key = partner
    ours = _notices(person)
    body = client.get("/partner/api/v1/notices/", HTTP_AUTHORIZATION=f"Partner {key}").json()
    assert [notice["message"] for notice in body["notices"]] == ["Read is a misread."]
    [row] = AuditEvent.objects.filter(action="sharing.erroneous_notices_read")
    assert row.outcome == Outcome.ALLOWED and row.actor_type == ActorType.AGENCY and row.result_count == 1
    assert row.targets == [f"agency:{person.agency.ori}", f"notification:{ours.pk}", f"read:{ours.read_id}"]


@pytest.mark.rule("RET-1", "RET-5", "SHR-2")
def test_a_partner_reads_no_notice_about_a_read_the_purge_deleted(client, partner):
    # Tried: the notices were listed with no age limit, so a partner still read the plates of a read the
    # purge had deleted (and the agency had certified it deleted).
    from policy.selectors import current_policy
    from retention.services import reads_purge_expired

    person, key = partner
    kept = _notices(person)
    purged = _notices(person, age=timedelta(days=current_policy().retention_days + 2), plate="XYZ9876")
    reads_purge_expired(actor=Actor.system("scheduler"))
    body = client.get("/partner/api/v1/notices/", HTTP_AUTHORIZATION=f"Partner {key}").json()
    assert [notice["read_id"] for notice in body["notices"]] == [kept.read_id]
    assert "XYZ9876" not in str(body)
    [row] = AuditEvent.objects.filter(action="sharing.erroneous_notices_read")
    assert f"notification:{purged.pk}" not in row.targets and row.result_count == 1


@pytest.mark.rule("SHR-4")
@pytest.mark.rule("AUD-1")
def test_an_agency_without_a_declaration_in_force_reads_no_notices(client, partner):
    # Tried: the agency's declaration lapses; its key still listed the reads named in its notices.
    person, key = partner
    _notices(person)
    person.agency.declarations.all().delete()
    response = client.get("/partner/api/v1/notices/", HTTP_AUTHORIZATION=f"Partner {key}")
    assert response.status_code == 403 and b"misread" not in response.content
    [row] = AuditEvent.objects.filter(action="sharing.erroneous_notices_read")
    assert row.outcome == Outcome.REFUSED and row.targets == [f"partner-person:{person.pk}"]


def test_the_partner_api_publishes_its_openapi_schema(client):
    response = client.get("/partner/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        "/partner/api/v1/purposes/", "/partner/api/v1/searches/", "/partner/api/v1/notices/",
        "/partner/api/v1/requests/{request_uuid}/deletion-certificate/",
        "/partner/api/v1/requests/{request_uuid}/package/"}
    assert schema["components"]["securitySchemes"]["PartnerKey"]["type"] == "apiKey"


@pytest.mark.rule("SHR-1")
@pytest.mark.rule("SHR-2")
def test_the_recipient_downloads_its_release_until_it_certifies_deletion(client, partner, administrator):
    import io
    import zipfile

    from sharing.services import requests as request_services

    person, key = partner
    read = create_read(make_camera(), plate="ABC1234", age=timedelta(hours=2))
    request = SharingRequestFactory(agency=person.agency, plates=["ABC1234"], status=RequestStatus.APPROVED,
                                    decided_by=administrator, decided_at=timezone.now())
    request_services.request_release(actor=Actor.for_user(administrator), request_id=request.pk)
    url = f"/partner/api/v1/requests/{request.uuid}/package/"
    auth = {"HTTP_AUTHORIZATION": f"Partner {key}"}

    response = client.get(url, **auth)

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(name.endswith(f"reads/{read.pk}.json") for name in names)
    event = AuditEvent.objects.get(action="sharing.release_downloaded", outcome=Outcome.ALLOWED)
    assert event.actor_type == ActorType.AGENCY and f"read:{read.pk}" in event.targets

    other = AgencyFactory(sharing_enabled=True)
    DeclarationFactory(agency=other)
    stranger = PartnerPersonFactory(agency=other)
    _, other_key = agencies.credential_issue(actor=Actor.for_user(administrator), person_id=stranger.pk)
    assert client.get(url, HTTP_AUTHORIZATION=f"Partner {other_key}").status_code == 404  # not theirs

    client.post(f"/partner/api/v1/requests/{request.uuid}/deletion-certificate/", **auth)
    assert client.get(url, **auth).status_code == 403  # deleted, so no longer handed out


@pytest.mark.rule("SHR-2", "SHR-4", "AUD-1")
@pytest.mark.parametrize("lapse", ["declaration expired", "another release overdue"])
def test_a_released_package_is_not_handed_to_an_agency_that_may_receive_nothing(client, partner,
                                                                               administrator, lapse):
    # Tried: after the release, the agency's declaration lapsed (or another release's deletion certificate
    # went overdue); its key still downloaded the package (plates, photos, crops) within the delete-by
    # date, though such an agency receives nothing of any kind, and its search and notices are refused.
    from sharing.services import requests as request_services

    person, key = partner
    create_read(make_camera(), plate="ABC1234", age=timedelta(hours=2))
    request = SharingRequestFactory(agency=person.agency, plates=["ABC1234"], status=RequestStatus.APPROVED,
                                    decided_by=administrator, decided_at=timezone.now())
    request_services.request_release(actor=Actor.for_user(administrator), request_id=request.pk)
    if lapse == "declaration expired":
        person.agency.declarations.update(expires_on=timezone.localdate() - timedelta(days=1))
    else:
        SharingRequestFactory(agency=person.agency, status=RequestStatus.RELEASED, decided_by=administrator,
                              delete_by=timezone.localdate() - timedelta(days=1),
                              package=EvidencePackageFactory())

    response = client.get(f"/partner/api/v1/requests/{request.uuid}/package/",
                          HTTP_AUTHORIZATION=f"Partner {key}")

    assert response.status_code == 403 and response["Content-Type"] != "application/zip"
    [row] = AuditEvent.objects.filter(action="sharing.release_downloaded")
    assert row.outcome == Outcome.REFUSED


@pytest.mark.rule("AUD-1")
def test_wrong_secrets_sent_again_and_again_do_not_flood_the_audit_log_and_the_key_still_works(
        client, partner, settings):
    """Fifty wrong secrets with a leaked key id: the first five are recorded, then one entry says more
    keep coming; the partner's right secret still searches (the key is not locked by whoever has the id)."""
    _, key = partner
    key_id = key.split(":")[0]
    for _ in range(50):
        response = client.post(SEARCH_URL, GOOD_SEARCH, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Partner {key_id}:" + "0" * 64)
        assert response.status_code == 401
    refused = list(AuditEvent.objects.filter(action="sharing.partner_auth_refused").order_by("id"))
    assert [event.reason for event in refused[:5]] == ["wrong secret"] * 5
    assert len(refused) == 6 and refused[5].reason.startswith("wrong secrets keep coming")
    assert all(event.flagged for event in refused)
    assert _search(client, key).status_code == 200


@pytest.mark.rule("AUD-1")
def test_a_partner_window_and_page_sent_as_text_are_read_as_given(client, partner):
    """The window and page reach the access layer as sent, which reads them: a zone-less time is the
    department's."""
    _, key = partner
    until = timezone.localtime().replace(microsecond=0) - timedelta(hours=1)
    since = until - timedelta(days=2)
    response = _search(client, key, since=since.isoformat(), until=until.replace(tzinfo=None).isoformat(),
                       page="1")
    assert response.status_code == 200, response.json()
    window = response.json()["window"]
    assert (parse_datetime(window["since"]), parse_datetime(window["until"])) == (since, until)
    assert AuditEvent.objects.get(action="search.plate").query["page"] == 1
