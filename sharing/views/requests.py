"""Written requests from law-enforcement agencies: review, release, deletion certificates (SHR-1, SHR-2)."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.views._forms import form_error
from audit.context import Actor
from core.errors import ApplicationError
from policy.selectors import current_policy
from sharing import selectors
from sharing.forms import (
    AskerForm,
    CertifyForm,
    DecisionForm,
    SharingRequestForm,
)
from sharing.services import requests as request_services
from sharing.views._common import reviewer_only


@reviewer_only
def requests_queue(request):
    queue, recent = selectors.sharing_requests_list(actor=Actor.for_request(request))
    return render(request, "sharing/requests_queue.html", {
        "queue": queue, "recent": recent, "overdue": selectors.overdue_requests().count()})


@reviewer_only
def request_new(request):
    """First ask who is asking: a registered agency's request is reviewed here; anyone else's is not."""
    form = AskerForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["asker"] == "agency":
            return redirect("sharing:request_new_agency")
        return redirect("sharing:records_request_new")
    return render(request, "sharing/request_new.html", {"form": form}, status=400 if form.errors else 200)


@reviewer_only
@require_http_methods(["GET", "POST"])
def request_new_agency(request):
    form = SharingRequestForm(request.POST or None, initial={"agency": request.GET.get("agency")})
    if request.method == "POST" and not form.is_valid():
        _screen_for_misuse(request, form)
    elif request.method == "POST":
        data = form.cleaned_data
        try:
            received = request_services.request_receive(
                actor=Actor.for_request(request), agency_id=form.agency_id(),
                requester_name=data["requester_name"], requester_title=data["requester_title"],
                requester_email=data["requester_email"], purpose=data["purpose"],
                case_number=data["case_number"], description=data["description"], plates=data["plates"],
                window_start=data["window_start"], window_end=data["window_end"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Request {received.pk} from {received.agency.name} is on file and "
                                      "waits for review.")
            return redirect("sharing:request_detail", request_id=received.pk)
    return render(request, "sharing/request_new_agency.html", {"form": form},
                  status=400 if form.errors else 200)


def _screen_for_misuse(request, form: SharingRequestForm) -> None:
    """A request the form turned away still revokes its agency if it asks for a prohibited use (SHR-4)."""
    try:
        request_services.request_misuse_screen(
            actor=Actor.for_request(request), agency_id=form.submitted_agency_id(),
            purpose=form.data.get("purpose", ""), case_number=form.data.get("case_number", ""),
            description=form.data.get("description", ""))
    except ApplicationError as error:
        form_error(form, error)


def _detail_page(request, request_id: int, *, status: int = 200, **forms):
    """Render a request's page; reading the request is audited (``sharing_request_view``)."""
    ask = selectors.sharing_request_view(actor=Actor.for_request(request), request_id=request_id)
    return render(request, "sharing/request_detail.html", {
        "ask": ask,
        "purpose_label": current_policy().purpose_label(ask.purpose),
        "declaration": selectors.valid_declaration(ask.agency),
        "blocked": selectors.agency_block_reason(ask.agency),
        "overdue": ask.is_overdue_on(timezone.localdate()),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "certify_form": forms.get("certify_form") or CertifyForm(),
    }, status=status)


@reviewer_only
def request_detail(request, request_id: int):
    return _detail_page(request, request_id)


@reviewer_only
@require_POST
def request_decide(request, request_id: int):
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            request_services.request_decide(actor=Actor.for_request(request), request_id=request_id,
                                            approve=approve, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Request {request_id} approved: release it when ready." if approve
                             else f"Request {request_id} denied. The decision stays on file.")
            return redirect("sharing:request_detail", request_id=request_id)
    return _detail_page(request, request_id, decision_form=form, status=400)


@reviewer_only
@require_POST
def request_release(request, request_id: int):
    try:
        released = request_services.request_release(actor=Actor.for_request(request), request_id=request_id)
    except ApplicationError as error:
        messages.error(request, f"Nothing was released: {error.message}")
    else:
        messages.success(request, f"Released as evidence package {released.package_id}. "
                                  f"{released.agency.name} must delete it by {released.delete_by:%Y-%m-%d} "
                                  "and certify the deletion.")
    return redirect("sharing:request_detail", request_id=request_id)


@reviewer_only
@require_POST
def deletion_certify(request, request_id: int):
    form = CertifyForm(request.POST)
    if form.is_valid():
        try:
            request_services.deletion_certify(actor=Actor.for_request(request), request_id=request_id,
                                              certified_by=form.cleaned_data["certified_by"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Deletion certificate for request {request_id} recorded.")
            return redirect("sharing:request_detail", request_id=request_id)
    return _detail_page(request, request_id, certify_form=form, status=400)


@reviewer_only
def certificates(request):
    today = timezone.localdate()
    rows = [(ask, ask.is_overdue_on(today), abs((ask.delete_by - today).days))
            for ask in selectors.awaiting_certification()]
    return render(request, "sharing/certificates.html", {
        "rows": rows, "overdue": sum(1 for _, overdue, _ in rows if overdue)})
