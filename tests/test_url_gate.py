"""ACC-3: no URL of the project serves anything to a session that has not passed the second factor.

Walks every URL pattern Django knows (so URLs added later are covered without touching this file),
fills each path converter with a value it accepts, and requests each URL as (a) an anonymous
visitor and (b) a person who gave the right password but no second factor. Only the public URLs
(accounts.middleware: the sign-in page, health, the portal and the machine endpoints) and, for (b),
the half-signed-in pages may answer; everything else must send the visitor to sign in or to the
second factor, or answer 401/403.
"""
import pytest
from rest_framework.views import APIView

from accounts.middleware import HALF_SIGNED_IN_URL_NAMES
from accounts.permissions import IsVerifiedActiveUser
from conftest import PASSWORD, UserFactory, confirmed_totp
from tests.urlwalk import endpoints

pytestmark = [pytest.mark.django_db, pytest.mark.rule("ACC-3")]

SIGN_IN, SECOND_FACTOR = "/accounts/login/", "/accounts/verify/"


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
