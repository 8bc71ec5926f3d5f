"""Camera placement: request (administrator) → Chief's approval → public notice → in effect (CAM-1..CAM-4).

The Camera row belongs to ``alpr``; a relocation updates its location here because the move is this
app's decision, and records the old and new place in ``CameraLocationHistory``. A new installation
is registered through ``alpr.services.camera_create`` (pending), either when it takes effect or
earlier, by the installer once the Chief has approved it (``placement_register_camera``), and goes
into service (``alpr.services.camera_enter_service``) only when it takes effect. Ingest refuses a
camera's key until then (``ingest.auth``).
"""

import logging
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from alpr.models import Camera, CameraKind, CameraStatus
from alpr.services import camera_create, camera_enter_service
from audit.context import Actor
from audit.models import ActorType, Outcome
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.selectors import current_policy
from reports import audit_actions as actions
from reports import conf, permissions
from reports.models import (
    CameraCost,
    CameraLocationHistory,
    CameraPlacementRequest,
    CostKind,
    PlacementKind,
    PlacementStatus,
)
from reports.selectors import installation_awaited_named, installations_under_way
from reports.services._common import require

logger = logging.getLogger(__name__)


def _coordinate(value, name: str, limit: int) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(f"Enter the {name} as a decimal number.", field=name) from None
    if not -limit <= number <= limit:
        raise ApplicationError(f"The {name} is between -{limit} and {limit}.", field=name)
    return number


@enforces("CAM-2", "CAM-3")
def placement_request(
    *,
    actor: Actor,
    kind: str,
    latitude,
    longitude,
    location_description: str,
    justification: str,
    nondiscrimination: str,
    camera_id: int | None = None,
    camera_name: str = "",
    camera_kind: str = CameraKind.FIXED,
    heading: int | None = None,
    earliest_effective_on: date | None = None,
) -> CameraPlacementRequest:
    """Ask to install or move a camera, with a crime-analysis justification and a nondiscrimination
    consideration; both are required."""
    with refusals_recorded(
        actor=actor,
        action=actions.PLACEMENT_REQUESTED,
        targets=[f"camera:{camera_id}"] if camera_id else [f"camera-name:{camera_name}"],
    ):
        require(
            actor, permissions.REQUEST_PLACEMENT, "request camera placements"
        )
        return _placement_create(
            actor=actor, kind=kind, latitude=latitude, longitude=longitude,
            location_description=location_description, justification=justification,
            nondiscrimination=nondiscrimination, camera_id=camera_id, camera_name=camera_name,
            camera_kind=camera_kind, heading=heading, earliest_effective_on=earliest_effective_on,
        )


NAME_AWAITED = "An installation of a camera by that name is requested or approved already."


def _placement_create(
    *, actor: Actor, kind: str, latitude, longitude, location_description: str, justification: str,
    nondiscrimination: str, camera_id: int | None, camera_name: str, camera_kind: str, heading: int | None,
    earliest_effective_on: date | None, registered: Camera | None = None,
) -> CameraPlacementRequest:
    """Check a placement request's fields and store it, pending, with its audit row. `registered`: the
    camera of an installation that predates this system, already in the registry under its name."""
    if kind not in PlacementKind.values:
        raise ApplicationError("Choose installation or relocation.", field="kind")
    latitude = _coordinate(latitude, "latitude", 90)
    longitude = _coordinate(longitude, "longitude", 180)
    if not location_description.strip():
        raise ApplicationError("Describe the location for the public.", field="location_description")
    shortest = current_policy().placement_text_min_length  # a crime analysis, not a word
    if len(justification.strip()) < shortest:
        raise ApplicationError(
            f"Give the crime analysis that justifies this placement (at least {shortest} characters).",
            field="justification",
        )
    if len(nondiscrimination.strip()) < shortest:
        raise ApplicationError(
            f"Record how the placement was considered for disparate impact (at least {shortest} characters).",
            field="nondiscrimination",
        )
    if heading is not None and not 0 <= heading < 360:
        raise ApplicationError("Heading is in degrees, 0 to 359.", field="heading")
    camera = None
    if kind == PlacementKind.RELOCATE:
        camera = Camera.objects.filter(pk=camera_id).first() if camera_id else None
        if camera is None:
            raise ApplicationError("Choose the camera to move.", field="camera")
        if camera.status in (CameraStatus.RETIRED, CameraStatus.PENDING):
            raise ApplicationError("Only an installed camera is moved.", field="camera")
        camera_name = ""
    else:
        camera_name = camera_name.strip()
        if not camera_name:
            raise ApplicationError("Name the new camera.", field="camera_name")
        others = Camera.objects.filter(name__iexact=camera_name)
        if others.exclude(pk=registered.pk if registered else None).exists():
            raise ApplicationError("A camera with that name exists already.", field="camera_name")
        if installation_awaited_named(camera_name):
            raise ApplicationError(NAME_AWAITED, field="camera_name")
        if camera_kind not in CameraKind.values:
            raise ApplicationError("Choose a camera type from the list.", field="camera_kind")
        camera = registered
    try:
        placement = _placement_stored(actor, kind=kind, camera=camera, camera_name=camera_name,
                                      camera_kind=camera_kind, latitude=latitude, longitude=longitude,
                                      location_description=location_description.strip(), heading=heading,
                                      justification=justification.strip(),
                                      nondiscrimination=nondiscrimination.strip(),
                                      earliest_effective_on=earliest_effective_on)
    except IntegrityError:
        # Another request under this name was stored between the check above and this one (the
        # database's unique index on installations under way): the same answer as the check's.
        raise ApplicationError(NAME_AWAITED, field="camera_name") from None
    return placement


