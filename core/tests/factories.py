"""Records the start page's tiles count, as the owning apps store them (core/tests/test_dashboard.py)."""
from datetime import date, timedelta
from itertools import count

import factory
from django.utils import timezone

from alpr.models import Camera
from conftest import UserFactory
from hotlists.models import Alert, Hotlist, HotlistEntry
from policy.roles import Role
from reports.models import CameraPlacementRequest, Report
from searches.models import FelonyExceptionRequest

PLATE = "QZX7781"  # on the hotlist entry of every alert: must never reach a start page
_read_ids = count(900_000)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def next_read_id() -> int:
    return next(_read_ids)


class FelonyRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FelonyExceptionRequest

    requested_by = factory.SubFactory(UserFactory, role=Role.DETECTIVE)
    case_number = factory.Sequence(lambda n: f"26-F{n:05d}")
    offense = "Arson of an occupied building"
    description = "A grey van seen leaving the fire; its plate partly reported by a witness"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CameraPlacementRequest

    kind = "install"
    camera_name = factory.Sequence(lambda n: f"Harlem Ave camera {n}")
    latitude = "41.887000"
    longitude = "-87.806000"
    location_description = "Harlem Ave at North Ave"
    justification = "Twelve stolen vehicles recovered on this corridor last year"
    nondiscrimination = "Placed on an arterial used by every neighbourhood alike"
    requested_by = factory.SubFactory(UserFactory, role=Role.ADMINISTRATOR)
    requested_at = factory.LazyFunction(timezone.now)


class ReportFactory(factory.django.DjangoModelFactory):
    """A stored monthly audit report of October 2026 (pass kind, period_start, version for others)."""

    class Meta:
        model = Report

    kind = "monthly_audit"
    period_start = date(2026, 10, 1)
    period_end = factory.LazyAttribute(lambda r: (r.period_start + timedelta(days=32)).replace(day=1)
                                       - timedelta(days=1))
    title = factory.LazyAttribute(lambda r: f"{r.kind} {r.period_start:%B %Y}")
    generated_at = factory.LazyFunction(timezone.now)
    generated_by_label = "System"


class AlertFactory(factory.django.DjangoModelFactory):
    """An unverified alert raised an hour ago on an entry for PLATE."""

    class Meta:
        model = Alert

    read_id = factory.LazyFunction(next_read_id)
    read_captured_at = factory.LazyFunction(lambda: ago(hours=1))
    camera = factory.LazyFunction(lambda: Camera.objects.get_or_create(
        name="Lake St at Harlem Ave", defaults={"latitude": 41.888, "longitude": -87.803})[0])
    entry = factory.LazyFunction(lambda: HotlistEntry.objects.get_or_create(
        plate_pattern=PLATE, defaults={
            "hotlist": Hotlist.objects.get_or_create(name="Internal")[0], "plate_exact": PLATE,
            "reason": "Stolen in a burglary", "case_number": "26-004512",
            "expires_at": timezone.now() + timedelta(days=30)})[0])
    match_kind = "exact"
    created_at = factory.LazyFunction(lambda: ago(hours=1))
