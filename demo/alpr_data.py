"""The demo's cameras, installed through the placement service (CAM-2)."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from alpr.models import Camera
from audit.context import Actor
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


def seed_cameras(*, chief) -> list[Camera]:
    """The demo's cameras, in service through installations the Chief approved long ago."""
    chief_actor = Actor.for_user(chief)
    return [_camera(chief_actor, *row) for row in CAMERAS]


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
