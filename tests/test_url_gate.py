"""ACC-3: no URL of the project serves anything to a session that has not passed the second factor.

Walks every URL pattern Django knows (so URLs added later are covered without touching this file),
fills each path converter with a value it accepts, and requests each URL as (a) an anonymous
visitor and (b) a person who gave the right password but no second factor. Only the public URLs
(accounts.middleware: the sign-in page, health, the portal and the machine endpoints) and, for (b),
the half-signed-in pages may answer; everything else must send the visitor to sign in or to the
second factor, or answer 401/403.
"""
import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils.regex_helper import normalize
from rest_framework.views import APIView

from accounts.middleware import HALF_SIGNED_IN_URL_NAMES, PUBLIC_NAMESPACES, PUBLIC_URL_NAMES
from accounts.permissions import IsVerifiedActiveUser
from conftest import PASSWORD, UserFactory, confirmed_totp

pytestmark = [pytest.mark.django_db, pytest.mark.rule("ACC-3")]

# Values tried, in order, for a path parameter: the first its converter (or regex) accepts is used.
SAMPLES = ("1", "sample", "00000000-0000-4000-8000-000000000001", "sample/file.jpg", "2026-01-01", "A1")
SIGN_IN, SECOND_FACTOR = "/accounts/login/", "/accounts/verify/"


@dataclass(frozen=True)
class Endpoint:
    path: str
    name: str  # "namespace:name", or the view's dotted path when the pattern has no name
    namespaces: frozenset[str]
    callback: object

    @property
    def public(self) -> bool:
        return self.name in PUBLIC_URL_NAMES or bool(self.namespaces & PUBLIC_NAMESPACES)


def endpoints() -> list[Endpoint]:
    """Return one concrete, resolvable path for every URL pattern of the project."""
    found = []
    for pieces, pattern in _walk(get_resolver().url_patterns, []):
        path = "/" + "".join(_fill(piece) for piece in pieces)
        try:
            match = resolve(path)
        except Resolver404:
            path = None
        if path is None or match.func != pattern.callback:
            found.append(Endpoint(f"UNRESOLVABLE {pieces!r}", "", frozenset(), pattern.callback))
            continue
        found.append(Endpoint(path, match.view_name, frozenset(match.namespaces), pattern.callback))
    return found


def _walk(patterns, prefix):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, [*prefix, entry.pattern])
        elif isinstance(entry, URLPattern):
            yield [*prefix, entry.pattern], entry


def _fill(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RoutePattern):
        def value(match):
            converter = pattern.converters[match["name"]]
            return next(s for s in SAMPLES if re.fullmatch(converter.regex, s))

        return re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", value, str(pattern))
    # A regular expression: let Django's reverse() machinery give its shape, then fill the groups.
    template, params = normalize(pattern.regex.pattern)[0]
    groups = re.compile(pattern.regex.pattern).groupindex
    values = {}
    for param in params:
        values[param] = next((s for s in SAMPLES if _group_accepts(pattern, param, s, groups)), "1")
    return template % values


def _group_accepts(pattern, param: str, sample: str, groups) -> bool:
    if param not in groups:
        return True
    group = re.search(rf"\(\?P<{re.escape(param)}>(.*?)\)", pattern.regex.pattern)
    return bool(group and re.fullmatch(group[1], sample))


def _gated(response, allowed_redirects: tuple[str, ...]) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and response["Location"].startswith(allowed_redirects)


def _half_signed_in(client):
    user = UserFactory()
    confirmed_totp(user)
    response = client.post(SIGN_IN, {"username": user.username, "password": PASSWORD,
                                     "notice_acknowledged": "on"})
    assert response.status_code == 302 and response["Location"].startswith(SECOND_FACTOR)
    return client


def test_the_walk_finds_every_pattern():
    found = endpoints()
    assert not [endpoint.path for endpoint in found if endpoint.path.startswith("UNRESOLVABLE")]
    names = {endpoint.name for endpoint in found}
    assert {"home", "health", "accounts:login", "accounts:verify", "audit:log", "audit:export"} <= names


def test_an_anonymous_visitor_reaches_nothing_but_the_public_urls(client):
    leaks = []
    for endpoint in endpoints():
        if endpoint.public:
            continue
        for method in (client.get, client.post):
            response = method(endpoint.path)
            if not _gated(response, (SIGN_IN,)):
                leaks.append(f"{method.__name__.upper()} {endpoint.path} ({endpoint.name}) "
                             f"answered {response.status_code}")
    assert not leaks, "Reachable without signing in:\n" + "\n".join(leaks)


def test_a_password_without_the_second_factor_reaches_nothing_else(client):
    client = _half_signed_in(client)
    leaks = []
    for endpoint in endpoints():
        if endpoint.public or endpoint.name in HALF_SIGNED_IN_URL_NAMES:
            continue  # (signing out, in particular, would end this half-session)
        for method in (client.get, client.post):
            response = method(endpoint.path)
            if not _gated(response, (SECOND_FACTOR, SIGN_IN)):
                leaks.append(f"{method.__name__.upper()} {endpoint.path} ({endpoint.name}) "
                             f"answered {response.status_code}")
    assert client.get("/").status_code == 302  # still half signed in: the walk did not end it
    assert not leaks, "Reachable with a password alone:\n" + "\n".join(leaks)


def test_every_api_view_requires_a_verified_user_unless_public():
    unguarded = []
    for endpoint in endpoints():
        view_class = getattr(endpoint.callback, "cls", None)
        if not (isinstance(view_class, type) and issubclass(view_class, APIView)) or endpoint.public:
            continue
        initkwargs = getattr(endpoint.callback, "initkwargs", {}) or {}
        permissions = initkwargs.get("permission_classes", view_class.permission_classes)
        if not any(isinstance(p, type) and issubclass(p, IsVerifiedActiveUser) for p in permissions):
            unguarded.append(f"{endpoint.path} ({endpoint.name}): {[p.__name__ for p in permissions]}")
    assert not unguarded, "API views without IsVerifiedActiveUser:\n" + "\n".join(unguarded)
