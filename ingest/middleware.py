"""Camera endpoints skip the middleware that serves people (ING-1: hundreds of uploads a second).

The project's middleware is for browsers: CSP, sessions, CSRF, the user and the second factor,
messages, the access gate, axes' lockouts. None of it applies to the camera API (URL namespace
``camera_api``): a camera signs each request with its own key (``ingest.auth``), keeps no session,
sees no page, its views are CSRF-exempt and catch their own errors, and the access gate lets the
namespace through untouched. Running the stack anyway cost ~0.4 ms of an upload's ~4 ms of CPU.

So this middleware, placed right after SecurityMiddleware (HTTPS redirect, HSTS and nosniff still
apply) and WhiteNoise, calls a camera view itself. Every other request goes on down the stack as
before, after one ``str.startswith`` against the camera routes' literal prefixes; a path that has
one of those prefixes but resolves outside ``camera_api`` goes down the stack too.

CommonMiddleware is one of those skipped, and it is what checks the ``Host`` header against
ALLOWED_HOSTS. So the check is made here, before the view runs: a camera set up with the server's IP
address, or another name, is refused with a 400 that says so, and nothing is stored (ING-3). Left to the
view, the header was first checked when the receipt's ``status_url`` was built, after the read and its
photo were stored and queued, and the refusal named a malformed form.
"""
import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import Resolver404, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from ingest.errors import HostNotAllowed, error_response

NAMESPACE = "camera_api"
# Where Django itself reports a refused Host header (django.core.handlers.exception).
security_logger = logging.getLogger("django.security.DisallowedHost")


class CameraEndpointMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        resolver = get_resolver()
        path = request.path_info
        if path.startswith(camera_prefixes(resolver)):
            try:
                match = resolver.resolve(path)
            except Resolver404:
                match = None
            if match is not None and NAMESPACE in match.namespaces:
                request.resolver_match = match
                refusal = _host_refusal(request)
                if refusal is not None:
                    return _finish(refusal)
                return _finish(match.func(request, *match.args, **match.kwargs))
        return self.get_response(request)


def _host_refusal(request):
    """The 400 for a ``Host`` header outside ALLOWED_HOSTS (as CommonMiddleware would refuse it), or None."""
    try:
        request.get_host()
    except DisallowedHost as error:
        security_logger.warning("camera request refused: %s", error)
        return error_response(HostNotAllowed(
            "The Host header names a host this server does not answer to: send uploads to the server's "
            "own host name (one of its ALLOWED_HOSTS), not its IP address or another name. Nothing was "
            "stored."))
    return None


def _finish(response):
    """The two response headers the skipped middleware added that a camera client can notice."""
    if not response.streaming and not response.has_header("Content-Length"):  # as CommonMiddleware
        response.headers["Content-Length"] = str(len(response.content))
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS.upper())  # as XFrameOptions
    return response


@lru_cache(maxsize=4)
def camera_prefixes(resolver: URLResolver) -> tuple[str, ...]:
    """The literal beginnings of the camera routes' paths, e.g. ``/api/v1/cameras/reads/``."""
    prefixes: list[str] = []

    def walk(patterns, prefix: str, literal: bool, inside: bool) -> None:
        for entry in patterns:
            part, still_literal = "", False
            if literal and isinstance(entry.pattern, RoutePattern):
                route = str(entry.pattern)
                part, still_literal = route.split("<", 1)[0], "<" not in route
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part, still_literal,
                     inside or entry.namespace == NAMESPACE)
            elif inside:
                prefixes.append("/" + prefix + part)

    walk(resolver.url_patterns, "", True, False)
    return tuple(dict.fromkeys(prefixes))
