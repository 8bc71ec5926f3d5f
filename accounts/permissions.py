from rest_framework.permissions import BasePermission

from core.compliance import enforces


@enforces("ACC-3")
class IsVerifiedActiveUser(BasePermission):
    """DRF's default: an active account that passed MFA (session) or holds a token issued after MFA."""

    message = "Sign in with your second factor, or use a personal API token."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated or not user.is_usable:
            return False
        if request.auth is not None:  # a personal token: only ever issued to a verified session
            return True
        return user.is_verified()
