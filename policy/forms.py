"""The policy page's form, and what each value of the policy means (shown to every user)."""
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from policy.directions import DIRECTIONS
from policy.models import MAX_RETENTION_DAYS, PURPOSE_CODE_MAX_LENGTH, AgencyPolicy

# field: (what it governs, where it comes from). Every value on the policy page carries one.
EXPLANATIONS: dict[str, tuple[str, str]] = {
    "retention_days": ("Plate reads and their images are permanently deleted after this many days, unless an "
                       "evidence hold keeps them. At most 90 days.", "Oak Park GO 4-68 VI; Rantoul 438.4"),
    "audit_retention_days": ("Audit log entries are kept at least this long, whatever happens to the reads "
                             "they describe. At least two years.", "ACLU-IL guidelines"),
    "permitted_purposes": ("The only purposes a plate search may name.", "Oak Park GO 4-68 V.B"),
    "felony_exception_purpose": ("The purpose that needs a written request approved by the Chief before a "
                                 "search may cite it.", "Oak Park GO 4-68 V.B"),
    "felony_approval_days": ("The Chief's approval of an other-felony request lets its author's searches "
                             "cite it for this many days after the decision; then it has lapsed, for the "
                             "justifications already citing it too. An approval keeps the days it was "
                             "granted for: lowering this shortens every approval at once, raising it "
                             "lengthens only the approvals made after. Between 1 and 90.", "—"),
    "prohibited_purposes": ("Purposes no search, hotlist or sharing request may ever serve; descriptions "
                            "naming them are refused and flagged. They cannot be removed.",
                            "Oak Park GO 4-68 V.C–F"),
    "vague_descriptions": ("Descriptions that say nothing and are refused as a search's justification.",
                           "ACLU-IL guidelines"),
    "description_min_length": ("The shortest description a search may carry.", "ACLU-IL guidelines"),
    "description_min_specific_words": ("A search's description, and any other stated reason (a hotlist "
                                       "entry's, an evidence hold's, a download's), names at least this "
                                       "many words of its own: beyond the purpose, the case number, generic "
                                       "and vague words. Between 1 and 10.",
                                       "ACLU-IL guidelines; Oak Park GO 4-68 IX"),
    "case_number_pattern": ("The shape of a case number or CAD run number every search must carry.",
                            "Oak Park GO 4-68 IX"),
    "case_number_example": ("An example case number, shown next to the search form.", "—"),
    "justification_minutes": ("How long one stated purpose and case number cover follow-up views of results.",
                              "Oak Park GO 4-68 IX"),
    "canvass_max_hours": ("A canvass (reads near a place during a period) covers at most this many hours; "
                          "wider is a dragnet, not a canvass. At most 72.", "Rantoul 438.3(d)"),
    "canvass_max_radius_m": ("A canvass reaches at most this many metres from its point: a few city blocks. "
                             "Between 100 and 5000.", "Rantoul 438.3(d)"),
    "one_edit_min_length": ("A search allowing one differing character anywhere in the plate needs a plate "
                            "at least this long; in a shorter one a differing character matches a large "
                            "share of all reads. Between 4 and 8.",
                            "Rantoul 438.3(d); Highland Park 427.4(c)"),
    "partial_plate_min_known": ("A partial-plate search needs at least this many known characters "
                                "in a row; fewer match a large share of all reads. Between 3 and 6.",
                                "Rantoul 438.3(d); Highland Park 427.4(c)"),
    "download_cap_per_request": ("The most reads one person's download may include.", "Oak Park GO 4-68 VI"),
    "download_cap_per_user_day": ("The most reads one person may download, and release to other agencies, "
                                  "in a day, the two counted together.", "Oak Park GO 4-68 VI"),
    "inactivity_days": ("Accounts without a sign-in for this many days are disabled automatically.",
                        "ACLU-IL guidelines; Oak Park GO 4-68 IX"),
    "training_validity_days": ("Department-approved ALPR training is valid this long; after that, access to "
                               "ALPR data is blocked until it is renewed.", "Rantoul 438.5; Oak Park VIII"),
    "policy_signoff_validity_days": ("Each user signs off the ALPR policy again after this many days.",
                                     "Oak Park GO 4-68 VIII"),
    "leads_certification_days": ("LEADS certification of those who verify alerts is valid this long.",
                                 "Highland Park 427.4(d)"),
    "training_reminder_days": ("People are reminded this many days before a training expires.", "—"),
    "session_idle_minutes": ("A session with no activity for this long ends. At most 30 minutes.",
                             "Oak Park GO 4-68 IX"),
    "session_absolute_hours": ("No session lasts longer than this, active or not.", "CJIS 5.5.5"),
    "lockout_failures": ("Failed passwords or authenticator codes that lock a login name until an "
                         "administrator releases it. At most 5.", "CJIS 5.5.3; Oak Park GO 4-68 IX"),
    "password_min_length": ("The shortest password accepted. At least 12.", "ACLU-IL guidelines"),
    "password_history_count": ("A new password may not repeat any of this many earlier ones.",
                               "ACLU-IL guidelines"),
    "restrict_to_trusted_networks": ("When on, pages other than the public portal answer only requests from "
                                     "the trusted networks (department devices).", "Oak Park GO 4-68 IX"),
    "trusted_networks": ("The department's networks, e.g. 10.20.0.0/16.", "Oak Park GO 4-68 IX"),
    "system_use_notice": ("Shown at every sign-in; each user acknowledges it.", "CJIS 5.5.4"),
    "hold_review_days": ("Whoever placed an evidence hold is asked to review it this often; an unneeded "
                         "hold is released so the reads return to normal retention.", "ACLU-IL guidelines"),
    "share_deletion_days": ("An agency that receives our data deletes it within this many days and certifies "
                            "the deletion; until it does, it receives nothing more.", "ACLU-IL guidelines"),
    "declaration_max_days": ("A sharing declaration is valid at most this long after it is signed; then "
                             "the agency signs a new one or receives nothing.",
                             "625 ILCS 5/2-130; Oak Park VII.I"),
    "sharing_plates_per_request": ("An agency's written request names at most this many plates; one naming "
                                   "more is refused when it is recorded, and one already on file is neither "
                                   "approved nor released while it names more than the policy in force "
                                   "allows. Between 1 and 20.", "—"),
    "sharing_reads_per_release": ("A release to another agency carries at most this many of our reads; a "
                                  "written request matching more is not released until the agency narrows "
                                  "it. The reads count towards the releasing person's daily download cap, "
                                  "so it is at most that cap. Between 1 and 100.",
                                  "Oak Park GO 4-68 VI, VII"),
    "partner_searches_per_hour": ("A person of a partner agency runs at most this many searches through the "
                                  "partner API in any hour; the next is refused (429), recorded and flagged "
                                  "for the auditor.", "Oak Park GO 4-68 VII.F; ACLU-IL guidelines"),
    "share_reminder_days": ("The recipient's contact is reminded this many days before a deletion "
                            "certificate is due.", "—"),
    "partner_search_timeout_seconds": ("An officer's search of partner agencies' networks waits at most "
                                       "this many seconds for each; a partner that has not answered is shown "
                                       "as unavailable and the search goes on without it. At most 30.",
                                       "Oak Park GO 4-68 IX.1"),
    "policy_comment_days": ("A new policy text is open for public comment this long before the Chief may put "
                            "it in force. At least 14 days.", "ACLU-IL guidelines"),
    "camera_notice_days": ("A camera installation or move is announced on the public portal this long before "
                           "it takes effect.", "Oak Park GO 4-68 V; ACLU-IL guidelines"),
    "camera_silent_minutes": ("A camera in service that has sent neither a read nor a heartbeat for this "
                              "many minutes is flagged to the administrator and shown on the portal as out "
                              "of service. Between 5 and 1440.", "—"),
    "placement_text_min_length": ("A camera installation or move is requested with a crime-analysis "
                                  "justification and a nondiscrimination consideration of at least this "
                                  "many characters each. Between 20 and 2000.",
                                  "Oak Park GO 4-68 V; ACLU-IL guidelines"),
    "read_opens_per_justification": ("At most this many single reads are opened under one justification; "
                                     "more is refused.", "Oak Park GO 4-68 VIII; ACLU-IL guidelines"),
    "unusual_plates_per_justification": ("The auditor is shown a justification under which more plates than "
                                         "this were searched.", "ACLU-IL guidelines (audit)"),
    "unusual_reads_opened_per_justification": ("The auditor is shown a justification under which more reads "
                                               "than this were opened.", "ACLU-IL guidelines (audit)"),
    "off_hours_start": ("Searches from this hour (local time) are shown to the auditor as off-hours.",
                        "ACLU-IL guidelines (audit)"),
    "off_hours_end": ("Searches before this hour (local time) are shown to the auditor as off-hours.",
                      "ACLU-IL guidelines (audit)"),
    "audit_baseline_days": ("The monthly audit takes a person's normal hours from the hours they acted in "
                            "during this many days before the month (once they took the actions below); "
                            "activity outside them is flagged. Between 30 and 365.",
                            "Oak Park GO 4-68 VII.E; ACLU-IL guidelines (audit)"),
    "audit_baseline_min_events": ("How many actions in those days a person needs before their own hours "
                                  "count as normal; with fewer, activity in the policy's off-hours is "
                                  "flagged. Between 1 and 500.",
                                  "Oak Park GO 4-68 VII.E; ACLU-IL guidelines (audit)"),
    "repeated_plate_searches": ("The monthly audit flags, for the administrator's review, a person who "
                                "looked up one plate this many times or more in the month without a case "
                                "number (an audit query's reference is not one). Between 2 and 10.",
                                "Oak Park GO 4-68 VII.E; ACLU-IL guidelines (audit)"),
    "state_differs_alerts": ("When a read's plate matches a hotlist entry but both name an issuing state and "
                             "the states differ: raise the alert marked “state differs” for the officer to "
                             "compare (the default: no hit is missed), or raise none.",
                             "Oak Park GO 4-68 V.H; Highland Park 427.4(f)"),
    "alert_max_read_age_hours": ("A read captured longer ago than this many hours raises no hotlist alert, "
                                 "however it is matched (on arrival, late, or after a misread's correction): "
                                 "an alert opens the read to those who receive alerts without a "
                                 "justification, and an old pass is no lead. The read stays searchable "
                                 "under one. Between 1 and 72.", "—"),
    "hotlist_entry_max_days": ("A hotlist entry, typed or imported from a CSV, expires within this many "
                               "days; then it is renewed, with its reason, or stops matching. Between 1 and "
                               "365.", "ACLU-IL guidelines"),
    "hotlist_import_valid_hours": ("An NCIC or LEADS import, or a CSV without an expiry, stops alerting this "
                                   "many hours after it was imported unless the list is imported again: "
                                   "records cleared since (a vehicle recovered, a person found) must not "
                                   "stop a car. Never past the days an entry may run. Between 1 and 168.",
                                   "ACLU-IL guidelines"),
    "alert_open_days": ("The alert inbox lists the alerts raised in the last this many days. While an "
                        "alert is in the inbox and not closed (unverified, or confirmed), its read opens to "
                        "those who receive alerts, under a justification; after that, the read opens only "
                        "as any other read does. Between 1 and 30.", "—"),
    "collected": ("What the system collects, as published on the portal.", "ACLU-IL community checklist"),
    "never_collected": ("What the system never collects or seeks, as published on the portal.",
                        "ACLU-IL guidelines and community checklist"),
}

