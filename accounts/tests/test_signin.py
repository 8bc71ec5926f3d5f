import pytest

from accounts.models import AccountStatus
from audit.models import AuditEvent
from conftest import PASSWORD, UserFactory, confirmed_totp, current_code

pytestmark = pytest.mark.django_db


@pytest.mark.rule("ACC-3")
def test_password_alone_reaches_nothing_but_the_second_factor(client):
    user = UserFactory()
    confirmed_totp(user)
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                     "notice_acknowledged": "on"})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/verify/"


@pytest.mark.rule("ACC-3")
def test_totp_code_completes_sign_in_and_cannot_be_reused(client):
    user = UserFactory()
    device = confirmed_totp(user)
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                     "notice_acknowledged": "on"})
    code = current_code(device)
    assert client.post("/accounts/verify/", {"token": code}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                     "notice_acknowledged": "on"})
    response = client.post("/accounts/verify/", {"token": code})
    assert response.status_code == 200  # the same code, again: refused
    assert AuditEvent.objects.filter(actor_user=user, action="auth.mfa_failed").count() == 1


@pytest.mark.rule("ACC-2")
def test_pending_account_cannot_sign_in(client):
    user = UserFactory(status=AccountStatus.PENDING)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                                "notice_acknowledged": "on"})
    assert response.status_code == 403
    assert b"waiting for the Chief" in response.content
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["abc", "home", "https://evil.example.org/", "//evil.example.org/"])
def test_a_next_that_is_not_a_path_of_this_site_is_ignored(verified_client, target):
    # Before, a bare word was handed to redirect(), which took it for a URL name: a server error.
    response = verified_client.get("/accounts/verify/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"
    response = verified_client.get("/accounts/verify/", {"next": "/policy/"})
    assert response.status_code == 302 and response["Location"] == "/policy/"


def test_the_next_page_is_carried_encoded_to_the_second_factor(client):
    user = UserFactory()
    confirmed_totp(user)
    response = client.post("/accounts/login/?next=/search/%3Fa%3D1%26b%3D2",
                           {"username": user.username, "password": PASSWORD, "notice_acknowledged": "on"})
    assert response["Location"] == "/accounts/verify/?next=%2Fsearch%2F%3Fa%3D1%26b%3D2"
