"""Forms of the hotlist and alert pages: they parse input; the services decide and audit."""
from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from hotlists.imports import max_import_bytes
from hotlists.models import (
    AlertAction,
    Hotlist,
    HotlistSource,
    Priority,
    RaceEthnicity,
    Sex,
    VerificationOutcome,
)
from hotlists.services import CASE_NUMBER_MAX_LENGTH
from policy.selectors import current_policy

YES_NO = [("yes", "Yes, it matches"), ("no", "No, it does not match")]


def end_of_local_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class EntryForm(forms.Form):
    plate_pattern = forms.CharField(
        label="Plate", max_length=16,
        help_text="Letters and digits. For a partial plate use ? for one unknown character and * for "
                  "several, e.g. 7AB?12 or *C123.")
    state = forms.CharField(label="Issuing state", max_length=2, required=False,
                            help_text="Two letters, e.g. IL. Leave empty if unknown.")
    reason = forms.CharField(label="Reason", max_length=300,
                             help_text="What the vehicle is wanted for, e.g. stolen in a burglary.")
    case_number = forms.CharField(label="Case number", max_length=CASE_NUMBER_MAX_LENGTH)
    expires_on = forms.DateField(label="Expires on", widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="The entry stops matching at the end of this day.")
    priority = forms.TypedChoiceField(label="Priority", choices=Priority.choices, coerce=int,
                                      initial=Priority.NORMAL)
    vehicle_description = forms.CharField(label="Vehicle description", max_length=200, required=False,
                                          help_text="Make, model, colour, marks: what the officer compares.")
    hotlist = forms.ModelChoiceField(label="Hotlist", required=False, empty_label="Internal hotlist",
                                     queryset=Hotlist.objects.filter(source=HotlistSource.INTERNAL))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = current_policy()
        known = policy.partial_plate_min_known
        self.fields["plate_pattern"].help_text += f" At least {known} known characters in a row."
        self.fields["expires_on"].help_text += f" At most {policy.hotlist_entry_max_days} days ahead."

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"plate_pattern": data["plate_pattern"], "state": data["state"], "reason": data["reason"],
                "case_number": data["case_number"], "expires_at": end_of_local_day(data["expires_on"]),
                "priority": data["priority"], "vehicle_description": data["vehicle_description"]}


class DeactivateForm(forms.Form):
    reason = forms.CharField(label="Why is the entry removed?", max_length=300)


class ImportForm(forms.Form):
    source = forms.ChoiceField(label="Format", choices=[c for c in HotlistSource.choices
                                                        if c[0] != HotlistSource.INTERNAL])
    file = forms.FileField(label="File")
    list_name = forms.CharField(label="List name", max_length=100, required=False,
                                help_text="CSV only: the list this file replaces (default: the file name).")
    case_number = forms.CharField(label="Case number for rows without one", max_length=CASE_NUMBER_MAX_LENGTH,
                                  required=False, help_text="CSV only.")
    expires_on = forms.DateField(label="Expires on", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = current_policy()
        default_hours = policy.hotlist_import_valid_for() // timedelta(hours=1)
        self.fields["expires_on"].help_text = (
            f"Default: {default_hours} hours after the import, so a list not refreshed stops matching. At "
            f"most {policy.hotlist_entry_max_days} days ahead.")

    def clean_file(self):
        """Refuse a file over the import's limit before it is read into memory."""
        upload = self.cleaned_data["file"]
        if upload.size > max_import_bytes():
            raise forms.ValidationError(f"The file is larger than {max_import_bytes() // (1024 * 1024)} MB.")
        return upload


class VerifyForm(forms.Form):
    characters_match = forms.ChoiceField(label="Do the plate characters in the image match the entry?",
                                         choices=YES_NO, widget=forms.RadioSelect)
    state_match = forms.ChoiceField(label="Does the issuing state match?", choices=YES_NO,
                                    widget=forms.RadioSelect)
    vehicle_match = forms.ChoiceField(label="Does the vehicle match the description?", choices=YES_NO,
                                      widget=forms.RadioSelect)
    records_check = forms.CharField(label="LEADS/NCIC check (optional)", max_length=300, required=False,
                                    help_text="E.g. 'LEADS 14:02, record active, NIC V123456789'.")
    outcome = forms.ChoiceField(label="Outcome", choices=VerificationOutcome.choices,
                                widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"outcome": data["outcome"], "records_check": data["records_check"], "notes": data["notes"],
                **{name: data[name] == "yes" for name in ("characters_match", "state_match",
                                                          "vehicle_match")}}


class ActionForm(forms.Form):
    action = forms.ChoiceField(label="Action taken", choices=AlertAction.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    subject_race = forms.ChoiceField(
        label="Perceived race or ethnicity of the person stopped", choices=RaceEthnicity.choices,
        initial=RaceEthnicity.NOT_RECORDED, required=False,
        help_text="Optional, as you perceived it; for the oversight board's disparate-impact figures. "
                  "Leave as not recorded when no one was stopped.")
    subject_sex = forms.ChoiceField(label="Sex of the person stopped", choices=Sex.choices,
                                    initial=Sex.NOT_RECORDED, required=False)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"action": data["action"], "notes": data["notes"],
                "subject_race": data["subject_race"] or RaceEthnicity.NOT_RECORDED,
                "subject_sex": data["subject_sex"] or Sex.NOT_RECORDED}
