"""Forms of the partner-network section of an agency's page. The rules live in
``sharing.services.networks``; these only shape the input."""
from django import forms
from django.contrib.auth import get_user_model

from accounts.models import AccountStatus
from policy.roles import ROLE_CAPABILITIES, Capability


class PartnerNetworkForm(forms.Form):
    api_base_url = forms.CharField(
        label="Its partner API address", max_length=300,
        help_text="Where the agency's partner API answers, e.g. https://alpr.riverside.example.gov/partner/ "
                  "(https; plain http only for this machine).")
    searchable = forms.BooleanField(
        label="The agency agreed that our officers search its network", required=False,
        help_text="Searched only while its declaration is in force and its access is not revoked.")


def searchers():
    """Our active people whose role searches plates: the only ones a partner's key is of use to."""
    roles = [role for role, capabilities in ROLE_CAPABILITIES.items()
             if Capability.SEARCH_PLATES in capabilities]
    return get_user_model().objects.filter(status=AccountStatus.ACTIVE, role__in=roles).order_by("full_name")


class PartnerSearchKeyForm(forms.Form):
    user = forms.TypedChoiceField(
        label="Person of ours", coerce=int,
        help_text="The person the agency issued the key to; only their searches use it.")
    key = forms.CharField(
        label="Their key", max_length=200, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="As the agency issued it: <key id>:<secret>. Stored encrypted and never shown again.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose…"), *(
            (person.pk, f"{person.full_name} (#{person.badge_number}, {person.get_role_display()})")
            for person in searchers())]
