"""Enrolling the second factor: a TOTP authenticator (tolerance 0) and one-time backup codes."""
import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit_actions as actions
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import PolicyDenied

BACKUP_CODE_COUNT = 10


def pending_totp_device(user) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating one (codes valid for one step only)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False,
                                               tolerance=0)


def totp_qr_data_uri(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


@enforces("ACC-3")
def totp_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code; return fresh backup codes, or None if wrong."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_issue(actor=actor)
        audit_record(actor=actor, action=actions.MFA_ENROLLED, targets=[f"device:{device.pk}"])
    return codes


def backup_codes_issue(*, actor: Actor) -> list[str]:
    """Replace the user's backup codes with new one-time codes and return them (shown once)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=actor.user, name="Backup codes",
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        audit_record(actor=actor, action=actions.BACKUP_CODES_ISSUED, result_count=len(codes))
    return codes


def backup_codes_regenerate(*, actor: Actor, totp_code: str) -> list[str]:
    """Replace the actor's backup codes after re-checking a current authenticator code.

    A session left open on a desk must not be enough to mint new ways of passing the second factor.
    """
    with refusals_recorded(actor=actor, action=actions.BACKUP_CODES_ISSUED):
        device = TOTPDevice.objects.filter(user=actor.user, confirmed=True).first()
        if device is None or not device.verify_token(totp_code.strip().replace(" ", "")):
            raise PolicyDenied("That authenticator code is wrong or was used already. Enter the next code.",
                               field="token")
        return backup_codes_issue(actor=actor)


def backup_codes_remaining(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_confirmed_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
