"""No side doors in retention (issue 12, doors 2-4): holds, exports and erroneous-read flags reach plate
reads only through the access layer, under an open justification, audited; refusals are audited as
refused. Each test says what was tried; each fails on the code before the issue."""
import ast
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alpr import access
from audit.models import AuditEvent, Outcome
from core.compliance import ROOT, python_files
from core.errors import ApplicationError, PolicyDenied
from policy.models import AgencyPolicy
from policy.roles import Role
from retention.models import ErroneousFlag, EvidenceHold, EvidencePackage
from retention.services import evidence_package_create
from retention.tests.conftest import CASE_DESCRIPTION, actor_of, justify, search_plate
from searches.tests.factories import open_justification

EXPORT_PURPOSE = "Evidence for the prosecutor in the Oak Street robbery case"
HOLD_REASON = "Getaway car of the Oak Street robbery, needed for the trial"


def _refused(action: str, user) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, actor_user=user, outcome=Outcome.REFUSED).latest("id")


def _hold(user, justification, **kwargs):
    return access.plate_reads_hold(actor=actor_of(user), justification=justification, **kwargs)


# --- door 2: a hold by plate is a search ------------------------------------------------------------

@pytest.mark.rule("RET-2")
@pytest.mark.rule("USE-1")
def test_a_hold_without_a_justification_is_refused_audited_and_lists_nothing(make_verified_client, make_read):
    make_read(plate="ABC1234", age=timedelta(hours=2))
    client = make_verified_client(Role.DETECTIVE)
    # Tried: the old form, a case number typed on the hold page and a plate window, no justification.
    response = client.post(reverse("retention:hold_place"), {
        "case_number": "26-004512", "reason": HOLD_REASON, "plate": "ABC1234",
        "window_start": (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "window_end": timezone.now().strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400 and "State the purpose" in response.content.decode()
    assert not EvidenceHold.objects.exists()
    assert _refused("retention.hold_placed", client.user).query["plate"] == "ABC1234"
    assert not AuditEvent.objects.filter(action="search.plate", outcome=Outcome.ALLOWED).exists()


@pytest.mark.rule("RET-2")
@pytest.mark.rule("USE-3")
def test_a_hold_for_immigration_enforcement_is_refused_and_flagged(detective, make_read):
    read = make_read(plate="ABC1234", age=timedelta(hours=2))
    justification = open_justification(detective)
    # Tried: the reason accepted before, a plate window, under an otherwise valid justification.
    with pytest.raises(PolicyDenied) as refused:
        _hold(detective, justification, reason="immigration enforcement check for ICE", plate="ABC1234",
              since=read.captured_at - timedelta(hours=1), until=timezone.now())
    assert refused.value.code == "prohibited_purpose"
    event = _refused("retention.hold_placed", detective)
    assert event.flagged and event.case_number == "26-004512"
    assert not EvidenceHold.objects.exists()
    with pytest.raises(PolicyDenied) as refused:  # a reason that says nothing is no reason
        _hold(detective, justification, reason="keep for case", read_ids=[read.pk])
    assert refused.value.code == "hold_reason"


@pytest.mark.rule("RET-2")
@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.ADMINISTRATOR])
def test_dispatchers_and_administrators_neither_place_holds_nor_export(role, make_verified_client, make_read):
    read = make_read(age=timedelta(hours=2))
    client = make_verified_client(role)
    # Tried: both pages, by the roles that reached them before.
    assert client.get(reverse("retention:hold_place")).status_code == 403
    assert client.get(reverse("retention:package_create")).status_code == 403
    response = client.post(reverse("retention:hold_place"), {"reason": HOLD_REASON, "read_ids": str(read.pk)})
    assert response.status_code == 403 and read.plate not in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.page_refused", actor_user=client.user,
                                     outcome=Outcome.REFUSED).count() == 3
    assert not EvidenceHold.objects.exists() and not EvidencePackage.objects.exists()


