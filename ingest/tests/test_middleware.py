"""Camera endpoints skip the browser middleware; every other URL still goes through all of it."""
import io
import json

import pytest
from django.conf import settings
from django.urls import get_resolver, resolve
from django.utils import timezone

from accounts.middleware import AccessGateMiddleware
from alpr.models import PlateRead
from ingest.middleware import camera_prefixes
from ingest.synthetic import plate_photo
from ingest.tests.conftest import UPLOAD_URL, stored_images
from ingest.tests.test_formats import OPENALPR_URL, PLATE_READER_URL, alpr_group
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


@pytest.mark.rule("ING-3")
@pytest.mark.parametrize("endpoint", ["upload", "openalpr", "plate-reader"])
def test_an_upload_to_a_host_name_the_server_does_not_answer_to_is_refused_and_stores_nothing(
        client, cam, photo, media_root, endpoint, gate_calls, caplog):
    """CommonMiddleware, which checks the Host header, is skipped: the camera middleware checks it before
    the view runs. A camera set up with the server's IP address is told so, and nothing is stored."""
    host = {"HTTP_HOST": "10.9.8.7"}  # not in ALLOWED_HOSTS
    if endpoint == "upload":
        data = {"captured_at": timezone.now().isoformat(), "photo": io.BytesIO(photo)}
        response = client.post(UPLOAD_URL, data, **host, **cam.auth)
    elif endpoint == "openalpr":
        response = client.post(OPENALPR_URL, json.dumps(alpr_group()), content_type="application/json",
                               **host, **cam.auth)
    else:
        response = client.post(PLATE_READER_URL, {"upload": io.BytesIO(photo)},
                               HTTP_AUTHORIZATION=f"Token {cam.key}", **host)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "host_not_allowed" and "Host header" in body["detail"], body
    assert PlateRead.system_objects.count() == 0 and stored_images() == []
    assert gate_calls == []  # refused by the camera middleware, not by the browser stack
    assert any(record.name == "django.security.DisallowedHost" for record in caplog.records)
    # The same upload to the server's own name is accepted.
    if endpoint == "upload":
        data = {"captured_at": timezone.now().isoformat(), "photo": io.BytesIO(photo)}
        assert client.post(UPLOAD_URL, data, **cam.auth).status_code == 202
