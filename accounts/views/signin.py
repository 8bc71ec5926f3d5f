"""Sign-in pages. Thin: parse the form, call `accounts.events` / `accounts.mfa`, render."""
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import mfa, passkeys
from accounts.events import (
    enrolment_device,
    second_factor_locked_out,
    signin_enrolled_device,
    signin_password,
    signin_second_factor,
    signout,
)
from accounts.forms import CodeForm, SignInForm
from accounts.views.passkeys import script_config
from audit.context import Actor
from core.errors import ApplicationError
from policy.selectors import current_policy


def _next_url(request, default="home"):
    """The page to go on to: a path on this site only (a bare word is not a URL name to resolve)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = SignInForm(request.POST or None)
    context = {"form": form, "notice": current_policy().system_use_notice, "next": _next_url(request, "")}
    if request.method == "POST" and form.is_valid():
        try:
            user = signin_password(request, username=form.cleaned_data["username"],
                                   password=form.cleaned_data["password"],
                                   notice_acknowledged=form.cleaned_data["notice_acknowledged"])
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return render(request, "accounts/login.html", context, status=error.status_code)
        if user is None:
            # When django-axes has locked the account, its middleware replaces this response.
            form.add_error(None, "Wrong login name or password.")
            return render(request, "accounts/login.html", context, status=401)
        step = "accounts:verify" if mfa.has_confirmed_totp(user) else "accounts:mfa_setup"
        response = redirect(step)
        if context["next"]:
            response["Location"] += "?" + urlencode({"next": context["next"]})
        return response
    return render(request, "accounts/login.html", context)


@require_http_methods(["GET", "POST"])
def verify_view(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not mfa.has_confirmed_totp(request.user):
        return redirect("accounts:mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if signin_second_factor(request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        if not request.user.is_authenticated:
            return render(request, "accounts/locked_out.html", status=403)
        form.add_error("token", "That code is wrong or was used already. Try the next code.")
    context = {"form": form, "next": _next_url(request, "")}
    if passkeys.has_passkey(request.user):
        context["passkey_config"] = script_config(request)
    return render(request, "accounts/verify.html", context)


@require_http_methods(["GET", "POST"])
def mfa_setup_view(request):
    if mfa.has_confirmed_totp(request.user):
        return redirect("accounts:verify")
    if request.method == "POST" and second_factor_locked_out(request):
        return render(request, "accounts/locked_out.html", status=403)
    device = enrolment_device(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_confirm(actor=Actor.for_request(request), device=device,
                                 token=form.cleaned_data["token"])
        if codes:
            signin_enrolled_device(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes})
        form.add_error("token", "That code does not match. Check the time on your phone and try again.")
    return render(request, "accounts/mfa_setup.html", {
        "form": form, "qr": mfa.totp_qr_data_uri(device), "secret": mfa.totp_secret_base32(device)})


@require_POST
def logout_view(request):
    signout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")
