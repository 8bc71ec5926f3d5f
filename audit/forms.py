"""The auditor's filter form: it parses the query string into `AuditFilters`."""
from django import forms

from audit import actions
from audit.models import Outcome
from audit.selectors import AuditFilters

_FLAGGED = [("", "Any"), ("yes", "Flagged only"), ("no", "Not flagged")]


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(required=False, label="From (date)",
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To (date)",
                              widget=forms.DateInput(attrs={"type": "date"}))
    person = forms.CharField(required=False, max_length=200,
                             help_text="Name, badge ID or login name (part of a name is enough).")
    action = forms.ChoiceField(required=False)
    outcome = forms.ChoiceField(required=False, choices=[("", "Any"), *Outcome.choices])
    case_number = forms.CharField(required=False, max_length=64, label="Case number")
    flagged = forms.ChoiceField(required=False, choices=_FLAGGED)
    justification = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                       label="Justification #",
                                       help_text="The entries of one search justification.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The registry is complete once apps are ready, so read it per form, not at import.
        self.fields["action"].choices = [("", "Any")] + [
            (action.code, f"{action.label} ({action.code})") for action in actions.all_actions()]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self) -> AuditFilters:
        """Return the filters of a valid form (an invalid one filters nothing out)."""
        data = self.cleaned_data if self.is_valid() else {}
        flagged = {"yes": True, "no": False}.get(data.get("flagged", ""))
        return AuditFilters(
            date_from=data.get("date_from"), date_to=data.get("date_to"),
            person=data.get("person", "").strip(), action=data.get("action", ""),
            outcome=data.get("outcome", ""), case_number=data.get("case_number", "").strip(),
            flagged=flagged, entries_of_justification=data.get("justification"),
        )