# Values the form edits directly as numbers, text or a checkbox.
SCALAR_FIELDS = [
    "retention_days", "audit_retention_days", "felony_exception_purpose", "felony_approval_days",
    "description_min_length", "description_min_specific_words",
    "case_number_pattern", "case_number_example", "justification_minutes", "canvass_max_hours",
    "canvass_max_radius_m", "partial_plate_min_known", "one_edit_min_length", "download_cap_per_request",
    "download_cap_per_user_day", "read_opens_per_justification", "unusual_plates_per_justification",
    "unusual_reads_opened_per_justification", "off_hours_start", "off_hours_end", "repeated_plate_searches",
    "audit_baseline_days", "audit_baseline_min_events",
    "inactivity_days", "training_validity_days", "policy_signoff_validity_days",
    "leads_certification_days", "training_reminder_days", "session_idle_minutes", "session_absolute_hours",
    "lockout_failures", "password_min_length", "password_history_count",
    "restrict_to_trusted_networks", "system_use_notice", "policy_comment_days", "camera_notice_days",
    "camera_silent_minutes", "placement_text_min_length",
    "hold_review_days", "share_deletion_days", "declaration_max_days", "sharing_plates_per_request",
    "sharing_reads_per_release",
    "partner_searches_per_hour",
    "share_reminder_days", "partner_search_timeout_seconds", "hotlist_entry_max_days",
    "hotlist_import_valid_hours", "state_differs_alerts", "alert_open_days", "alert_max_read_age_hours",
]


