"""Each person's own account: password, training status, backup codes, passkeys (ACC-3 to ACC-5)."""
from django.contrib import messages
from django.contrib.auth.password_validation import password_validators_help_texts
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import mfa, passkeys, selectors, services
from accounts.events import session_keep_after_password_change
from accounts.forms import CodeForm, PasswordChangeForm
from accounts.views._forms import form_error
from accounts.views.passkeys import script_config
from audit.context import Actor
from core.errors import ApplicationError


def _me_context(request, **extra) -> dict:
    user = request.user
    return {
        "states": selectors.training_states(user),
        "blockers": selectors.training_blockers(user),
        "backup_codes_left": mfa.backup_codes_remaining(user),
        "passkeys": passkeys.passkeys_of(user),
        "passkey_config": script_config(request),
        **extra,
    }


def me(request):
    return render(request, "accounts/me.html", _me_context(request))


@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(actor=Actor.for_request(request), current=form.cleaned_data["current"],
                                     new=form.cleaned_data["new"])
        except ApplicationError as error:
            # The service names its field "password"; on this form that is the new one.
            field = "new" if error.field == "password" else error.field
            form.add_error(field if field in form.fields else None, error.message)
        else:
            session_keep_after_password_change(request)
            messages.success(request, "Your password is changed.")
            return redirect("accounts:me")
    return render(request, "accounts/password_change.html",
                  {"form": form, "rules": password_validators_help_texts()},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def backup_codes_regenerate(request):
    form = CodeForm(request.POST or None)
    form.fields["token"].label = "Current six-digit code from your authenticator app"
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.backup_codes_regenerate(actor=Actor.for_request(request),
                                                totp_code=form.cleaned_data["token"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            return render(request, "accounts/backup_codes.html", {"codes": codes, "back_to_account": True})
    return render(request, "accounts/backup_codes_regenerate.html", {"form": form},
                  status=400 if form.errors else 200)
