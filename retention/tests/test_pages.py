"""The retention pages: who reaches them, and that they drive the services."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from policy.roles import Role
from retention.models import ErroneousFlag, EvidenceHold, EvidencePackage, FlagStatus
from retention.services import hold_place
from retention.tests.conftest import actor_of, justify, search_plate

EXPORT_PURPOSE = "Evidence for the prosecutor in the Oak Street robbery case"


@pytest.mark.rule("RET-2")
def test_detective_places_views_and_releases_a_hold_through_the_pages(make_verified_client, make_read):
    read = make_read(plate="ABC1234")
    client = make_verified_client(Role.DETECTIVE)
    justify(client, case_number="26-004512")  # a hold is placed under the justification, for its case
    assert "ABC1234" in search_plate(client, "ABC1234")  # only a read the search listed can be held
    page = client.get(reverse("retention:hold_place") + f"?read={read.pk}")
    assert page.status_code == 200 and str(read.pk) in page.content.decode()
    response = client.post(reverse("retention:hold_place"), {
        "reason": "Suspect vehicle of the Oak Street shooting, for the trial", "read_ids": str(read.pk)})
    hold = EvidenceHold.objects.get()
    assert response.status_code == 302 and response.url == reverse("retention:hold_detail", args=[hold.pk])
    detail = client.get(response.url).content.decode()
    assert "ABC1234" in detail and "26-004512" in detail
    assert AuditEvent.objects.filter(action="retention.hold_viewed", actor_user=client.user).exists()
    client.post(reverse("retention:hold_release", args=[hold.pk]), {"reason": "Case closed"})
    hold.refresh_from_db()
    assert not hold.is_active and hold.case_number == "26-004512"


def test_others_holds_are_hidden_and_auditors_cannot_place(make_verified_client, make_read, user_factory):
    read = make_read()
    owner = user_factory(role=Role.DETECTIVE)
    hold = hold_place(actor=actor_of(owner), case_number="26-1", reason="Kept", read_ids=[read.pk])
    other = make_verified_client(Role.OFFICER)
    assert other.get(reverse("retention:hold_detail", args=[hold.pk])).status_code == 404
    admin = make_verified_client(Role.ADMINISTRATOR)
    page = admin.get(reverse("retention:hold_detail", args=[hold.pk]))
    # The administrator reviews and releases holds; the reads' plates show only under a case justification.
    assert page.status_code == 200 and read.plate not in page.content.decode()
    auditor = make_verified_client(Role.AUDITOR)
    assert auditor.get(reverse("retention:hold_place")).status_code == 403


@pytest.mark.parametrize("page", ["retention:hold_place", "retention:package_create"])
def test_a_read_number_in_a_unicode_digit_is_a_form_error(make_verified_client, make_read, page):
    # Tried: "1²" (str.isdigit() says yes, int() says no: a 500 before) and a number no id can be.
    read = make_read()
    client = make_verified_client(Role.DETECTIVE)
    justify(client)
    for typed in (f"{read.pk}, 1²", f"{read.pk} ١٢", "9" * 19):
        response = client.post(reverse(page), {"read_ids": typed, "purpose": EXPORT_PURPOSE,
                                               "reason": "Getaway car of the Oak Street robbery, for trial"})
        assert response.status_code == 400 and "List read numbers" in response.content.decode()
    assert not EvidenceHold.objects.exists() and not EvidencePackage.objects.exists()


@pytest.mark.rule("RET-4")
def test_export_and_verify_through_the_pages(make_verified_client, make_read):
    read = make_read()
    client = make_verified_client(Role.DETECTIVE)
    justify(client)  # an export is a download under the justification
    search_plate(client, read.plate)  # of reads a search under it listed
    response = client.post(reverse("retention:package_create"), {
        "read_ids": str(read.pk), "purpose": EXPORT_PURPOSE, "recipient": "Cook County SAO"})
    package = EvidencePackage.objects.get()
    assert package.case_number == "26-004512"
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert package.manifest_sha256 in detail and "custody.json" in detail
    client.post(reverse("retention:package_verify", args=[package.pk]))
    package.refresh_from_db()
    assert package.last_verified_ok is True


@pytest.mark.rule("RET-5")
def test_flag_form_and_review_queue(make_verified_client, make_read):
    read = make_read(plate="ABC1234", captured_at=timezone.now() - timedelta(hours=1))
    officer = make_verified_client(Role.OFFICER)
    justify(officer)  # the read is shown, and flagged, under the justification it was opened under
    search_plate(officer, "ABC1234")  # after a search under it listed the read
    url = reverse("retention:flag_read", args=[read.pk])
    assert "ABC1234" in officer.get(url).content.decode()
    assert AuditEvent.objects.filter(action="read.viewed", actor_user=officer.user,
                                     targets=[f"read:{read.pk}"]).exists()
    officer.post(url, {"kind": "misread", "note": "Photo shows the second last digit as an 8",
                       "suggested_plate": "ABC1284"})
    flag = ErroneousFlag.objects.get()
    assert officer.get(reverse("retention:flags_queue")).status_code == 403
    records = make_verified_client(Role.RECORDS)
    assert records.get(url).status_code == 403
    admin = make_verified_client(Role.ADMINISTRATOR)
    queue = admin.get(reverse("retention:flags_queue")).content.decode()
    assert f"Flag {flag.pk}" in queue  # the flag waits; its read, plates and note (may name one) do not
    assert "second last digit" not in queue and "ABC1234" not in queue and "ABC1284" not in queue
    justify(admin, case_number="", description="Monthly review of the erroneous-read flags")
    queue = admin.get(reverse("retention:flags_queue")).content.decode()
    assert "ABC1234" in queue and "ABC1284" in queue  # under the audit justification, audited
    assert "second last digit" in queue
    listed = AuditEvent.objects.get(action="retention.flagged_reads_listed", actor_user=admin.user)
    assert listed.targets == [f"read:{read.pk}"] and listed.purpose == "audit_query"
    admin.post(reverse("retention:flag_review", args=[flag.pk]),
               {"decision": "confirm", "note": "Agreed", "corrected_plate": "ABC1284"})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.plate_after == "ABC1284"
    assert admin.get(reverse("retention:purge_runs")).status_code == 200


@pytest.mark.rule("RET-4")
def test_the_package_page_offers_its_zip_to_its_creator(make_verified_client, make_read):
    client = make_verified_client(Role.DETECTIVE)
    justify(client)
    read = make_read(plate="ABC1234")
    search_plate(client, "ABC1234")
    response = client.post(reverse("retention:package_create"), {
        "read_ids": str(read.pk), "purpose": EXPORT_PURPOSE,
        "recipient": "Cook County SAO"})
    package = EvidencePackage.objects.get()
    detail = client.get(response.url).content.decode()
    download = reverse("retention:package_download", args=[package.pk])
    assert download in detail
    zipped = client.get(download)
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    assert zipped.content[:2] == b"PK"


@pytest.mark.rule("RET-4")
def test_the_package_page_names_the_file_and_its_hash_never_the_server_path(
        make_verified_client, make_read, settings):
    client = make_verified_client(Role.DETECTIVE)
    justify(client)
    read = make_read(plate="ABC1234")
    search_plate(client, "ABC1234")
    response = client.post(reverse("retention:package_create"), {
        "read_ids": str(read.pk), "purpose": EXPORT_PURPOSE, "recipient": "Cook County SAO"})
    package = EvidencePackage.objects.get()
    detail = client.get(response.url).content.decode()
    assert str(settings.EVIDENCE_ROOT) not in detail and "Location" not in detail
    name = f"{package.directory.rsplit('/', 1)[-1]}.zip"
    assert f"<code>{name}</code>" in detail and package.manifest_sha256 in detail
    zipped = client.get(reverse("retention:package_download", args=[package.pk]))
    assert zipped["Content-Disposition"] == f'attachment; filename="{name}"'


@pytest.mark.rule("RET-4")
def test_a_package_gone_from_the_store_is_reported_without_the_server_path(
        make_verified_client, make_read, settings):
    """Tried: the package's directory removed from the evidence store, then *Verify* and *Download* on
    its page: the failure named the server's full path to the store."""
    import shutil

    client = make_verified_client(Role.DETECTIVE)
    justify(client)
    read = make_read(plate="ABC1234")
    search_plate(client, "ABC1234")
    client.post(reverse("retention:package_create"), {
        "read_ids": str(read.pk), "purpose": EXPORT_PURPOSE, "recipient": "Cook County SAO"})
    package = EvidencePackage.objects.get()
    shutil.rmtree(settings.EVIDENCE_ROOT / package.directory)
    verified = client.post(reverse("retention:package_verify", args=[package.pk]), follow=True)
    page = verified.content.decode()
    assert "Verification FAILED" in page and "does not exist" in page
    assert str(settings.EVIDENCE_ROOT) not in page
    download = client.get(reverse("retention:package_download", args=[package.pk]))
    assert download.status_code >= 400 and str(settings.EVIDENCE_ROOT) not in download.content.decode()
    package.refresh_from_db()
    assert package.last_verified_ok is False
