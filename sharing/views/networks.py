"""An agency's network as our officers search it: its partner API address, the agency's agreement,
and the keys it issued to our people (Oak Park GO 4-68 IX.1). Thin: each form calls
``sharing.services.networks``, which checks the role again and audits every attempt."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.views._forms import form_error
from audit.context import Actor
from core.errors import ApplicationError
from sharing.models import Agency, PartnerNetwork, PartnerSearchKey
from sharing.network_forms import PartnerNetworkForm, PartnerSearchKeyForm
from sharing.services import networks as network_services
from sharing.views._common import reviewer_only


def network_context(agency: Agency, *, network_form=None, key_form=None) -> dict:
    """What the agency's page shows of its network: the address, the agreement, our people's keys."""
    network = PartnerNetwork.objects.filter(agency=agency).first()
    initial = {"api_base_url": network.api_base_url, "searchable": network.searchable} if network else {}
    keys = (PartnerSearchKey.objects.filter(network=network).select_related("user", "stored_by")
            if network else PartnerSearchKey.objects.none())
    return {"network": network, "network_keys": keys,
            "network_form": network_form or PartnerNetworkForm(prefix="network", initial=initial),
            "key_form": key_form or PartnerSearchKeyForm(prefix="partner_key")}


def _agency_page(request, agency: Agency, **forms):
    """The agency's page again, with the refused form's errors."""
    from sharing.views.agencies import agency_context  # that page shows this module's section too

    return render(request, "sharing/agency_detail.html", agency_context(request, agency, **forms), status=400)


def _submitted(request, agency: Agency, form, form_name: str, save) -> object:
    """Run `save(actor, data)` on a valid form and say `save`'s success; else the page with the errors."""
    if form.is_valid():
        try:
            message = save(Actor.for_request(request), form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, message)
            return redirect("sharing:agency_detail", agency_id=agency.pk)
    return _agency_page(request, agency, **{form_name: form})


@reviewer_only
@require_POST
def network_configure(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id)

    def save(actor, data) -> str:
        network = network_services.partner_network_configure(actor=actor, agency_id=agency.pk, **data)
        state = "searched by our officers" if network.searchable else "not searched"
        return f"{agency.name}'s network is recorded and {state}."

    return _submitted(request, agency, PartnerNetworkForm(request.POST, prefix="network"), "network_form",
                      save)


@sensitive_post_parameters("partner_key-key")  # an error report never carries a partner's key
@reviewer_only
@require_POST
def search_key_store(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id)

    def save(actor, data) -> str:
        stored = network_services.partner_search_key_store(actor=actor, agency_id=agency.pk,
                                                           user_id=data["user"], key=data["key"])
        return (f"The key {stored.key_id} that {agency.name} issued to {stored.user.full_name} is stored, "
                "encrypted; only their searches use it.")

    return _submitted(request, agency, PartnerSearchKeyForm(request.POST, prefix="partner_key"), "key_form",
                      save)


@reviewer_only
@require_POST
def search_key_remove(request, search_key_id: int):
    stored = network_services.partner_search_key_remove(actor=Actor.for_request(request),
                                                        search_key_id=search_key_id)
    messages.success(request, f"The key {stored.key_id} of {stored.user.full_name} for "
                              f"{stored.network.agency.name} is removed.")
    return redirect("sharing:agency_detail", agency_id=stored.network.agency_id)
