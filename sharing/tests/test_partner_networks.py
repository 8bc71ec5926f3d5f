"""Configuring a partner agency's network for our officers' searches, and the keys it issued to our
people: administrator only, audited, keys encrypted at rest and never shown again (Oak Park IX.1)."""
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings

from accounts.services import account_separate
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Role
from sharing import partner_keys
from sharing.models import PartnerNetwork, PartnerSearchKey
from sharing.services import networks
from sharing.tests.conftest import AgencyFactory, DeclarationFactory

pytestmark = pytest.mark.django_db
KEY = "0123456789abcdef:" + "a1" * 24
URL = "https://alpr.riverside.example.gov/partner/"


@pytest.fixture
def agency():
    agency = AgencyFactory()
    DeclarationFactory(agency=agency)
    return agency


def _admin(administrator) -> Actor:
    return Actor.for_user(administrator, client_ip="10.0.0.5")


def _configure(administrator, agency, **changes):
    return networks.partner_network_configure(actor=_admin(administrator), agency_id=agency.pk,
                                              **{"api_base_url": URL, "searchable": True, **changes})


@pytest.mark.rule("SHR-4")
def test_the_administrator_records_a_searchable_network_audited(administrator, agency):
    network = _configure(administrator, agency, api_base_url="https://alpr.riverside.example.gov/partner")

    assert (network.api_base_url, network.searchable) == (URL, True)  # a trailing "/" is added
    event = AuditEvent.objects.get(action="sharing.partner_network_configured")
    assert event.outcome == Outcome.ALLOWED and event.targets == [f"agency:{agency.ori}"]
    assert event.query == {"api_base_url": URL, "searchable": True}


@pytest.mark.rule("SHR-4")
def test_a_network_of_an_agency_without_a_declaration_in_force_is_not_made_searchable(administrator):
    # Tried: switching on searches of an agency that signed nothing; the search would send it a case.
    agency = AgencyFactory()
    with pytest.raises(ApplicationError, match="no signed declaration in force"):
        _configure(administrator, agency)
    assert not PartnerNetwork.objects.exists()
    assert AuditEvent.objects.get(action="sharing.partner_network_configured").outcome == Outcome.FAILED


@pytest.mark.parametrize(("url", "problem"), [
    ("http://alpr.riverside.example.gov/partner/", "Use https"),
    ("https://user:pw@alpr.riverside.example.gov/partner/", "may not carry a login"),
    ("ftp://alpr.riverside.example.gov/", "partner API's address"),
    ("not a url", "partner API's address"),
])
def test_an_address_that_would_expose_the_key_or_is_no_address_is_refused(administrator, agency, url,
                                                                          problem):
    # Tried: plain http to another machine (the key and the case in clear), a login in the URL, junk.
    with pytest.raises(ApplicationError, match=problem):
        _configure(administrator, agency, api_base_url=url)
    assert not PartnerNetwork.objects.exists()


def test_plain_http_is_accepted_for_this_machine_only(administrator, agency):
    assert _configure(administrator, agency, api_base_url="http://127.0.0.1:8101/partner/").pk


def test_only_the_sharing_reviewer_configures_a_network_and_a_refusal_is_recorded(officer, agency):
    with pytest.raises(PolicyDenied):
        networks.partner_network_configure(actor=Actor.for_user(officer), agency_id=agency.pk,
                                           api_base_url=URL, searchable=True)
    assert not PartnerNetwork.objects.exists()
    event = AuditEvent.objects.get(action="sharing.partner_network_configured")
    assert (event.outcome, event.actor_user) == (Outcome.REFUSED, officer)


@pytest.mark.rule("AUD-1")
def test_a_stored_key_is_encrypted_at_rest_and_never_in_the_audit_log(administrator, agency, officer):
    _configure(administrator, agency)
    stored = networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk,
                                               user_id=officer.pk, key=KEY.upper())

    secret = KEY.split(":")[1]
    row = PartnerSearchKey.objects.get()
    assert (row.user, row.key_id, row.removed_at) == (officer, "0123456789abcdef", None)
    assert secret not in row.key_encrypted and "0123456789abcdef" not in row.key_encrypted
    assert partner_keys.decrypt(row.key_encrypted) == KEY  # as issued, lower-cased
    event = AuditEvent.objects.get(action="sharing.partner_search_key_stored")
    assert event.targets == [f"agency:{agency.ori}", f"user:{officer.pk}",
                             "partner-search-key:0123456789abcdef"]
    assert secret not in str(event.query) + str(event.targets) + event.description
    assert stored.pk == row.pk


