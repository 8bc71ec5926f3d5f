"""How every page, message and e-mail writes a date or a time: one format, chosen here.

ISO dates and 24-hour times ("2026-12-03 14:16") read the same to an officer, an auditor and the public,
sort as text, and never end in "p.m." before a full stop. Times are the agency's local time
(``TIME_ZONE``). The template filters ``day``, ``when`` and ``when_exact`` (core.templatetags.dates,
built into every template) and the settings' format module (config/formats) use these.
"""
from datetime import datetime

from django.utils import dateformat, timezone

DAY = "Y-m-d"
WHEN = "Y-m-d H:i"
# Records whose order within a minute matters: reads, audit entries, evidence.
WHEN_EXACT = "Y-m-d H:i:s"
TIME = "H:i"
MONTH = "F Y"


def day_text(value) -> str:
    """Return a date (or the agency's local day of a moment) as pages show it, for text written in
    Python (messages, e-mails)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, DAY)