def _placement_stored(actor: Actor, **fields) -> CameraPlacementRequest:
    with transaction.atomic():
        placement = CameraPlacementRequest.objects.create(
            **fields, requested_by=actor.user, requested_at=timezone.now())
        audit_record(
            actor=actor,
            action=actions.PLACEMENT_REQUESTED,
            targets=[f"placement:{placement.pk}"],
            description=f"{placement.get_kind_display()}: {placement.subject}",
        )
    return placement


def _locked(placement_id: int) -> CameraPlacementRequest:
    try:
        return CameraPlacementRequest.objects.select_for_update().get(pk=placement_id)
    except CameraPlacementRequest.DoesNotExist:
        raise NotFound("No such placement request.") from None


def effective_after_notice(notice_from: date) -> date:
    """The first day a placement announced on `notice_from` may take effect: after the policy's notice
    period in whole days, counted from the next day. The announcement's own day is not a whole one (an
    approval at 23:50), and the daily task applies what is due just after local midnight."""
    return notice_from + timedelta(days=conf.camera_notice_days() + 1)


@enforces("CAM-2")
def placement_decide(
    *, actor: Actor, placement_id: int, approve: bool, note: str = ""
) -> CameraPlacementRequest:
    """The Chief approves or denies a placement. Approval starts the public notice: the placement takes
    effect no sooner than the notice period's whole days after the day of approval."""
    with refusals_recorded(
        actor=actor, action=actions.PLACEMENT_DECIDED, targets=[f"placement:{placement_id}"]
    ):
        require(
            actor, permissions.APPROVE_PLACEMENT, "approve camera installations and moves"
        )
        if not approve and not note.strip():
            raise ApplicationError("Say why the request is denied.", field="note")
        with transaction.atomic():
            placement = _locked(placement_id)
            if placement.status != PlacementStatus.PENDING:
                raise ApplicationError("This request has been decided already.")
            today = timezone.localdate()
            placement.decided_by = actor.user
            placement.decided_at = timezone.now()
            placement.decision_note = note.strip()
            if approve:
                placement.status = PlacementStatus.APPROVED
                placement.notice_from = today
                earliest = effective_after_notice(today)
                placement.effective_on = max(earliest, placement.earliest_effective_on or earliest)
            else:
                placement.status = PlacementStatus.DENIED
            placement.save(
                update_fields=[
                    "status",
                    "decided_by",
                    "decided_at",
                    "decision_note",
                    "notice_from",
                    "effective_on",
                ]
            )
            audit_record(
                actor=actor,
                action=actions.PLACEMENT_DECIDED,
                targets=[f"placement:{placement.pk}"],
                description=("approved, effective " + str(placement.effective_on))
                if approve
                else f"denied: {placement.decision_note}",
            )
        return placement


