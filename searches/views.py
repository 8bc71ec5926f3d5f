"""The search pages: justification gate, plate and canvass searches, read detail, images, downloads.

Thin: parse the form, call `searches.services` or `alpr.access`, render. Those decide and audit; an
`ApplicationError` they raise is shown on the form, or as the error page by the one middleware.
The open justification's id lives in the session; the access layer re-checks it on every call.
"""
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import capability_required
from accounts.views._forms import form_error
from alpr import access
from alpr.access import Area, SearchMode
from audit.context import Actor
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.roles import Capability
from policy.selectors import current_policy
from searches import selectors, services
from searches.forms import (
    AuditJustificationForm,
    AuditLookupForm,
    CanvassForm,
    DownloadForm,
    FelonyDecisionForm,
    FelonyRequestForm,
    JustificationForm,
    OutcomeForm,
    PlateSearchForm,
)

SESSION_KEY = "search_justification"
# The last results page (path and query) of this session, for the read page's "Back to results" link.
RESULTS_KEY = "search_results_url"
SEARCHERS = (Capability.SEARCH_PLATES, Capability.AUDIT_QUERY)
# Refusals that mean "state your justification (again)": send the person back to the gate.
_GATE_CODES = {"justification_required", "justification_expired", "justification_foreign"}


def _justification(request):
    return selectors.open_justification(user=request.user, justification_id=request.session.get(SESSION_KEY))


def _back_to_gate(request, error: PolicyDenied):
    request.session.pop(SESSION_KEY, None)
    messages.error(request, error.message)
    return redirect("searches:home")


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    response["Pragma"] = "no-cache"
    return response


def _justification_form(request, data=None):
    if request.user.can(Capability.SEARCH_PLATES):
        return JustificationForm(data, policy=current_policy(), user=request.user)
    return AuditJustificationForm(data)


@capability_required(*SEARCHERS)
@require_GET
def home(request):
    """The gate when no justification is open; otherwise the search forms."""
    justification = _justification(request)
    if justification is None:
        return render(request, "searches/justification.html", {"form": _justification_form(request)})
    if justification.is_audit:
        return render(request, "searches/audit_lookup.html", {
            "justification": justification, "form": AuditLookupForm()})
    tab = "canvass" if request.GET.get("tab") == "canvass" else "plate"
    return _no_store(render(request, "searches/search.html", {
        "justification": justification, "tab": tab, "plate_form": PlateSearchForm(),
        "canvass_form": CanvassForm(), "outcome_form": OutcomeForm(), **_canvass_map(tab),
        "outcomes": selectors.outcomes_of(justification)}))


def _canvass_map(tab: str) -> dict:
    return {"canvass_map": selectors.canvass_map()} if tab == "canvass" else {}


def _submitted_id(value: str) -> int | str | None:
    """Return a submitted id as a number, or as typed when it is not one (the service refuses it).

    A number is ASCII digits, at most 18 of them: str.isdigit() alone also takes "1²", which int() refuses.
    """
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else (value[:64] or None)


@capability_required(*SEARCHERS)
@require_POST
def justification_start(request):
    """State a justification. The fields go to the service as submitted, not as the form cleaned them:
    a value that is not on the list or longer than the form allows (a hand-edited form) is refused
    there, recorded as submitted and flagged for the auditor, rather than silently dropped here."""
    form = _justification_form(request, request.POST)
    form.is_valid()
    submitted = request.POST
    try:
        justification = services.justification_open(
            actor=Actor.for_request(request), purpose=submitted.get("purpose", ""),
            case_number=submitted.get("case_number", ""), description=submitted.get("description", ""),
            felony_request_id=_submitted_id(submitted.get("felony_request", "")))
    except ApplicationError as error:
        form_error(form, error)
        return render(request, "searches/justification.html", {"form": form}, status=error.status_code)
    request.session[SESSION_KEY] = justification.pk
    messages.success(request, f"Justification recorded. You can search under it for "
                              f"{justification.remaining_minutes()} minutes.")
    return redirect("searches:home")


@capability_required(*SEARCHERS)
@require_POST
def justification_end(request):
    justification_id = request.session.pop(SESSION_KEY, None)
    if justification_id:
        services.justification_close(actor=Actor.for_request(request), justification_id=justification_id)
    messages.success(request, "Justification ended.")
    return redirect("searches:home")


def _page_number(form) -> int:
    return form.cleaned_data.get("page") or 1


@capability_required(Capability.SEARCH_PLATES)
@require_GET
def plate_results(request):
    def search(actor, justification, data, page):
        """Our reads, and the partners' networks when asked (returned apart: theirs are never ours)."""
        arguments = {"actor": actor, "justification": justification, "plate": data["plate"],
                     "mode": data["mode"] or SearchMode.EXACT, "since": data["since"], "until": data["until"],
                     "camera_ids": [int(c) for c in data["cameras"]], "area": _area(data), "page": page}
        if not data.get("partners"):
            return access.plate_reads_search(**arguments), None
        found = access.plate_reads_search_with_partners(**arguments)
        return found.local, found.partners

    return _results_page(request, PlateSearchForm(request.GET), search, tab="plate")


