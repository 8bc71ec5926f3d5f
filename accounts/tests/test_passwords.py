"""ACC-4: strong passwords, never reused from the last 10."""
import pytest

from accounts.models import PasswordHistory
from accounts.services import password_change
from accounts.tests.helpers import act_as, audit_rows
from conftest import PASSWORD, UserFactory, sign_in
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Role

pytestmark = pytest.mark.django_db


def _new(n: int) -> str:
    return f"Evidence-Locker-Seven-{n:02d}"


@pytest.fixture
def person():
    user = UserFactory()
    PasswordHistory.objects.create(user=user, password=user.password)
    return user


@pytest.mark.rule("ACC-4")
@pytest.mark.parametrize(("password", "message"), [
    ("Short-pw-1", "at least 12 characters"),
    ("password1234", "too common"),
    ("123456789012345", "entirely numeric"),
])
def test_weak_passwords_are_refused_with_the_validators_message(person, password, message):
    with pytest.raises(ApplicationError, match=message):
        password_change(actor=act_as(person), current=PASSWORD, new=password)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert audit_rows("account.password_changed")[0].outcome == "failed"


@pytest.mark.rule("ACC-4")
def test_none_of_the_last_ten_passwords_may_be_reused(person):
    current = PASSWORD
    for n in range(10):
        password_change(actor=act_as(person), current=current, new=_new(n))
        current = _new(n)
    # The original password is now the 11th most recent: allowed again. Every one of the last 10 is not.
    for n in range(10):
        with pytest.raises(ApplicationError, match="used this password before"):
            password_change(actor=act_as(person), current=current, new=_new(n))
    password_change(actor=act_as(person), current=current, new=PASSWORD)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert len([r for r in audit_rows("account.password_changed") if r.outcome == "allowed"]) == 11


@pytest.mark.rule("ACC-4")
def test_the_current_password_is_required(person):
    with pytest.raises(PolicyDenied):
        password_change(actor=act_as(person), current="not-the-password", new=_new(1))
    assert audit_rows("account.password_changed")[0].outcome == "refused"


@pytest.mark.rule("ACC-4")
def test_the_page_shows_the_rules_and_the_refusal(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    page = client.get("/accounts/me/password/")
    assert b"at least 12 characters" in page.content
    response = client.post("/accounts/me/password/", {"current": PASSWORD, "new": "password1234",
                                                       "new_confirm": "password1234"})
    assert response.status_code == 400 and b"too common" in response.content
    assert b'role="alert"' in response.content
    response = client.post("/accounts/me/password/", {"current": PASSWORD, "new": _new(3),
                                                       "new_confirm": _new(3)})
    assert response.status_code == 302
    assert client.get("/accounts/me/").status_code == 200  # this session survives the change


@pytest.mark.rule("ACC-4")
def test_changing_the_password_ends_the_other_sessions(make_verified_client, client_factory):
    first = make_verified_client(Role.OFFICER)
    device = first.user.totpdevice_set.get()
    device.last_t = -1  # let the second sign-in use this 30-second step's code again
    device.save()
    second = sign_in(client_factory(), first.user)
    assert second.get("/accounts/me/").status_code == 200
    first.post("/accounts/me/password/", {"current": PASSWORD, "new": _new(4), "new_confirm": _new(4)})
    assert first.get("/accounts/me/").status_code == 200
    assert second.get("/accounts/me/").status_code == 302


@pytest.mark.rule("ACC-4")
def test_a_password_set_by_the_administrator_must_be_replaced_before_anything_else(client):
    from accounts.services import account_create
    from audit.context import Actor
    from conftest import UserFactory, sign_in
    from policy.roles import Role

    admin = UserFactory(role=Role.ADMINISTRATOR)
    person = account_create(actor=Actor.for_user(admin), username="mlindqvist", full_name="Maja Lindqvist",
                            badge_number="5120", role=Role.OFFICER, email="m@pd.example.org",
                            password="Initial-Passphrase-Set-By-Admin-1")
    person.status = "active"
    person.save(update_fields=["status"])
    sign_in(client, person, password="Initial-Passphrase-Set-By-Admin-1")
    for url in ("/", "/search/", "/accounts/me/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/me/password/"
    assert client.get("/accounts/me/password/").status_code == 200
    new = "Only-Maja-Knows-This-One-7"
    client.post("/accounts/me/password/", {"current": "Initial-Passphrase-Set-By-Admin-1", "new": new,
                                           "new_confirm": new})
    person.refresh_from_db()
    assert not person.must_change_password
    assert client.get("/").status_code == 200
