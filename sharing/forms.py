"""Forms of the sharing pages. Rules live in ``sharing.services``; these only shape the input."""
from django import forms

from policy.defaults import DECLARATION_ATTESTATIONS
from policy.selectors import current_policy
from sharing.models import Agency, AgencyKind, AgencyStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AgencyForm(forms.Form):
    name = forms.CharField(label="Agency name", max_length=200)
    ori = forms.CharField(label="ORI", max_length=9,
                          help_text="The NCIC Originating Agency Identifier: 9 characters, e.g. IL0160000.")
    state = forms.CharField(label="State", max_length=2, help_text="Two-letter code, e.g. IL.")
    kind = forms.ChoiceField(label="Kind of agency", choices=[("", "Choose…"), *AgencyKind.choices])
    contact_name = forms.CharField(label="Contact person", max_length=200)
    contact_email = forms.EmailField(label="Contact e-mail")
    contact_phone = forms.CharField(label="Contact phone", max_length=40, required=False)


class DeclarationForm(forms.Form):
    signatory_name = forms.CharField(label="Signed by", max_length=200)
    signatory_title = forms.CharField(label="Signatory's title", max_length=200,
                                      help_text="e.g. Chief of Police.")
    signed_on = forms.DateField(label="Signed on", widget=DATE)
    expires_on = forms.DateField(label="Expires on", widget=DATE)
    deletion_days = forms.IntegerField(label="Deletes what it receives within (days)", min_value=1)
    attestations = forms.MultipleChoiceField(
        label="The signed declaration states that the agency will", required=False,
        widget=forms.CheckboxSelectMultiple, choices=[(field, text[:1].upper() + text[1:])
                                                      for field, text in DECLARATION_ATTESTATIONS.items()],
        help_text="Tick each limit the document states. A declaration that leaves any out is refused.")
    document = forms.FileField(label="Signed declaration (PDF)",
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = current_policy()
        self.fields["deletion_days"].help_text = f"At most {policy.share_deletion_days} days (the policy)."
        self.fields["expires_on"].help_text = (f"At most {policy.declaration_max_days} days after signing; "
                                               "then the agency signs a new one or receives nothing.")

    def attested(self) -> dict[str, bool]:
        chosen = set(self.cleaned_data.get("attestations") or [])
        return {field: field in chosen for field in DECLARATION_ATTESTATIONS}


class SharingSwitchForm(forms.Form):
    """Off at once; on is a request to the Chief, with its reason (Oak Park GO 4-68 VII.D)."""

    enabled = forms.BooleanField(required=False)
    reason = forms.CharField(label="Why its people should search our reads", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Sent to the Chief, who decides. At least 10 characters.")


class OnlineSharingDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                 choices=[("approve", "Approve: switch partner searches on"),
                                          ("deny", "Deny: they stay off")])
    reason = forms.CharField(label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Kept on file with the decision. At least 10 characters.")


class PersonForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    badge_number = forms.CharField(label="Badge or employee number", max_length=40)
    email = forms.EmailField(label="E-mail")


class RevokeForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Published on the public portal with the agency's name. At least 10 "
                                       "characters.")
    confirm = forms.BooleanField(
        label="I understand: every key of this agency stops working, its pending requests are cancelled, "
              "and the revocation and its reason appear on the public portal.",
        error_messages={"required": "Tick the box to confirm the revocation."})


class AskerForm(forms.Form):
    """The intake page's first question: who is asking?"""

    ASKERS = [
        ("agency", "A law-enforcement agency in the registry"),
        ("outside", "Someone outside law enforcement: a public-records (FOIA) request, the media or a member "
                    "of the public"),
    ]
    asker = forms.ChoiceField(label="Who is asking for the data?", widget=forms.RadioSelect, choices=ASKERS,
                              help_text="Requests from outside law enforcement go to the records supervisor; "
                                        "they are never released through this workflow.")


class SharingRequestForm(forms.Form):
    """A written request as the administrator copies it. The agency and the purpose are offered as lists
    but parsed as text: a value that is not on a list (a hand-edited form) goes to the service as
    submitted, which refuses it and records it (flagged, for a purpose), instead of the form dropping it."""

    agency = forms.CharField(label="Requesting agency", widget=forms.Select,
                             help_text="Register the agency first if it is not listed.")
    requester_name = forms.CharField(label="Requesting person", max_length=200)
    requester_title = forms.CharField(label="Their title or rank", max_length=200, required=False)
    requester_email = forms.EmailField(label="Their e-mail")
    purpose = forms.CharField(label="Purpose", widget=forms.Select)
    case_number = forms.CharField(label="Their case number", max_length=64)
    description = forms.CharField(label="What the data is for", widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="As the written request states it: the incident, not just the "
                                            "category.")
    plates = forms.CharField(label="Plates asked for", max_length=200)
    window_start = forms.DateTimeField(label="From", widget=DATETIME,
                                       help_text="Start of the time window asked for (agency time).")
    window_end = forms.DateTimeField(label="To", widget=DATETIME)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(status=AgencyStatus.ACTIVE).order_by("name")
        self.fields["agency"].widget.choices = [("", "Choose…"), *((a.pk, str(a)) for a in agencies)]
        policy = current_policy()
        self.fields["plates"].help_text = f"Up to {policy.sharing_plates_per_request}, separated by commas."
        # An outside agency may not cite the other-felony exception; the service refuses it anyway.
        self.fields["purpose"].widget.choices = [("", "Choose…")] + [
            (p["code"], p["label"]) for p in policy.permitted_purposes
            if p["code"] != policy.felony_exception_purpose]

    def agency_id(self) -> int | None:
        """The agency chosen, as an id; None for a value no agency can have (the service refuses it)."""
        return _as_id(self.cleaned_data["agency"])

    def submitted_agency_id(self) -> int | None:
        """The agency as posted, for a form that did not validate (``agency_id`` once it did)."""
        return _as_id(str(self.data.get("agency", "")))


def _as_id(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


class RecordsRequestForm(forms.Form):
    requester_name = forms.CharField(label="Requester's name", max_length=200)
    requester_organisation = forms.CharField(label="Organisation", max_length=200, required=False,
                                             help_text="e.g. a newspaper; empty for a member of the public.")
    requester_contact = forms.CharField(label="How to reach them", max_length=200,
                                        help_text="E-mail, phone or postal address.")
    request_text = forms.CharField(label="What they ask for", widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                 choices=[("approve", "Approve the request"), ("deny", "Deny the request")])
    reason = forms.CharField(label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Kept on file with the request.")


class CertifyForm(forms.Form):
    certified_by = forms.CharField(label="Certified by", max_length=200,
                                   help_text="Who at the agency certified in writing that it deleted it.")


class RecordsCloseForm(forms.Form):
    response = forms.CharField(label="Response given", widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="What the requester was told or sent, under the public-records law.")