@pytest.mark.rule("RET-2")
def test_a_dispatcher_with_an_open_justification_is_refused_by_the_access_layer(user_factory, make_read):
    dispatcher = user_factory(role=Role.DISPATCHER)
    read = make_read(age=timedelta(hours=2))
    # Tried: the access layer itself, under a valid justification.
    with pytest.raises(PolicyDenied) as refused:
        _hold(dispatcher, open_justification(dispatcher), reason=HOLD_REASON, read_ids=[read.pk])
    assert refused.value.code == "evidence_role"
    assert not EvidenceHold.objects.exists()


@pytest.mark.rule("RET-2")
def test_a_plate_hold_window_ends_no_later_than_now_and_starts_within_retention(detective, make_read):
    make_read(plate="ABC1234", age=timedelta(hours=2))
    justification = open_justification(detective)
    now = timezone.now()
    # Tried: a window ending a year ahead (a watch list keeping every future read out of the purge).
    with pytest.raises(ApplicationError, match="ends no later than now") as refused:
        _hold(detective, justification, reason=HOLD_REASON, plate="ABC1234", since=now - timedelta(days=1),
              until=now + timedelta(days=365))
    assert refused.value.field == "window_end"
    # Tried: a window reaching back past retention, and an inverted one.
    with pytest.raises(ApplicationError, match="within the retention period"):
        _hold(detective, justification, reason=HOLD_REASON, plate="ABC1234", since=now - timedelta(days=60),
              until=now - timedelta(days=1))
    with pytest.raises(ApplicationError, match="before its end"):
        _hold(detective, justification, reason=HOLD_REASON, plate="ABC1234", since=now - timedelta(hours=1),
              until=now - timedelta(hours=2))
    assert not EvidenceHold.objects.exists()
    assert AuditEvent.objects.filter(action="retention.hold_placed", outcome=Outcome.FAILED).count() == 3


@pytest.mark.rule("RET-2")
@pytest.mark.rule("AUD-1")
def test_a_plate_hold_is_an_audited_search_for_the_justifications_case(detective, make_read):
    now = timezone.now()
    inside = [make_read(plate="ABC1234", age=timedelta(hours=hours)) for hours in (2, 3)]
    make_read(plate="XYZ9876", age=timedelta(hours=2))
    make_read(plate="ABC1234", age=timedelta(days=3))  # outside the window
    justification = open_justification(detective, case_number="26-004777")
    hold = _hold(detective, justification, reason=HOLD_REASON, plate="abc 1234",
                 since=now - timedelta(days=1), until=now)
    assert hold.case_number == "26-004777" and hold.plate == "ABC1234" and hold.window_end <= timezone.now()
    search = AuditEvent.objects.get(action="search.plate", outcome=Outcome.ALLOWED)
    assert sorted(search.targets) == sorted(f"read:{read.pk}" for read in inside)
    assert search.query["for_hold"] and search.query["plate"] == "ABC1234" and search.result_count == 2
    assert (search.purpose, search.case_number, search.description) == (
        "violent_crime", "26-004777", CASE_DESCRIPTION)
    assert AuditEvent.objects.get(action="retention.hold_placed", outcome=Outcome.ALLOWED).case_number == \
        "26-004777"


@pytest.mark.rule("RET-2")
def test_a_holds_reads_are_shown_only_under_a_justification_for_its_case(make_verified_client, make_read):
    read = make_read(plate="ABC1234", age=timedelta(hours=2))
    client = make_verified_client(Role.DETECTIVE)
    justify(client, case_number="26-004512")
    search_plate(client, "ABC1234")  # a hold by read id keeps reads a search under the justification listed
    client.post(reverse("retention:hold_place"), {"reason": HOLD_REASON, "read_ids": str(read.pk)})
    url = reverse("retention:hold_detail", args=[EvidenceHold.objects.get().pk])
    assert "ABC1234" in client.get(url).content.decode()
    # Tried: the same page under a justification for another case.
    justify(client, case_number="26-009999")
    page = client.get(url).content.decode()
    assert "ABC1234" not in page and "26-004512" in page


