"""`{% if user|can:"approve_users" %}`: show a link only to roles the policy grants it (ACC-7)."""
from django import template

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))
