"""The agency registry, declarations, partner people and their keys, revocation (SHR-2, SHR-4)."""
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.views._forms import form_error
from audit.context import Actor
from core.errors import ApplicationError, PolicyDenied
from sharing import selectors
from sharing.forms import (
    AgencyForm,
    DeclarationForm,
    PersonForm,
    RevokeForm,
    SharingSwitchForm,
)
from sharing.models import (
    Agency,
    Declaration,
    PartnerCredential,
    PartnerPerson,
    RequestStatus,
)
from sharing.permissions import REVIEW_SHARING
from sharing.services import agencies as agency_services
from sharing.services import online as online_services
from sharing.views._common import back_to, reviewer_only, sharing_switchers
from sharing.views.networks import network_context


@reviewer_only
def agencies_list(request):
    return render(request, "sharing/agencies_list.html", {
        "rows": selectors.agencies_listing(),
        "waiting": {asked.agency_id for asked in selectors.online_sharing_waiting()}})


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


def _agency_requests(request, agency: Agency) -> tuple[list, str]:
    """The agency's latest requests, audited (their plates are plate data), or none and why not: a reviewer
    whose training lapsed still keeps the registry, without the plates (ACC-5)."""
    try:
        return selectors.agency_requests_list(actor=Actor.for_request(request), agency=agency), ""
    except PolicyDenied as refused:
        return [], refused.message


def agency_context(request, agency: Agency, *, person_form: PersonForm | None = None,
                   switch_form: SharingSwitchForm | None = None, **network_forms) -> dict:
    asks, asks_withheld = _agency_requests(request, agency)
    return {
        **network_context(agency, **network_forms),
        "agency": agency,
        "declaration": selectors.valid_declaration(agency),
        "blocked": selectors.agency_block_reason(agency),
        "search_blocked": selectors.agency_block_reason(agency, searching=True),
        "online": selectors.online_sharing_state(agency),
        "switch_form": switch_form or SharingSwitchForm(),
        "declarations": agency.declarations.select_related("recorded_by"),
        "people": agency.people.prefetch_related("credentials"),
        "requests": asks,
        "requests_withheld": asks_withheld,
        "person_form": person_form or PersonForm(prefix="person"),
        "today": timezone.localdate(),
    }


@reviewer_only
def agency_detail(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id)
    return render(request, "sharing/agency_detail.html", agency_context(request, agency))


@sharing_switchers
@require_POST
def agency_sharing(request, agency_id: int):
    """Off at once (the reviewer or the Chief); on is the reviewer's request to the Chief, who decides."""
    form = SharingSwitchForm(request.POST)
    enabled = form.is_valid() and form.cleaned_data["enabled"]
    actor = Actor.for_request(request)
    try:
        if enabled:
            asked = online_services.online_sharing_request(actor=actor, agency_id=agency_id,
                                                           reason=form.cleaned_data["reason"])
        else:
            agency = online_services.agency_sharing_off(actor=actor, agency_id=agency_id)
    except ApplicationError as error:
        if enabled and error.field == "reason" and request.user.can(REVIEW_SHARING):
            # The reason was missing or too short: the agency's page again, with what was typed.
            form_error(form, error)
            agency = get_object_or_404(Agency, pk=agency_id)
            return render(request, "sharing/agency_detail.html",
                          agency_context(request, agency, switch_form=form), status=400)
        messages.error(request, f"Partner searches stay off: {error.message}" if enabled else error.message)
    else:
        if enabled:
            messages.success(request, f"Asked the Chief to switch partner searches on for "
                                      f"{asked.agency.name}. They stay off until the Chief approves.")
        else:
            messages.success(request, f"Partner searches are now off for {agency.name}.")
    return back_to(request, "sharing:agency_detail", agency_id=agency_id)


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
    return render(request, "sharing/agency_detail.html", agency_context(request, agency, person_form=form),
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
