"""Retention pages: evidence holds, evidence packages, erroneous-read flags, purge runs. Thin edges:
every rule is in ``retention.services`` / ``retention.permissions``; refusals raise and are rendered
by ``core.middleware``."""
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.views._forms import form_error
from audit.context import Actor
from audit.services import audit_record
from core.errors import ApplicationError, NotFound, PolicyDenied
from retention import audit_actions as actions
from retention import selectors, services
from retention.forms import FlagForm, HoldForm, PackageForm, ReleaseForm, ReviewForm
from retention.models import ErroneousDataNotification, FlagStatus
from retention.permissions import (
    is_retention_manager,
    may_handle_evidence,
    may_see_reads,
    require_read_viewer,
    require_retention_manager,
)
from retention.services.evidence import MANIFEST, evidence_root


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PolicyDenied(message)


# ---- Evidence holds (RET-2)

def holds_list(request):
    user = request.user
    _require(may_handle_evidence(user), "Your role does not place or review evidence holds.")
    holds = selectors.holds_visible_to(user)
    return render(request, "retention/holds_list.html", {
        "active": holds.filter(released_at__isnull=True),
        "released": holds.filter(released_at__isnull=False)[:50],
        "sees_all": is_retention_manager(user)})


@require_http_methods(["GET", "POST"])
def hold_place(request):
    _require(may_handle_evidence(request.user), "Your role does not place evidence holds.")
    initial = {"read_ids": request.GET.get("read", "")}
    form = HoldForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hold = services.hold_place(
                actor=Actor.for_request(request), case_number=data["case_number"], reason=data["reason"],
                read_ids=data["read_ids"], plate=data["plate"], window_start=data["window_start"],
                window_end=data["window_end"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Hold {hold.pk} placed: the reads are kept until it is released.")
            return redirect("retention:hold_detail", hold_id=hold.pk)
    return render(request, "retention/hold_place.html", {"form": form}, status=400 if form.errors else 200)


def _visible_hold(request, hold_id: int):
    hold = selectors.holds_visible_to(request.user).filter(pk=hold_id).first()
    if hold is None:
        raise NotFound("No such hold, or it is not yours to see.")
    return hold


def hold_detail(request, hold_id: int):
    _require(may_handle_evidence(request.user), "Your role does not review evidence holds.")
    hold = _visible_hold(request, hold_id)
    actor = Actor.for_request(request)
    require_read_viewer(actor)
    reads = selectors.hold_reads(hold)
    audit_record(actor=actor, action=actions.HOLD_VIEWED, case_number=hold.case_number,
                 targets=[f"hold:{hold.pk}", *(f"read:{read.id}" for read in reads)], result_count=len(reads))
    return render(request, "retention/hold_detail.html", {
        "hold": hold, "reads": reads, "release_form": ReleaseForm(),
        "may_release": hold.is_active and (hold.placed_by_id == request.user.pk
                                           or is_retention_manager(request.user))})


@require_POST
def hold_release(request, hold_id: int):
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the hold is released.")
        return redirect("retention:hold_detail", hold_id=hold_id)
    services.hold_release(actor=Actor.for_request(request), hold_id=hold_id,
                          reason=form.cleaned_data["reason"])
    messages.success(request, "Hold released: its reads return to normal retention.")
    return redirect("retention:hold_detail", hold_id=hold_id)


# ---- Evidence packages (RET-4)

def packages_list(request):
    _require(may_handle_evidence(request.user) or is_retention_manager(request.user)
             or request.user.can("read_audit_log"), "Your role does not reach evidence packages.")
    return render(request, "retention/packages_list.html", {
        "packages": selectors.packages_visible_to(request.user)[:200],
        "may_create": may_handle_evidence(request.user)})


@require_http_methods(["GET", "POST"])
def package_create(request):
    _require(may_handle_evidence(request.user), "Your role does not export evidence.")
    form = PackageForm(request.POST or None, initial={"read_ids": request.GET.get("read", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            package = services.evidence_package_create(
                actor=Actor.for_request(request), read_ids=data["read_ids"], purpose=data["purpose"],
                case_number=data["case_number"], description=data["description"], recipient=data["recipient"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Evidence package written to the evidence store.")
            return redirect("retention:package_detail", package_id=package.pk)
    return render(request, "retention/package_create.html", {"form": form},
                  status=400 if form.errors else 200)


def _visible_package(request, package_id: int):
    package = selectors.packages_visible_to(request.user).filter(pk=package_id).first()
    if package is None:
        raise NotFound("No such evidence package, or it is not yours to see.")
    return package


def _manifest_files(package) -> list[tuple[str, str]]:
    import json

    try:
        manifest = json.loads((evidence_root() / package.directory / MANIFEST).read_text(encoding="utf-8"))
        return sorted(manifest["files"].items())
    except (OSError, ValueError, KeyError):
        return []


def _custody(package) -> dict:
    import json

    try:
        return json.loads((evidence_root() / package.directory / "custody.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def package_detail(request, package_id: int):
    package = _visible_package(request, package_id)
    audit_record(actor=Actor.for_request(request), action=actions.EVIDENCE_PACKAGE_VIEWED,
                 case_number=package.case_number, targets=[f"evidence-package:{package.uuid}"])
    return render(request, "retention/package_detail.html", {
        "package": package, "files": _manifest_files(package), "custody": _custody(package),
        "location": evidence_root() / package.directory,
        "may_download": package.created_by_id == request.user.pk or is_retention_manager(request.user)})


def package_download(request, package_id: int):
    """The package as a ZIP, to hand over (e.g. to the prosecutor or a receiving agency); audited."""
    package, archive = services.evidence_package_download(actor=Actor.for_request(request),
                                                          package_id=package_id)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{Path(package.directory).name}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def package_verify(request, package_id: int):
    package = _visible_package(request, package_id)
    result = services.evidence_package_verify(actor=Actor.for_request(request), reference=str(package.uuid))
    if result.ok:
        messages.success(request, "Verified: every file matches the manifest and the recorded hash.")
    else:
        messages.error(request, "Verification FAILED: " + "; ".join(result.lines()))
    return redirect("retention:package_detail", package_id=package.pk)


# ---- Erroneous data (RET-5)

@require_http_methods(["GET", "POST"])
def flag_read(request, read_id: int):
    actor = Actor.for_request(request)
    require_read_viewer(actor)
    read = selectors.read_summary(read_id)
    if read is None:
        raise NotFound("No such read (it may have been purged).")
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.read_flag_erroneous(actor=actor, read_id=read_id, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Thank you: the flag goes to the system administrator for review.")
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect("retention:my_flags")
    return render(request, "retention/flag_read.html", {"form": form, "read": read,
                                                        "next": request.GET.get("next", "")},
                  status=400 if form.errors else 200)


def my_flags(request):
    _require(may_see_reads(request.user), "Your role does not reach plate reads.")
    return render(request, "retention/my_flags.html", {"flags": selectors.flags_by(request.user)[:100]})


def flags_queue(request):
    require_retention_manager(Actor.for_request(request), "Only the system administrator reviews flags.")
    queue = list(selectors.flags_queue()[:100])
    summaries = {flag.pk: selectors.read_summary(flag.read_id) for flag in queue}
    return render(request, "retention/flags_queue.html", {
        "queue": [(flag, summaries[flag.pk]) for flag in queue],
        "reviewed": selectors.flags_reviewed()[:50], "form": ReviewForm(),
        "pending_notices": ErroneousDataNotification.objects.filter(delivered_at__isnull=True)[:100]})


@require_POST
def flag_review(request, flag_id: int):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision and write a review note.")
        return redirect("retention:flags_queue")
    data = form.cleaned_data
    flag = services.flag_review(actor=Actor.for_request(request), flag_id=flag_id,
                                confirm=data["decision"] == "confirm", note=data["note"],
                                corrected_plate=data["corrected_plate"])
    notified = flag.notifications.count()
    if flag.status == FlagStatus.CONFIRMED:
        messages.success(request, f"Flag {flag.pk} confirmed; {notified} agency notice(s) recorded.")
    else:
        messages.success(request, f"Flag {flag.pk} rejected.")
    return redirect("retention:flags_queue")


# ---- Purge runs (RET-1)

def purge_runs(request):
    require_retention_manager(Actor.for_request(request), "Only the system administrator manages retention.")
    from policy.selectors import current_policy

    return render(request, "retention/purge_runs.html", {"runs": selectors.purge_runs()[:60],
                                                         "retention_days": current_policy().retention_days})
