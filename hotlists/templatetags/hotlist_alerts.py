"""``{% alert_feed %}``: the live alert banner and its script, once per page, for alert-verifying roles.

Idempotent per request, so both ``base.html`` and a page of this app may call it.
"""
from django import template
from django.template.loader import render_to_string

from policy.roles import Capability
from policy.selectors import current_policy

register = template.Library()


@register.simple_tag(takes_context=True)
def alert_feed(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or getattr(request, "_alert_feed_rendered", False):
        return ""
    if not (user and user.is_authenticated and user.is_verified() and user.can(Capability.VERIFY_ALERTS)):
        return ""
    request._alert_feed_rendered = True
    context = {"idle_minutes": current_policy().session_idle_minutes}
    return render_to_string("hotlists/_alert_feed.html", context, request=request)
