"""Releasing an evidence hold in a real browser: the detective who placed it releases it with a reason, and
the next purge deletes the read it kept past the retention period (RET-2)."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alpr import storage
from alpr.models import Camera, PlateRead
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from policy.roles import Role
from retention.models import EvidenceHold
from retention.services import hold_place, reads_purge_expired
from retention.tests.conftest import create_read
from tests.browser.conftest import assert_accessible, browser_sign_in, nav_go
from tests.browser.test_retention_journeys import state_justification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.mark.rule("RET-2")
def test_detective_releases_a_hold_and_the_purge_then_deletes_its_read(page, live_server):
    detective = UserFactory(role=Role.DETECTIVE)
    camera = Camera.objects.create(name="Harlem & North", location_description="NE corner")
    kept = create_read(camera, plate="HLD4040", age=timedelta(days=40))  # past the 30-day retention
    hold = hold_place(actor=Actor.for_user(detective), case_number="26-004512",
                      reason="Hit-and-run on Harlem Ave: the suspect car", read_ids=[kept.pk])
    reads_purge_expired(actor=Actor.system("scheduler"))
    assert PlateRead.system_objects.filter(pk=kept.pk).exists()  # the hold keeps it

    browser_sign_in(page, live_server, detective)
    state_justification(page, live_server, case_number="26-004512")  # the hold's reads show under its case
    nav_go(page, "Evidence")
    page.get_by_role("table", name="Holds in force").get_by_role("link", name=f"Hold {hold.pk}").click()
    expect(page.get_by_role("heading", name=f"Evidence hold {hold.pk}")).to_be_visible()
    expect(page.get_by_role("table", name="Reads this hold keeps")).to_contain_text("HLD4040")
    page.get_by_label("Reason for release").fill("Case closed: the driver pleaded guilty on 2026-11-20")
    page.get_by_role("button", name="Release the hold").click()
    expect(page.get_by_role("status")).to_contain_text("Hold released")
    expect(page.locator("dl.facts")).to_contain_text("Released")
    assert_accessible(page, "a released hold")
    hold.refresh_from_db()
    assert not hold.is_active and hold.released_by == detective

    reads_purge_expired(actor=Actor.system("scheduler"))
    assert not PlateRead.system_objects.filter(pk=kept.pk).exists()
    assert not storage.exists(kept.image_path)
    page.get_by_role("link", name="Evidence holds").click()
    released = page.get_by_role("table", name="Released holds")
    expect(released.get_by_role("row").filter(has_text="26-004512")).to_contain_text(detective.full_name)
    assert AuditEvent.objects.filter(action="retention.hold_released", actor_user=detective,
                                     outcome=Outcome.ALLOWED).exists()
    assert EvidenceHold.objects.get().release_reason.startswith("Case closed")
    assert timezone.now() - hold.released_at < timedelta(minutes=5)
