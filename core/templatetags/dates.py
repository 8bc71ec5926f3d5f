"""Date filters built into every template (settings.TEMPLATES builtins): ``{{ read.captured_at|when }}``.

One format for the whole site (core/dates.py); a template never spells a format of its own
(core/tests/test_dates.py fails when one does).
"""
from django import template
from django.template.defaultfilters import date

from core import dates

register = template.Library()

FILTERS = {
    "day": dates.DAY,  # 2026-12-03
    "when": dates.WHEN,  # 2026-12-03 14:16
    "when_exact": dates.WHEN_EXACT,  # 2026-12-03 14:16:05
    "month": dates.MONTH,  # December 2026
}


def _in_format(form: str):
    def render(value):
        return date(value, form)

    return render


for _name, _form in FILTERS.items():
    register.filter(_name, _in_format(_form), expects_localtime=True, is_safe=False)