# --- door 3: exports are downloads ------------------------------------------------------------------

def _export(client, reads, purpose=EXPORT_PURPOSE):
    return client.post(reverse("retention:package_create"), {
        "read_ids": ", ".join(str(read.pk) for read in reads), "purpose": purpose,
        "recipient": "Cook County SAO"})


@pytest.mark.rule("USE-7")
def test_an_export_without_a_justification_is_refused(make_verified_client, make_read):
    read = make_read(age=timedelta(hours=2))
    client = make_verified_client(Role.DETECTIVE)
    # Tried: the old form, case number and description typed on the export page, no justification.
    response = client.post(reverse("retention:package_create"), {
        "read_ids": str(read.pk), "purpose": "violent_crime", "case_number": "26-004512",
        "description": "Robbery getaway car", "recipient": "Cook County SAO"})
    assert response.status_code == 400 and not EvidencePackage.objects.exists()
    assert _refused("read.downloaded", client.user).targets == [f"read:{read.pk}"]


@pytest.mark.rule("USE-7")
def test_exports_obey_the_policys_caps_per_request_and_per_day(make_verified_client, make_read):
    reads = [make_read(plate=f"ABC12{n:02d}", age=timedelta(hours=2)) for n in range(4)]
    client = make_verified_client(Role.DETECTIVE)
    justify(client)
    assert all(read.plate in search_plate(client, "ABC12*") for read in reads)  # the reads are in scope
    # Tried: two reads in one package (the page allowed 25; the policy's cap is 1 per request).
    response = _export(client, reads[:2])
    assert response.status_code == 400 and "per request" in response.content.decode()
    assert not EvidencePackage.objects.exists()
    AgencyPolicy.objects.create(download_cap_per_user_day=2)  # the newest version is in force
    assert _export(client, [reads[0]]).status_code == 302
    assert _export(client, [reads[1]]).status_code == 302
    # Tried: a third export the same day (the page had no daily cap).
    response = _export(client, [reads[2]])
    assert response.status_code == 400 and "Daily download limit" in response.content.decode()
    assert EvidencePackage.objects.count() == 2
    assert _refused("read.downloaded", client.user).targets == [f"read:{reads[2].pk}"]


@pytest.mark.rule("SHR-6")
@pytest.mark.rule("RET-1")
def test_received_reads_and_reads_past_retention_are_not_exported(make_verified_client, make_read, detective):
    received = make_read(plate="ABC1234", age=timedelta(hours=2), origin_agency="IL0160000")
    expired = make_read(plate="XYZ9876", age=timedelta(days=3))
    client = make_verified_client(Role.DETECTIVE)
    justify(client)
    # A search lists no read another agency sent us, so no justification ever reaches one.
    assert reverse("searches:read_detail", args=[received.pk]) not in search_plate(client, "ABC1234")
    response = _export(client, [received])  # tried: the received read's id through the export page
    assert response.status_code == 400 and "not in the results of a search" in response.content.decode()
    # The search lists the other read; then the policy shortens retention and it is past it.
    assert "XYZ9876" in search_plate(client, "XYZ9876")
    AgencyPolicy.objects.create(retention_days=1)  # the newest version is in force
    response = _export(client, [expired])  # tried: the listed read, now past retention
    assert response.status_code == 400 and "No such read" in response.content.decode()
    assert not EvidencePackage.objects.exists()
    # The evidence store refuses a received read whoever calls it.
    with pytest.raises(PolicyDenied, match="SHR-6"):
        evidence_package_create(actor=actor_of(detective), read_ids=[received.pk], purpose="violent_crime",
                                case_number="26-004512", description=EXPORT_PURPOSE)


