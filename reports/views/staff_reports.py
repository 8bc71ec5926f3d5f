"""Staff pages of the reports: list, generate, read, download, sign off (AUD-5)."""

from csp.decorators import csp_update
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import capability_required
from audit.context import Actor
from core.errors import ApplicationError
from policy.roles import only_who_may, who_may
from reports import permissions
from reports.forms import GenerateReportForm, SignOffForm
from reports.models import DiscrepancyNotice, Report
from reports.periods import Period
from reports.reporting import registry
from reports.services.reports import discrepancy_acknowledge, report_generate, report_read, report_sign_off
from reports.views._helpers import form_error

_READERS = (permissions.READ_REPORTS, permissions.SIGN_OFF_AUDIT)


@capability_required(*_READERS, message="Your role does not read oversight reports.")
@require_http_methods(["GET", "POST"])
def index(request):
    kinds = registry.all_kinds()
    can_generate = request.user.can(permissions.GENERATE_REPORTS)
    form = GenerateReportForm(request.POST or None, kinds=kinds) if can_generate else None
    if request.method == "POST":
        if form is None:
            return render(
                request,
                "error.html",
                {"message": only_who_may(permissions.GENERATE_REPORTS, doing="generate reports")},
                status=403,
            )
        if form.is_valid():
            year, number = form.cleaned_data["month"]
            kind = registry.get(form.cleaned_data["kind"])
            try:
                report = report_generate(
                    actor=Actor.for_request(request),
                    kind=kind.code,
                    period=kind.period_for(year, number),
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, f"Generated {report.title}, version {report.version}.")
                return redirect("reports:detail", report_id=report.pk)
    reports = Report.objects.select_related("sign_off").order_by("-period_start", "kind", "-version")[:200]
    titles = {kind.code: kind for kind in kinds}
    notices = (
        DiscrepancyNotice.objects.filter(chief=request.user).select_related(
            "sign_off__report", "sign_off__signed_by"
        )
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "reports/index.html",
        {
            "reports": reports,
            "kinds": titles,
            "signed_off_kinds": {kind.code for kind in kinds if kind.sign_off_capability},
            "form": form,
            "notices": notices,
        },
        status=400 if form is not None and form.errors else 200,
    )


@capability_required(*_READERS, message="Your role does not read oversight reports.")
@require_http_methods(["GET", "POST"])
def detail(request, report_id: int):
    report, _ = report_read(actor=Actor.for_request(request), report_id=report_id)
    kind = registry.get(report.kind)
    sign_off = getattr(report, "sign_off", None) if hasattr(report, "sign_off") else None
    can_sign = bool(
        kind.sign_off_capability and request.user.can(kind.sign_off_capability) and sign_off is None
    )
    form = SignOffForm(request.POST or None) if can_sign else None
    if request.method == "POST":
        if form is None:
            return render(
                request, "error.html", {"message": "This report cannot be signed off by you."}, status=403
            )
        if form.is_valid():
            try:
                report_sign_off(actor=Actor.for_request(request), report_id=report.pk, **form.cleaned_data)
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    "Signed off."
                    + (
                        f" The discrepancies were sent to {who_may(permissions.RECEIVE_DISCREPANCIES)}."
                        if form.cleaned_data["discrepancies"].strip()
                        else ""
                    ),
                )
                return redirect("reports:detail", report_id=report.pk)
    versions = Report.objects.filter(kind=report.kind, period_start=report.period_start).order_by("-version")
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "kind": kind,
            "files": report.files.defer("content").order_by("format"),
            "sign_off": sign_off,
            "form": form,
            "versions": versions,
        },
        status=400 if form is not None and form.errors else 200,
    )


@capability_required(*_READERS, message="Your role does not read oversight reports.")
@csp_update({"style-src": ["'unsafe-inline'"]})  # the stored page carries its own stylesheet, unchanged
def document(request, report_id: int, file_format: str):
    """Serve a stored file exactly as it was generated (the HTML page inline, PDF and CSV as downloads)."""
    report, stored = report_read(
        actor=Actor.for_request(request), report_id=report_id, file_format=file_format
    )
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    period = Period(report.period_start, report.period_end)
    name = f"{report.kind}-{period.slug}-v{report.version}.{stored.format}"
    disposition = "inline" if stored.format == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Content-SHA256"] = stored.sha256
    return response


@require_POST
def acknowledge(request, notice_id: int):
    discrepancy_acknowledge(actor=Actor.for_request(request), notice_id=notice_id)
    messages.success(request, "Marked as read.")
    return redirect("reports:index")
