"""The Chief's page of online sharing: requests to switch partner searches on, and the agencies that are
on (Oak Park GO 4-68 VII.D: "at the discretion of the Chief of Police")."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.context import Actor
from core.errors import ApplicationError
from sharing import selectors
from sharing.forms import OnlineSharingDecisionForm
from sharing.models import OnlineSharingStatus
from sharing.services import online as online_services
from sharing.views._common import online_sharing_deciders


def _form(asked, data=None) -> OnlineSharingDecisionForm:
    # Each request's form has its own ids: a label must name the field of its own request.
    return OnlineSharingDecisionForm(data, auto_id=f"online-{asked.pk}-%s")


@online_sharing_deciders
def online_sharing(request):
    waiting = [(asked, selectors.valid_declaration(asked.agency), selectors.agency_block_reason(asked.agency),
                _form(asked)) for asked in selectors.online_sharing_waiting()]
    return render(request, "sharing/online_sharing.html", {
        "waiting": waiting,
        "on": selectors.agencies_sharing_online(),
        "decided": selectors.online_sharing_decided(),
    })


@online_sharing_deciders
@require_POST
def online_sharing_decide(request, online_request_id: int):
    form = OnlineSharingDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or deny, and give the reason for the decision.")
        return redirect("sharing:online_sharing")
    try:
        decided = online_services.online_sharing_decide(
            actor=Actor.for_request(request), request_id=online_request_id,
            approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if decided.status == OnlineSharingStatus.APPROVED:
            messages.success(request, f"Approved: partner searches are now on for {decided.agency.name}.")
        else:
            messages.success(request, f"Denied: partner searches stay off for {decided.agency.name}.")
    return redirect("sharing:online_sharing")
