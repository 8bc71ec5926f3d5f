"""Forms of the staff pages and the public portal. Validation of policy lives in the services."""

from django import forms
from django.utils import timezone

from alpr.models import Camera, CameraKind, CameraStatus
from hotlists.models import RaceEthnicity
from policy.selectors import current_policy
from reports.models import ComplaintKind, ComplaintStatus, ContactRole, CostKind, District, PlacementKind
from reports.periods import ended_months


class DateInput(forms.DateInput):
    input_type = "date"


class PlacementFieldsForm(forms.Form):
    """Where a camera stands and why: the fields every placement record has (CAM-2, CAM-3)."""

    camera_kind = forms.ChoiceField(label="Camera type", choices=CameraKind.choices, initial=CameraKind.FIXED)
    latitude = forms.DecimalField(
        label="Latitude", max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label="Longitude", max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    location_description = forms.CharField(
        label="Location, as the public will read it",
        max_length=300,
        help_text="E.g. 'Harlem Ave at North Ave'.",
    )
    heading = forms.IntegerField(label="Heading (degrees)", required=False, min_value=0, max_value=359)
    justification = forms.CharField(
        label="Crime-analysis justification",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The analysis behind this placement: incidents, patterns, what it should help with.",
    )
    nondiscrimination = forms.CharField(
        label="Nondiscrimination consideration",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="How the placement affects neighbourhoods and communities, and why it does not "
        "concentrate surveillance on any group.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        at_least = f" At least {current_policy().placement_text_min_length} characters."
        for name in ("justification", "nondiscrimination"):
            self.fields[name].help_text += at_least


class PlacementRequestForm(PlacementFieldsForm):
    field_order = ["kind", "camera", "camera_name"]

    kind = forms.ChoiceField(label="Request", choices=PlacementKind.choices, widget=forms.RadioSelect)
    camera = forms.ModelChoiceField(
        label="Camera to move",
        required=False,
        queryset=Camera.objects.exclude(status__in=[CameraStatus.RETIRED, CameraStatus.PENDING]),
        help_text="For a relocation.",
    )
    camera_name = forms.CharField(
        label="Name of the new camera", required=False, max_length=100, help_text="For a new installation."
    )
    earliest_effective_on = forms.DateField(
        label="Preferred date (optional)",
        required=False,
        widget=DateInput,
        help_text="The move happens no sooner than the public notice period after approval.",
    )


class PriorApprovalForm(PlacementFieldsForm):
    """An installation approved before this system, as the department's records show it (CAM-2)."""

    field_order = ["approved_on", "approved_by", "approval_document", "notice_from", "public_notice"]

    approved_on = forms.DateField(label="Date of the approval", widget=DateInput)
    approved_by = forms.CharField(
        label="Approved by", max_length=200, help_text="Name and title, e.g. 'Chief R. Alvarez'."
    )
    approval_document = forms.CharField(
        label="Approval document",
        max_length=300,
        help_text="The reference of the signed approval (memo, order or board minutes) and where it is "
        "filed.",
    )
    notice_from = forms.DateField(
        label="Public notice from (optional)",
        required=False,
        widget=DateInput,
        help_text="The first day the public was told. Empty: the day of the approval.",
    )
    public_notice = forms.CharField(
        label="How the public was notified",
        max_length=300,
        help_text="Where the installation was announced, e.g. 'Village website and board meeting of "
        "March 4, 2024'.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        at_least = f" At least {current_policy().placement_text_min_length} characters."
        self.fields["justification"].help_text = "The crime analysis the approval rested on." + at_least
        self.fields["nondiscrimination"].help_text = (
            "How the placement was weighed against disparate impact when it was approved." + at_least
        )


class PlacementDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")], widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Required to deny."
    )


class CostForm(forms.Form):
    camera = forms.ModelChoiceField(
        label="Camera", required=False, queryset=Camera.objects.all(), help_text="Empty: programme-wide."
    )
    kind = forms.ChoiceField(label="Kind of cost", choices=CostKind.choices)
    amount = forms.DecimalField(label="Amount (USD)", max_digits=12, decimal_places=2, min_value=0.01)
    incurred_on = forms.DateField(label="Date", widget=DateInput)
    note = forms.CharField(label="Note", required=False, max_length=300)


class PolicyDraftForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    text = forms.CharField(
        label="Policy text",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Plain text. A line starting with '# ' is a heading; '- ' starts a list item.",
    )
    summary_of_changes = forms.CharField(
        label="What changes from the version in force",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(label="What the annual review found", widget=forms.Textarea(attrs={"rows": 3}))


class PolicyCommentForm(forms.Form):
    text = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    name = forms.CharField(label="Your name (optional)", required=False, max_length=120)
    email = forms.EmailField(label="Your email (optional, for a reply)", required=False)


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you reporting?", choices=ComplaintKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="Where and when, and what you think went wrong. Do not include anyone's personal data "
        "you do not need to.",
    )
    name = forms.CharField(label="Your name (optional)", required=False, max_length=150)
    email = forms.EmailField(label="Your email (optional, for updates)", required=False)


class ComplaintLookupForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=16, help_text="E.g. C-7KQ2M9XA")


class ComplaintUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="New status", choices=[c for c in ComplaintStatus.choices if c[0] != ComplaintStatus.RECEIVED]
    )
    note = forms.CharField(label="What was done", widget=forms.Textarea(attrs={"rows": 3}))


class IncidentForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    occurred_on = forms.DateField(label="Occurred on", widget=DateInput)
    discovered_on = forms.DateField(label="Discovered on", widget=DateInput)
    description = forms.CharField(label="What happened (internal)", widget=forms.Textarea(attrs={"rows": 5}))
    public_notice_required = forms.BooleanField(label="A public notice is required", required=False)
    public_notice = forms.CharField(
        label="Public notice",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Published on the portal. Never name a person or a plate.",
    )


class ContactForm(forms.Form):
    role = forms.ChoiceField(label="Contact", choices=ContactRole.choices)
    name = forms.CharField(label="Name or office", max_length=150)
    organisation = forms.CharField(label="Organisation", required=False, max_length=200)
    email = forms.EmailField(label="Email")
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    address = forms.CharField(label="Postal address", required=False, max_length=300)


class GenerateReportForm(forms.Form):
    kind = forms.ChoiceField(label="Report")
    month = forms.CharField(
        label="Month",
        widget=forms.Select,
        help_text="For the quarterly metrics, any month of the quarter.",
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.code, kind.title) for kind in kinds]
        self.months = ended_months()
        self.fields["month"].widget.choices = [(period.slug, period.label) for period in self.months]
        self.fields["month"].initial = self.months[0].slug

    def clean_month(self):
        """A month from the oldest offered to this one. This month (or its quarter) goes on to the
        report service, which says when it can be generated; a later one has not begun, and an older
        one's report would state zeros for what the audit log no longer holds."""
        value = self.cleaned_data["month"]
        try:
            year, number = (int(part) for part in value.split("-"))
            if not 1 <= number <= 12:
                raise ValueError
        except ValueError:
            raise forms.ValidationError("Enter a month as YYYY-MM.") from None
        oldest, today = self.months[-1].first, timezone.localdate()
        if (year, number) > (today.year, today.month):
            raise forms.ValidationError("That month has not begun yet: choose one from the list.")
        if (year, number) < (oldest.year, oldest.month):
            raise forms.ValidationError(f"The audit log no longer covers that month (it keeps "
                                        f"{oldest:%B %Y} onwards): choose one from the list.")
        return year, number


class SignOffForm(forms.Form):
    review_note = forms.CharField(label="What you reviewed", widget=forms.Textarea(attrs={"rows": 3}))
    discrepancies = forms.CharField(
        label="Discrepancies found (sent to the Chief)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Leave empty if the review found none.",
    )


class DistrictForm(forms.Form):
    """A district and its population; one share field per category of ``RaceEthnicity``."""

    name = forms.CharField(label="District name", max_length=100, help_text="E.g. 'Beat 12' or 'Ward 3'.")
    population = forms.IntegerField(label="Population", min_value=1)
    source = forms.CharField(
        label="Source of the figures",
        max_length=300,
        help_text="E.g. '2020 Census, tracts 8121 to 8125'.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in RaceEthnicity.recorded():
            self.fields[category.value] = forms.DecimalField(
                label=f"{category.label} (% of the population)",
                min_value=0,
                max_value=100,
                max_digits=4,
                decimal_places=1,
                required=False,
            )

    @classmethod
    def initial_for(cls, district: District) -> dict:
        return {
            "name": district.name,
            "population": district.population,
            "source": district.source,
            **{c.value: district.population_shares.get(c.value) for c in RaceEthnicity.recorded()},
        }

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "population": data["population"],
            "source": data["source"],
            "population_shares": {
                c.value: data[c.value] if data[c.value] is not None else 0 for c in RaceEthnicity.recorded()
            },
        }


class CameraDistrictForm(forms.Form):
    camera = forms.ModelChoiceField(label="Camera", queryset=Camera.objects.order_by("name"))
    district = forms.ModelChoiceField(
        label="District",
        required=False,
        queryset=District.objects.order_by("name"),
        empty_label="No district",
    )
