"""Reports-app configuration: deployment settings, and the policy values this app reads.

Read at call time (never at import), so tests can override them with ``settings``.
"""

from django.conf import settings

from policy.selectors import current_policy


def comment_period_days() -> int:
    return current_policy().policy_comment_days


def camera_notice_days() -> int:
    return current_policy().camera_notice_days


def tile_url() -> str:
    """An XYZ tile URL template (``https://…/{z}/{x}/{y}.png``); empty: the offline SVG map only."""
    return getattr(settings, "PORTAL_TILE_URL", "") or ""


def tile_attribution() -> str:
    return getattr(settings, "PORTAL_TILE_ATTRIBUTION", "") or ""


def collected() -> list[str]:
    """USE-9: what is collected, from the policy in force."""
    return list(current_policy().collected)


def never_collected() -> list[str]:
    """USE-9: what is never collected or sought, from the policy in force."""
    return list(current_policy().never_collected)


def oversight_fallback_email() -> str:
    """Where complaints go when no oversight contact has been entered."""
    return getattr(settings, "OVERSIGHT_CONTACT_EMAIL", "") or ""
