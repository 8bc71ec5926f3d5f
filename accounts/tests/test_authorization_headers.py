"""No header opens the gate: there are no personal API tokens (ACC-3).

Personal tokens authenticated nothing the project serves (no staff API exists), yet any request to an
`/api/` path carrying `Authorization: Token …` skipped the gate. They are gone; only the camera and
partner keys of the public machine namespaces (camera_api, partner_api) authenticate, in their views.
"""
import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from conftest import PASSWORD, UserFactory, confirmed_totp
from tests.urlwalk import endpoints

pytestmark = [pytest.mark.django_db, pytest.mark.rule("ACC-3")]

HEADERS = ("Token 0123456789abcdef0123456789abcdef", "Bearer abc.def.ghi", "Basic b2ZmaWNlcjpwYXNz",
           "Camera 0123456789abcdef:" + "0" * 48, "Partner 0123456789abcdef:" + "0" * 48)


class WhoAmI(APIView):
    """Stands in for a staff API endpoint: DRF's default authentication and permission."""

    def get(self, request):
        return Response({"badge": request.user.badge_number})


def staff_only(request):
    """A plain view under /api/: before, `Authorization: Token anything` served it to anyone."""
    return HttpResponse("staff only")


urlpatterns = [path("api/whoami/", WhoAmI.as_view()), path("api/staff-only/", staff_only),
               path("", include("config.urls"))]
urls = override_settings(ROOT_URLCONF=__name__)


@urls
@pytest.mark.parametrize("header", HEADERS)
def test_an_authorization_header_does_not_skip_the_gate(client, header):
    # Tried: each scheme's header, without a session, on a plain view and a DRF view under /api/.
    for url in ("/api/staff-only/", "/api/whoami/"):
        response = client.get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, (url, response.content)
        assert response.json()["error"] == "not_authenticated"
        assert b"staff only" not in response.content


def test_no_page_outside_the_machine_namespaces_answers_a_header_instead_of_a_session(client):
    # Tried: every non-public URL of the project, GET, once per scheme, without a session.
    opened = []
    for endpoint in endpoints():
        if endpoint.public:
            continue
        for header in HEADERS:
            response = client.get(endpoint.path, HTTP_AUTHORIZATION=header)
            gated = response.status_code in (401, 403) or (
                response.status_code == 302 and response["Location"].startswith("/accounts/login/"))
            if not gated:
                opened.append(f"{endpoint.path} with {header.split()[0]}: {response.status_code}")
    assert not opened, "\n".join(opened)


def test_the_account_page_offers_no_tokens(make_verified_client):
    page = make_verified_client().get("/accounts/me/")
    assert page.status_code == 200 and b"api token" not in page.content.lower()


@urls
def test_the_api_refuses_a_session_without_the_second_factor(client):
    person = UserFactory()
    confirmed_totp(person)
    client.post("/accounts/login/", {"username": person.username, "password": PASSWORD,
                                     "notice_acknowledged": "on"})
    response = client.get("/api/whoami/")
    assert response.status_code == 401 and response.json()["error"] == "mfa_required"
