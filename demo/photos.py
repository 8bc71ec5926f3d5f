"""The vehicles that pass the demo's cameras, and how each one's photo becomes a read.

Two kinds, both stored through ``ingest.services.read_accept`` as a camera's upload is:

* Real photos (``../shared/benchmarks/plates-us``, when present: real US plates, never copied into the
  repository). The first time a photo passes a camera it is stored unread and recognised by the real
  pipeline (``read_recognize``: plate finder, reader, crop), exactly as an uploaded photo is. What the
  pipeline read is kept and sent with the same photo when it passes again, as a camera that reads on
  the edge sends its reading: recognising each of the ~100 photos once keeps seeding to seconds, and a
  misread stays misread every time, as it would.
* The named demo vehicles the README's tour searches for (``KRN5562`` on the hotlist, ``7ABC123`` asked
  for by the partner agency...): pictures generated here (``ingest.synthetic``) delivered with the
  camera's own reading, like an OpenALPR agent's upload. Without the real photos, generated vehicles
  with random plates make up the rest of the traffic the same way.
"""
import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings

from alpr.models import Camera, PlateRead
from ingest.services import EdgeReading, plate_crop_jpeg, read_accept, read_recognize
from ingest.synthetic import plate_box, plate_photo
from ingest.validation import CheckedImage, check_image

REAL_PHOTOS = Path(settings.BASE_DIR).parent / "shared" / "benchmarks" / "plates-us"
# Plates the README's tour names: they pass the cameras often, so searches find them.
NAMED_PLATES = ["7ABC123", "DL4821", "KRN5562", "B58207", "ZX9Q14"]
GENERATED_VEHICLES = 60  # other passing vehicles when there are no real photos


@dataclass
class Vehicle:
    """One photo of one vehicle; `reading` is what the cameras (or the pipeline, once) read of it."""

    key: str
    photo: CheckedImage
    reading: EdgeReading | None = None
    recognised_by_pipeline: bool = False


@dataclass
class Traffic:
    named: dict[str, Vehicle]
    others: list[Vehicle]
    real_photos: bool
    uploads: int = field(default=0)

    def pass_camera(self, vehicle: Vehicle, camera: Camera, captured_at: datetime) -> PlateRead:
        """Store one passage of `vehicle` as `camera`'s upload; the first passage of a real photo is
        recognised by the pipeline, later ones carry what it read."""
        self.uploads += 1
        key = f"demo-{camera.pk}-{captured_at:%Y%m%d%H%M%S}-{vehicle.key}"
        if vehicle.reading is None:
            accepted = read_accept(camera=camera, photo=vehicle.photo, captured_at=captured_at,
                                   idempotency_key=key, queue=False)
            vehicle.reading = _reading_of(vehicle.photo, read_recognize(read_id=accepted.read.pk) or [])
            return accepted.read
        return read_accept(camera=camera, photo=vehicle.photo, captured_at=captured_at,
                           idempotency_key=key, edge=vehicle.reading).read


def traffic(*, use_real_photos: bool = True, limit: int | None = None) -> Traffic:
    """The demo's vehicles: the named ones, and the real photos (or generated vehicles) besides."""
    named = {plate: _generated(plate, seed) for seed, plate in enumerate(NAMED_PLATES)}
    photos = sorted(REAL_PHOTOS.glob("*.jpg")) if use_real_photos and REAL_PHOTOS.is_dir() else []
    if photos:
        others = [Vehicle(path.stem, check_image(path.read_bytes())) for path in photos[:limit]]
    else:
        rng = random.Random(7)  # noqa: S311  (a repeatable demo, not secrets)
        others = [_generated(_random_plate(rng), 100 + n) for n in range(limit or GENERATED_VEHICLES)]
    return Traffic(named, others, real_photos=bool(photos))


def _generated(plate: str, seed: int) -> Vehicle:
    reading = EdgeReading(plate=plate, confidence=round(0.86 + (seed % 13) / 100, 2), state="IL",
                          state_confidence=0.9, box=plate_box())
    return Vehicle(plate, check_image(plate_photo(plate, seed=seed)), reading)


def _random_plate(rng: random.Random) -> str:
    return f"{rng.randint(100, 999)}{rng.choice('ABCDEFGHJKLMN')}{rng.randint(100, 999)}"


def _reading_of(photo: CheckedImage, plates: list[dict]) -> EdgeReading:
    """What the pipeline read in a photo (best plate first), to send with the same photo next time; a
    photo in which it found no plate passes again as a read without a plate, as it was stored."""
    if not plates:
        return EdgeReading(plate="", confidence=None)
    best = plates[0]
    crop = plate_crop_jpeg(photo.data, best["box"])
    return EdgeReading(plate=best["text"], confidence=float(best["confidence"]),
                       candidates=best.get("candidates") or [best],
                       state=str(best.get("state") or "")[:8] or None,
                       state_confidence=best.get("state_confidence"),
                       box=[int(value) for value in best["box"]],
                       crop=check_image(crop, what="crop") if crop else None)
