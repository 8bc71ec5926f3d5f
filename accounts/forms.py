from django import forms

from accounts.models import AccountStatus, TrainingKind
from policy.roles import Role


class SignInForm(forms.Form):
    username = forms.CharField(label="Login name", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label="Password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    notice_acknowledged = forms.BooleanField(
        label="I have read the system-use notice and agree to its terms.", required=False)


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Six-digit code from your authenticator app, or a backup code", max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}))


# People administration (ACC-1, ACC-2, ACC-5 to ACC-8). Validation of substance lives in the
# services; these forms only parse input and carry the services' messages back to their fields.

class PeopleFilterForm(forms.Form):
    search = forms.CharField(label="Name, badge or login", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *AccountStatus.choices])
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any role"), *Role.choices])


class AccountCreateForm(forms.Form):
    full_name = forms.CharField(label="Full name (first and last)", max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    badge_number = forms.CharField(label="Employee or badge ID", max_length=32,
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))
    username = forms.CharField(label="Login name", max_length=150,
                               help_text="The person's own name, e.g. jsmith; never a post or unit.",
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label="Work e-mail", help_text="Training reminders go here.")
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    password = forms.CharField(label="Initial password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_confirm = forms.CharField(label="Initial password again", strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", "The two passwords differ.")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Recorded with the decision and shown in the account's history.")


class DecisionForm(forms.Form):
    """Approve or deny one pending account; a denial needs a reason (ACC-2)."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")])
    reason = forms.CharField(label="Reason", required=False, max_length=2000,
                             widget=forms.TextInput())
    # The role the page showed: an approval approves that role, not one changed since (ACC-2).
    role = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput())


class RoleChangeForm(ReasonForm):
    role = forms.ChoiceField(label="New role", choices=Role.choices)
    field_order = ["role", "reason"]


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label="Training", choices=TrainingKind.choices)
    completed_on = forms.DateField(label="Completed on", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label="Course, certificate or document reference", max_length=120)


class PasswordChangeForm(forms.Form):
    current = forms.CharField(label="Current password", strip=False,
                              widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new = forms.CharField(label="New password", strip=False,
                          widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_confirm = forms.CharField(label="New password again", strip=False,
                                  widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new") and data.get("new") != data.get("new_confirm"):
            self.add_error("new_confirm", "The two new passwords differ.")
        return data