@pytest.mark.parametrize(("key", "who"), [
    ("not-a-key", Role.OFFICER),
    ("0123456789abcdef:short", Role.OFFICER),
    (KEY, Role.AUDITOR),  # an auditor does not search plates: a partner's key is of no use to them
])
def test_a_malformed_key_or_one_for_someone_who_cannot_search_is_refused(administrator, agency, key, who):
    _configure(administrator, agency)
    person = UserFactory(role=who)
    with pytest.raises(ApplicationError):
        networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk, user_id=person.pk,
                                          key=key)
    assert not PartnerSearchKey.objects.exists()
    assert AuditEvent.objects.get(action="sharing.partner_search_key_stored").outcome == Outcome.FAILED


def test_a_new_key_replaces_the_persons_old_one_and_removing_wipes_it(administrator, agency, officer):
    _configure(administrator, agency)
    first = networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk,
                                              user_id=officer.pk, key=KEY)
    second_key = "fedcba9876543210:" + "b2" * 24
    second = networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk,
                                               user_id=officer.pk, key=second_key)
    first.refresh_from_db()
    assert first.removed_at is not None and first.key_encrypted == ""
    assert AuditEvent.objects.filter(action="sharing.partner_search_key_stored").last().query == {
        "replaced": ["0123456789abcdef"]}

    networks.partner_search_key_remove(actor=_admin(administrator), search_key_id=second.pk)
    second.refresh_from_db()
    assert second.removed_at is not None and second.key_encrypted == ""
    assert AuditEvent.objects.get(action="sharing.partner_search_key_removed").targets[-1] == (
        "partner-search-key:fedcba9876543210")


@pytest.mark.rule("ACC-6")
def test_separating_an_employee_wipes_the_partner_keys_stored_for_them(administrator, agency, officer):
    """Separation ends every credential in one action: the keys partner agencies issued to the person too."""
    _configure(administrator, agency)
    other = UserFactory(role=Role.DETECTIVE)
    stored = networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk,
                                               user_id=officer.pk, key=KEY)
    kept = networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk,
                                             user_id=other.pk, key="fedcba9876543210:" + "b2" * 24)
    chief = UserFactory(role=Role.CHIEF)

    account_separate(actor=Actor.for_user(chief), user_id=officer.pk, reason="Resigned from the department")

    stored.refresh_from_db()
    kept.refresh_from_db()
    assert stored.removed_at is not None and stored.key_encrypted == ""
    assert kept.removed_at is None and kept.key_encrypted
    removed = AuditEvent.objects.get(action="sharing.partner_search_key_removed")
    assert removed.reason == "account separated" and removed.actor_user == chief
    assert removed.targets[-1] == "partner-search-key:0123456789abcdef"


def test_rotation_encrypts_every_key_under_the_new_key_so_the_old_one_can_go(administrator, agency, officer,
                                                                               settings):
    _configure(administrator, agency)
    networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk, user_id=officer.pk,
                                      key=KEY)
    old, new = settings.PARTNER_KEY_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    with override_settings(PARTNER_KEY_ENCRYPTION_KEYS=[new, old]):
        assert networks.partner_search_keys_reencrypt(actor=Actor.system("test")) == 1
    with override_settings(PARTNER_KEY_ENCRYPTION_KEYS=[new]):
        assert partner_keys.decrypt(PartnerSearchKey.objects.get().key_encrypted) == KEY
    with override_settings(PARTNER_KEY_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]), \
            pytest.raises(ApplicationError, match="cannot be decrypted"):
        partner_keys.decrypt(PartnerSearchKey.objects.get().key_encrypted)


def test_without_an_encryption_key_no_partner_key_is_stored(administrator, agency, officer):
    _configure(administrator, agency)
    with override_settings(PARTNER_KEY_ENCRYPTION_KEYS=[]), pytest.raises(ApplicationError, match="sets no"):
        networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk,
                                          user_id=officer.pk, key=KEY)
    assert not PartnerSearchKey.objects.exists()


