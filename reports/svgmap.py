"""An offline map of the cameras: their coordinates projected onto an SVG, no tile server needed.

The portal draws it for the public; the canvass form draws it to pick a point (searches), turning a
click back into coordinates with the same `Frame` (static/searches/canvass-map.js inverts it).
"""

import math
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 420
MARGIN = 40
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class MapPoint:
    number: int
    name: str
    description: str
    x: float
    y: float
    status: str
    pending: bool = False
    latitude: float = 0.0
    longitude: float = 0.0


def _mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


@dataclass(frozen=True)
class Frame:
    """A north-up Mercator fit of places into the drawing: x = offset_x + (longitude in radians − min_x)
    × scale; y = HEIGHT − offset_y − (Mercator y − min_y) × scale."""

    min_x: float
    min_y: float
    scale: float
    offset_x: float
    offset_y: float

    @classmethod
    def fit(cls, places: list[tuple[float, float]], *, min_span_m: float = 0.0) -> "Frame":
        """Fit (latitude, longitude) pairs, keeping the aspect ratio; a span narrower than `min_span_m`
        metres is widened around its centre (one camera still gets a neighbourhood around it)."""
        xs = [math.radians(lon) for _, lon in places]
        ys = [_mercator_y(lat) for lat, _ in places]
        mid_latitude = math.radians(sum(lat for lat, _ in places) / len(places))
        least = max(min_span_m / (EARTH_RADIUS_M * math.cos(mid_latitude)), 1e-6)
        min_x, span_x = _widened(min(xs), max(xs), least)
        min_y, span_y = _widened(min(ys), max(ys), least)
        scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
        return cls(min_x, min_y, scale, (WIDTH - scale * span_x) / 2, (HEIGHT - scale * span_y) / 2)

    def xy(self, latitude: float, longitude: float) -> tuple[float, float]:
        return (round(self.offset_x + (math.radians(longitude) - self.min_x) * self.scale, 1),
                round(HEIGHT - self.offset_y - (_mercator_y(latitude) - self.min_y) * self.scale, 1))


def _widened(low: float, high: float, least: float) -> tuple[float, float]:
    """Return (start, span) of [low, high], widened about its centre to at least `least`."""
    if high - low >= least:
        return low, high - low
    return (low + high) / 2 - least / 2, least


def project(places: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Fit (latitude, longitude) pairs into the drawing, north up, keeping the aspect ratio."""
    if not places:
        return []
    frame = Frame.fit(places)
    return [frame.xy(lat, lon) for lat, lon in places]


def camera_points(cameras, pending=()) -> list[MapPoint]:
    """Number every camera with coordinates, and every pending placement, and place them on the map."""
    located = [
        (c.name, c.location_description, float(c.latitude), float(c.longitude), c.get_status_display(), False)
        for c in cameras
        if c.latitude is not None and c.longitude is not None
    ]
    located += [
        (p.subject, p.location_description, float(p.latitude), float(p.longitude), "Planned", True)
        for p in pending
    ]
    coordinates = project([(lat, lon) for _, _, lat, lon, _, _ in located])
    return [
        MapPoint(index + 1, name, description, x, y, status, is_pending, lat, lon)
        for index, ((name, description, lat, lon, status, is_pending), (x, y)) in enumerate(
            zip(located, coordinates, strict=True)
        )
    ]
