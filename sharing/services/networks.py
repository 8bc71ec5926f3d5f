"""Partner agencies' networks our officers search, and the keys those agencies issued to our people.

The administrator (the sharing reviewer) records where an agency's partner API answers, whether the
agency agreed that our officers search it, and, per person of ours, the key the agency issued to that
person. Keys are stored encrypted (``sharing.partner_keys``) and never shown again; each is used only
for its own person's searches (``sharing.federation.partner_calls``). Every change is audited, refusals too.
"""
import ipaddress
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import AccountStatus
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound
from policy.roles import Capability
from sharing import audit_actions as actions
from sharing import partner_keys
from sharing.models import Agency, AgencyStatus, PartnerNetwork, PartnerSearchKey
from sharing.permissions import require_sharing_reviewer
from sharing.selectors import agency_block_reason

LOOPBACK_HOSTS = {"localhost"}


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_api_base_url(url: str) -> str:
    """Return the partner API's base URL ending in "/", or refuse it.

    HTTPS only (the request carries the person's key and the case), but for this machine itself; no
    user name, password, query or fragment in it.
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ApplicationError("Give the partner API's address, e.g. https://alpr.riverside.example.gov/partner/.",
                               field="api_base_url")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ApplicationError("Use https: the search carries the officer's key, the plate and the case.",
                               field="api_base_url")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ApplicationError("The address may not carry a login, a query or a fragment.",
                               field="api_base_url")
    return url if url.endswith("/") else f"{url}/"


def _agency(agency_id: int) -> Agency:
    agency = Agency.objects.select_for_update().filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("No such agency.")
    return agency


@enforces("SHR-4")
def partner_network_configure(*, actor: Actor, agency_id: int, api_base_url: str,
                              searchable: bool) -> PartnerNetwork:
    """Record where an agency's partner API answers and whether our officers may search it.

    Searchable only while the agency may receive our data (declaration in force, not revoked): the
    search sends it a plate and a case.
    """
    with refusals_recorded(actor=actor, action=actions.PARTNER_NETWORK_CONFIGURED,
                           targets=[f"agency-id:{agency_id}"],
                           query={"api_base_url": str(api_base_url)[:300]}):
        require_sharing_reviewer(actor)
        url = checked_api_base_url(api_base_url)
        with transaction.atomic():
            agency = _agency(agency_id)
            if agency.status == AgencyStatus.REVOKED:
                raise ApplicationError("This agency's access is revoked: its network is not searched.")
            blocked = agency_block_reason(agency)
            if searchable and blocked:
                raise ApplicationError(f"Its network cannot be searched now: {blocked}", field="searchable")
            network, _ = PartnerNetwork.objects.update_or_create(
                agency=agency, defaults={"api_base_url": url, "searchable": searchable,
                                         "configured_at": timezone.now(), "configured_by": actor.user})
            audit_record(actor=actor, action=actions.PARTNER_NETWORK_CONFIGURED,
                         targets=[f"agency:{agency.ori}"],
                         query={"api_base_url": url, "searchable": searchable})
    return network


def _searcher(user_id: int):
    """Return the active person of ours who may search plates, or refuse: a key is for searching."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise ApplicationError("Choose the person of ours the agency issued the key to.", field="user")
    if user.status != AccountStatus.ACTIVE or not user.can(Capability.SEARCH_PLATES):
        raise ApplicationError(f"{user.full_name} cannot search plates; a partner's key is of no use to "
                               "them.", field="user")
    return user


def partner_search_key_store(*, actor: Actor, agency_id: int, user_id: int, key: str) -> PartnerSearchKey:
    """Store, encrypted, the key an agency issued to one person of ours; it replaces their earlier one.

    The audit row names the key id, never the secret.
    """
    with refusals_recorded(actor=actor, action=actions.PARTNER_SEARCH_KEY_STORED,
                           targets=[f"agency-id:{agency_id}", f"user:{user_id}"]):
        require_sharing_reviewer(actor)
        key_id, secret = partner_keys.key_parts(key)
        user = _searcher(user_id)
        with transaction.atomic():
            agency = _agency(agency_id)
            network = PartnerNetwork.objects.filter(agency=agency).first()
            if network is None:
                raise ApplicationError("Record the agency's partner API address first.", field="api_base_url")
            replaced = _remove_keys(network=network, user=user)
            stored = PartnerSearchKey.objects.create(
                network=network, user=user, key_id=key_id, stored_by=actor.user,
                key_encrypted=partner_keys.encrypt(f"{key_id}:{secret}"))
            audit_record(actor=actor, action=actions.PARTNER_SEARCH_KEY_STORED,
                         targets=[f"agency:{agency.ori}", f"user:{user.pk}", f"partner-search-key:{key_id}"],
                         query={"replaced": replaced})
    return stored


def _remove_keys(*, network: PartnerNetwork, user) -> list[str]:
    """Wipe the person's key(s) for `network`; return the key ids removed."""
    live = PartnerSearchKey.objects.select_for_update().filter(network=network, user=user,
                                                               removed_at__isnull=True)
    removed = list(live.values_list("key_id", flat=True))
    live.update(removed_at=timezone.now(), key_encrypted="")
    return removed


def partner_search_keys_remove_on_separation(*, actor: Actor, user) -> list[str]:
    """Wipe every key stored for a separated employee (ACC-6), in the separating transaction."""
    removed = []
    for network in PartnerNetwork.objects.select_related("agency").filter(
            keys__user=user, keys__removed_at__isnull=True).distinct():
        key_ids = _remove_keys(network=network, user=user)
        audit_record(actor=actor, action=actions.PARTNER_SEARCH_KEY_REMOVED, reason="account separated",
                     targets=[f"agency:{network.agency.ori}", f"user:{user.pk}",
                              *(f"partner-search-key:{key_id}" for key_id in key_ids)])
        removed += key_ids
    return removed


def partner_search_key_remove(*, actor: Actor, search_key_id: int) -> PartnerSearchKey:
    """Remove a stored key (the person left, or the agency withdrew it): it is wiped, its record stays."""
    with refusals_recorded(actor=actor, action=actions.PARTNER_SEARCH_KEY_REMOVED,
                           targets=[f"partner-search-key-id:{search_key_id}"]):
        require_sharing_reviewer(actor)
        with transaction.atomic():
            stored = (PartnerSearchKey.objects.select_for_update().select_related("network__agency", "user")
                      .filter(pk=search_key_id).first())
            if stored is None:
                raise NotFound("No such key.")
            if stored.removed_at is None:
                _remove_keys(network=stored.network, user=stored.user)
                stored.refresh_from_db()
                audit_record(actor=actor, action=actions.PARTNER_SEARCH_KEY_REMOVED,
                             targets=[f"agency:{stored.network.agency.ori}", f"user:{stored.user_id}",
                                      f"partner-search-key:{stored.key_id}"])
    return stored


def partner_search_keys_reencrypt(*, actor: Actor) -> int:
    """Encrypt every stored key again under the first configured encryption key (key rotation); return
    how many. Run after putting a new key first in ALPR_PARTNER_KEY_ENCRYPTION_KEYS, before dropping
    the old one."""
    with transaction.atomic():
        stored = list(PartnerSearchKey.objects.select_for_update().filter(removed_at__isnull=True))
        for search_key in stored:
            search_key.key_encrypted = partner_keys.reencrypt(search_key.key_encrypted)
        PartnerSearchKey.objects.bulk_update(stored, ["key_encrypted"])
        audit_record(actor=actor, action=actions.PARTNER_SEARCH_KEYS_REENCRYPTED, result_count=len(stored))
    return len(stored)
