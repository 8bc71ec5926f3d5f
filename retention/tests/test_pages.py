"""The retention pages: who reaches them, and that they drive the services."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from policy.roles import Role
from retention.models import ErroneousFlag, EvidenceHold, EvidencePackage, FlagStatus
from retention.services import hold_place
from retention.tests.conftest import actor_of


@pytest.mark.rule("RET-2")
def test_detective_places_views_and_releases_a_hold_through_the_pages(make_verified_client, make_read):
    read = make_read(plate="ABC1234")
    client = make_verified_client(Role.DETECTIVE)
    page = client.get(reverse("retention:hold_place") + f"?read={read.pk}")
    assert page.status_code == 200 and str(read.pk) in page.content.decode()
    response = client.post(reverse("retention:hold_place"), {
        "case_number": "26-004512", "reason": "Shooting suspect vehicle", "read_ids": str(read.pk)})
    hold = EvidenceHold.objects.get()
    assert response.status_code == 302 and response.url == reverse("retention:hold_detail", args=[hold.pk])
    detail = client.get(response.url).content.decode()
    assert "ABC1234" in detail and "26-004512" in detail
    assert AuditEvent.objects.filter(action="retention.hold_viewed", actor_user=client.user).exists()
    client.post(reverse("retention:hold_release", args=[hold.pk]), {"reason": "Case closed"})
    hold.refresh_from_db()
    assert not hold.is_active


def test_others_holds_are_hidden_and_auditors_cannot_place(make_verified_client, make_read, user_factory):
    read = make_read()
    owner = user_factory(role=Role.DETECTIVE)
    hold = hold_place(actor=actor_of(owner), case_number="26-1", reason="Kept", read_ids=[read.pk])
    other = make_verified_client(Role.OFFICER)
    assert other.get(reverse("retention:hold_detail", args=[hold.pk])).status_code == 404
    admin = make_verified_client(Role.ADMINISTRATOR)
    assert admin.get(reverse("retention:hold_detail", args=[hold.pk])).status_code == 200
    auditor = make_verified_client(Role.AUDITOR)
    assert auditor.get(reverse("retention:hold_place")).status_code == 403


@pytest.mark.rule("RET-4")
def test_export_and_verify_through_the_pages(make_verified_client, make_read):
    read = make_read()
    client = make_verified_client(Role.DETECTIVE)
    response = client.post(reverse("retention:package_create"), {
        "read_ids": str(read.pk), "purpose": "violent_crime", "case_number": "26-004512",
        "description": "Robbery getaway car", "recipient": "Cook County SAO"})
    package = EvidencePackage.objects.get()
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
    url = reverse("retention:flag_read", args=[read.pk])
    assert "ABC1234" in officer.get(url).content.decode()
    officer.post(url, {"kind": "misread", "note": "Photo shows ABC1284", "suggested_plate": "ABC1284"})
    flag = ErroneousFlag.objects.get()
    assert officer.get(reverse("retention:flags_queue")).status_code == 403
    records = make_verified_client(Role.RECORDS)
    assert records.get(url).status_code == 403
    admin = make_verified_client(Role.ADMINISTRATOR)
    assert "Photo shows ABC1284" in admin.get(reverse("retention:flags_queue")).content.decode()
    admin.post(reverse("retention:flag_review", args=[flag.pk]),
               {"decision": "confirm", "note": "Agreed", "corrected_plate": "ABC1284"})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.plate_after == "ABC1284"
    assert admin.get(reverse("retention:purge_runs")).status_code == 200


@pytest.mark.rule("RET-4")
def test_the_package_page_offers_its_zip_to_its_creator(make_verified_client, make_read):
    client = make_verified_client(Role.DETECTIVE)
    response = client.post(reverse("retention:package_create"), {
        "read_ids": str(make_read(plate="ABC1234").pk), "purpose": "violent_crime",
        "case_number": "26-004512", "description": "Robbery at 100 Main St, for the prosecutor",
        "recipient": "Cook County SAO"})
    package = EvidencePackage.objects.get()
    detail = client.get(response.url).content.decode()
    download = reverse("retention:package_download", args=[package.pk])
    assert download in detail
    zipped = client.get(download)
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    assert zipped.content[:2] == b"PK"
