"""Staff pages of the camera registry: placements, the Chief's queue, costs (CAM-1..CAM-4)."""

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import capability_required
from alpr.cameras import cameras_with_health
from alpr.models import Camera
from audit.context import Actor
from core.dates import day_text
from core.errors import ApplicationError
from policy.selectors import current_policy
from reports import conf, permissions
from reports.forms import CostForm, PlacementDecisionForm, PlacementRequestForm, PriorApprovalForm
from reports.models import CameraCost, CameraLocationHistory, CameraPlacementRequest, PlacementStatus
from reports.selectors import cameras_awaiting_installation
from reports.services.cameras import (
    camera_cost_record,
    placement_decide,
    placement_record_prior,
    placement_request,
)
from reports.views._helpers import form_error

_REGISTRY_READERS = (permissions.REQUEST_PLACEMENT, permissions.APPROVE_PLACEMENT, permissions.READ_REPORTS)


@capability_required(*_REGISTRY_READERS, message="Your role does not include the camera registry.")
def registry(request):
    costs = CameraCost.objects.select_related("camera").order_by("-incurred_on")
    totals = costs.values("kind").annotate(total=Sum("amount")).order_by("kind")
    cameras = cameras_with_health()
    return render(
        request,
        "reports/cameras.html",
        {
            "cameras": cameras,
            "silent_count": sum(camera.silent for camera in cameras),
            "silent_minutes": current_policy().camera_silent_minutes,
            "requests": CameraPlacementRequest.objects.select_related("camera", "requested_by", "decided_by")[
                :100
            ],
            "history": CameraLocationHistory.objects.select_related("camera")[:50],
            "costs": costs[:100],
            "cost_totals": totals,
            "cost_total": costs.aggregate(total=Sum("amount"))["total"] or 0,
            "notice_days": conf.camera_notice_days(),
        },
    )


@capability_required(permissions.REQUEST_PLACEMENT, doing="request camera placements")
@require_http_methods(["GET", "POST"])
def placement_new(request):
    initial = {"kind": request.GET.get("kind", "relocate"), "camera": request.GET.get("camera")}
    form = PlacementRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        camera = data.pop("camera")
        try:
            placement = placement_request(
                actor=Actor.for_request(request), camera_id=camera.pk if camera else None, **data
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Request {placement.pk} sent to the Chief for approval.")
            return redirect("reports:cameras")
    return render(request, "reports/placement_form.html", {"form": form}, status=400 if form.errors else 200)


@capability_required(permissions.APPROVE_PLACEMENT, doing="approve camera placements")
def placement_queue(request):
    pending = (
        CameraPlacementRequest.objects.filter(status=PlacementStatus.PENDING)
        .select_related("camera", "requested_by")
        .order_by("requested_at")
    )
    return render(
        request,
        "reports/placement_queue.html",
        {
            "pending": [
                (placement, PlacementDecisionForm(prefix=f"p{placement.pk}")) for placement in pending
            ],
            "awaiting_installation": cameras_awaiting_installation(),
            "notice_days": conf.camera_notice_days(),
        },
    )


@capability_required(permissions.APPROVE_PLACEMENT, doing="approve camera placements")
@require_POST
def placement_decision(request, placement_id: int):
    placement = get_object_or_404(CameraPlacementRequest, pk=placement_id)
    form = PlacementDecisionForm(request.POST, prefix=f"p{placement.pk}")
    if form.is_valid():
        try:
            decided = placement_decide(
                actor=Actor.for_request(request),
                placement_id=placement.pk,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if decided.status == PlacementStatus.APPROVED:
                messages.success(
                    request,
                    f"Approved. The public notice is on the portal; it takes effect on "
                    f"{day_text(decided.effective_on)}.",
                )
            else:
                messages.success(request, "Denied.")
    else:
        messages.error(request, "Choose approve or deny.")
    return redirect("reports:placement_queue")


@capability_required(permissions.APPROVE_PLACEMENT, doing="record an installation approved earlier")
@require_http_methods(["GET", "POST"])
def prior_approval(request, camera_id: int):
    """Record the earlier approval of a pending camera's installation; it goes into service (CAM-2).

    The form opens only for a camera awaiting its installation; what is submitted goes to the service
    whatever the camera, so a refusal there is recorded."""
    if request.method == "GET":
        camera = get_object_or_404(cameras_awaiting_installation(), pk=camera_id)
    else:
        camera = get_object_or_404(Camera, pk=camera_id)
    form = PriorApprovalForm(request.POST or None, initial=_placement_initial(camera))
    if request.method == "POST" and form.is_valid():
        try:
            placement = placement_record_prior(
                actor=Actor.for_request(request), camera_id=camera.pk, **form.cleaned_data
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Recorded. {placement.subject} is in service, installed on "
                f"{day_text(placement.effective_on)}, and listed on the public portal.",
            )
            return redirect("reports:placement_queue")
    return render(
        request,
        "reports/prior_approval_form.html",
        {"form": form, "camera": camera, "notice_days": conf.camera_notice_days()},
        status=400 if form.errors else 200,
    )


def _placement_initial(camera: Camera) -> dict:
    return {
        "camera_kind": camera.kind,
        "latitude": camera.latitude,
        "longitude": camera.longitude,
        "location_description": camera.location_description,
        "heading": camera.heading,
    }


@capability_required(permissions.RECORD_COSTS, doing="record camera costs")
@require_http_methods(["GET", "POST"])
def cost_new(request):
    form = CostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        camera = data.pop("camera")
        try:
            camera_cost_record(
                actor=Actor.for_request(request), camera_id=camera.pk if camera else None, **data
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Cost recorded.")
            return redirect("reports:cameras")
    return render(request, "reports/cost_form.html", {"form": form}, status=400 if form.errors else 200)
