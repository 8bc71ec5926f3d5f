"""Staff pages of districts: their population, and which district each camera stands in (RPT-1)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import capability_required
from audit.context import Actor
from core.errors import ApplicationError
from hotlists.models import RaceEthnicity
from reports import permissions, selectors
from reports.forms import CameraDistrictForm, DistrictForm
from reports.services.districts import camera_district_assign, district_save
from reports.views._helpers import form_error

_DOING = "enter districts and assign cameras to them"


def _page(request, *, form=None, assign_form=None, status=200):
    return render(
        request,
        "reports/districts.html",
        {
            "districts": selectors.districts_with_cameras(),
            "cameras": selectors.cameras_with_districts(),
            "categories": RaceEthnicity.recorded(),
            "form": form or DistrictForm(),
            "assign_form": assign_form or CameraDistrictForm(),
        },
        status=status,
    )


@capability_required(permissions.MANAGE_DISTRICTS, doing=_DOING)
@require_http_methods(["GET", "POST"])
def districts(request):
    """List the districts and cameras; enter a new district."""
    if request.method == "GET":
        return _page(request)
    form = DistrictForm(request.POST)
    if form.is_valid():
        try:
            district = district_save(actor=Actor.for_request(request), **form.service_fields())
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"District {district.name} entered.")
            return redirect("reports:districts")
    return _page(request, form=form, status=400)


@capability_required(permissions.MANAGE_DISTRICTS, doing=_DOING)
@require_http_methods(["GET", "POST"])
def district_edit(request, district_id: int):
    district = selectors.district_get(district_id)
    if district is None:
        raise Http404("No such district.")
    form = DistrictForm(request.POST or None, initial=DistrictForm.initial_for(district))
    if request.method == "POST" and form.is_valid():
        try:
            district_save(actor=Actor.for_request(request), district_id=district.pk, **form.service_fields())
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"District {district.name} changed.")
            return redirect("reports:districts")
    return render(
        request,
        "reports/district_form.html",
        {"form": form, "district": district},
        status=400 if form.errors else 200,
    )


@capability_required(permissions.MANAGE_DISTRICTS, doing=_DOING)
@require_POST
def camera_assign(request):
    form = CameraDistrictForm(request.POST)
    if form.is_valid():
        camera, district = form.cleaned_data["camera"], form.cleaned_data["district"]
        try:
            camera_district_assign(
                actor=Actor.for_request(request),
                camera_id=camera.pk,
                district_id=district.pk if district else None,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request, f"{camera.name} is now in {district.name if district else 'no district'}."
            )
            return redirect("reports:districts")
    return _page(request, assign_form=form, status=400)
