"""Districts of the jurisdiction and their population, entered by the administrator, and the district
each camera stands in: the oversight report sets camera placement and reads against who lives where
(RPT-1, disparate impact; CAM-3).

Population shares use the categories of ``hotlists.models.RaceEthnicity`` (the Illinois Traffic and
Pedestrian Stop Statistical Study), the same ones officers record with a stop, so the two compare.
"""

from django.conf import settings
from django.db import models

from alpr.models import Camera
from hotlists.models import RaceEthnicity


class District(models.Model):
    """A part of the jurisdiction (a beat, ward or census-tract group) with its population."""

    name = models.CharField(max_length=100, unique=True)
    population = models.PositiveIntegerField()
    # {category code: percent of the population}, for every category of RaceEthnicity.recorded(); the
    # shares add up to at most 100 (the rest: other or more than one category).
    population_shares = models.JSONField(default=dict)
    source = models.CharField(
        max_length=300, help_text="Where the figures come from, e.g. '2020 Census, tracts 8121 to 8125'."
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="district_named"),
            models.CheckConstraint(condition=models.Q(population__gt=0), name="district_populated"),
        ]

    def __str__(self) -> str:
        return self.name

    def share(self, category: str) -> float:
        return float(self.population_shares.get(category, 0))

    def shares_in_order(self) -> list[float]:
        """The shares in the order of ``RaceEthnicity.recorded()``, for tables."""
        return [self.share(category) for category in RaceEthnicity.recorded()]


class CameraDistrict(models.Model):
    """The district a camera stands in; one per camera (a camera moved to another district is reassigned).

    A reports-app record pointing at ``alpr.Camera``, which it never changes.
    """

    camera = models.OneToOneField(Camera, on_delete=models.PROTECT, related_name="district_assignment")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="camera_assignments")
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["district__name", "camera__name"]

    def __str__(self) -> str:
        return f"{self.camera_id} in {self.district_id}"
