"""Staff pages of sharing: the agency registry, declarations, partner people and their keys, written
requests from other agencies and deletion certificates (the administrator, SHR-1 to SHR-4), and
requests from outside law enforcement (the records supervisor, SHR-3).

Thin edges: parse the form, call ``sharing.services``, show the outcome. The services decide and
audit; ``capability_required`` only keeps the pages from roles that have no use for them.
"""
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import capability_required
from accounts.views._forms import form_error
from audit.context import Actor
from audit.services import audit_record
from core.errors import ApplicationError
from policy.selectors import current_policy
from sharing import audit_actions as actions
from sharing import selectors
from sharing.forms import (
    AgencyForm,
    AskerForm,
    CertifyForm,
    DecisionForm,
    DeclarationForm,
    PersonForm,
    RecordsCloseForm,
    RecordsRequestForm,
    RevokeForm,
    SharingRequestForm,
    SharingSwitchForm,
)
from sharing.models import (
    Agency,
    Declaration,
    PartnerCredential,
    PartnerPerson,
    RequestStatus,
    SharingRequest,
)
from sharing.permissions import HANDLE_RECORDS_REQUESTS, REVIEW_SHARING, may_handle_records_requests
from sharing.services import agencies as agency_services
from sharing.services import requests as request_services

reviewer_only = capability_required(
    REVIEW_SHARING, message="Only the system administrator or a designee reviews sharing with other "
                            "agencies.")
records_only = capability_required(
    HANDLE_RECORDS_REQUESTS, message="Only the records supervisor handles public-records requests.")
records_intake = capability_required(
    REVIEW_SHARING, HANDLE_RECORDS_REQUESTS,
    message="Only the administrator and the records supervisor record requests from outside law enforcement.")


