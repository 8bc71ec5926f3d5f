"""Staff pages of the policy text (RPT-4), complaints (AUD-4), incidents (RPT-5) and contacts."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import capability_required
from audit.context import Actor
from core.errors import ApplicationError
from policy.selectors import policy_changes_waiting
from reports import conf, permissions, selectors
from reports.forms import ComplaintUpdateForm, ContactForm, IncidentForm, PolicyDraftForm, ReviewForm
from reports.models import Complaint, PolicyDocument, SecurityIncident
from reports.services.policy_docs import (
    policy_doc_approve,
    policy_doc_draft,
    policy_doc_open_comment,
    policy_doc_record_review,
)
from reports.services.portal import complaint_update, contact_set, incident_record
from reports.textformat import policy_html
from reports.views._helpers import form_error

_POLICY_READERS = (permissions.DRAFT_POLICY_TEXT, permissions.APPROVE_POLICY_TEXT, permissions.READ_REPORTS)


@capability_required(*_POLICY_READERS)
@require_http_methods(["GET", "POST"])
def policy_docs(request):
    can_draft = request.user.can(permissions.DRAFT_POLICY_TEXT)
    form = PolicyDraftForm(request.POST or None) if can_draft else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            document = policy_doc_draft(actor=Actor.for_request(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Draft version {document.version} saved.")
            return redirect("reports:policy_doc", document_id=document.pk)
    in_force = selectors.policy_in_force()
    return render(
        request,
        "reports/policy_docs.html",
        {
            "documents": PolicyDocument.objects.prefetch_related("comments"),
            "form": form,
            "in_force": in_force,
            "review_overdue": selectors.policy_review_overdue(in_force),
            "comment_days": conf.comment_period_days(),
            "waiting": policy_changes_waiting(),  # changes of the enforced values, decided by the Chief too
            "now": timezone.now(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@capability_required(*_POLICY_READERS)
def policy_doc(request, document_id: int):
    document = get_object_or_404(PolicyDocument, pk=document_id)
    return render(
        request,
        "reports/policy_doc.html",
        {
            "document": document,
            "document_html": policy_html(document.text),
            "comments": document.comments.all(),
            "review_form": ReviewForm(),
            "comment_days": conf.comment_period_days(),
        },
    )


@require_POST
def policy_doc_action(request, document_id: int, action: str):
    actor = Actor.for_request(request)
    try:
        if action == "open-comment":
            policy_doc_open_comment(actor=actor, document_id=document_id)
            messages.success(request, "Published on the portal for public comment.")
        elif action == "approve":
            document = policy_doc_approve(actor=actor, document_id=document_id)
            messages.success(
                request, f"Approved. Version {document.version} is {document.get_status_display().lower()}."
            )
        elif action == "review":
            form = ReviewForm(request.POST)
            policy_doc_record_review(actor=actor, document_id=document_id, note=form.data.get("note", ""))
            messages.success(request, "Annual review recorded.")
        else:
            raise ApplicationError("Unknown action.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("reports:policy_doc", document_id=document_id)


@capability_required(permissions.SEE_COMPLAINTS, permissions.HANDLE_COMPLAINTS)
def complaints(request):
    queryset = Complaint.objects.all()
    status = request.GET.get("status", "open")
    if status == "open":
        queryset = queryset.filter(status__in=["received", "investigating"])
    return render(
        request,
        "reports/complaints.html",
        {"complaints": queryset[:300], "status": status, "oversight": selectors.oversight_contact()},
    )


@capability_required(permissions.SEE_COMPLAINTS, permissions.HANDLE_COMPLAINTS)
@require_http_methods(["GET", "POST"])
def complaint_detail(request, complaint_id: int):
    complaint = get_object_or_404(Complaint.objects.prefetch_related("updates__by"), pk=complaint_id)
    can_handle = request.user.can(permissions.HANDLE_COMPLAINTS) and complaint.is_open
    form = ComplaintUpdateForm(request.POST or None) if can_handle else None
    if request.method == "POST":
        if form is None:
            return render(request, "error.html", {"message": "You cannot change this complaint."}, status=403)
        if form.is_valid():
            try:
                complaint_update(
                    actor=Actor.for_request(request), complaint_id=complaint.pk, **form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, "Complaint updated.")
                return redirect("reports:complaint", complaint_id=complaint.pk)
    return render(
        request,
        "reports/complaint.html",
        {"complaint": complaint, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@capability_required(permissions.RECORD_INCIDENTS, doing="record security incidents")
@require_http_methods(["GET", "POST"])
def incidents(request):
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident_record(actor=Actor.for_request(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Incident recorded.")
            return redirect("reports:incidents")
    return render(
        request,
        "reports/incidents.html",
        {"form": form, "incidents": SecurityIncident.objects.all()},
        status=400 if form.errors else 200,
    )


@capability_required(permissions.RECORD_INCIDENTS, doing="change published contacts")
@require_http_methods(["GET", "POST"])
def contacts(request):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_set(actor=Actor.for_request(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Contact published.")
            return redirect("reports:contacts")
    return render(
        request,
        "reports/contacts.html",
        {
            "form": form,
            "public": selectors.public_contact(),
            "oversight": selectors.oversight_contact(),
            "fallback": conf.oversight_fallback_email(),
        },
        status=400 if form.errors else 200,
    )
