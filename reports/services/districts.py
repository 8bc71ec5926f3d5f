"""Districts, their population, and the district each camera stands in (RPT-1 disparate impact, CAM-3).

Entered by the system administrator; every change is audited. The oversight report reads them to set
cameras and reads per district against each district's population.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from alpr.models import Camera
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound
from hotlists.models import RaceEthnicity
from reports import audit_actions as actions
from reports import permissions
from reports.models import CameraDistrict, District
from reports.services._common import require

# Census shares are published to one decimal; rounding may carry them a little past 100.
SHARES_TOLERANCE = Decimal("0.5")


def _shares(shares: dict) -> dict[str, float]:
    """Return the shares as {category: percent} for every recorded category, or refuse them."""
    unknown = set(shares) - set(RaceEthnicity.values)
    if unknown or RaceEthnicity.NOT_RECORDED in shares:
        raise ApplicationError("Population shares are given for the listed categories only.")
    clean: dict[str, float] = {}
    for category in RaceEthnicity.recorded():
        raw = shares.get(category.value)
        try:
            value = Decimal(str(raw if raw not in (None, "") else 0)).quantize(Decimal("0.1"))
        except (InvalidOperation, TypeError, ValueError):
            raise ApplicationError(
                f"Enter the share of {category.label} as a percentage.", field=category.value
            ) from None
        if not 0 <= value <= 100:
            raise ApplicationError("A share is a percentage between 0 and 100.", field=category.value)
        clean[category.value] = float(value)
    if Decimal(str(sum(clean.values()))) > 100 + SHARES_TOLERANCE:
        raise ApplicationError("The shares add up to more than 100 %.")
    return clean


@enforces("RPT-1")
def district_save(
    *,
    actor: Actor,
    name: str,
    population: int,
    population_shares: dict,
    source: str,
    district_id: int | None = None,
) -> District:
    """Enter a district with its population and its shares by race and ethnicity, or correct one."""
    with refusals_recorded(
        actor=actor,
        action=actions.DISTRICT_SAVED,
        targets=[f"district:{district_id}"] if district_id else [f"district-name:{name}"],
    ):
        require(actor, permissions.MANAGE_DISTRICTS, "enter districts")
        name = name.strip()
        if not name:
            raise ApplicationError("Name the district.", field="name")
        if not isinstance(population, int) or population <= 0:
            raise ApplicationError("Enter the district's population.", field="population")
        if not source.strip():
            raise ApplicationError("Say where the population figures come from.", field="source")
        shares = _shares(population_shares)
        with transaction.atomic():
            if district_id:
                district = District.objects.select_for_update().filter(pk=district_id).first()
                if district is None:
                    raise NotFound("No such district.")
            else:
                district = District()
            if District.objects.filter(name__iexact=name).exclude(pk=district.pk).exists():
                raise ApplicationError("A district with that name exists already.", field="name")
            before = (
                {"population": district.population, "shares": district.population_shares}
                if (district.pk)
                else None
            )
            district.name = name
            district.population = population
            district.population_shares = shares
            district.source = source.strip()[:300]
            district.updated_at = timezone.now()
            district.updated_by = actor.user
            district.save()
            audit_record(
                actor=actor,
                action=actions.DISTRICT_SAVED,
                targets=[f"district:{district.pk}"],
                description=f"{district.name}: population {population}" + (" (changed)" if before else ""),
                query={"population": population, "shares": shares, "before": before},
            )
        return district


@enforces("RPT-1")
def camera_district_assign(*, actor: Actor, camera_id: int, district_id: int | None) -> CameraDistrict | None:
    """Place a camera in a district (or, with no district, take it out of any); audited."""
    with refusals_recorded(
        actor=actor, action=actions.CAMERA_DISTRICT_ASSIGNED, targets=[f"camera:{camera_id}"]
    ):
        require(actor, permissions.MANAGE_DISTRICTS, "assign cameras to districts")
        camera = Camera.objects.filter(pk=camera_id).first()
        if camera is None:
            raise ApplicationError("Choose a camera.", field="camera")
        district = None
        if district_id:
            district = District.objects.filter(pk=district_id).first()
            if district is None:
                raise ApplicationError("Choose a district from the list.", field="district")
        with transaction.atomic():
            current = CameraDistrict.objects.select_for_update().filter(camera=camera).first()
            before = current.district.name if current else "no district"
            after = district.name if district else "no district"
            if district is None:
                if current:
                    current.delete()
                assignment = None
            elif current:
                current.district = district
                current.assigned_at = timezone.now()
                current.assigned_by = actor.user
                current.save(update_fields=["district", "assigned_at", "assigned_by"])
                assignment = current
            else:
                assignment = CameraDistrict.objects.create(
                    camera=camera, district=district, assigned_at=timezone.now(), assigned_by=actor.user
                )
            audit_record(
                actor=actor,
                action=actions.CAMERA_DISTRICT_ASSIGNED,
                targets=[f"camera:{camera.pk}"] + ([f"district:{district.pk}"] if district else []),
                description=f"{camera.name}: {before} → {after}",
            )
        return assignment
