"""Selectors on the camera registry (no plate reads here): which cameras have gone silent.

A camera in service is *silent* when neither an upload nor a heartbeat of its agent has reached us for
longer than the policy's ``camera_silent_minutes``; one never heard from counts from the later of the
day its installation took effect and the moment it went into service here (``in_service_since``: a
camera whose earlier approval the Chief records today went into service today). The administrator's
registry flags it and the public portal shows it as out of service (ingest.health records the contacts).
Only active cameras can be silent: a pending, inactive or retired camera is not in service anyway.
"""
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, Func, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from alpr.models import Camera, CameraStatus
from policy.selectors import current_policy


class StartOfLocalDay(Func):
    """The moment a date column's day begins in the agency's time zone (a camera installed on the 4th
    has been in service since local midnight, not since midnight UTC, which is the evening before here)."""
    arg_joiner = "::timestamp AT TIME ZONE "
    template = "(%(expressions)s)"
    output_field = DateTimeField()

    def __init__(self, date_column: str):
        super().__init__(date_column, Value(settings.TIME_ZONE))


def _with_last_contact(cameras: QuerySet) -> QuerySet:
    # PostgreSQL's GREATEST skips NULLs: the later of the two contacts, or None if neither happened.
    return cameras.annotate(
        last_contact_at=Greatest("last_upload_at", "last_heartbeat_at"),
        silent_since=Coalesce(Greatest("last_upload_at", "last_heartbeat_at"),
                              Greatest(StartOfLocalDay("installed_on"), "in_service_since")),
    )


def silence_cutoff(now: datetime | None = None) -> datetime:
    """Contacts before this moment are too old: the camera is silent."""
    return (now or timezone.now()) - timedelta(minutes=current_policy().camera_silent_minutes)


def cameras_silent(now: datetime | None = None) -> QuerySet:
    """Active cameras silent longer than the policy allows, longest silent first (``.count()`` for a
    dashboard). Each carries ``last_contact_at`` (None if never heard from)."""
    return (_with_last_contact(Camera.objects.filter(status=CameraStatus.ACTIVE))
            .filter(silent_since__lt=silence_cutoff(now)).order_by("silent_since", "name"))


def silent_camera_count() -> int:
    """How many cameras in service are silent now: the administrator's start page counts them."""
    return cameras_silent().count()


def cameras_with_health(now: datetime | None = None) -> list[Camera]:
    """Every camera with ``last_contact_at`` and ``silent`` (in service and silent too long)."""
    cutoff = silence_cutoff(now)
    cameras = list(_with_last_contact(Camera.objects.order_by("name")))
    for camera in cameras:
        camera.silent = camera.status == CameraStatus.ACTIVE and (
            camera.silent_since is not None and camera.silent_since < cutoff)
    return cameras
