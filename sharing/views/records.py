"""Requests from outside law enforcement: recorded here, answered by the records supervisor (SHR-3)."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.views._forms import form_error
from audit.context import Actor
from core.errors import ApplicationError
from sharing import selectors
from sharing.forms import (
    RecordsCloseForm,
    RecordsRequestForm,
)
from sharing.permissions import may_handle_records_requests
from sharing.services import requests as request_services
from sharing.views._common import records_intake, records_only


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
