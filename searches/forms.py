"""Forms of the search pages. They parse input only: the services and the access layer decide and
audit, so nothing here refuses a search (a refusal must reach the audit log)."""
from django import forms

from alpr import plates
from alpr.access import (
    CANVASS_MIN_RADIUS_M,
    DEFAULT_WINDOW,
    SearchMode,
    canvass_default_radius,
    canvass_windows,
)
from policy.selectors import current_policy
from searches import selectors
from searches.models import OutcomeKind
from sharing import federation

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _when(label: str, hint: str) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, help_text=hint, input_formats=DATETIME_FORMATS,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                          format="%Y-%m-%dT%H:%M"))


def _hours(window) -> str:
    hours = int(window.total_seconds() // 3600)
    return "1 hour" if hours == 1 else f"{hours} hours"


class JustificationForm(forms.Form):
    """Why you are searching (USE-1). Every field is checked by `justification_open`, not here."""

    purpose = forms.ChoiceField(label="Purpose", required=False,
                                help_text="Only the purposes the department's policy permits are listed.")
    case_number = forms.CharField(label="Case number or CAD run number", required=False, max_length=64)
    description = forms.CharField(
        label="Description", required=False, max_length=1000,
        help_text="What happened and what you are looking for: offence, vehicle, person or place.",
        widget=forms.Textarea(attrs={"rows": 3}))
    felony_request = forms.ModelChoiceField(
        label="Chief-approved other-felony request", required=False, queryset=None,
        empty_label="(none)", help_text="Needed only for \u201cOther significant felony\u201d.")

    def __init__(self, *args, policy, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", "Choose a purpose"), *(
            (p["code"], p["label"]) for p in policy.permitted_purposes)]
        self.fields["case_number"].help_text = f"For example {policy.case_number_example}."
        self.fields["felony_request"].queryset = selectors.usable_felony_requests(user=user)
        self.fields["felony_request"].label_from_instance = (
            lambda r: f"#{r.pk} · {r.case_number} · {r.offense}")
        for name in ("purpose", "case_number", "description"):
            self.fields[name].widget.attrs["aria-required"] = "true"


class AuditJustificationForm(forms.Form):
    """An administrative or audit query: no case number (USE-4), still a specific description."""

    case_number = forms.CharField(label="Audit reference (optional)", required=False, max_length=64)
    description = forms.CharField(
        label="Description", required=False, max_length=1000,
        help_text="What you are reviewing, e.g. \u201cmonthly audit of March: searches on case "
                  "26-004512\u201d.",
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}))


class PlateSearchForm(forms.Form):
    plate = forms.CharField(label="Plate", max_length=20, required=False,
                            help_text="Letters and digits. Partial plate: ? for one unknown character, "
                                      "* for several (e.g. AB?12* ).")
    mode = forms.ChoiceField(label="Match", required=False, initial=SearchMode.EXACT,
                             widget=forms.RadioSelect,
                             choices=[(SearchMode.EXACT, "Exact (or partial with ? and *)"),
                                      (SearchMode.MISREAD, "Misread-tolerant: O/0/D/Q, I/1/L, B/8, S/5, Z/2, "
                                                           "G/6 count as equal"),
                                      (SearchMode.MISREAD_EDIT, "Misread-tolerant and one more differing "
                                                                "character")])
    since = _when("From", f"Default: {DEFAULT_WINDOW.days} days ago. Before the retention period, only reads "
                          "an evidence hold keeps.")
    until = _when("To", "Default: now.")
    cameras = forms.MultipleChoiceField(label="Cameras (optional)", required=False,
                                        help_text="Leave empty for all cameras.")
    near_latitude = forms.FloatField(label="Near latitude (optional)", required=False, min_value=-90,
                                     max_value=90)
    near_longitude = forms.FloatField(label="Near longitude (optional)", required=False, min_value=-180,
                                      max_value=180)
    near_radius_m = forms.IntegerField(label="Within (metres)", required=False,
                                       min_value=CANVASS_MIN_RADIUS_M, max_value=20000)
    partners = forms.BooleanField(
        label="Also search partner agencies' networks", required=False,
        help_text="Each partner that agreed receives your purpose, case number and description and applies "
                  "its own rules; it is searched by plate, match and time window (not by our cameras or "
                  "an area), first page only.")
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not federation.searchable_networks().exists():
            del self.fields["partners"]
        known = current_policy().partial_plate_min_known
        self.fields["plate"].help_text = (
            "Letters and digits. Partial plate: ? for one unknown character, * for several, with at least "
            f"{known} known characters in a row (e.g. {plates.partial_example(known)}*).")
        self.fields["cameras"].choices = [(str(c.pk), c.name) for c in selectors.searchable_cameras()]
        self.fields["cameras"].widget.attrs["size"] = "4"