def _back(request, default: str, **kwargs):
    """Redirect to the form's `next` page when it is ours, else to `default`."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(default, **kwargs)


# ---- Agencies, declarations, people and keys (SHR-2, SHR-4)

@reviewer_only
def agencies_list(request):
    return render(request, "sharing/agencies_list.html", {"rows": selectors.agencies_listing()})


@reviewer_only
@require_http_methods(["GET", "POST"])
def agency_register(request):
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_services.agency_register(actor=Actor.for_request(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{agency.name} is registered. It receives nothing until its signed "
                                      "declaration is recorded.")
            return redirect("sharing:agency_detail", agency_id=agency.pk)
    return render(request, "sharing/agency_register.html", {"form": form}, status=400 if form.errors else 200)


def _agency_context(agency: Agency, *, person_form: PersonForm | None = None) -> dict:
    return {
        "agency": agency,
        "declaration": selectors.valid_declaration(agency),
        "blocked": selectors.agency_block_reason(agency),
        "declarations": agency.declarations.select_related("recorded_by"),
        "people": agency.people.prefetch_related("credentials"),
        "requests": agency.requests.order_by("-received_at")[:20],
        "person_form": person_form or PersonForm(prefix="person"),
        "today": timezone.localdate(),
    }


@reviewer_only
def agency_detail(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id)
    return render(request, "sharing/agency_detail.html", _agency_context(agency))


@reviewer_only
@require_POST
def agency_sharing(request, agency_id: int):
    form = SharingSwitchForm(request.POST)
    enabled = form.is_valid() and form.cleaned_data["enabled"]
    try:
        agency = agency_services.agency_sharing_set(actor=Actor.for_request(request), agency_id=agency_id,
                                                    enabled=enabled)
    except ApplicationError as error:
        messages.error(request, f"Partner searches stay off: {error.message}" if enabled else error.message)
    else:
        state = "on" if agency.sharing_enabled else "off"
        messages.success(request, f"Partner searches are now {state} for {agency.name}.")
    return _back(request, "sharing:agency_detail", agency_id=agency_id)


@reviewer_only
@require_http_methods(["GET", "POST"])
def declaration_record(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id)
    form = DeclarationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            declaration = agency_services.declaration_record(
                actor=Actor.for_request(request), agency_id=agency.pk, signatory_name=data["signatory_name"],
                signatory_title=data["signatory_title"], signed_on=data["signed_on"],
                expires_on=data["expires_on"], deletion_days=data["deletion_days"],
                attestations=form.attested(), document=data["document"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Declaration recorded: in force from {declaration.signed_on:%Y-%m-%d} "
                                      f"to {declaration.expires_on:%Y-%m-%d}.")
            return redirect("sharing:agency_detail", agency_id=agency.pk)
    return render(request, "sharing/declaration_record.html", {"agency": agency, "form": form},
                  status=400 if form.errors else 200)


@reviewer_only
def declaration_document(request, agency_id: int, declaration_id: int):
    declaration = get_object_or_404(Declaration.objects.select_related("agency"), pk=declaration_id,
                                    agency_id=agency_id)
    return FileResponse(declaration.document.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"declaration-{declaration.agency.ori}-{declaration.signed_on:%Y%m%d}.pdf")


@reviewer_only
@require_POST
def person_add(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id)
    form = PersonForm(request.POST, prefix="person")
    if form.is_valid():
        try:
            person = agency_services.person_add(actor=Actor.for_request(request), agency_id=agency.pk,
                                                **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{person.full_name} added. Issue them their own key to search.")
            return redirect("sharing:agency_detail", agency_id=agency.pk)
    return render(request, "sharing/agency_detail.html", _agency_context(agency, person_form=form),
                  status=400)


@reviewer_only
@require_POST
def credential_issue(request, person_id: int):
    person = get_object_or_404(PartnerPerson.objects.select_related("agency"), pk=person_id)
    try:
        credential, key = agency_services.credential_issue(actor=Actor.for_request(request),
                                                           person_id=person.pk)
    except ApplicationError as error:
        messages.error(request, f"No key issued: {error.message}")
        return redirect("sharing:agency_detail", agency_id=person.agency_id)
    # Rendered, not redirected: the secret appears once and never in a URL, the session or a cache.
    response = render(request, "sharing/key_issued.html", {"person": person, "credential": credential,
                                                           "key": key})
    response["Cache-Control"] = "no-store"
    return response


@reviewer_only
@require_POST
def credential_revoke(request, credential_id: int):
    credential = agency_services.credential_revoke(actor=Actor.for_request(request),
                                                   credential_id=credential_id)
    messages.success(request, f"Key {credential.key_id} of {credential.person.full_name} is revoked; it "
                              "stops working at once.")
    return redirect("sharing:agency_detail", agency_id=credential.person.agency_id)


@reviewer_only
@require_http_methods(["GET", "POST"])
def agency_revoke(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency_services.agency_revoke(actor=Actor.for_request(request), agency_id=agency.pk,
                                         reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{agency.name}'s access is revoked: its keys no longer work, its open "
                                      "requests are cancelled, and the portal lists the revocation.")
            return redirect("sharing:agency_detail", agency_id=agency.pk)
    return render(request, "sharing/agency_revoke.html", {
        "agency": agency, "form": form,
        "open_requests": agency.requests.filter(
            status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).count(),
        "live_keys": PartnerCredential.objects.filter(person__agency=agency, revoked_at__isnull=True).count(),
    }, status=400 if form.errors else 200)


# ---- Written requests (SHR-1, SHR-2, SHR-6) and outside requests (SHR-3)

@reviewer_only
def requests_queue(request):
    return render(request, "sharing/requests_queue.html", {
        "queue": selectors.pending_requests(), "recent": selectors.recent_requests(),
        "overdue": selectors.overdue_requests().count()})


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            received = request_services.request_receive(
                actor=Actor.for_request(request), agency_id=data["agency"].pk,
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


@records_intake
@require_http_methods(["GET", "POST"])
def records_request_new(request):
    form = RecordsRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_services.records_request_receive(actor=Actor.for_request(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The request went to the records supervisor, who answers it under the "
                                      "public-records law. Nothing is released through the ALPR workflow.")
            if may_handle_records_requests(request.user):
                return redirect("sharing:records_requests")
            return redirect("sharing:requests")
    return render(request, "sharing/records_request_new.html", {"form": form},
                  status=400 if form.errors else 200)


def _request_context(ask: SharingRequest, **forms) -> dict:
    today = timezone.localdate()
    return {
        "ask": ask,
        "purpose_label": current_policy().purpose_label(ask.purpose),
        "declaration": selectors.valid_declaration(ask.agency),
        "blocked": selectors.agency_block_reason(ask.agency),
        "overdue": ask.is_overdue_on(today),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "certify_form": forms.get("certify_form") or CertifyForm(),
    }


def _sharing_request(request_id: int) -> SharingRequest:
    return get_object_or_404(SharingRequest.objects.select_related("agency", "recorded_by", "decided_by",
                                                                   "package"), pk=request_id)


@reviewer_only
def request_detail(request, request_id: int):
    ask = _sharing_request(request_id)
    audit_record(actor=Actor.for_request(request), action=actions.REQUEST_VIEWED, case_number=ask.case_number,
                 targets=[f"agency:{ask.agency.ori}", f"sharing-request:{ask.pk}"])
    return render(request, "sharing/request_detail.html", _request_context(ask))


@reviewer_only
@require_POST
def request_decide(request, request_id: int):
    ask = _sharing_request(request_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            request_services.request_decide(actor=Actor.for_request(request), request_id=ask.pk,
                                            approve=approve, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Request {ask.pk} approved: release it when ready." if approve
                             else f"Request {ask.pk} denied. The decision stays on file.")
            return redirect("sharing:request_detail", request_id=ask.pk)
    return render(request, "sharing/request_detail.html", _request_context(ask, decision_form=form),
                  status=400)


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
    ask = _sharing_request(request_id)
    form = CertifyForm(request.POST)
    if form.is_valid():
        try:
            request_services.deletion_certify(actor=Actor.for_request(request), request_id=ask.pk,
                                              certified_by=form.cleaned_data["certified_by"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Deletion certificate for request {ask.pk} recorded.")
            return redirect("sharing:request_detail", request_id=ask.pk)
    return render(request, "sharing/request_detail.html", _request_context(ask, certify_form=form),
                  status=400)


@reviewer_only
def certificates(request):
    today = timezone.localdate()
    rows = [(ask, ask.is_overdue_on(today), abs((ask.delete_by - today).days))
            for ask in selectors.awaiting_certification()]
    return render(request, "sharing/certificates.html", {
        "rows": rows, "overdue": sum(1 for _, overdue, _ in rows if overdue)})


# ---- The records supervisor's queue (SHR-3)

def _records_context(bound: RecordsCloseForm | None = None) -> dict:
    def form_for(records_request):
        prefix = f"records-{records_request.pk}"
        return bound if bound is not None and bound.prefix == prefix else RecordsCloseForm(prefix=prefix)

    return {"open": [(item, form_for(item)) for item in selectors.open_records_requests()],
            "closed": selectors.closed_records_requests()}


@records_only
def records_requests(request):
    return render(request, "sharing/records_requests.html", _records_context())


@records_only
@require_POST
def records_request_close(request, records_request_id: int):
    form = RecordsCloseForm(request.POST, prefix=f"records-{records_request_id}")
    if form.is_valid():
        try:
            request_services.records_request_close(actor=Actor.for_request(request),
                                                   records_request_id=records_request_id,
                                                   response=form.cleaned_data["response"])
        except ApplicationError as error:
            if error.field != "response":  # gone or closed already: nothing on this form to correct
                messages.error(request, error.message)
                return redirect("sharing:records_requests")
            form_error(form, error)
        else:
            messages.success(request, f"Records request {records_request_id} closed with your response.")
            return redirect("sharing:records_requests")
    return render(request, "sharing/records_requests.html", _records_context(form), status=400)