# --- door 4: erroneous-read pages --------------------------------------------------------------------

@pytest.mark.rule("RET-5")
@pytest.mark.rule("AUD-1")
@pytest.mark.parametrize("role", [Role.OFFICER, Role.AUDITOR, Role.ADMINISTRATOR])
def test_the_flag_page_without_a_justification_shows_no_plate_and_is_refused(role, make_verified_client,
                                                                             make_read):
    read = make_read(plate="ABC1234", age=timedelta(hours=2))
    client = make_verified_client(role)
    url = reverse("retention:flag_read", args=[read.pk])
    # Tried: the flag page of any read id, and flagging it, with no justification open.
    page = client.get(url)
    assert page.status_code == 403 and "ABC1234" not in page.content.decode()
    assert _refused("read.viewed", client.user).targets == [f"read:{read.pk}"]
    response = client.post(url, {"kind": "misread", "note": "Photo shows ABC1284",
                                 "suggested_plate": "ABC1284"})
    assert response.status_code == 403 and "ABC1234" not in response.content.decode()
    assert not ErroneousFlag.objects.exists()


@pytest.mark.rule("RET-5")
def test_the_flags_queue_shows_no_read_without_an_audit_justification(make_verified_client, make_read,
                                                                      officer):
    read = make_read(plate="ABC1234", age=timedelta(hours=2))
    justification = open_justification(officer)
    access.plate_reads_search(actor=actor_of(officer), justification=justification, plate="ABC1234")
    access.plate_read_flag(actor=actor_of(officer), justification=justification,
                           read_id=read.pk, kind="wrong_camera", note="ABC1234 is from Lake Street")
    admin = make_verified_client(Role.ADMINISTRATOR)
    # Tried: the reviewer's queue with no justification open; the reporter's note names the plate.
    page = admin.get(reverse("retention:flags_queue"))
    assert page.status_code == 200 and f"Flag {ErroneousFlag.objects.get().pk}" in page.content.decode()
    assert "ABC1234" not in page.content.decode() and "Lake Street" not in page.content.decode()
    assert not AuditEvent.objects.filter(action="retention.flagged_reads_listed").exists()


# --- refusals are audited as refused; someone else's package is a refused 404 ---------------------------

def _package(actor, read) -> EvidencePackage:
    return evidence_package_create(actor=actor, read_ids=[read.pk], purpose="violent_crime",
                                   case_number="26-004512", description=EXPORT_PURPOSE)


@pytest.mark.rule("RET-4")
@pytest.mark.rule("AUD-1")
def test_someone_elses_package_or_a_missing_one_is_a_refused_404(make_verified_client, make_read, detective):
    package = _package(actor_of(detective), make_read())
    other = make_verified_client(Role.DETECTIVE)
    justify(other)  # for the same case: the ZIP is still only its creator's
    # Tried: another detective's package (its page, verification and ZIP), and an id that does not exist.
    tried = (("package_detail", package.pk, "evidence_package_viewed"),
             ("package_download", package.pk, "evidence_package_downloaded"),
             ("package_detail", package.pk + 100, "evidence_package_viewed"))
    for name, package_id, action in tried:
        assert other.get(reverse(f"retention:{name}", args=[package_id])).status_code == 404
        assert _refused(f"retention.{action}", other.user).targets[0].startswith("evidence-package-id:")
    assert other.post(reverse("retention:package_verify", args=[package.pk])).status_code == 404
    assert _refused("retention.evidence_package_verified", other.user)
    assert not AuditEvent.objects.filter(actor_user=other.user, outcome=Outcome.FAILED).exists()


