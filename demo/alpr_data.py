"""Demo cameras, a few days of reads, and a hotlist entry, made through the real services."""
import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from alpr.models import Camera
from audit.context import Actor
from hotlists.models import HotlistEntry
from hotlists.services import hotlist_entry_add
from ingest.services import EdgeReading, read_accept
from ingest.synthetic import plate_box, plate_photo
from ingest.validation import check_image
from reports.services.cameras import placement_record_prior

CAMERAS = [
    ("Harlem Ave at North Ave", "41.909700", "-87.806400", "Southbound lanes, fixed pole", 180),
    ("Madison St at Oak Park Ave", "41.880000", "-87.794700", "Eastbound lanes, fixed pole", 90),
    ("Roosevelt Rd at Austin Blvd", "41.866100", "-87.774300", "Westbound lanes, fixed pole", 270),
    ("Chicago Ave at Ridgeland Ave", "41.895600", "-87.785300", "Northbound lanes, traffic signal", 0),
]
DEMO_JUSTIFICATION = ("Demo: the district's crime analysis showed repeated vehicle thefts and armed "
                      "robberies along this corridor.")
DEMO_NONDISCRIMINATION = ("Demo: the placement was weighed against the district's population and the "
                          "other cameras, so no community is watched more than the crime data supports.")
# Plates that pass every camera a few times, so searches find something.
FREQUENT = ["7ABC123", "DL4821", "KRN5562", "B58207", "ZX9Q14"]
HOTLIST_PLATE = "KRN5562"
READS_PER_CAMERA = 12
DAYS = 5


def seed_alpr_data(*, chief, detective) -> str:
    """Create the demo cameras, reads and hotlist entry if missing; return a short summary."""
    chief_actor = Actor.for_user(chief)
    cameras = [_camera(chief_actor, *row) for row in CAMERAS]
    _hotlist_entry(Actor.for_user(detective))
    reads = sum(_reads(camera, seed) for seed, camera in enumerate(cameras))
    return f"{len(cameras)} cameras, {reads} new reads"


def _camera(chief, name, latitude, longitude, description, heading) -> Camera:
    """A camera installed long ago: the Chief records its approval, dated with its public notice run
    (CAM-2), and the camera goes into service as a placement taking effect does."""
    existing = Camera.objects.filter(name=name).first()
    if existing is not None:
        return existing
    placement = placement_record_prior(
        actor=chief, approved_on=timezone.localdate() - timedelta(days=400), camera_name=name,
        latitude=Decimal(latitude), longitude=Decimal(longitude), location_description=description,
        heading=heading, justification=DEMO_JUSTIFICATION, nondiscrimination=DEMO_NONDISCRIMINATION,
        approved_by="Demo: the Chief of Police at the time", approval_document="Demo: installation memo",
        public_notice="Demo: the village website and the board meeting")
    return placement.camera


def _reads(camera: Camera, seed: int) -> int:
    rng = random.Random(seed)  # noqa: S311  (a repeatable demo, not secrets)
    created = 0
    now = timezone.now()
    for number in range(READS_PER_CAMERA):
        plate = rng.choice(FREQUENT) if number % 2 else _random_plate(rng)
        captured_at = now - timedelta(days=rng.uniform(0, DAYS))
        photo = check_image(plate_photo(plate, seed=seed * 100 + number))
        accepted = read_accept(
            camera=camera, photo=photo, captured_at=captured_at, idempotency_key=f"demo-{seed}-{number}",
            edge=EdgeReading(plate=plate, confidence=round(rng.uniform(0.82, 0.99), 2), state="IL",
                             box=plate_box()),
        )
        created += accepted.created
    return created


def _random_plate(rng: random.Random) -> str:
    return f"{rng.randint(100, 999)}{rng.choice('ABCDEFGHJKLMN')}{rng.randint(100, 999)}"


def _hotlist_entry(actor) -> None:
    if HotlistEntry.objects.filter(plate_pattern=HOTLIST_PLATE).exists():
        return
    hotlist_entry_add(actor=actor, plate_pattern=HOTLIST_PLATE, state="IL", case_number="26-004512",
                      reason="Vehicle used in an armed robbery on Madison St (demo)",
                      expires_at=timezone.now() + timedelta(days=30), vehicle_description="Grey sedan")
