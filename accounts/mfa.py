"""Enrolling the second factor: a TOTP authenticator (tolerance 0) and one-time backup codes."""
import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit_actions as actions
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import PolicyDenied
from policy.selectors import current_policy

BACKUP_CODE_COUNT = 10


@enforces("ACC-3")
def pending_totp_device(user, *, device_id: int | None = None) -> TOTPDevice:
    """Return the unconfirmed authenticator `device_id` of `user`, or a new one with a new key.

    The caller keeps the id in the enrolling session, so a key shown to one session (to someone
    who knew the administrator's initial password, say) is never the one another session confirms.
    Another session's unconfirmed one is left to it (deleting it would let two sessions undo each
    other's enrolment), unless it is older than any session can be. Codes are valid for one step only.
    """
    if device_id and (device := TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()):
        return device
    stale = timezone.now() - timezone.timedelta(hours=current_policy().session_absolute_hours)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).filter(
            Q(created_at__lt=stale) | Q(created_at__isnull=True)).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False, tolerance=0)


def totp_qr_data_uri(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


@enforces("ACC-3")
def device_verify(device, token: str) -> bool:
    """Check `token` against `device` with the device's row locked, so one code passes once.

    django-otp reads the device (its last used step, or its backup codes), checks the code, then
    saves: two requests that loaded the device before either saved would both pass with one code.
    Re-loaded under the lock, the second waits for the first and sees the step used or the code gone.
    """
    with transaction.atomic():
        locked = type(device).objects.select_for_update().filter(pk=device.pk).first()
        if locked is None:  # an unconfirmed authenticator replaced by another session's
            return False
        if isinstance(locked, StaticDevice):
            return _backup_code_use(locked, token)
        return locked.verify_token(token)


def _backup_code_use(device: StaticDevice, token: str) -> bool:
    """django-otp's StaticDevice.verify_token, but the code counts only if this request deleted it.

    A code found and then deleted by someone else in between (new codes issued meanwhile) is spent.
    """
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    match = device.token_set.filter(token=token).first()
    if match is None or not StaticToken.objects.filter(pk=match.pk).delete()[0]:
        device.throttle_increment()
        return False
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


@enforces("ACC-3")
def totp_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code; return fresh backup codes, or None if wrong."""
    if not device_verify(device, token.strip().replace(" ", "")):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Keys other sessions were shown can no longer be confirmed.
        TOTPDevice.objects.filter(user=device.user_id, confirmed=False).delete()
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
        if device is None or not device_verify(device, totp_code.strip().replace(" ", "")):
            raise PolicyDenied("That authenticator code is wrong or was used already. Enter the next code.",
                               field="token")
        return backup_codes_issue(actor=actor)


def backup_codes_remaining(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_confirmed_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
