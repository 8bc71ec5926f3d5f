"""Reports-app configuration: periods and lists that the department may tune by setting.

Read at call time (never at import), so tests can override them with ``settings``.
"""

from django.conf import settings

DEFAULT_COMMENT_PERIOD_DAYS = 30
DEFAULT_CAMERA_NOTICE_DAYS = 14
ANNUAL_REVIEW_DAYS = 365

# USE-9: what the system collects, and what it never collects or seeks. Shown on the portal and
# enforced where software can enforce it (reports/tests/test_never_collected.py).
DEFAULT_COLLECTED = [
    "A photo of the rear of a passing vehicle, the plate characters read from it, and the read's confidence.",
    "The camera, place and time of the photo.",
    "Who searched the data, when, for which purpose and case number (the audit log).",
]
DEFAULT_NEVER_COLLECTED = [
    "No facial recognition: no software looks for or matches faces.",
    "No images of drivers or passengers are sought; cameras are aimed at plates.",
    "No linking to personal data beyond the plate (no names, addresses or social media).",
    "No audio recording.",
    "No data is bought from or sold to data brokers.",
]


def comment_period_days() -> int:
    return int(getattr(settings, "POLICY_COMMENT_PERIOD_DAYS", DEFAULT_COMMENT_PERIOD_DAYS))


def camera_notice_days() -> int:
    return int(getattr(settings, "CAMERA_PUBLIC_NOTICE_DAYS", DEFAULT_CAMERA_NOTICE_DAYS))


def tile_url() -> str:
    """An XYZ tile URL template (``https://…/{z}/{x}/{y}.png``); empty: the offline SVG map only."""
    return getattr(settings, "PORTAL_TILE_URL", "") or ""


def tile_attribution() -> str:
    return getattr(settings, "PORTAL_TILE_ATTRIBUTION", "") or ""


def collected() -> list[str]:
    return list(getattr(settings, "PORTAL_COLLECTED", DEFAULT_COLLECTED))


def never_collected() -> list[str]:
    return list(getattr(settings, "PORTAL_NEVER_COLLECTED", DEFAULT_NEVER_COLLECTED))


def oversight_fallback_email() -> str:
    """Where complaints go when no oversight contact has been entered."""
    return getattr(settings, "OVERSIGHT_CONTACT_EMAIL", "") or ""


def normal_hours() -> tuple[int, int]:
    """Local hours [start, end) counted as normal for a person with no history (AUD-5)."""
    start, end = getattr(settings, "AUDIT_NORMAL_HOURS", (6, 22))
    return int(start), int(end)
