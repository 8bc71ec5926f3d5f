"""Encryption at rest of the keys partner agencies issued to our people (``PartnerSearchKey``).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under the keys of
``settings.PARTNER_KEY_ENCRYPTION_KEYS`` (the environment's ``ALPR_PARTNER_KEY_ENCRYPTION_KEYS``):
the first encrypts, every one decrypts (MultiFernet), so keys rotate without a moment in which stored
keys cannot be read. The keys live outside the database: a copy of the database gives nothing away.
"""
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.checks import Error, register

from core.errors import ApplicationError

# What the partner API of this system issues: "<key id>:<secret>", both hexadecimal (sharing.auth).
KEY_SHAPE = r"([0-9a-f]{16}):([0-9a-f]{32,128})"
ISSUED_KEY = re.compile(rf"^{KEY_SHAPE}$")


class KeysNotConfigured(ApplicationError):
    status_code = 503
    code = "partner_keys_not_configured"


def _cipher() -> MultiFernet:
    keys = settings.PARTNER_KEY_ENCRYPTION_KEYS
    if not keys:
        raise KeysNotConfigured("Partner keys cannot be stored or used: the deployment sets no "
                                "ALPR_PARTNER_KEY_ENCRYPTION_KEYS.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError):
        raise KeysNotConfigured("Partner keys cannot be stored or used: ALPR_PARTNER_KEY_ENCRYPTION_KEYS "
                                "holds a value that is not a Fernet key.") from None


def key_parts(key: str) -> tuple[str, str]:
    """Return (key id, secret) of a key as a partner issued it, or refuse it with a clear error."""
    match = ISSUED_KEY.fullmatch((key or "").strip().lower())
    if match is None:
        raise ApplicationError("Enter the key as the partner agency issued it: <key id>:<secret>, both "
                               "hexadecimal (e.g. 0123456789abcdef:0123…).", field="key")
    return match.group(1), match.group(2)


def encrypt(key: str) -> str:
    return _cipher().encrypt(key.encode()).decode()


def decrypt(token: str) -> str:
    """Return the stored key, or refuse when no configured encryption key opens it."""
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ApplicationError("A stored partner key cannot be decrypted with the configured encryption "
                               "keys; the administrator stores it again.", code="partner_key_unreadable"
                               ) from None


def reencrypt(token: str) -> str:
    """Return `token` encrypted under the first configured key (key rotation)."""
    return _cipher().rotate(token.encode()).decode()


@register()
def encryption_keys_check(app_configs, **kwargs) -> list[Error]:
    """Refuse to start with an encryption key that is not a Fernet key (32 bytes, url-safe base64)."""
    errors = []
    for position, key in enumerate(settings.PARTNER_KEY_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            errors.append(Error(f"Key {position} of ALPR_PARTNER_KEY_ENCRYPTION_KEYS is not a Fernet key.",
                                hint='Generate one: python -c "from cryptography.fernet import Fernet; '
                                     'print(Fernet.generate_key().decode())"', id="sharing.E001"))
    return errors