@capability_required(Capability.SEARCH_PLATES)
@require_GET
def canvass_results(request):
    def search(actor, justification, data, page):
        return access.plate_reads_canvass(
            actor=actor, justification=justification, latitude=data["latitude"],
            longitude=data["longitude"],
            radius_m=data["radius_m"] or access.canvass_default_radius(current_policy()), since=data["since"],
            until=data["until"], page=page), None

    return _results_page(request, CanvassForm(request.GET), search, tab="canvass")


def _results_page(request, form, search, *, tab: str):
    """Run `search` under the session's justification and render the search page with its results.

    A missing, expired or foreign justification sends the person back to state one; any other
    refusal is shown on the form.
    """
    justification = _justification(request)
    results = partners = None
    if form.is_valid() and _from_another_site(request):
        form.add_error(None, "This search was opened from another site, so it has not run. Check it, and "
                             "press Search to run it.")
    elif form.is_valid():
        try:
            results, partners = search(Actor.for_request(request), justification, form.cleaned_data,
                                       _page_number(form))
        except PolicyDenied as error:
            if error.code in _GATE_CODES:
                return _back_to_gate(request, error)
            raise
        except ApplicationError as error:
            form_error(form, error)
        else:
            request.session[RESULTS_KEY] = {"justification": justification.pk, "url": request.get_full_path()}
    forms = {"plate_form": PlateSearchForm(), "canvass_form": CanvassForm(), f"{tab}_form": form}
    return _no_store(render(request, "searches/search.html", {
        "justification": justification, "tab": tab, **forms, "results": results, "partners": partners,
        "outcome_form": OutcomeForm(), **_canvass_map(tab),
        "outcomes": selectors.outcomes_of(justification) if justification else [],
        "page_url": _page_url(request, f"searches:{tab}_results")},
        status=400 if form.errors else 200))


def _from_another_site(request) -> bool:
    """Whether a link or form on another site opened this page (the browser says so in ``Sec-Fetch-Site``).

    The session cookie goes with such a navigation (``SameSite=Lax``), so without this check a page
    elsewhere could run an audited search in an officer's name, under their justification, and send
    the plate to the partner networks. A sibling host of the same site (``same-site``: another
    department's page on the city's domain) is another site here too; only ``same-origin`` and ``none``
    (typed, or a bookmark) run at once, and a browser that sends no such header is let through.
    """
    return request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site")


def _page_url(request, name: str) -> str:
    """Return the results URL with every parameter but the page, ready for "&page=N".

    Partner networks are searched with the first page only: paging through our reads does not send
    the search to every partner again.
    """
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("partners", None)
    return f"{reverse(name)}?{params.urlencode()}"


def _audit_event_id(request):
    try:
        return int(request.GET.get("event") or 0) or None
    except ValueError:
        return None


@capability_required(*SEARCHERS)
@require_GET
def read_detail(request, read_id: int):
    justification = _justification(request)
    event_id = _audit_event_id(request)
    try:
        read = access.plate_read_get(actor=Actor.for_request(request), justification=justification,
                                     read_id=read_id, audit_event_id=event_id)
    except PolicyDenied as error:
        if error.code in _GATE_CODES:
            return _back_to_gate(request, error)
        raise
    for_case = not justification.is_audit
    return _no_store(render(request, "searches/read_detail.html", {
        "justification": justification, "read": read, "event_id": event_id,
        "download_form": DownloadForm(),
        "can_download": for_case and request.user.can(Capability.HANDLE_EVIDENCE),
        "can_flag": for_case and request.user.can(Capability.SEARCH_PLATES),
        "results_url": _results_url(request, justification) if for_case else "",
        "policy": current_policy()}))


def _results_url(request, justification) -> str:
    """Return this session's last results page when it was searched under `justification`: going back
    re-runs that search, so never under another justification than the one it was stated for."""
    last = request.session.get(RESULTS_KEY) or {}
    return last.get("url", "") if last.get("justification") == justification.pk else ""


@capability_required(*SEARCHERS)
@require_GET
def read_image(request, read_id: int, kind: str):
    """Serve a read's crop or photo through the access layer: audited, never cached, never a media URL."""
    image = access.plate_read_image(actor=Actor.for_request(request), justification=_justification(request),
                                    read_id=read_id, kind=kind, audit_event_id=_audit_event_id(request))
    response = HttpResponse(image.content, content_type=image.content_type)
    response["Content-Disposition"] = f'inline; filename="{image.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


