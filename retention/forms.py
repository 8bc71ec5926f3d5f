"""Forms of the retention pages. Rules live in the services; these only shape the input."""
import re

from django import forms

from retention.models import ErrorKind

# A read number as people type it: ASCII digits only. str.isdigit() also takes superscripts and other
# scripts' digits ("1²"), which int() refuses; at most 18 digits, so it fits the database's ids.
READ_NUMBER = re.compile(r"[0-9]{1,18}")


def parse_read_ids(text: str) -> list[int]:
    """Turn "12, 15 18" into [12, 15, 18]; refuse anything that is not a read number."""
    parts = [part for part in re.split(r"[\s,;]+", text.strip()) if part]
    if not all(READ_NUMBER.fullmatch(part) for part in parts):
        raise forms.ValidationError("List read numbers separated by commas, e.g. 1042, 1043.")
    return [int(part) for part in parts]


class ReadIdsField(forms.CharField):
    def clean(self, value):
        return parse_read_ids(super().clean(value) or "")


class HoldForm(forms.Form):
    """The case number, purpose and description are those of the justification open at the search gate."""

    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Why these reads must be kept past the retention period.")
    read_ids = ReadIdsField(label="Read numbers", required=False,
                            help_text="The reads to keep (opened for this case), separated by commas.")
    plate = forms.CharField(label="Plate", max_length=16, required=False,
                            help_text="Or keep every read of one plate in a past window within retention: "
                                      "a search, audited like one.")
    window_start = forms.DateTimeField(label="Window start", required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    window_end = forms.DateTimeField(label="Window end", required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class ReleaseForm(forms.Form):
    reason = forms.CharField(label="Reason for release", widget=forms.Textarea(attrs={"rows": 3}))


class PackageForm(forms.Form):
    """The case number, purpose and description are those of the justification open at the search gate."""

    read_ids = ReadIdsField(label="Read numbers", help_text="The reads to export, separated by commas.")
    purpose = forms.CharField(label="What the export is for", max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="For example: evidence for the robbery case, for the prosecutor.")
    recipient = forms.CharField(label="Recipient", max_length=200, required=False,
                                help_text="Who receives the package, e.g. the State's Attorney's office.")


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label="What is wrong", choices=ErrorKind.choices)
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="What you saw, e.g. the plate in the photo reads differently.")
    suggested_plate = forms.CharField(label="Correct plate, if known", max_length=16, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                 choices=[("confirm", "Confirm the error"), ("reject", "Reject the flag")])
    corrected_plate = forms.CharField(label="Corrected plate", max_length=16, required=False,
                                      help_text="For a confirmed misread: the plate as it really reads. "
                                                "Leave empty to mark the read erroneous instead.")
    note = forms.CharField(label="Review note", widget=forms.Textarea(attrs={"rows": 2}))
