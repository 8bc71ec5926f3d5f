"""An offline map of the cameras: their coordinates projected onto an SVG, no tile server needed."""

import math
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 420
MARGIN = 40


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


def project(places: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Fit (latitude, longitude) pairs into the drawing, north up, keeping the aspect ratio."""
    if not places:
        return []
    xs = [math.radians(lon) for _, lon in places]
    ys = [_mercator_y(lat) for lat, _ in places]
    span_x = max(max(xs) - min(xs), 1e-6)
    span_y = max(max(ys) - min(ys), 1e-6)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    offset_x = (WIDTH - scale * span_x) / 2
    offset_y = (HEIGHT - scale * span_y) / 2
    return [
        (round(offset_x + (x - min(xs)) * scale, 1), round(HEIGHT - offset_y - (y - min(ys)) * scale, 1))
        for x, y in zip(xs, ys, strict=True)
    ]


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