@capability_required(Capability.SEARCH_PLATES)
@require_POST
def read_download(request, read_id: int):
    justification = _justification(request)
    form = DownloadForm(request.POST)
    form.is_valid()
    try:
        package = access.plate_reads_download(
            actor=Actor.for_request(request), justification=justification, read_ids=[read_id],
            purpose=form.cleaned_data.get("purpose", ""), recipient=form.cleaned_data.get("recipient", ""))
    except PolicyDenied as error:
        if error.code in _GATE_CODES:
            return _back_to_gate(request, error)
        messages.error(request, error.message)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Saved as evidence package {getattr(package, 'pk', '')} in the evidence "
                                  "store, with its manifest and chain-of-custody record.")
    return redirect("searches:read_detail", read_id=read_id)


@capability_required(Capability.SEARCH_PLATES)
@require_POST
def outcome_record(request):
    justification = _justification(request)
    form = OutcomeForm(request.POST)
    if justification is None:
        messages.error(request, "Your justification has ended; the outcome was not recorded.")
        return redirect("searches:home")
    if form.is_valid():
        services.outcome_record(actor=Actor.for_request(request), justification_id=justification.pk,
                                outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"])
        messages.success(request, "Outcome recorded. Thank you: it feeds the oversight reports.")
    else:
        messages.error(request, "Choose what the search led to.")
    return redirect("searches:home")


@capability_required(Capability.SEARCH_PLATES)
@require_http_methods(["GET", "POST"])
def outcome_for(request, justification_id: int):
    """Record what an earlier search of one's own led to (the start page links here)."""
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The service refuses (and records the refusal of) someone else's search or an audit query.
        services.outcome_record(actor=Actor.for_request(request), justification_id=justification_id,
                                outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"])
        messages.success(request, "Outcome recorded. Thank you: it feeds the oversight reports.")
        return redirect("home")
    justification = selectors.own_case_justification(user=request.user, justification_id=justification_id)
    if justification is None:
        raise NotFound("No such search of yours.")
    return render(request, "searches/outcome.html", {
        "justification": justification, "form": form, "outcomes": selectors.outcomes_of(justification)},
        status=400 if form.errors else 200)


@capability_required(Capability.SEARCH_PLATES, Capability.APPROVE_FELONY_EXCEPTIONS)
@require_http_methods(["GET", "POST"])
def felony_requests(request):
    """Searchers file other-felony requests here; the Chief sees the queue and decides."""
    form = FelonyRequestForm(request.POST or None)
    if request.method == "POST" and request.user.can(Capability.SEARCH_PLATES) and form.is_valid():
        try:
            created = services.felony_request_create(actor=Actor.for_request(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Request #{created.pk} sent to the Chief.")
            return redirect("searches:felony_requests")
    is_chief = request.user.can(Capability.APPROVE_FELONY_EXCEPTIONS)
    return render(request, "searches/felony_requests.html", {
        "form": form, "can_request": request.user.can(Capability.SEARCH_PLATES), "is_chief": is_chief,
        "approval_days": current_policy().felony_approval_days,
        "mine": selectors.felony_requests_of(user=request.user),
        # One decision form per request, with its own ids: a label must name the radio of its own request.
        "pending": [(r, FelonyDecisionForm(auto_id=f"decision-{r.pk}-%s"))
                    for r in selectors.pending_felony_requests()] if is_chief else [],
        "decided": selectors.decided_felony_requests() if is_chief else [],
    }, status=400 if form.errors else 200)


@capability_required(Capability.APPROVE_FELONY_EXCEPTIONS)
@require_POST
def felony_decide(request, request_id: int):
    form = FelonyDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or deny.")
        return redirect("searches:felony_requests")
    try:
        decided = services.felony_request_decide(
            actor=Actor.for_request(request), request_id=request_id,
            approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Request #{decided.pk}: {decided.get_status_display().lower()}.")
    return redirect("searches:felony_requests")


@capability_required(Capability.AUDIT_QUERY)
@require_GET
def audit_lookup(request):
    justification = _justification(request)
    form = AuditLookupForm(request.GET)
    events = None
    if form.is_valid():
        try:
            events = access.audit_trail_lookup(actor=Actor.for_request(request), justification=justification,
                                               plate=form.cleaned_data["plate"],
                                               case_number=form.cleaned_data["case_number"])
        except PolicyDenied as error:
            if error.code in _GATE_CODES:
                return _back_to_gate(request, error)
            raise
        except ApplicationError as error:
            form_error(form, error)
    return _no_store(render(request, "searches/audit_lookup.html", {
        "justification": justification, "form": form, "events": events}))



def _area(data) -> Area | None:
    """The optional "near a place" filter of a plate search: all three fields or none."""
    values = [data.get(name) for name in ("near_latitude", "near_longitude", "near_radius_m")]
    if all(value is None for value in values):
        return None
    if any(value is None for value in values):
        raise ApplicationError("An area needs latitude, longitude and radius.", field="near_latitude")
    return Area(*map(float, values))
