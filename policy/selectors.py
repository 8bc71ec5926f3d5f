from policy.models import AgencyPolicy


def current_policy() -> AgencyPolicy:
    """Return the policy in force: the newest version (a migration creates the first)."""
    return AgencyPolicy.objects.order_by("-id").first() or AgencyPolicy()
