"""django-axes hooks: the failure limit from the policy, and the page a locked-out person sees."""
from django.shortcuts import render

from core.compliance import enforces
from policy.selectors import current_policy


@enforces("ACC-4")
def failure_limit(request, credentials) -> int:
    return current_policy().lockout_failures


def locked_out_response(request, original_response=None, credentials=None):
    """django-axes calls this as (request, original_response, credentials)."""
    from accounts.events import record_lockout

    record_lockout(request, credentials)
    return render(request, "accounts/locked_out.html", status=403)
