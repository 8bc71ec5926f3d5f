"""Retention pages: evidence holds, evidence packages, erroneous-read flags, purge runs. Thin edges:
every rule is in ``alpr.access`` (anything that shows or selects reads: under the open justification,
audited), ``retention.services`` and ``retention.permissions``; refusals raise, are audited, and are
rendered by ``core.middleware``."""
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import capability_required
from accounts.views._forms import form_error
from alpr import access
from audit.context import Actor
from audit.services import refusals_recorded
from core.errors import ApplicationError, NotYours, PolicyDenied
from policy.roles import ALPR_DATA_CAPABILITIES, Capability
from retention import audit_actions as actions
from retention import selectors, services
from retention.forms import FlagForm, HoldForm, PackageForm, ReleaseForm, ReviewForm
from retention.models import ErroneousDataNotification, FlagStatus
from retention.permissions import is_retention_manager, may_place_evidence, require_retention_manager
from retention.services.evidence import MANIFEST, package_document
from searches.selectors import open_justification
from searches.views import SESSION_KEY

# Holds and packages: investigators, and administrators who review holds and release data (permissions).
EVIDENCE_ROLES = (Capability.HANDLE_EVIDENCE, Capability.MANAGE_RETENTION)


def _guarded(request, check, *args, action) -> Actor:
    """Run a permission `check` on the request's actor; a refusal is audited under `action`."""
    actor = Actor.for_request(request)
    with refusals_recorded(actor=actor, action=action, query={"path": request.path}):
        check(actor, *args)
    return actor


def _justification(request):
    """The justification the person opened at the search gate, if it is still open."""
    return open_justification(user=request.user, justification_id=request.session.get(SESSION_KEY))


# ---- Evidence holds (RET-2)

@capability_required(*EVIDENCE_ROLES, message="Your role does not place or review evidence holds.")
def holds_list(request):
    user = request.user
    holds = selectors.holds_visible_to(user)
    return render(request, "retention/holds_list.html", {
        "active": holds.filter(released_at__isnull=True),
        "released": holds.filter(released_at__isnull=False)[:50],
        "sees_all": is_retention_manager(user), "may_place": may_place_evidence(user)})


