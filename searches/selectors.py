"""Reads of the search workflow's own records (never plate reads: those go through ``alpr.access``)."""
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from alpr.models import Camera
from policy.selectors import current_policy
from reports.svgmap import HEIGHT, WIDTH, Frame
from searches.models import (
    FelonyExceptionRequest,
    FelonyRequestStatus,
    Justification,
    JustificationKind,
    SearchOutcome,
)

# How far back a searcher's start page asks what their searches led to: a month, the period of the
# oversight report the outcomes feed. Older searches can still be given an outcome.
RECENT_SEARCH_DAYS = 30
RECENT_SEARCHES_SHOWN = 5

# The canvass map shows at least this much ground, so one camera still has streets around it to click.
CANVASS_MAP_MIN_SPAN_M = 3000


def open_justification(*, user, justification_id) -> Justification | None:
    """Return `user`'s justification `justification_id` if it is still open, else None."""
    if not justification_id or user is None or not user.is_authenticated:
        return None
    justification = Justification.objects.select_related("felony_request").filter(
        pk=justification_id, user=user).first()
    if justification is None or not justification.is_open_at(timezone.now()):
        return None
    return justification


def usable_felony_requests(*, user):
    """Return `user`'s other-felony requests the Chief approved and that have not lapsed."""
    return FelonyExceptionRequest.objects.usable(current_policy()).filter(requested_by=user)


def felony_requests_of(*, user):
    """Return `user`'s other-felony requests, each with when its approval lapses (``valid_until``)."""
    return (FelonyExceptionRequest.objects.with_valid_until(current_policy()).filter(requested_by=user)
            .select_related("decided_by"))


def pending_felony_requests():
    return FelonyExceptionRequest.objects.filter(status=FelonyRequestStatus.PENDING).select_related(
        "requested_by").order_by("created_at")


def decided_felony_requests(limit: int = 50):
    return (FelonyExceptionRequest.objects.exclude(status=FelonyRequestStatus.PENDING)
            .select_related("requested_by", "decided_by").order_by("-decided_at")[:limit])


def searchable_cameras():
    """Cameras a search may be narrowed to (retired ones too: their reads are still searchable)."""
    return Camera.objects.order_by("name")


def outcomes_of(justification: Justification):
    return SearchOutcome.objects.filter(justification=justification)


def felony_request_pending_count() -> int:
    return FelonyExceptionRequest.objects.filter(status=FelonyRequestStatus.PENDING).count()


def own_case_justification(*, user, justification_id: int) -> Justification | None:
    """Return `user`'s own case justification `justification_id` (open or ended), else None."""
    return Justification.objects.filter(pk=justification_id, user=user, kind=JustificationKind.CASE).first()


def _recent_case_justifications(user):
    since = timezone.now() - timedelta(days=RECENT_SEARCH_DAYS)
    return Justification.objects.filter(user=user, kind=JustificationKind.CASE, created_at__gte=since)


def recent_searches(*, user) -> list[Justification]:
    """Return `user`'s latest case justifications of the last month, newest first, each with
    ``outcome_count``: what the start page lists (purpose and case number, never a plate)."""
    return list(_recent_case_justifications(user).annotate(outcome_count=Count("outcomes"))
                .order_by("-created_at", "-id")[:RECENT_SEARCHES_SHOWN])


def outcomes_to_record_count(*, user) -> int:
    """How many of `user`'s ended case justifications of the last month have no outcome recorded."""
    now = timezone.now()
    ended = Q(closed_at__isnull=False) | Q(expires_at__lte=now)
    return (_recent_case_justifications(user).filter(ended)
            .exclude(Exists(SearchOutcome.objects.filter(justification=OuterRef("pk")))).count())


def located_cameras():
    """Cameras with coordinates: the places a canvass can start from (every location is public, CAM-1)."""
    return searchable_cameras().exclude(latitude=None).exclude(longitude=None)


@dataclass(frozen=True)
class CameraSpot:
    camera_id: int
    name: str
    description: str
    latitude: float
    longitude: float
    x: float
    y: float


@dataclass(frozen=True)
class CanvassMap:
    """The cameras drawn on an SVG, and the projection the page's script inverts to turn a click into
    coordinates."""

    frame: Frame | None
    spots: list[CameraSpot]
    width: int = WIDTH
    height: int = HEIGHT


def canvass_map() -> CanvassMap:
    cameras = [(c, float(c.latitude), float(c.longitude)) for c in located_cameras()]
    if not cameras:
        return CanvassMap(None, [])
    frame = Frame.fit([(lat, lon) for _, lat, lon in cameras], min_span_m=CANVASS_MAP_MIN_SPAN_M)
    return CanvassMap(frame, [CameraSpot(c.pk, c.name, c.location_description, lat, lon, *frame.xy(lat, lon))
                              for c, lat, lon in cameras])
