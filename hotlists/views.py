"""Hotlist and alert pages. Thin: parse, call a service or selector, render.

The services check who may do what and audit every attempt; ``capability_required`` only keeps the
pages from roles that have no use for them (and audits that refusal).
"""
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import capability_required
from accounts.views._forms import form_error
from audit.context import Actor
from core.dates import day_text
from core.errors import ApplicationError, NotFound
from hotlists import alerts, imports, selectors, services
from hotlists.forms import ActionForm, DeactivateForm, EntryForm, ImportForm, VerifyForm, end_of_local_day
from hotlists.models import HotlistSource
from policy.roles import Capability
from policy.selectors import current_policy

EDIT = Capability.CREATE_HOTLIST
VERIFY = Capability.VERIFY_ALERTS


@capability_required(EDIT, VERIFY)
def hotlist_index(request):
    """The lists and their live entries: read-only for alert-verifying roles, editable for editors."""
    include_inactive = request.GET.get("show") == "all"
    query = request.GET.get("q", "")
    entries = selectors.hotlist_entries_list(actor=Actor.for_request(request), search=query,
                                             hotlist_id=request.GET.get("list", ""),
                                             include_inactive=include_inactive)
    return render(request, "hotlists/index.html", {
        "hotlists": selectors.hotlists_with_counts(), "entries": entries, "query": query,
        "include_inactive": include_inactive, "deactivate_form": DeactivateForm(),
        "can_edit": request.user.can(EDIT)})


@capability_required(EDIT)
@require_http_methods(["GET", "POST"])
def entry_add(request):
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hotlist = form.cleaned_data["hotlist"]
            entry = services.hotlist_entry_add(actor=Actor.for_request(request), **form.service_fields(),
                                               hotlist_id=hotlist.pk if hotlist else None)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{entry.plate_pattern} is on the hotlist until "
                                      f"{day_text(entry.expires_at)}. New reads are matched against it.")
            return redirect("hotlists:index")
    return render(request, "hotlists/entry_form.html", {"form": form, "entry": None},
                  status=400 if form.errors else 200)


@capability_required(EDIT)
@require_http_methods(["GET", "POST"])
def entry_edit(request, entry_id: int):
    entry = selectors.entry_view(actor=Actor.for_request(request), entry_id=entry_id)
    if entry is None:
        raise NotFound("No such hotlist entry.")
    initial = {"plate_pattern": entry.plate_pattern, "state": entry.state, "reason": entry.reason,
               "case_number": entry.case_number, "priority": entry.priority,
               "expires_on": entry.expires_at.date(), "vehicle_description": entry.vehicle_description}
    form = EntryForm(request.POST or None, initial=initial)
    form.fields.pop("hotlist")
    if request.method == "POST" and form.is_valid():
        try:
            services.hotlist_entry_edit(actor=Actor.for_request(request), entry_id=entry.pk,
                                        **form.service_fields())
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The entry is changed.")
            return redirect("hotlists:index")
    return render(request, "hotlists/entry_form.html", {"form": form, "entry": entry},
                  status=400 if form.errors else 200)


@capability_required(EDIT)
@require_POST
def entry_deactivate(request, entry_id: int):
    form = DeactivateForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        entry = services.hotlist_entry_deactivate(actor=Actor.for_request(request), entry_id=entry_id,
                                                  reason=reason)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{entry.plate_pattern} no longer matches.")
    return redirect("hotlists:index")


@capability_required(EDIT)
@require_http_methods(["GET", "POST"])
def import_list(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            run = imports.hotlist_import(
                actor=Actor.for_request(request), source=data["source"], file_name=upload.name,
                data=upload.read(),
                list_name=data["list_name"] if data["source"] == HotlistSource.CSV else "",
                case_number=data["case_number"],
                expires_at=end_of_local_day(data["expires_on"]) if data["expires_on"] else None)
        except ApplicationError as error:
            form_error(form, error)
        else:
            return redirect("hotlists:import_detail", run_id=run.pk)
    runs = [(run, selectors.import_run_openable(request.user, run)) for run in selectors.import_runs()]
    return render(request, "hotlists/imports.html", {"form": form, "runs": runs},
                  status=400 if form.errors else 200)


@capability_required(EDIT)
def import_detail(request, run_id: int):
    run = selectors.import_run_view(actor=Actor.for_request(request), run_id=run_id)
    return render(request, "hotlists/import_detail.html", {"run": run})


@capability_required(VERIFY)
def alert_inbox(request):
    show_all = request.GET.get("show") == "all"
    views = alerts.alert_list(actor=Actor.for_request(request), only_open=not show_all)
    return render(request, "hotlists/alert_inbox.html", {"views": views, "show_all": show_all,
                                                         "days": current_policy().alert_open_days})


@require_GET
@never_cache
def alert_poll(request):
    """JSON for static/js/alerts.js: new alerts since the last id this screen has seen."""
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    try:
        payload = alerts.alerts_poll(actor=Actor.for_request(request), after_id=after)
    except ApplicationError as error:
        return JsonResponse({"error": error.code, "detail": error.message}, status=error.status_code)
    return JsonResponse(payload)


def _detail(request, alert_id: int, *, verify_form=None, action_form=None, status=200):
    view = alerts.alert_get(actor=Actor.for_request(request), alert_id=alert_id)
    return render(request, "hotlists/alert_detail.html", {
        "alert": view.alert, "read": view.read, "read_open": view.read_open, "entry": view.alert.entry,
        "days": current_policy().alert_open_days,
        "verify_form": verify_form or VerifyForm(), "action_form": action_form or ActionForm(),
    }, status=status)


@capability_required(VERIFY)
def alert_detail(request, alert_id: int):
    return _detail(request, alert_id)


@capability_required(VERIFY)
@require_POST
def alert_verify(request, alert_id: int):
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            alerts.alert_verify(actor=Actor.for_request(request), alert_id=alert_id, **form.service_fields())
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Your verification is recorded.")
            return redirect("hotlists:alert_detail", alert_id=alert_id)
    return _detail(request, alert_id, verify_form=form, status=400)


@capability_required(VERIFY)
@require_POST
def alert_action(request, alert_id: int):
    form = ActionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            alerts.alert_record_action(actor=Actor.for_request(request), alert_id=alert_id,
                                       **form.service_fields())
        except ApplicationError as error:
            form_error(form, error)
            status = error.status_code
        else:
            messages.success(request, "The action is recorded.")
            return redirect("hotlists:alert_detail", alert_id=alert_id)
    return _detail(request, alert_id, action_form=form, status=status)


@capability_required(VERIFY)
@require_GET
def alert_image(request, alert_id: int, kind: str):
    data, content_type = alerts.alert_image(actor=Actor.for_request(request), alert_id=alert_id, kind=kind)
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "no-store, private"
    return response
