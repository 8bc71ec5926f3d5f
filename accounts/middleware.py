"""The one gate in front of every non-public page (ACC-2, ACC-3, ACC-8, ACC-9).

Deny by default: a URL is served to a session only if it is public, or the session belongs to an
active account that passed the second factor, has not timed out, and (when the policy says so)
comes from a trusted network. No header opens it: the only credentials that skip it are the camera
and partner keys of the public machine namespaces, checked by their own views. DRF's default
permission (`accounts.permissions`) is the same rule for API views.
"""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse

from accounts import audit_actions as actions
from accounts.events import session_expiry_reason, session_is_listed, signout, status_message
from accounts.mfa import has_confirmed_totp
from audit.context import Actor
from audit.models import Outcome
from audit.services import audit_record
from core.compliance import enforces
from core.net import client_ip
from policy.selectors import current_policy

# Reachable by anyone: the sign-in page, the public portal, health checks, camera and partner
# endpoints that authenticate with their own credentials (never a browser session).
PUBLIC_NAMESPACES = {"portal", "camera_api", "partner_api"}
PUBLIC_URL_NAMES = {"accounts:login", "health"}
# Reachable while a password set by someone else waits to be replaced (ACC-4).
PASSWORD_CHANGE_URL_NAMES = {"accounts:password_change", "accounts:logout"}
# Reachable after the password, before the second factor.
HALF_SIGNED_IN_URL_NAMES = {"accounts:verify", "accounts:mfa_setup", "accounts:logout",
                            "accounts:passkey_verify_begin", "accounts:passkey_verify_complete"}


def _url_name(request) -> tuple[str, set[str]]:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return "", set()
    return match.view_name, set(match.namespaces)


def is_public(request) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    name, namespaces = _url_name(request)
    return name in PUBLIC_URL_NAMES or bool(namespaces & PUBLIC_NAMESPACES)


def _wants_json(request) -> bool:
    return request.path_info.startswith("/api/")


@enforces("ACC-2", "ACC-3", "ACC-8", "ACC-9")
class AccessGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_public(request):
            return self.get_response(request)
        refusal = self._refusal(request)
        return refusal or self.get_response(request)

    def _refusal(self, request):
        user = request.user
        if not user.is_authenticated:
            return self._to_login(request)
        if not session_is_listed(request):
            message = "This session was ended."
            signout(request, reason=message)
            return self._to_login(request, f"You were signed out. {message}")
        if not user.is_usable:
            message = status_message(user)
            signout(request, reason=message)
            return self._to_login(request, message)
        expired = session_expiry_reason(request)
        if expired:
            signout(request, reason=expired)
            return self._to_login(request, f"You were signed out. {expired}")
        if not current_policy().network_is_trusted(client_ip(request)):
            return self._untrusted_network(request)
        if not user.is_verified():
            if user.must_change_password and not has_confirmed_totp(user):
                # Whoever else knows the administrator's password must not be the one to enrol the
                # second factor: the person replaces the password first, then enrols.
                return self._to_password_change(request)
            name, _ = _url_name(request)
            if name in HALF_SIGNED_IN_URL_NAMES:
                return None
            if _wants_json(request):
                return JsonResponse({"error": "mfa_required", "detail": "Second factor required."},
                                    status=401)
            return redirect("accounts:verify")
        if user.must_change_password:
            return self._to_password_change(request)
        return None

    def _to_password_change(self, request):
        name, _ = _url_name(request)
        if name in PASSWORD_CHANGE_URL_NAMES:
            return None
        message = "Your password was set by an administrator. Choose your own before you continue."
        if _wants_json(request):
            return JsonResponse({"error": "password_change_required", "detail": message}, status=403)
        messages.warning(request, message)
        return redirect("accounts:password_change")

    def _untrusted_network(self, request):
        message = "This system can be used only from department devices and networks."
        audit_record(actor=Actor.for_request(request), action=actions.NETWORK_REFUSED,
                     outcome=Outcome.REFUSED, reason=message, targets=[request.path])
        if _wants_json(request):
            return JsonResponse({"error": "untrusted_network", "detail": message}, status=403)
        return render(request, "error.html", {"message": message, "code": "untrusted_network"}, status=403)

    def _to_login(self, request, message: str = ""):
        # Kept for the next page even when a background request (an alert poll) was the one to find
        # the session over: the person still learns why they were signed out.
        if message:
            messages.warning(request, message)
        if _wants_json(request):
            return JsonResponse({"error": "not_authenticated", "detail": message or "Sign in first."},
                                status=401)
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
