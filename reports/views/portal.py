"""The public transparency portal (RPT-3, RPT-4, RPT-5, AUD-4, USE-9, CAM-1): no sign-in.

Never a plate, an image or a user's identity: these views read cameras, published texts, counts and
hashes only (reports/tests/test_portal.py renders every page against seeded reads and people).
"""

import csv
import io
import json
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from alpr.cameras import cameras_silent
from audit.context import Actor
from core.compliance import enforces
from core.errors import ApplicationError
from core.ratelimit import submission_wait
from core.spreadsheets import spreadsheet_cell
from policy.presentation import change_rows
from policy.selectors import (
    current_policy,
    policy_change_get,
    policy_changes_open_for_comment,
    policy_changes_published,
)
from policy.services import policy_change_comment_submit
from reports import conf, metrics, selectors
from reports.forms import ComplaintForm, ComplaintLookupForm, PolicyCommentForm
from reports.models import Complaint, PolicyDocument, PolicyStatus
from reports.periods import recent_months
from reports.services.policy_docs import policy_comment_submit
from reports.services.portal import complaint_submit
from reports.svgmap import HEIGHT, WIDTH, camera_points
from reports.textformat import policy_html
from sharing import selectors as sharing_selectors

USAGE_MONTHS = 12
RATE_LIMITED = "rate_limited"


def _common() -> dict:
    return {"public_contact": selectors.public_contact()}


def home(request):
    document = selectors.policy_in_force()
    return render(
        request,
        "portal/home.html",
        {
            **_common(),
            "policy_document": document,
            "review_overdue": selectors.policy_review_overdue(document),
            "open_for_comment": selectors.policy_open_for_comment(),
            "changes_open": policy_changes_open_for_comment(),
            "notices": selectors.placement_notices(),
            "incidents": selectors.public_incident_notices()[:3],
            "camera_count": selectors.public_cameras().count(),
            "retention_days": current_policy().retention_days,
        },
    )


@enforces("CAM-1", "CAM-2")
def cameras(request):
    devices = list(selectors.public_cameras())
    notices = list(selectors.placement_notices())
    tile_url = conf.tile_url()
    response = render(
        request,
        "portal/cameras.html",
        {
            **_common(),
            "cameras": devices,
            "out_of_service": _out_of_service(),
            "points": camera_points(devices, notices),
            "map_width": WIDTH,
            "map_height": HEIGHT,
            "tile_url": tile_url,
            "tile_attribution": conf.tile_attribution(),
            "notices": notices,
            "recent": selectors.recent_placements(),
            "retired": selectors.retired_cameras(),
            "notice_days": conf.camera_notice_days(),
        },
    )
    origin = _origin(tile_url)
    if origin:
        # Optional map tiles: let the browser fetch images from the configured tile server only.
        response._csp_update = {"img-src": [origin]}
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


