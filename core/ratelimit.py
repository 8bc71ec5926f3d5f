"""How often one client address may submit a public form, counted per form by django-ratelimit in Redis;
and how many attempts of one kind are counted under any other key (`attempts_counted`).

If Redis cannot be reached the submission is let through (and logged): a member of the public must be
able to file a report while the limiter is down; the limit only keeps floods out of the queues.
"""

import ipaddress
import logging

from django.conf import settings
from django.core.checks import Error, register
from django_ratelimit.core import get_usage
from redis import RedisError

from core.net import client_ip

logger = logging.getLogger(__name__)


def submission_wait(request, *, form: str) -> int:
    """Count one submission of `form` from the client's address; return the seconds to wait, 0 if none."""
    try:
        usage = get_usage(
            request,
            group=f"submit:{form}",
            key=_address,
            rate=settings.PORTAL_SUBMISSION_RATE,
            increment=True,
        )
    except RedisError as error:
        logger.warning("submission limiter unavailable, a %s was let through: %s", form, error)
        return 0
    if usage is None or not usage["should_limit"]:
        return 0
    logger.warning("refused a %s from %s: over %s", form, client_ip(request), settings.PORTAL_SUBMISSION_RATE)
    return max(usage["time_left"], 1)


def _address(group: str, request) -> str:
    """The client's address, an IPv6 one as its network of RATELIMIT_IPV6_MASK bits: one home or phone
    line is given a whole /64, so counting each of its addresses apart would be no limit at all."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return address
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/{settings.RATELIMIT_IPV6_MASK}", strict=False))


def attempts_counted(request, *, group: str, key: str, rate: str) -> dict | None:
    """Count one attempt of `group` under `key` against `rate` ("5/h"); return django-ratelimit's usage
    (``count``, ``limit``, ``should_limit``, ``time_left``), or None when Redis cannot be reached."""
    try:
        return get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=True)
    except RedisError as error:
        logger.warning("attempt counter unavailable for %s: %s", group, error)
        return None


@register()
def ipv6_mask_check(app_configs, **kwargs) -> list[Error]:
    """Refuse to start with an IPv6 mask no address has: every portal submission would fail."""
    if 0 < settings.RATELIMIT_IPV6_MASK <= 128:
        return []
    return [Error(f"RATELIMIT_IPV6_MASK is {settings.RATELIMIT_IPV6_MASK}: it must be 1 to 128 bits.",
                  hint="64 counts each subscriber's /64 as one client.", id="core.E001")]