@pytest.mark.rule("AUD-1")
def test_a_role_refused_a_retention_page_is_audited_as_refused(make_verified_client):
    records = make_verified_client(Role.RECORDS)
    # Tried: each retention page by a role that reaches none of them.
    for name in ("holds_list", "hold_place", "packages_list", "package_create", "my_flags", "flags_queue",
                 "purge_runs"):
        path = reverse(f"retention:{name}")
        assert records.get(path).status_code == 403
        event = AuditEvent.objects.filter(actor_user=records.user).latest("id")
        assert event.outcome == Outcome.REFUSED and path in [*event.targets, event.query.get("path")]


# --- nothing calls the evidence writes but the access layer ------------------------------------------

WRITES_BEHIND_THE_ACCESS_LAYER = {
    # The sharing release selects its reads through alpr.access.plate_reads_for_release first.
    "evidence_package_create": {"alpr/access.py", "sharing/services/requests.py"},
    "hold_place": {"alpr/access.py"},
    "read_flag_erroneous": {"alpr/access.py"},
}


def _callers(name: str) -> set[str]:
    found = set()
    for path in python_files(ROOT):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative == "conftest.py":
            continue
        calls = [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Call)]
        # A direct call, or a look-up by name such as getattr(services, "hold_place").
        called = {ast.unparse(call.func).rsplit(".", 1)[-1] for call in calls} | {
            arg.value for call in calls for arg in call.args if isinstance(arg, ast.Constant)}
        if name in called:
            found.add(relative)
    return found


@pytest.mark.parametrize("write", sorted(WRITES_BEHIND_THE_ACCESS_LAYER))
def test_the_retention_writes_that_take_reads_are_called_only_through_the_access_layer(write):
    assert _callers(write) <= WRITES_BEHIND_THE_ACCESS_LAYER[write], (
        f"{write} takes reads the caller chose: call it through alpr.access, which checks the justification, "
        "the policy's caps and the retention window, and audits")


# --- a package's ZIP is ALPR data: its creator's, under a justification for its case --------------------

@pytest.mark.rule("RET-4")
@pytest.mark.rule("USE-1")
@pytest.mark.rule("AUD-1")
def test_a_packages_zip_needs_its_creators_justification_for_its_case(make_verified_client, make_read):
    client = make_verified_client(Role.DETECTIVE)
    package = _package(actor_of(client.user), make_read())
    url = reverse("retention:package_download", args=[package.pk])
    # Tried: the creator's download with no justification open (the page handed out the ZIP).
    response = client.get(url)
    assert response.status_code == 403 and response.content[:2] != b"PK"
    assert _refused("retention.evidence_package_downloaded", client.user).case_number == ""
    # Tried: under a justification for another case.
    justify(client, case_number="26-009999")
    response = client.get(url)
    assert response.status_code == 403 and "26-004512" in response.content.decode()
    assert _refused("retention.evidence_package_downloaded", client.user).case_number == "26-009999"
    justify(client, case_number="26-004512")
    response = client.get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    handed = AuditEvent.objects.get(action="retention.evidence_package_downloaded", outcome=Outcome.ALLOWED)
    assert handed.case_number == "26-004512" and f"read:{package.read_ids[0]}" in handed.targets


@pytest.mark.rule("RET-4")
@pytest.mark.rule("SHR-1")
def test_the_administrator_gets_no_packages_zip_from_the_page(make_verified_client, make_read, detective):
    package = _package(actor_of(detective), make_read())
    admin = make_verified_client(Role.ADMINISTRATOR)
    url = reverse("retention:package_download", args=[package.pk])
    # Tried: the administrator's download, without and with an (audit) justification open.
    for _ in range(2):
        response = admin.get(url)
        assert response.status_code in (403, 404) and response.content[:2] != b"PK"
        assert _refused("retention.evidence_package_downloaded", admin.user)
        justify(admin, case_number="", description="Monthly review of the evidence packages")
    assert url not in admin.get(reverse("retention:package_detail", args=[package.pk])).content.decode()
    assert not AuditEvent.objects.filter(action="retention.evidence_package_downloaded",
                                         outcome=Outcome.ALLOWED).exists()
