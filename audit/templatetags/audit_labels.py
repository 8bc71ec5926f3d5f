"""``{{ event.action|action_label }}``: an audit action in words, from the registry (audit/actions.py)."""
from django import template

from audit import actions

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """Return the registered label of an audit action; an unknown code (a retired action) as it is."""
    try:
        return actions.get(code).label
    except KeyError:
        return code
