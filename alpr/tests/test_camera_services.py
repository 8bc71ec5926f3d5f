"""Cameras and their credentials: only the administrator manages them, every change audited (ACC-7)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.models import CameraCredential
from alpr.services import camera_create, camera_credential_revoke, camera_credential_rotate
from audit.context import Actor
from audit.models import AuditEvent
from core.errors import PolicyDenied
from policy.roles import Role

pytestmark = pytest.mark.django_db


def test_only_the_administrator_registers_cameras_and_refusals_are_audited(user_factory):
    officer, admin = user_factory(role=Role.OFFICER), user_factory(role=Role.ADMINISTRATOR)
    with pytest.raises(PolicyDenied):
        camera_create(actor=Actor.for_user(officer), name="Harlem & Lake")
    refusal = AuditEvent.objects.get(action="camera.created")
    assert refusal.outcome == "refused" and refusal.actor_user == officer
    camera = camera_create(actor=Actor.for_user(admin), name="Harlem & Lake", heading=90)
    assert AuditEvent.objects.filter(action="camera.created", outcome="allowed", actor_user=admin,
                                     targets=[f"camera:{camera.pk}"]).exists()
    with pytest.raises(PolicyDenied):
        camera_credential_rotate(actor=Actor.for_user(officer), camera_id=camera.pk)


def test_credentials_are_stored_as_hmac_and_rotation_and_revocation_are_audited(user_factory):
    admin = Actor.for_user(user_factory(role=Role.ADMINISTRATOR))
    camera = camera_create(actor=admin, name="Madison & Oak Park")
    first = camera_credential_rotate(actor=admin, camera_id=camera.pk)
    key_id, secret = first.key.split(":")
    stored = CameraCredential.objects.get(key_id=key_id)
    assert secret not in stored.secret_hash
    assert stored.secret_matches(secret) and not stored.secret_matches("x")
    second = camera_credential_rotate(actor=admin, camera_id=camera.pk, overlap=timedelta(hours=2))
    stored.refresh_from_db()
    assert timezone.now() + timedelta(hours=1) < stored.revoked_at < timezone.now() + timedelta(hours=3)
    camera_credential_revoke(actor=admin, key_id=second.credential.key_id, reason="camera stolen")
    assert not CameraCredential.objects.get(pk=second.credential.pk).is_valid_at(timezone.now())
    events = AuditEvent.objects.filter(action__startswith="camera.credential")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["camera.credential_issued", "camera.credential_rotated", "camera.credential_revoked"]
