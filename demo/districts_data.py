"""Demo districts with their population shares, and the district of each demo camera (RPT-1's
camera-placement comparison), made through the reports services."""
from alpr.models import Camera
from audit.context import Actor
from reports.models import District
from reports.services.districts import camera_district_assign, district_save

SOURCE = "Demo figures, shaped like the 2020 Census redistricting tables"
DISTRICTS = {
    "North district": (26_000, {"white": 61.0, "black": 19.5, "hispanic": 8.5, "asian": 5.5,
                                "american_indian": 0.3, "pacific_islander": 0.1}),
    "South district": (26_100, {"white": 58.0, "black": 20.5, "hispanic": 9.5, "asian": 4.5,
                                "american_indian": 0.3, "pacific_islander": 0.1}),
}
CAMERA_DISTRICTS = {
    "Harlem Ave at North Ave": "North district",
    "Chicago Ave at Ridgeland Ave": "North district",
    "Madison St at Oak Park Ave": "South district",
    "Roosevelt Rd at Austin Blvd": "South district",
}


def seed_districts(*, admin) -> str:
    actor = Actor.for_user(admin)
    for name, (population, shares) in DISTRICTS.items():
        if not District.objects.filter(name=name).exists():
            district_save(actor=actor, name=name, population=population, population_shares=shares,
                          source=SOURCE)
    for camera_name, district_name in CAMERA_DISTRICTS.items():
        camera = Camera.objects.filter(name=camera_name).first()
        district = District.objects.get(name=district_name)
        if camera is not None and not hasattr(camera, "district_assignment"):
            camera_district_assign(actor=actor, camera_id=camera.pk, district_id=district.pk)
    return f"{District.objects.count()} districts"
