from rest_framework.permissions import BasePermission

from core.compliance import enforces


@enforces("ACC-3")
class IsVerifiedActiveUser(BasePermission):
    """DRF's default: an active account whose session passed the second factor."""

    message = "Sign in with your second factor."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated or not user.is_usable:
            return False
        return user.is_verified()