@enforces("RPT-4", "USE-9")
def policy(request):
    document = selectors.policy_in_force()
    agency = current_policy()
    return render(
        request,
        "portal/policy.html",
        {
            **_common(),
            "document": document,
            "document_html": policy_html(document.text) if document else "",
            "review_overdue": selectors.policy_review_overdue(document),
            "versions": selectors.policy_published_versions(),
            "open_for_comment": selectors.policy_open_for_comment(),
            "changes_open": policy_changes_open_for_comment(),
            "changes": policy_changes_published(),
            "retention_days": agency.retention_days,
            "permitted": agency.permitted_purposes,
            "prohibited": agency.prohibited_purposes,
            "collected": conf.collected(),
            "never_collected": conf.never_collected(),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_version(request, version: int):
    document = get_object_or_404(
        PolicyDocument.objects.exclude(status__in=[PolicyStatus.DRAFT, PolicyStatus.WITHDRAWN]),
        version=version,
    )
    return _comment_page(
        request,
        is_open=document.status == PolicyStatus.COMMENT and document.comment_closes_at > timezone.now(),
        submit=lambda **fields: policy_comment_submit(document_id=document.pk, **fields),
        template="portal/policy_version.html",
        context={"document": document, "document_html": policy_html(document.text)},
    )


@enforces("RPT-4")
@require_http_methods(["GET", "POST"])
def policy_change(request, proposal_id: int):
    """A proposed change of the enforced rules: before and after, and a comment form while it is open."""
    proposal = policy_change_get(proposal_id)
    if proposal is None:
        raise Http404("No such proposed change.")
    return _comment_page(
        request,
        is_open=proposal.is_open_for_comment,
        submit=lambda **fields: policy_change_comment_submit(
            actor=Actor.for_request(request), proposal_id=proposal.pk, **fields),
        template="portal/policy_change.html",
        context={"proposal": proposal, "rows": change_rows(proposal, public=True)},
    )


def _comment_page(request, *, is_open: bool, submit, template: str, context: dict):
    """Render a page open (or not) for public comment; store a comment, within the submission limit."""
    form = PolicyCommentForm(request.POST or None) if is_open else None
    if request.method == "POST":
        if form is None:
            return render(request, "error.html", {"message": "The comment period is closed."}, status=400)
        if form.is_valid() and _within_limit(request, form, kind="policy_comment", noun="comments"):
            try:
                submit(**form.cleaned_data)
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Thank you. Your comment has been received.")
                return redirect(request.path)
    return render(request, template, {**_common(), **context, "form": form, "is_open": is_open},
                  status=_form_status(form))


def _within_limit(request, form, *, kind: str, noun: str) -> bool:
    """Count this submission from the client's address; over the limit, say so on the form (kept filled)."""
    wait = submission_wait(request, form=kind)
    if wait:
        minutes = -(-wait // 60)
        message = (
            f"Too many {noun} have come from your address recently, so this one was not stored. "
            f"Please try again in {minutes} minute{pluralize(minutes)}; what you wrote is still below."
        )
        form.add_error(None, ValidationError(message, code=RATE_LIMITED))
    return not wait


def _form_status(form) -> int:
    """Return 429 when the submission limit refused the form, 400 for other errors, else 200."""
    if form is None or not form.errors:
        return 200
    return 429 if form.has_error(NON_FIELD_ERRORS, RATE_LIMITED) else 400


def _usage():
    return metrics.usage_by_month(recent_months(USAGE_MONTHS))


@enforces("RPT-3")
def usage(request):
    months = _usage()
    purposes = sorted({label for month in months for label in month.searches_by_purpose})
    alerts = sorted({label for month in months for label in month.alert_events})
    return render(
        request,
        "portal/usage.html",
        {
            **_common(),
            "months": months,
            "purposes": purposes,
            "alert_labels": alerts,
            "purposes_rows": [
                (label, [m.searches_by_purpose.get(label, 0) for m in months]) for label in purposes
            ],
            "alert_rows": [(label, [m.alert_events.get(label, 0) for m in months]) for label in alerts],
            "agencies": metrics.agencies_with_access(),
            "revoked_agencies": sharing_selectors.revoked_agencies(),
            "retention_days": current_policy().retention_days,
        },
    )


def integrity(request):
    return render(request, "portal/integrity.html", {**_common(), "heads": selectors.published_chain_heads()})


@enforces("RPT-5")
def incidents(request):
    return render(
        request, "portal/incidents.html", {**_common(), "incidents": selectors.public_incident_notices()}
    )


@enforces("AUD-4")
@require_http_methods(["GET", "POST"])
def complaint(request):
    form = ComplaintForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _within_limit(request, form, kind="complaint", noun="reports")
    ):
        try:
            filed = complaint_submit(actor=Actor.for_request(request), **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect(reverse("portal:complaint_status") + f"?reference={filed.reference}&new=1")
    return render(
        request,
        "portal/complaint.html",
        {
            **_common(),
            "form": form,
            "oversight": selectors.oversight_contact(),
        },
        status=_form_status(form),
    )


def complaint_status(request):
    form = ComplaintLookupForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = (
            Complaint.objects.filter(reference__iexact=form.cleaned_data["reference"].strip())
            .prefetch_related("updates")
            .first()
        )
        if found is None:
            form.add_error("reference", "No report has this reference.")
    return render(
        request,
        "portal/complaint_status.html",
        {
            **_common(),
            "form": form,
            "complaint": found,
            "new": request.GET.get("new") == "1",
        },
    )


# Open data (RPT-3): the same figures and the camera list as CSV and JSON.


OUT_OF_SERVICE = "Out of service"


def _out_of_service() -> set[int]:
    """Cameras in service but silent longer than the policy allows (alpr.cameras): shown as out of service."""
    return set(cameras_silent().values_list("pk", flat=True))


def _camera_rows() -> list[dict]:
    silent = _out_of_service()
    return [
        {
            "name": camera.name,
            "type": camera.get_kind_display(),
            "status": OUT_OF_SERVICE if camera.pk in silent else camera.get_status_display(),
            "latitude": str(camera.latitude) if camera.latitude is not None else "",
            "longitude": str(camera.longitude) if camera.longitude is not None else "",
            "location": camera.location_description,
            "direction": camera.direction,
            "installed_on": camera.installed_on.isoformat() if camera.installed_on else "",
        }
        for camera in selectors.public_cameras()
    ]


def _csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[spreadsheet_cell(value) for value in row] for row in rows])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cameras_csv(request):
    rows = _camera_rows()
    header = ["name", "type", "status", "latitude", "longitude", "location", "direction", "installed_on"]
    return _csv_response("alpr-cameras.csv", header, [[row[key] for key in header] for row in rows])


def cameras_json(request):
    return JsonResponse(
        {"generated_at": timezone.now().isoformat(), "cameras": _camera_rows()},
        json_dumps_params={"indent": 2},
    )


def usage_csv(request):
    rows = []
    for month in _usage():
        data = month.as_dict()
        rows.append([data["month"], "reads", "", data["reads"]])
        rows.append([data["month"], "searches", "", data["searches"]])
        rows += [
            [data["month"], "searches_by_purpose", label, n]
            for label, n in data["searches_by_purpose"].items()
        ]
        rows.append([data["month"], "refused_searches", "", data["refused_searches"]])
        rows.append([data["month"], "outside_agency_searches", "", data["outside_agency_searches"]])
        rows += [[data["month"], "alert_events", label, n] for label, n in data["alert_events"].items()]
        rows.append(
            [data["month"], "reads_purged", "", "" if data["reads_purged"] is None else data["reads_purged"]]
        )
    return _csv_response("alpr-usage.csv", ["month", "measure", "detail", "value"], rows)


def usage_json(request):
    return JsonResponse(
        {
            "generated_at": timezone.now().isoformat(),
            "retention_days": current_policy().retention_days,
            "agencies_with_access": metrics.agencies_with_access(),
            "months": [month.as_dict() for month in _usage()],
        },
        json_dumps_params={"indent": 2},
    )


def chain_heads_json(request):
    heads = [
        {
            "published_on": h.published_on.isoformat(),
            "position": h.position,
            "chain_hash": h.chain_hash,
            "sealed_at": h.sealed_at.isoformat(),
        }
        for h in selectors.published_chain_heads(limit=400)
    ]
    return HttpResponse(json.dumps({"chain_heads": heads}, indent=2), content_type="application/json")
