"""Camera endpoints skip the browser middleware; every other URL still goes through all of it."""
import io

import pytest
from django.conf import settings
from django.urls import get_resolver, resolve
from django.utils import timezone

from accounts.middleware import AccessGateMiddleware
from ingest.middleware import camera_prefixes
from ingest.synthetic import plate_photo
from ingest.tests.conftest import UPLOAD_URL
from tests.urlwalk import endpoints

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate_calls(monkeypatch):
    """The paths that reached the access gate (the browser middleware's last word before a view)."""
    calls = []
    through = AccessGateMiddleware.__call__

    def spy(self, request):
        calls.append(request.path_info)
        return through(self, request)

    monkeypatch.setattr(AccessGateMiddleware, "__call__", spy)
    return calls


BROWSER_MIDDLEWARE = (
    "csp.middleware.CSPMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AccessGateMiddleware", "axes.middleware.AxesMiddleware",
)


def test_the_middleware_sits_after_the_security_middleware_and_before_every_browser_one():
    stack = settings.MIDDLEWARE
    ours = stack.index("ingest.middleware.CameraEndpointMiddleware")
    assert stack.index("django.middleware.security.SecurityMiddleware") < ours
    assert all(stack.index(name) > ours for name in BROWSER_MIDDLEWARE)


def test_every_camera_url_has_a_known_prefix_and_no_other_url_resolves_under_one():
    prefixes = camera_prefixes(get_resolver())
    assert prefixes
    for endpoint in endpoints():
        if "camera_api" in endpoint.namespaces:
            assert endpoint.path.startswith(prefixes), endpoint.path
        else:
            assert not endpoint.path.startswith(prefixes), endpoint.path


def test_an_upload_skips_the_browser_middleware(client, cam, gate_calls):
    response = client.post(UPLOAD_URL, {"captured_at": timezone.now().isoformat(),
                                        "photo": io.BytesIO(plate_photo())}, **cam.auth)
    assert response.status_code == 202, response.content
    assert gate_calls == []
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["Content-Length"] == str(len(response.content))
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert resolve(UPLOAD_URL).namespaces == ["camera_api"]


def test_refusals_are_still_json_from_the_camera_view(client, gate_calls):
    response = client.post(UPLOAD_URL, {})
    assert response.status_code == 401 and response.json()["error"]
    assert client.get(UPLOAD_URL).status_code == 405
    assert gate_calls == []


def test_a_path_under_a_camera_prefix_that_is_no_camera_url_meets_the_gate(client, gate_calls):
    response = client.get("/api/v1/cameras/reads/not-a-number/")
    assert gate_calls == ["/api/v1/cameras/reads/not-a-number/"]
    assert response.status_code == 401  # the gate's answer to an anonymous /api/ request


def test_other_urls_still_go_through_the_whole_stack(client, gate_calls):
    response = client.get("/")
    assert gate_calls == ["/"]
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "Content-Security-Policy" in client.get("/accounts/login/")
