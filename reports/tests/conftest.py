"""Fixtures of the reports app's tests: cameras, plate reads, alerts, seeded audit events."""

from datetime import UTC, date, datetime, timedelta
from itertools import count
from uuid import uuid4

import pytest
from django.utils import timezone

from alpr import partitions
from alpr.models import Camera, CameraKind, CameraStatus, PlateRead, ReadStatus
from alpr.services import camera_create
from audit.context import Actor
from audit.models import ActorType, AuditEvent
from hotlists.models import Alert, Hotlist, HotlistEntry
from policy.roles import Role
from reports.models import CameraLocationHistory, CameraPlacementRequest


@pytest.fixture
def camera(db):
    return Camera.objects.create(
        name="North Ave at Harlem",
        latitude="41.909300",
        longitude="-87.806100",
        location_description="North Ave at Harlem Ave, eastbound",
        kind=CameraKind.FIXED,
        status=CameraStatus.ACTIVE,
        installed_on=date(2024, 6, 1),  # before every period the tests report on
    )


@pytest.fixture
def second_camera(db):
    return Camera.objects.create(
        name="Madison at Oak Park Ave",
        latitude="41.879800",
        longitude="-87.794200",
        location_description="Madison St at Oak Park Ave",
        kind=CameraKind.TRAILER,
        status=CameraStatus.ACTIVE,
        installed_on=date(2025, 6, 1),
    )


@pytest.fixture
def people(user_factory):
    """One person of each role that matters here."""
    return {
        role: user_factory(role=role)
        for role in (
            Role.ADMINISTRATOR,
            Role.CHIEF,
            Role.OVERSIGHT,
            Role.AUDITOR,
            Role.OFFICER,
            Role.DETECTIVE,
        )
    }


def actor(user) -> Actor:
    return Actor.for_user(user)


def local(year, month, day, hour=12, minute=0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def audit_event(user, code, when, *, outcome="allowed", purpose="", case_number="", query=None, **fields):
    """An audit entry as the services write it (content hash left to the database's trigger)."""
    return AuditEvent.objects.create(
        occurred_at=when,
        actor_type=ActorType.USER,
        actor_user=user,
        actor_label=user.audit_label,
        action=code,
        outcome=outcome,
        purpose=purpose,
        case_number=case_number,
        query=query or {},
        content_hash="",
        **fields,
    )


def plate_read(camera, when, plate="QXJ4821"):
    """A processed read of `camera` at `when`, in its day's partition."""
    day = when.astimezone(UTC).date()
    partitions.ensure_partitions(day - timedelta(days=1), day + timedelta(days=1))
    return PlateRead.system_objects.create(
        camera=camera, plate=plate, captured_at=when, status=ReadStatus.DONE, idempotency_key=uuid4().hex
    )


@pytest.fixture
def hotlist_entry(db):
    return HotlistEntry.objects.create(
        hotlist=Hotlist.objects.create(name="Internal"),
        plate_pattern="7ABC123",
        plate_exact="7ABC123",
        reason="Stolen in a burglary",
        case_number="26-004512",
        expires_at=timezone.now() + timedelta(days=400),
    )


def raise_alert(entry, camera, when, *, outcome="", action="", race="", sex="", verified_by=None,
                read_id=None):
    """An alert raised at `when` (on a read of its own unless `read_id`), verified with `outcome` and acted
    on with `action` if given."""
    return Alert.objects.create(
        read_id=read_id or next(_read_ids),
        read_captured_at=when,
        camera=camera,
        entry=entry,
        match_kind="exact",
        created_at=when,
        verification_outcome=outcome,
        verified_by=verified_by if outcome else None,
        verified_at=when if outcome else None,
        action=action,
        action_by=verified_by if action else None,
        action_at=when if action else None,
        subject_race=race,
        subject_sex=sex,
    )


_read_ids = count(900_000)


# Cameras installed before the system, and the record of their earlier approval (CAM-2)
PRIOR_RECORDED = "camera.placement_prior_recorded"
LONG_AGO = 400  # days: an approval whose public notice ran long ago


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def prior_approval(**overrides) -> dict:
    """A complete record of an installation approved long ago, as the service takes it."""
    return {
        "approved_on": days_ago(LONG_AGO),
        "approved_by": "Chief R. Alvarez",
        "approval_document": "Memo 24-09, filed with the Village Clerk",
        "public_notice": "Village website and board meeting of March 4, 2024",
        "latitude": "41.888100",
        "longitude": "-87.803000",
        "location_description": "Lake St at Harlem Ave, NE corner",
        "justification": "Installed in 2024 on the crime analysis of memo 24-09 (stolen vehicles).",
        "nondiscrimination": "Weighed in 2024 against the census tracts, on paper: memo 24-09.",
        **overrides,
    }


@pytest.fixture
def pending_camera(db):
    """A camera registered before installations were enforced: pending, refused at upload."""
    return camera_create(actor=Actor.system("old installer"), name="Lake St at Harlem Ave",
                         latitude="41.888000", longitude="-87.803100", location_description="Lake & Harlem")


def assert_still_pending(camera, *, placements: int = 0) -> None:
    """The camera is as it was: pending, not installed, and no placement or location was recorded."""
    camera.refresh_from_db()
    assert camera.status == CameraStatus.PENDING and camera.installed_on is None
    assert CameraPlacementRequest.objects.count() == placements
    assert not CameraLocationHistory.objects.exists()


@pytest.fixture
def partner_key(people):
    """The partner API key of a person of an agency with a declaration in force and sharing on."""
    from sharing.services import agencies
    from sharing.tests.conftest import AgencyFactory, DeclarationFactory, PartnerPersonFactory

    agency = AgencyFactory(name="Riverside Police Department", sharing_enabled=True)
    DeclarationFactory(agency=agency)
    person = PartnerPersonFactory(agency=agency, full_name="Sam Ortiz")
    _, key = agencies.credential_issue(actor=Actor.for_user(people[Role.ADMINISTRATOR]), person_id=person.pk)
    return key
