"""Passkey pages and the JSON endpoints django-otp-webauthn's scripts call (ACC-3, ACC-4).

The library's views do the WebAuthn ceremonies; these subclasses add what the library does not
know: the audit rows, the lockout count, and the sign-in bookkeeping of `accounts.events`.
"""
from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.helpers import WebAuthnHelper

from accounts import passkeys
from accounts.events import second_factor_locked_out, signin_second_factor_failed, signin_second_factor_passed
from audit.context import Actor
from core.errors import ApplicationError
from core.strict_json import strict_loads


def script_config(request) -> dict:
    """What the library's scripts read from the page (element `otp_webauthn_config`)."""
    return {
        "csrfToken": get_token(request),
        "nextFieldSelector": "input[name='next']",
        "autocompleteLoginFieldSelector": None,
        "beginRegistrationUrl": reverse("accounts:passkey_register_begin"),
        "completeRegistrationUrl": reverse("accounts:passkey_register_complete"),
        "beginAuthenticationUrl": reverse("accounts:passkey_verify_begin"),
        "completeAuthenticationUrl": reverse("accounts:passkey_verify_complete"),
    }


class _StrictJsonBody:
    """The library's body parsing, but strict (core.strict_json): a body nested past the recursion limit
    is a malformed request (at the verify step, a failed passkey), never a server error."""

    def _parse_request_data(self, request):
        if request.content_type.split(";", 1)[0] != "application/json":
            return request.POST
        if not request.body:
            return {}
        try:
            return strict_loads(request.body)
        except ValueError as error:
            raise exceptions.MalformedRequest() from error


class PasskeyVerificationBegin(_StrictJsonBody, views.BeginCredentialAuthenticationView):
    pass


class PasskeyRegistrationBegin(_StrictJsonBody, views.BeginCredentialRegistrationView):
    pass


class _AuditedRegistrationHelper(WebAuthnHelper):
    def register_complete(self, user, state, data):
        with transaction.atomic():
            passkey = super().register_complete(user=user, state=state, data=data)
            passkeys.passkey_registered(actor=Actor.for_request(self.request), passkey=passkey)
        return passkey


class PasskeyRegistrationComplete(_StrictJsonBody, views.CompleteCredentialRegistrationView):
    def get_helper(self):
        return _AuditedRegistrationHelper(request=self.request)

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        messages.success(self.request, "Passkey registered. Give it a name you will recognise below.")
        return response


class PasskeyVerificationComplete(_StrictJsonBody, views.CompleteCredentialAuthenticationView):
    """A passkey instead of a code at the second-factor step; a failure counts like a wrong code."""

    def post(self, *args, **kwargs):
        if second_factor_locked_out(self.request):
            return JsonResponse({"detail": "Account locked.", "code": "locked_out"}, status=403)
        return super().post(*args, **kwargs)

    def complete_auth(self, device):
        signin_second_factor_passed(self.request, device)

    def handle_exception(self, exc):
        """Count the failure; at the limit django-axes answers with its lockout page instead."""
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            signin_second_factor_failed(self.request, reason=f"Passkey not accepted ({exc.code}).")
        return super().handle_exception(exc)


@require_POST
def passkey_rename(request, passkey_id: int):
    try:
        passkey = passkeys.passkey_rename(actor=Actor.for_request(request), passkey_id=passkey_id,
                                          name=request.POST.get("name", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Passkey renamed to “{passkey.name}”.")
    return redirect(reverse("accounts:me") + "#passkeys")


@require_POST
def passkey_remove(request, passkey_id: int):
    try:
        name = passkeys.passkey_remove(actor=Actor.for_request(request), passkey_id=passkey_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Passkey “{name}” removed.")
    return redirect(reverse("accounts:me") + "#passkeys")
