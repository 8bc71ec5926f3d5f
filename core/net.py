"""The client's address, as far as it can be trusted."""
import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """Return the client address, taking X-Forwarded-For only from the configured proxies.

    The header is believed only when the connection comes from one of ``TRUSTED_PROXY_NETWORKS``:
    anyone reaching the server directly could otherwise write their own address into it (and upload
    as the camera bound to that address, or dodge per-address limits and lockouts)."""
    connected = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded and address_in_networks(connected, settings.TRUSTED_PROXY_NETWORKS):
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return connected


def address_in_networks(address: str, networks: list[str]) -> bool:
    """Return whether `address` falls in any of the CIDR `networks`."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)
