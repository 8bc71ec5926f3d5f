from django import forms


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