@enforces("CAM-2")
def placements_apply_due(*, today: date | None = None) -> list[CameraPlacementRequest]:
    """Carry out approved placements whose public notice has run (idempotent; daily task).

    Each placement is carried out on its own: one that cannot be (its camera's name taken meanwhile, say)
    is rolled back alone and recorded as a flagged failure, and is tried again the next day; the others
    take effect."""
    today = today or timezone.localdate()
    actor = Actor.system("camera placement scheduler")
    applied = []
    due = CameraPlacementRequest.objects.filter(status=PlacementStatus.APPROVED, effective_on__lte=today)
    for placement_id in due.order_by("effective_on", "pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                placement = _locked(placement_id)
                if placement.status != PlacementStatus.APPROVED or placement.effective_on > today:
                    continue
                _apply(placement, actor)
        except Exception as error:  # whatever it is, the other placements still take effect
            _record_failure(placement_id, error, actor)
            continue
        applied.append(placement)
    return applied


def _record_failure(placement_id: int, error: Exception, actor: Actor) -> None:
    """Record, flagged for the auditors, that a due placement could not take effect (outside its
    rolled-back transaction, so the record stays)."""
    logger.exception("Camera placement %s could not take effect", placement_id)
    reason = error.message if isinstance(error, ApplicationError) else f"{type(error).__name__}: {error}"
    audit_record(actor=actor, action=actions.PLACEMENT_APPLIED, outcome=Outcome.FAILED, flagged=True,
                 targets=[f"placement:{placement_id}"], reason=f"could not take effect: {reason}")


def _apply(placement: CameraPlacementRequest, actor: Actor) -> None:
    now = timezone.now()
    if placement.kind == PlacementKind.INSTALL:
        camera = _installed_camera(placement, actor)
        previous = (None, None, "")
    else:
        camera = Camera.objects.select_for_update().get(pk=placement.camera_id)
        previous = (camera.latitude, camera.longitude, camera.location_description)
        camera.latitude, camera.longitude = placement.latitude, placement.longitude
        camera.location_description = placement.location_description
        fields = ["latitude", "longitude", "location_description", "updated_at"]
        if placement.heading is not None:
            camera.heading = placement.heading
            fields.append("heading")
        camera.save(update_fields=fields)
    CameraLocationHistory.objects.create(
        camera=camera,
        latitude=placement.latitude,
        longitude=placement.longitude,
        location_description=placement.location_description,
        previous_latitude=previous[0],
        previous_longitude=previous[1],
        previous_description=previous[2],
        effective_at=now,
        placement=placement,
    )
    placement.camera = camera
    placement.status = PlacementStatus.DONE
    placement.applied_at = now
    placement.save(update_fields=["camera", "status", "applied_at"])
    audit_record(
        actor=actor,
        action=actions.PLACEMENT_APPLIED,
        targets=[f"placement:{placement.pk}", f"camera:{camera.pk}"],
        description=f"{placement.get_kind_display()}: {camera.name} at {placement.location_description}",
    )


def _installed_camera(placement: CameraPlacementRequest, actor: Actor) -> Camera:
    """The installation's camera (registered now, or earlier), at the installation's place, in service."""
    if placement.camera_id:
        Camera.objects.filter(pk=placement.camera_id).update(
            latitude=placement.latitude, longitude=placement.longitude,
            location_description=placement.location_description, updated_at=timezone.now())
    camera_id = placement.camera_id or _register(placement, actor).pk
    return camera_enter_service(actor=actor, camera_id=camera_id, installed_on=placement.effective_on)


def _register(placement: CameraPlacementRequest, actor: Actor) -> Camera:
    return camera_create(
        actor=actor,
        name=placement.camera_name,
        latitude=placement.latitude,
        longitude=placement.longitude,
        location_description=placement.location_description,
        heading=placement.heading,
        kind=placement.camera_kind,
    )


@enforces("CAM-2")
def placement_register_camera(*, actor: Actor, placement_id: int) -> Camera:
    """Register the camera of an approved installation ahead of its effective date, so the installer can
    configure its key: the camera stays pending, and its key is refused at upload, until the
    installation takes effect after the public notice (``placements_apply_due``)."""
    with refusals_recorded(actor=actor, action=actions.PLACEMENT_CAMERA_REGISTERED,
                           targets=[f"placement:{placement_id}"]):
        if actor.kind != ActorType.SYSTEM:  # the installer at the server's console (camera_credentials)
            require(actor, permissions.REQUEST_PLACEMENT, "register cameras")
        with transaction.atomic():
            placement = _locked(placement_id)
            if placement.kind != PlacementKind.INSTALL:
                raise ApplicationError("That placement request is a relocation, not an installation.")
            if placement.camera_id:
                raise ApplicationError(f"This installation's camera is registered already: "
                                       f"{placement.camera.name!r}.")
            if placement.status != PlacementStatus.APPROVED:
                raise PolicyDenied("A camera is registered only for an installation the Chief has approved "
                                   f"(this request is {placement.get_status_display().lower()}).")
            camera = _register(placement, actor)
            placement.camera = camera
            placement.save(update_fields=["camera"])
            audit_record(actor=actor, action=actions.PLACEMENT_CAMERA_REGISTERED,
                         targets=[f"placement:{placement.pk}", f"camera:{camera.pk}"],
                         description=f"{camera.name}: in service from {placement.effective_on}")
        return camera


@enforces("CAM-2", "CAM-3")
def placement_record_prior(
    *, actor: Actor, approved_on: date, approved_by: str, approval_document: str, public_notice: str,
    latitude, longitude, location_description: str, justification: str, nondiscrimination: str,
    camera_id: int | None = None, camera_name: str = "", camera_kind: str = CameraKind.FIXED,
    heading: int | None = None, notice_from: date | None = None,
) -> CameraPlacementRequest:
    """The Chief records an installation approved before this system (on paper) whose public notice has
    run, and the camera goes into service: for cameras installed before the software, and the demo's.

    The camera is a pending one of the registry (`camera_id`, or `camera_name` naming it: registered
    before installations were enforced, and refused at upload since), or one not registered yet, which
    is registered under `camera_name`. The record keeps who approved it, when, the approval document and
    where the public was told; the notice is the policy's period in whole days after `notice_from` (the
    approval's day if not given), as on the portal, and must have ended by today. The audit row says it
    is recorded after the fact.
    """
    target = f"camera:{camera_id}" if camera_id is not None else f"camera-name:{camera_name}"
    with refusals_recorded(actor=actor, action=actions.PLACEMENT_PRIOR_RECORDED, targets=[target]):
        require(actor, permissions.APPROVE_PLACEMENT, "record an approved installation")
        prior = _prior_approval(approved_on=approved_on, approved_by=approved_by, public_notice=public_notice,
                                approval_document=approval_document, notice_from=notice_from)
        with transaction.atomic():
            camera = _camera_to_install(camera_id, camera_name)
            placement = _placement_create(
                actor=actor, kind=PlacementKind.INSTALL, latitude=latitude, longitude=longitude,
                location_description=location_description, justification=justification,
                nondiscrimination=nondiscrimination, camera_id=None,
                camera_name=camera.name if camera else camera_name, camera_kind=camera_kind,
                heading=heading, earliest_effective_on=None, registered=camera)
            for field, value in prior.items():
                setattr(placement, field, value)
            placement.status, placement.decided_by = PlacementStatus.APPROVED, actor.user
            placement.decided_at = timezone.now()
            placement.decision_note = f"approved on {approved_on} by {placement.prior_approved_by}"
            placement.save(update_fields=["status", "decided_by", "decided_at", "decision_note", *prior])
            audit_record(actor=actor, action=actions.PLACEMENT_PRIOR_RECORDED,
                         targets=[f"placement:{placement.pk}", *([f"camera:{camera.pk}"] if camera else [])],
                         description=_prior_description(placement))
            _apply(placement, Actor.system("camera placement scheduler"))
        return placement


# ALPR cameras came into US policing in the 2000s: an approval dated earlier is a typing error.
EARLIEST_PRIOR_APPROVAL = date(2000, 1, 1)
PRIOR_TEXTS = {  # argument: (field of the record, what to ask for when it is missing)
    "approved_by": ("prior_approved_by", "Say who approved the installation, with their title."),
    "approval_document": ("prior_approval_document",
                          "Give the reference of the approval document (memo, minutes, order)."),
    "public_notice": ("prior_public_notice", "Say where and when the public was notified."),
}


def _prior_approval(*, approved_on, approved_by: str, approval_document: str, public_notice: str,
                    notice_from) -> dict:
    """Check the facts of an earlier approval and return them as the placement's fields."""
    today = timezone.localdate()
    if not isinstance(approved_on, date) or not EARLIEST_PRIOR_APPROVAL <= approved_on <= today:
        raise ApplicationError(f"Enter the approval's date, from {EARLIEST_PRIOR_APPROVAL} to today.",
                               field="approved_on")
    notice_from = approved_on if notice_from is None else notice_from
    if not isinstance(notice_from, date) or not approved_on <= notice_from <= today:
        raise ApplicationError("The public notice starts on or after the approval, and not after today.",
                               field="notice_from")
    effective_on = effective_after_notice(notice_from)
    if effective_on > today:
        raise ApplicationError(
            f"The public notice that started on {notice_from} runs until {effective_on}: request the "
            "installation and approve it instead, and the notice runs on the portal.",
            field="notice_from" if notice_from != approved_on else "approved_on")
    fields = {"prior_approved_on": approved_on, "notice_from": notice_from, "effective_on": effective_on}
    values = {"approved_by": approved_by, "approval_document": approval_document,
              "public_notice": public_notice}
    for argument, (field, missing) in PRIOR_TEXTS.items():
        value = (values[argument] or "").strip()
        limit = CameraPlacementRequest._meta.get_field(field).max_length
        if not value or len(value) > limit:
            raise ApplicationError(missing if not value else f"At most {limit} characters.", field=argument)
        fields[field] = value
    return fields


def _camera_to_install(camera_id: int | None, camera_name: str) -> Camera | None:
    """The registered camera whose earlier approval is recorded, locked; None for a camera not registered
    yet. Only a pending camera with no installation requested, approved or in effect qualifies: an
    installation under way takes effect through its own approval and notice."""
    field = "camera" if camera_id is not None else "camera_name"
    if camera_id is not None:
        camera = Camera.objects.select_for_update().filter(pk=camera_id).first()
        if camera is None:
            raise ApplicationError("No such camera.", field=field)
    else:
        name = camera_name.strip()
        if installations_under_way().filter(camera__isnull=True, camera_name__iexact=name).exists():
            raise ApplicationError("An installation of a camera by that name is requested or approved "
                                   "already: it takes effect through the approval queue.", field=field)
        camera = Camera.objects.select_for_update().filter(name__iexact=name).first()
        if camera is None:
            return None
    installation = installations_under_way().filter(camera=camera).first()
    if installation is not None:
        raise ApplicationError(
            f"The installation of {camera.name} is recorded already (in effect since "
            f"{installation.effective_on})." if installation.status == PlacementStatus.DONE else
            f"An installation of {camera.name} is {installation.get_status_display().lower()}: it takes "
            "effect through the approval queue.", field=field)
    if camera.status != CameraStatus.PENDING:
        raise ApplicationError(f"{camera.name} is {camera.get_status_display().lower()}: only a camera "
                               "awaiting its installation has an earlier approval recorded.", field=field)
    return camera


def _prior_description(placement: CameraPlacementRequest) -> str:
    return (f"{placement.subject}: approved on {placement.prior_approved_on} by "
            f"{placement.prior_approved_by} ({placement.prior_approval_document}); public notice from "
            f"{placement.notice_from}: {placement.prior_public_notice}; recorded after the fact, in effect "
            f"since {placement.effective_on}")


@enforces("CAM-4")
def camera_cost_record(
    *, actor: Actor, kind: str, amount, incurred_on: date, camera_id: int | None = None, note: str = ""
) -> CameraCost:
    """Record a cost of the programme (purchase, subscription, maintenance...) for cost reporting."""
    with refusals_recorded(actor=actor, action=actions.CAMERA_COST_RECORDED, query={"kind": kind}):
        require(actor, permissions.RECORD_COSTS, "record camera costs")
        if kind not in CostKind.values:
            raise ApplicationError("Choose the kind of cost.", field="kind")
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            raise ApplicationError("Enter the amount in dollars, e.g. 2500.00.", field="amount") from None
        if amount <= 0:
            raise ApplicationError("The amount must be more than zero.", field="amount")
        camera = None
        if camera_id:
            camera = Camera.objects.filter(pk=camera_id).first()
            if camera is None:
                raise ApplicationError("No such camera.", field="camera")
        with transaction.atomic():
            cost = CameraCost.objects.create(
                camera=camera,
                kind=kind,
                amount=amount,
                incurred_on=incurred_on,
                note=note.strip(),
                recorded_by=actor.user,
            )
            audit_record(
                actor=actor,
                action=actions.CAMERA_COST_RECORDED,
                targets=[f"camera_cost:{cost.pk}"],
                description=f"{kind} {amount} {camera.name if camera else 'programme'}",
            )
        return cost