@capability_required(Capability.HANDLE_EVIDENCE, message="Your role does not place evidence holds.")
@require_http_methods(["GET", "POST"])
def hold_place(request):
    """A hold is placed under the open justification: its case number, and its gate (``alpr.access``)."""
    justification = _justification(request)
    form = HoldForm(request.POST or None, initial={"read_ids": request.GET.get("read", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hold = access.plate_reads_hold(
                actor=Actor.for_request(request), justification=justification, reason=data["reason"],
                read_ids=data["read_ids"], plate=data["plate"], since=data["window_start"],
                until=data["window_end"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Hold {hold.pk} placed: the reads are kept until it is released.")
            return redirect("retention:hold_detail", hold_id=hold.pk)
    return render(request, "retention/hold_place.html", {"form": form, "justification": justification},
                  status=400 if form.errors else 200)


def _hold_reads(request, actor: Actor, hold):
    """The hold's reads, listed only under an open justification for the hold's case; else None."""
    justification = _justification(request)
    if justification is None or justification.case_number != hold.case_number:
        return None
    return access.hold_reads_list(actor=actor, justification=justification, hold=hold)


@capability_required(*EVIDENCE_ROLES, message="Your role does not review evidence holds.")
def hold_detail(request, hold_id: int):
    actor = Actor.for_request(request)
    with refusals_recorded(actor=actor, action=actions.HOLD_VIEWED, targets=[f"hold:{hold_id}"]):
        hold = selectors.holds_visible_to(request.user).filter(pk=hold_id).first()
        if hold is None:
            raise NotYours("No such hold, or it is not yours to see.")
    return render(request, "retention/hold_detail.html", {
        "hold": hold, "reads": _hold_reads(request, actor, hold), "release_form": ReleaseForm(),
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

@capability_required(*EVIDENCE_ROLES, Capability.READ_AUDIT_LOG,
                     message="Your role does not reach evidence packages.")
def packages_list(request):
    user = request.user
    return render(request, "retention/packages_list.html", {
        "packages": selectors.packages_visible_to(user)[:200], "may_create": may_place_evidence(user)})


@capability_required(Capability.HANDLE_EVIDENCE, message="Your role does not export evidence.")
@require_http_methods(["GET", "POST"])
def package_create(request):
    """An export is a download through the access layer: the open justification, the policy's caps."""
    justification = _justification(request)
    form = PackageForm(request.POST or None, initial={"read_ids": request.GET.get("read", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            package = access.plate_reads_download(
                actor=Actor.for_request(request), justification=justification, read_ids=data["read_ids"],
                purpose=data["purpose"], recipient=data["recipient"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Evidence package written to the evidence store.")
            return redirect("retention:package_detail", package_id=package.pk)
    return render(request, "retention/package_create.html", {"form": form, "justification": justification},
                  status=400 if form.errors else 200)


def _manifest_files(package) -> list[tuple[str, str]]:
    import json

    try:
        manifest = json.loads(package_document(package, MANIFEST))
        return sorted(manifest["files"].items())
    except (OSError, ValueError, KeyError):
        return []


def _custody(package) -> dict:
    import json

    try:
        return json.loads(package_document(package, "custody.json"))
    except (OSError, ValueError):
        return {}


def package_detail(request, package_id: int):
    package = services.evidence_package_get(actor=Actor.for_request(request), package_id=package_id)
    return render(request, "retention/package_detail.html", {
        "package": package, "files": _manifest_files(package), "custody": _custody(package),
        "archive_name": _archive_name(package), "may_download": package.created_by_id == request.user.pk})


def _archive_name(package) -> str:
    """The name the package downloads under; where the evidence store keeps it is the server's business."""
    return f"{Path(package.directory).name}.zip"


def package_download(request, package_id: int):
    """The package as a ZIP, to hand over (e.g. to the prosecutor or a receiving agency); audited."""
    package, archive = access.evidence_package_zip(
        actor=Actor.for_request(request), justification=_justification(request), package_id=package_id)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{_archive_name(package)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def package_verify(request, package_id: int):
    package, result = services.evidence_package_check(actor=Actor.for_request(request), package_id=package_id)
    if result.ok:
        messages.success(request, "Verified: every file matches the manifest and the recorded hash.")
    else:
        messages.error(request, "Verification FAILED: " + "; ".join(result.lines()))
    return redirect("retention:package_detail", package_id=package.pk)


# ---- Erroneous data (RET-5)

@require_http_methods(["GET", "POST"])
def flag_read(request, read_id: int):
    """Flag a read the person may open under their justification; showing it is an audited view."""
    actor = Actor.for_request(request)
    justification = _justification(request)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.plate_read_flag(actor=actor, justification=justification, read_id=read_id,
                                   **form.cleaned_data)
        except PolicyDenied:
            raise  # no justification, or the read is not in its scope: the refusal page, not the form
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Thank you: the flag goes to the system administrator for review.")
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                        require_https=request.is_secure()):
                return redirect(back)
            return redirect("retention:my_flags")
    read = access.plate_read_get(actor=actor, justification=justification, read_id=read_id)
    return render(request, "retention/flag_read.html", {"form": form, "read": read,
                                                        "next": request.GET.get("next", "")},
                  status=400 if form.errors else 200)


@capability_required(*ALPR_DATA_CAPABILITIES, message="Your role does not reach plate reads.")
def my_flags(request):
    return render(request, "retention/my_flags.html", {"flags": selectors.flags_by(request.user)[:100]})


def _flagged_reads(request, actor: Actor, flags):
    """The flagged reads (plate, camera, time), listed only under an open audit justification; else None."""
    justification = _justification(request)
    if justification is None or not justification.is_audit:
        return None
    return access.flagged_reads_list(actor=actor, justification=justification,
                                     read_ids=[flag.read_id for flag in flags])


def flags_queue(request):
    """The reviewer's page. Without an audit justification it shows the flags but no plate text."""
    actor = _guarded(request, require_retention_manager, "review erroneous-read flags",
                     action=actions.FLAGGED_READS_LISTED)
    queue = list(selectors.flags_queue()[:100])
    reviewed = list(selectors.flags_reviewed()[:50])
    reads = _flagged_reads(request, actor, queue + reviewed)
    return render(request, "retention/flags_queue.html", {
        "queue": [(flag, (reads or {}).get(flag.read_id)) for flag in queue],
        "shows_plates": reads is not None, "reviewed": reviewed, "form": ReviewForm(),
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
    _guarded(request, require_retention_manager, "manage retention",
             action=actions.PURGE_RUN)
    from policy.selectors import current_policy

    return render(request, "retention/purge_runs.html", {"runs": selectors.purge_runs()[:60],
                                                         "retention_days": current_policy().retention_days})