# --- the administrator's page ------------------------------------------------------------------------

def test_the_agency_page_configures_the_network_and_stores_a_key_it_never_shows(make_verified_client, agency,
                                                                                 officer):
    client = make_verified_client(Role.ADMINISTRATOR)
    page = f"/sharing/agencies/{agency.pk}/"
    response = client.post(f"{page}network/", {"network-api_base_url": URL, "network-searchable": "on"})
    assert response.status_code == 302 and PartnerNetwork.objects.get(agency=agency).searchable

    response = client.post(f"{page}network/keys/new/",
                           {"partner_key-user": officer.pk, "partner_key-key": KEY})
    assert response.status_code == 302
    shown = client.get(page).content.decode()
    assert "0123456789abcdef" in shown and KEY.split(":")[1] not in shown
    assert "Keys this agency issued to our people" in shown and officer.full_name in shown


def test_a_bad_key_on_the_page_is_shown_on_its_field_and_stores_nothing(make_verified_client, agency,
                                                                        officer):
    client = make_verified_client(Role.ADMINISTRATOR)
    page = f"/sharing/agencies/{agency.pk}/"
    client.post(f"{page}network/", {"network-api_base_url": URL, "network-searchable": "on"})
    response = client.post(f"{page}network/keys/new/",
                           {"partner_key-user": officer.pk, "partner_key-key": "oops"})
    assert response.status_code == 400
    assert "Enter the key as the partner agency issued it" in response.content.decode()
    assert not PartnerSearchKey.objects.exists()


@pytest.mark.rule("ACC-4")
def test_a_server_error_while_storing_a_key_reports_the_request_without_the_key(make_verified_client, agency,
                                                                                  officer, monkeypatch):
    # Tried: the key form failing with an unforeseen error; Django's error report (the e-mail to ADMINS,
    # an error tracker) lists the POST, which held the partner's key in the clear.
    from django.core.signals import got_request_exception
    from django.views.debug import SafeExceptionReporterFilter

    client = make_verified_client(Role.ADMINISTRATOR)
    client.raise_request_exception = False
    page = f"/sharing/agencies/{agency.pk}/"
    client.post(f"{page}network/", {"network-api_base_url": URL, "network-searchable": "on"})
    monkeypatch.setattr(networks, "partner_search_key_store", lambda **kwargs: 1 / 0)
    failed = []
    got_request_exception.connect(lambda sender, request, **kwargs: failed.append(request), weak=False,
                                  dispatch_uid="a14-key-report")
    try:
        response = client.post(f"{page}network/keys/new/",
                               {"partner_key-user": officer.pk, "partner_key-key": KEY})
    finally:
        got_request_exception.disconnect(dispatch_uid="a14-key-report")
    assert response.status_code == 500
    reported = SafeExceptionReporterFilter().get_post_parameters(failed[0])
    assert reported["partner_key-key"] != KEY and KEY.split(":")[1] not in str(dict(reported))


def test_an_officer_cannot_reach_the_network_pages(make_verified_client, agency):
    client = make_verified_client(Role.OFFICER)
    response = client.post(f"/sharing/agencies/{agency.pk}/network/", {"network-api_base_url": URL})
    assert response.status_code == 403 and not PartnerNetwork.objects.exists()


def test_a_malformed_encryption_key_stops_the_start_and_the_rotation_command_is_audited(administrator, agency,
                                                                                        officer):
    with override_settings(PARTNER_KEY_ENCRYPTION_KEYS=["build-only"]):
        assert [error.id for error in partner_keys.encryption_keys_check(None)] == ["sharing.E001"]
    assert partner_keys.encryption_keys_check(None) == []

    _configure(administrator, agency)
    networks.partner_search_key_store(actor=_admin(administrator), agency_id=agency.pk, user_id=officer.pk,
                                      key=KEY)
    output = io.StringIO()
    call_command("partner_keys_rotate", stdout=output)
    assert "1 stored partner key(s)" in output.getvalue()
    event = AuditEvent.objects.get(action="sharing.partner_search_keys_reencrypted")
    assert (event.actor_label, event.result_count) == ("partner_keys_rotate", 1)
