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


def test_camera_credentials_binds_a_key_to_the_cameras_address_and_unbinds_it(make_camera):
    cam = make_camera("East gate")
    key_id = cam.key.split(":")[0]
    out = StringIO()
    call_command("camera_credentials", "East gate", "--bind", key_id, "--network", "10.20.30.40", stdout=out)
    assert out.getvalue().strip() == f"{key_id} bound to 10.20.30.40/32."
    listing = StringIO()
    call_command("camera_credentials", "East gate", stdout=listing)
    assert "from 10.20.30.40/32 only" in listing.getvalue()
    # Tried: a whole department network, and no network at all. Both refused; the binding stays.
    for network in (["--network", "10.0.0.0/8"], []):
        with pytest.raises(CommandError):
            call_command("camera_credentials", "East gate", "--bind", key_id, *network, stdout=StringIO())
    assert CameraCredential.objects.get(key_id=key_id).source_network == "10.20.30.40/32"
    call_command("camera_credentials", "East gate", "--bind", key_id, "--network", "", stdout=out)
    assert CameraCredential.objects.get(key_id=key_id).source_network == ""


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
