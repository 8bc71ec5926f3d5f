"""Installer and operator commands: camera_credentials and ingest_folder."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alpr.models import CameraCredential, PlateRead, ReadStatus
from ingest.synthetic import plate_photo
from ingest.tests.conftest import install_camera

pytestmark = pytest.mark.django_db


def test_camera_credentials_creates_rotates_and_prints_the_key_once():
    camera = install_camera("North gate")
    out = StringIO()
    call_command("camera_credentials", "North gate", "--rotate", stdout=out, stderr=StringIO())
    key = out.getvalue().strip()
    key_id, secret = key.split(":")
    assert CameraCredential.objects.get(key_id=key_id, camera=camera).secret_matches(secret)
    out = StringIO()
    call_command("camera_credentials", "North gate", "--rotate", stdout=out, stderr=StringIO())
    assert out.getvalue().strip() != key
    assert not CameraCredential.objects.get(key_id=key_id).secret_hash.startswith(secret)
    listing = StringIO()
    call_command("camera_credentials", "North gate", stdout=listing)
    assert key_id in listing.getvalue() and "revoked" in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("camera_credentials", "No such camera", "--rotate")


def test_ingest_folder_uploads_through_the_same_checks(tmp_path, cam, media_root):
    (tmp_path / "a.jpg").write_bytes(plate_photo())
    (tmp_path / "b.png").write_bytes(plate_photo(image_format="PNG"))
    (tmp_path / "broken.jpg").write_bytes(plate_photo()[:500])
    (tmp_path / "notes.txt").write_text("not a photo")
    out, err = StringIO(), StringIO()
    call_command("ingest_folder", str(tmp_path), "--camera", cam.camera.name, "--recognize",
                 stdout=out, stderr=err)
    assert "2 accepted, 1 refused" in out.getvalue() and "broken.jpg" in err.getvalue()
    assert PlateRead.system_objects.filter(status=ReadStatus.DONE, plate="7ABC123").count() == 2
