"""The client's address, as far as it can be trusted."""
import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """Return the client address, taking X-Forwarded-For only from the configured proxies."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR", "")


def address_in_networks(address: str, networks: list[str]) -> bool:
    """Return whether `address` falls in any of the CIDR `networks`."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)
