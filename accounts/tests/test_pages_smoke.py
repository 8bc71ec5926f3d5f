import pytest

from policy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/accounts/me/", "/accounts/people/", "/accounts/people/new/",
                                 "/accounts/lockouts/", "/policy/", "/policy/edit/",
                                 "/accounts/me/password/", "/accounts/me/backup-codes/"])
def test_administrator_pages_render(make_verified_client, url):
    client = make_verified_client(Role.ADMINISTRATOR)
    response = client.get(url)
    assert response.status_code == 200, response.content[:2000]


@pytest.mark.parametrize("url", ["/accounts/approvals/", "/accounts/people/"])
def test_chief_pages_render(make_verified_client, url):
    client = make_verified_client(Role.CHIEF)
    assert client.get(url).status_code == 200