def _input_bounds(validators) -> dict:
    """The tightest min and max the validators allow, for the number input's own attributes."""
    bounds = {}
    for validator in validators:
        if isinstance(validator, MinValueValidator):
            bounds["min"] = max(bounds.get("min", validator.limit_value), validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            bounds["max"] = min(bounds.get("max", validator.limit_value), validator.limit_value)
    return bounds


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PolicyForm(forms.Form):
    """Parse an edit of the policy into the `changes` that `policy.services.policy_update` takes."""

    permitted_purposes = forms.CharField(
        label="Permitted purposes", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line, as code | label, e.g. violent_crime | Violent crime investigation. A code "
                  "is lowercase letters, digits and underscores, at most "
                  f"{PURPOSE_CODE_MAX_LENGTH} characters.")
    vague_descriptions = forms.CharField(
        label="Vague descriptions refused", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line.")
    trusted_networks = forms.CharField(
        label="Trusted networks", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One network per line, e.g. 10.20.0.0/16.")
    reason = forms.CharField(label="Why the policy is changing", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Recorded with the new version and in the audit log.")

    def __init__(self, *args, policy: AgencyPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        model_fields = forms.fields_for_model(AgencyPolicy, fields=SCALAR_FIELDS)
        for name in SCALAR_FIELDS:
            field = model_fields[name]
            # The model's limits (e.g. retention at most 90 days) are checked here too, with messages
            # that say why; the service checks them again before saving.
            field.validators = [*field.validators, *(v for v in AgencyPolicy._meta.get_field(name).validators
                                                     if v not in field.validators)]
            field.help_text = EXPLANATIONS[name][0]
            field.widget.attrs.update(_input_bounds(field.validators))
            self.fields[name] = field
            self.initial.setdefault(name, getattr(policy, name))
        self.fields["retention_days"].error_messages["max_value"] = (
            f"Retention cannot exceed {MAX_RETENTION_DAYS} days: the general order (Oak Park GO 4-68 VI) "
            "requires reads to be deleted within 90 days at the most.")
        self.fields["session_idle_minutes"].error_messages["max_value"] = (
            "Idle sessions must end within 30 minutes (Oak Park GO 4-68 IX).")
        self.fields["lockout_failures"].error_messages["max_value"] = (
            "Lock out after at most 5 failed attempts (CJIS 5.5.3).")
        self.fields["password_min_length"].error_messages["min_value"] = (
            "Passwords need at least 12 characters.")
        self.initial.setdefault("permitted_purposes", "\n".join(
            f"{p['code']} | {p['label']}" for p in policy.permitted_purposes))
        self.initial.setdefault("vague_descriptions", "\n".join(policy.vague_descriptions))
        self.initial.setdefault("trusted_networks", "\n".join(policy.trusted_networks))
        self.order_fields([*SCALAR_FIELDS, "permitted_purposes", "vague_descriptions", "trusted_networks",
                           "reason"])
        for name, field in self.fields.items():
            if name in DIRECTIONS:  # which way takes effect at once, which way is proposed (RPT-4)
                field.help_text = f"{field.help_text} {DIRECTIONS[name].says}"

    def clean_permitted_purposes(self):
        purposes = []
        for line in _lines(self.cleaned_data["permitted_purposes"]):
            code, _, label = (part.strip() for part in line.partition("|"))
            if not code or not label:
                raise forms.ValidationError(f"“{line}” needs a code and a label separated by |.")
            purposes.append({"code": code, "label": label})
        return purposes

    def clean_vague_descriptions(self):
        return [line.lower() for line in _lines(self.cleaned_data["vague_descriptions"])]

    def clean_trusted_networks(self):
        return _lines(self.cleaned_data["trusted_networks"])

    def changes(self) -> dict:
        """Return only the values that differ from the policy in force."""
        return {name: value for name, value in self.cleaned_data.items()
                if name != "reason" and value != getattr(self.policy, name)}


class DecisionForm(forms.Form):
    """The Chief's note on a proposed change (required to reject), or the administrator's on withdrawing."""

    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Recorded with the decision and in the audit log; required to reject.")
