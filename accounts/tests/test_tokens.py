"""Personal API tokens: shown once, stored hashed, revocable; they die with the account's access."""
import pytest
from django.test import override_settings
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import ApiToken
from accounts.tests.helpers import act_as, audit_rows
from conftest import UserFactory, confirmed_totp
from core.errors import NotFound
from policy.roles import Role

pytestmark = pytest.mark.django_db


class WhoAmI(APIView):
    """Stands in for any ALPR API endpoint: DRF's default permission and token authentication."""

    def get(self, request):
        return Response({"badge": request.user.badge_number})


urlpatterns = [path("api/whoami/", WhoAmI.as_view()), path("", include("config.urls"))]
urls = override_settings(ROOT_URLCONF=__name__)


@urls
@pytest.mark.rule("ACC-6")
@pytest.mark.rule("ACC-8")
def test_a_token_works_until_its_owner_is_suspended(client):
    person = UserFactory()
    key = services.api_token_issue(actor=act_as(person), name="script")
    response = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.json() == {"badge": person.badge_number}
    admin = UserFactory(role=Role.ADMINISTRATOR)
    services.account_suspend(actor=act_as(admin), user_id=person.pk, reason="Misuse")
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)


@urls
@pytest.mark.rule("ACC-3")
def test_the_api_refuses_a_session_without_the_second_factor(client):
    from conftest import PASSWORD

    person = UserFactory()
    confirmed_totp(person)
    client.post("/accounts/login/", {"username": person.username, "password": PASSWORD,
                                     "notice_acknowledged": "on"})
    response = client.get("/api/whoami/")
    assert response.status_code == 401 and response.json()["error"] == "mfa_required"
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION="Token not-a-token").status_code in (401, 403)


@urls
def test_a_revoked_token_stops_working_and_only_its_owner_revokes_it(client):
    person, other = UserFactory(), UserFactory()
    key = services.api_token_issue(actor=act_as(person), name="script")
    token = ApiToken.objects.get(user=person)
    assert token.key_hash != key and key.startswith(token.prefix)
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=act_as(other), token_id=token.pk)
    services.api_token_revoke(actor=act_as(person), token_id=token.pk)
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    assert [r.outcome for r in audit_rows("account.api_token_revoked")] == ["failed", "allowed"]
    assert audit_rows("account.api_token_issued")[0].actor_user == person


def test_the_page_shows_a_new_key_once(make_verified_client):
    client = make_verified_client(Role.ANALYST)
    response = client.post("/accounts/me/tokens/", {"name": "crime map export"})
    key = response.context["key"]
    assert key.encode() in response.content
    page = client.get("/accounts/me/")
    assert b"crime map export" in page.content and key.encode() not in page.content
    token = ApiToken.objects.get(user=client.user)
    assert client.post(f"/accounts/me/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
