"""Cameras and their credentials: only the administrator manages them, every change audited (ACC-7)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr.models import CameraCredential
from alpr.services import (
    camera_create,
    camera_credential_bind_network,
    camera_credential_revoke,
    camera_credential_rotate,
)
from audit.context import Actor
from audit.models import AuditEvent
from core.errors import ApplicationError, PolicyDenied
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


@pytest.mark.rule("ACC-7")
def test_only_the_administrator_binds_a_credential_to_a_source_network(user_factory):
    officer, admin = user_factory(role=Role.OFFICER), Actor.for_user(user_factory(role=Role.ADMINISTRATOR))
    camera = camera_create(actor=admin, name="Roosevelt & Harlem")
    key_id = camera_credential_rotate(actor=admin, camera_id=camera.pk).credential.key_id
    with pytest.raises(PolicyDenied):
        camera_credential_bind_network(actor=Actor.for_user(officer), key_id=key_id, network="10.20.30.40")
    assert CameraCredential.objects.get(key_id=key_id).source_network == ""
    bound = camera_credential_bind_network(actor=admin, key_id=key_id, network=" 10.20.30.40 ")
    assert bound.source_network == "10.20.30.40/32"
    assert [(e.outcome, e.description) for e in AuditEvent.objects.filter(action="camera.credential_bound")
            .order_by("id")] == [("refused", ""), ("allowed", "bound to 10.20.30.40/32")]


@pytest.mark.parametrize(("network", "why"), [
    ("10.20.0.0/16", "at most a /24"),
    ("2001:db8::/48", "at most a /64"),
    ("camera-7.local", "Enter an address or a network"),
    ("10.20.30.300", "Enter an address or a network"),
])
def test_a_binding_broader_than_a_camera_or_not_a_network_is_refused(user_factory, network, why):
    admin = Actor.for_user(user_factory(role=Role.ADMINISTRATOR))
    camera = camera_create(actor=admin, name="Chicago & Austin")
    key_id = camera_credential_rotate(actor=admin, camera_id=camera.pk).credential.key_id
    with pytest.raises(ApplicationError, match=why):
        camera_credential_bind_network(actor=admin, key_id=key_id, network=network)
    assert CameraCredential.objects.get(key_id=key_id).source_network == ""


def test_two_cameras_cannot_share_an_address_and_a_rotation_keeps_the_binding(user_factory):
    admin = Actor.for_user(user_factory(role=Role.ADMINISTRATOR))
    first, second = (camera_create(actor=admin, name=name) for name in ("North gate", "South gate"))
    first_key = camera_credential_rotate(actor=admin, camera_id=first.pk).credential.key_id
    second_key = camera_credential_rotate(actor=admin, camera_id=second.pk).credential.key_id
    camera_credential_bind_network(actor=admin, key_id=first_key, network="10.20.30.0/28")
    with pytest.raises(ApplicationError, match="North gate"):
        camera_credential_bind_network(actor=admin, key_id=second_key, network="10.20.30.9")
    camera_credential_bind_network(actor=admin, key_id=second_key, network="10.20.30.16/28")
    rotated = camera_credential_rotate(actor=admin, camera_id=first.pk).credential
    assert rotated.source_network == "10.20.30.0/28"
    # The old key is revoked, but its successor holds the network.
    with pytest.raises(ApplicationError):
        camera_credential_bind_network(actor=admin, key_id=second_key, network="10.20.30.1")
