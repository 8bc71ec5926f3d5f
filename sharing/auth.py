"""Partner API authentication: each person of a partner agency has their own key; never a session.

    Authorization: Partner <key_id>:<secret>
"""
import re

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from audit.context import Actor
from audit.models import ActorType, Outcome
from audit.services import audit_record
from core.net import client_ip
from core.ratelimit import attempts_counted
from sharing import audit_actions as actions
from sharing.models import PartnerCredential, PartnerPerson
from sharing.partner_keys import KEY_SHAPE

_HEADER = re.compile(rf"^Partner\s+{KEY_SHAPE}$", re.IGNORECASE)


def partner_actor(person: PartnerPerson, request=None) -> Actor:
    """The actor every partner search is audited under: agency and person (SHR-5)."""
    return Actor(kind=ActorType.AGENCY, label=person.audit_label,
                 client_ip=client_ip(request) if request is not None else "")


class PartnerKeyAuthentication(BaseAuthentication):
    """Authenticate ``Authorization: Partner <key_id>:<secret>``; `request.auth` is the credential."""

    keyword = "Partner"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "").strip()
        if not header:
            return None
        match = _HEADER.match(header)
        if not match:
            raise AuthenticationFailed("Use 'Authorization: Partner <key_id>:<secret>'.")
        credential = (PartnerCredential.objects.select_related("person__agency")
                      .filter(key_id=match.group(1).lower()).first())
        if credential is None:
            raise AuthenticationFailed("Unknown partner key.")
        if not credential.secret_matches(match.group(2).lower()):
            _wrong_secret_recorded(credential, request)
            raise AuthenticationFailed("Unknown partner key.")
        if credential.revoked_at is not None:
            _refused(credential, request, reason="revoked key")
            raise AuthenticationFailed("This partner key is revoked.")
        PartnerCredential.objects.filter(pk=credential.pk).update(last_used_at=timezone.now())
        return PartnerUser(credential.person), credential

    def authenticate_header(self, request) -> str:
        return self.keyword


def _wrong_secret_recorded(credential: PartnerCredential, request) -> None:
    """Record a real key id sent with a wrong secret (a leaked id being tried, an old secret replayed),
    flagged. Past ``PARTNER_WRONG_SECRET_RATE`` for the key, one more entry says so and the rest of the
    window's attempts go unrecorded: whoever holds a key id cannot flood the audit log in the partner's
    name. The right secret still works (the key is not locked: that would hand its holder's access to
    whoever has the id)."""
    usage = attempts_counted(request, group="partner-wrong-secret", key=credential.key_id,
                             rate=settings.PARTNER_WRONG_SECRET_RATE)
    if usage is None or usage["count"] <= usage["limit"]:
        _refused(credential, request, reason="wrong secret", flagged=True)
    elif usage["count"] == usage["limit"] + 1:
        minutes = max(1, round(usage["time_left"] / 60))
        _refused(credential, request, flagged=True,
                 reason=f"wrong secrets keep coming: more than {usage['limit']} in the window; the next "
                        f"{minutes} minute(s) of them are refused without an entry each")


def _refused(credential: PartnerCredential, request, *, reason: str, flagged: bool = False) -> None:
    audit_record(actor=partner_actor(credential.person, request), action=actions.PARTNER_AUTH_REFUSED,
                 outcome=Outcome.REFUSED, reason=reason, targets=[f"partner-key:{credential.key_id}"],
                 flagged=flagged)


class PartnerUser:
    """What DRF sees as `request.user` on the partner API: a partner person, never one of our users."""

    is_authenticated = True
    is_active = True

    def __init__(self, person: PartnerPerson):
        self.person = person
