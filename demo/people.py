"""The demo department: one named person per role, signing in with a known passphrase and TOTP key."""
import base64
import hashlib

from django.conf import settings
from django.core.management.base import CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from policy.roles import Role

DEMO_PASSWORD = "Demo-Passphrase-2026!"  # noqa: S105  (demo data only; seed_demo refuses without DEBUG)

ADMIN = {"username": "ahart", "full_name": "Alex Hart", "badge_number": "ADM-101", "role": Role.ADMINISTRATOR}
CHIEF = {"username": "mchen", "full_name": "Morgan Chen", "badge_number": "CHF-001", "role": Role.CHIEF}
STAFF = [
    {"username": "oreyes", "full_name": "Olivia Reyes", "badge_number": "4471", "role": Role.OFFICER},
    {"username": "dpatel", "full_name": "Dev Patel", "badge_number": "D-2210", "role": Role.DISPATCHER},
    {"username": "akim", "full_name": "Ana Kim", "badge_number": "AN-310", "role": Role.ANALYST},
    {"username": "jbrooks", "full_name": "Jordan Brooks", "badge_number": "DET-512", "role": Role.DETECTIVE},
    {"username": "slopez", "full_name": "Sam Lopez", "badge_number": "AUD-07", "role": Role.AUDITOR},
    {"username": "twright", "full_name": "Taylor Wright", "badge_number": "OB-3", "role": Role.OVERSIGHT},
    {"username": "rnguyen", "full_name": "Riley Nguyen", "badge_number": "REC-22", "role": Role.RECORDS},
]
DEMO_DEVICE_NAME = "Demo authenticator"
PENDING = {"username": "kowens", "full_name": "Kai Owens", "badge_number": "4502", "role": Role.OFFICER}


def ensure_demo_allowed() -> None:
    if not settings.DEBUG:
        raise CommandError("Demo data is for development machines only (DEBUG is off).")


def demo_totp_key(username: str) -> bytes:
    """A fixed authenticator key per demo person, so the README can tell people how to sign in."""
    return hashlib.sha256(f"alpr-demo-totp:{username}".encode()).digest()[:20]


def demo_totp_secret(username: str) -> str:
    return base64.b32encode(demo_totp_key(username)).decode()


def demo_totp_device(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME,
        defaults={"key": demo_totp_key(user.username).hex(), "confirmed": True, "tolerance": 0},
    )
    return device


def current_demo_code(username: str) -> str:
    totp = TOTP(demo_totp_key(username), step=30, digits=6)
    return f"{totp.token():06d}"