class CanvassForm(forms.Form):
    camera = forms.ModelChoiceField(
        label="Around a camera", required=False, queryset=None, empty_label="(a point of your own)",
        help_text="Its place is the centre of the canvass, unless you give a latitude and longitude.")
    latitude = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90,
                                help_text="Decimal degrees, e.g. 41.885. Filled in when you pick a camera "
                                          "or click the map.")
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180,
                                 help_text="Decimal degrees, e.g. -87.785.")
    radius_m = forms.IntegerField(label="Radius (metres)", required=False,
                                  min_value=CANVASS_MIN_RADIUS_M)
    since = _when("From", "")
    until = _when("To", "Default: now.")
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        """Show the policy's limits; the access layer enforces them, so a refusal is audited."""
        super().__init__(*args, **kwargs)
        policy = current_policy()
        default, widest = canvass_windows(policy)
        self.fields["radius_m"].widget.attrs["max"] = policy.canvass_max_radius_m
        self.fields["radius_m"].initial = canvass_default_radius(policy)
        self.fields["radius_m"].help_text = f"At most {policy.canvass_max_radius_m} metres."
        self.fields["since"].help_text = (f"Default: {_hours(default)} before the end. A canvass covers at "
                                          f"most {_hours(widest)}.")
        self.fields["camera"].queryset = selectors.located_cameras()
        self.fields["camera"].label_from_instance = _camera_place

    def clean(self):
        """A chosen camera gives the centre when no coordinates were typed (or filled in by the map)."""
        data = super().clean()
        camera = data.get("camera")
        if camera and data.get("latitude") is None and data.get("longitude") is None:
            data["latitude"], data["longitude"] = float(camera.latitude), float(camera.longitude)
        return data


def _camera_place(camera) -> str:
    where = f" · {camera.location_description}" if camera.location_description else ""
    return f"{camera.name}{where} ({float(camera.latitude):.5f}, {float(camera.longitude):.5f})"


class DownloadForm(forms.Form):
    purpose = forms.CharField(label="Purpose of the download", max_length=500, required=False,
                              help_text="E.g. \u201cevidence for the prosecutor in the armed robbery "
                                        "case\u201d.",
                              widget=forms.TextInput(attrs={"aria-required": "true"}))
    recipient = forms.CharField(label="Recipient (optional)", max_length=200, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="What did this search lead to?", choices=OutcomeKind.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label="Note (optional)", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class FelonyRequestForm(forms.Form):
    case_number = forms.CharField(label="Case number", max_length=64)
    offense = forms.CharField(label="Felony under investigation", max_length=200)
    description = forms.CharField(label="Why a plate search is needed", max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))


class FelonyDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")], widget=forms.RadioSelect)
    note = forms.CharField(label="Note (required to deny)", required=False, max_length=1000)


class AuditLookupForm(forms.Form):
    plate = forms.CharField(label="Plate", max_length=20, required=False)
    case_number = forms.CharField(label="Case number", max_length=64, required=False)
