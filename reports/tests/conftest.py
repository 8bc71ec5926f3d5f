"""Fixtures of the reports app's tests: cameras, plate reads, seeded audit events."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from alpr.models import Camera, CameraKind
from audit.context import Actor
from policy.roles import Role


@pytest.fixture
def camera(db):
    return Camera.objects.create(
        name="North Ave at Harlem",
        latitude="41.909300",
        longitude="-87.806100",
        location_description="North Ave at Harlem Ave, eastbound",
        kind=CameraKind.FIXED,
        installed_on=timezone.localdate() - timedelta(days=400),
    )


@pytest.fixture
def second_camera(db):
    return Camera.objects.create(
        name="Madison at Oak Park Ave",
        latitude="41.879800",
        longitude="-87.794200",
        location_description="Madison St at Oak Park Ave",
        kind=CameraKind.TRAILER,
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
