"""Passkeys (WebAuthn, through django-otp-webauthn) as a second factor beside the authenticator app.

A passkey is added only by someone who already passed the second factor (the library refuses a
registration from a session that has not), and never replaces the password. Each passkey
registered, renamed or removed is audited; a person's last second factor cannot be removed.
"""
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import audit_actions as actions
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied

NAME_MAX_LENGTH = WebAuthnCredential._meta.get_field("name").max_length


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def has_passkey(user) -> bool:
    return passkeys_of(user).exists()


def _own_passkey(actor: Actor, passkey_id: int) -> WebAuthnCredential:
    """The actor's own passkey; someone else's is answered exactly like one that does not exist."""
    passkey = WebAuthnCredential.objects.select_for_update().filter(user=actor.user, pk=passkey_id).first()
    if passkey is None:
        raise NotFound("No such passkey on your account.")
    return passkey


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("Give the passkey a name you will recognise, such as the device it is on.",
                           field="name")
    return name[:NAME_MAX_LENGTH]


@enforces("ACC-3", "AUD-1")
def passkey_registered(*, actor: Actor, passkey: WebAuthnCredential) -> None:
    """Name a passkey the library has just stored and record its registration."""
    passkey.name = f"Passkey {passkeys_of(actor.user).count()}"
    passkey.save(update_fields=["name"])
    audit_record(actor=actor, action=actions.PASSKEY_REGISTERED, targets=[f"device:{passkey.pk}"])


@enforces("AUD-1")
def passkey_rename(*, actor: Actor, passkey_id: int, name: str) -> WebAuthnCredential:
    with (refusals_recorded(actor=actor, action=actions.PASSKEY_RENAMED, targets=[f"device:{passkey_id}"]),
          transaction.atomic()):
        passkey = _own_passkey(actor, passkey_id)
        passkey.name = _clean_name(name)
        passkey.save(update_fields=["name"])
        audit_record(actor=actor, action=actions.PASSKEY_RENAMED, targets=[f"device:{passkey.pk}"],
                     query={"name": passkey.name})
    return passkey


def _other_second_factors(user, passkey: WebAuthnCredential) -> int:
    """Authenticators and passkeys left if `passkey` goes (backup codes are a fallback, not a factor)."""
    totps = TOTPDevice.objects.filter(user=user, confirmed=True).count()
    return totps + passkeys_of(user).exclude(pk=passkey.pk).count()


@enforces("ACC-3", "AUD-1")
def passkey_remove(*, actor: Actor, passkey_id: int) -> str:
    """Remove one of the actor's passkeys and return its name; refuse to remove the last factor."""
    with (refusals_recorded(actor=actor, action=actions.PASSKEY_REMOVED, targets=[f"device:{passkey_id}"]),
          transaction.atomic()):
        passkey = _own_passkey(actor, passkey_id)
        if not _other_second_factors(actor.user, passkey):
            raise PolicyDenied("This is your only second factor. Set up another one before you "
                               "remove it, or you could not sign in.")
        name = passkey.name
        passkey.delete()
        audit_record(actor=actor, action=actions.PASSKEY_REMOVED, targets=[f"device:{passkey_id}"],
                     query={"name": name})
    return name
