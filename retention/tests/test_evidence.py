import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from core.errors import ApplicationError, NotFound, NotYours, PolicyDenied
from policy.roles import Role
from retention.models import EvidencePackage
from retention.services import evidence_package_create, evidence_package_verify
from retention.services.evidence import MANIFEST
from retention.tests.conftest import actor_of, create_read
from searches.tests.factories import camera_in_service, relocate


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _package(user, reads, **kwargs) -> EvidencePackage:
    values = {"purpose": "violent_crime", "case_number": "26-004512",
              "description": "Armed robbery at 100 Main St, suspect vehicle", "recipient": "Cook County SAO"}
    values.update(kwargs)
    return evidence_package_create(actor=actor_of(user), read_ids=[r.pk for r in reads], **values)


def _dir(package) -> Path:
    return Path(settings.EVIDENCE_ROOT) / package.directory


@pytest.mark.rule("RET-4")
def test_package_holds_images_records_manifest_and_custody(detective, make_read):
    reads = [make_read(plate="ABC1234"), make_read(plate="XYZ987")]
    package = _package(detective, reads)
    directory = _dir(package)
    assert directory.is_relative_to(settings.EVIDENCE_ROOT)
    manifest = json.loads((directory / MANIFEST).read_text())
    assert set(manifest["files"]) == {
        "custody.json", *(f"reads/{r.pk}.json" for r in reads),
        *(f"images/{r.pk}-{kind}.jpg" for r in reads for kind in ("full", "crop"))}
    for name, digest in manifest["files"].items():
        assert sha256_file(directory / name) == digest
    assert package.manifest_sha256 == sha256_file(directory / MANIFEST)
    custody = json.loads((directory / "custody.json").read_text())
    assert custody["created_by"] == detective.audit_label
    assert custody["case_number"] == "26-004512"
    assert custody["recipient"] == "Cook County SAO"
    assert custody["purpose"] == "violent_crime"
    record = json.loads((directory / f"reads/{reads[0].pk}.json").read_text())
    assert record["plate"] == "ABC1234"
    event = AuditEvent.objects.get(action="retention.evidence_package_created")
    assert event.actor_user == detective and event.case_number == "26-004512"
    assert f"read:{reads[0].pk}" in event.targets
    assert event.query["manifest_sha256"] == package.manifest_sha256
    assert not [p for p in directory.parent.iterdir() if p.name.startswith(".staging")]


@pytest.mark.rule("RET-4")
@pytest.mark.parametrize("tamper", ["alter", "add", "remove", "rewrite_manifest"])
def test_altered_package_is_detected(detective, make_read, tamper):
    read = make_read()
    package = _package(detective, [read])
    directory = _dir(package)
    assert evidence_package_verify(actor=actor_of(detective), reference=str(package.uuid)).ok
    image = directory / f"images/{read.pk}-full.jpg"
    if tamper == "alter":
        image.write_bytes(image.read_bytes() + b"x")
    elif tamper == "add":
        (directory / "images" / "extra.jpg").write_bytes(b"planted")
    elif tamper == "remove":
        image.unlink()
    else:  # alter a file and rewrite the manifest to match: the recorded hash still catches it
        image.write_bytes(b"swapped")
        manifest = json.loads((directory / MANIFEST).read_text())
        manifest["files"][f"images/{read.pk}-full.jpg"] = sha256_file(image)
        (directory / MANIFEST).write_text(json.dumps(manifest))
    result = evidence_package_verify(actor=actor_of(detective), reference=str(package.uuid))
    assert not result.ok
    image_name = f"images/{read.pk}-full.jpg"
    expected = {"alter": ("altered", image_name), "add": ("added", "images/extra.jpg"),
                "remove": ("removed", image_name), "rewrite_manifest": ("altered", MANIFEST)}
    kind, name = expected[tamper]
    assert name in getattr(result, kind)
    package.refresh_from_db()
    assert package.last_verified_ok is False
    assert AuditEvent.objects.filter(action="retention.evidence_package_verified", outcome=Outcome.FAILED,
                                     flagged=True).exists()
    with pytest.raises(CommandError):
        call_command("verify_evidence", str(directory))


@pytest.mark.rule("RET-4")
def test_verify_command_passes_an_intact_package(detective, make_read, capsys):
    package = _package(detective, [make_read()])
    call_command("verify_evidence", str(package.uuid))
    assert "verified" in capsys.readouterr().out


@pytest.mark.rule("RET-4")
def test_package_refused_for_roles_missing_reads_and_prohibited_purposes(user_factory, detective, make_read):
    read = make_read()
    with pytest.raises(PolicyDenied):
        _package(user_factory(role=Role.AUDITOR), [read])
    with pytest.raises(NotFound):
        evidence_package_create(actor=actor_of(detective), read_ids=[read.pk + 999], purpose="violent_crime",
                                case_number="26-1", description="Robbery suspect vehicle")
    with pytest.raises(PolicyDenied):
        _package(detective, [read], description="Immigration status check of the driver")
    assert not EvidencePackage.objects.exists()
    assert AuditEvent.objects.filter(action="retention.evidence_package_created",
                                     outcome=Outcome.REFUSED).count() == 2
    root = Path(settings.EVIDENCE_ROOT)
    assert not root.exists() or not any(root.rglob("*.json"))


@pytest.mark.rule("RET-4")
def test_a_package_is_handed_over_as_a_zip_of_its_verified_files(detective, officer, make_read):
    import io
    import zipfile

    from alpr.access import evidence_package_zip
    from searches.tests.factories import open_justification

    package = _package(detective, [make_read(plate="ABC1234")])
    justification = open_justification(detective)  # for the package's case, 26-004512
    _, archive = evidence_package_zip(actor=actor_of(detective), justification=justification,
                                      package_id=package.pk)
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    prefix = Path(package.directory).name
    assert f"{prefix}/{MANIFEST}" in names and f"{prefix}/custody.json" in names
    assert {name.split("/", 1)[1] for name in names} == {MANIFEST, *json.loads(
        (_dir(package) / MANIFEST).read_text())["files"]}
    event = AuditEvent.objects.get(action="retention.evidence_package_downloaded", outcome=Outcome.ALLOWED)
    assert f"read:{package.read_ids[0]}" in event.targets and event.case_number == "26-004512"

    with pytest.raises(NotYours):  # another officer's package is not theirs to hand over: a 404, refused
        evidence_package_zip(actor=actor_of(officer), justification=open_justification(officer),
                             package_id=package.pk)
    refused = AuditEvent.objects.get(action="retention.evidence_package_downloaded", actor_user=officer)
    assert refused.outcome == Outcome.REFUSED and refused.targets == [f"evidence-package-id:{package.pk}"]
    (_dir(package) / "custody.json").write_text("{}")
    with pytest.raises(ApplicationError, match="no longer matches its manifest"):
        evidence_package_zip(actor=actor_of(detective), justification=justification, package_id=package.pk)


@pytest.mark.rule("RET-4", "CAM-1")
def test_a_package_names_the_place_a_read_was_taken_after_its_camera_moved(detective):
    camera = camera_in_service("Harlem & North", latitude=41.909812, longitude=-87.806204,
                               location_description="Harlem Ave at North Ave")
    read = create_read(camera, captured_at=timezone.now() - timedelta(hours=3))
    relocate(camera, latitude="41.866000", longitude="-87.774000",
             location_description="Roosevelt Rd at Austin Blvd")
    package = _package(detective, [read])
    record = json.loads((_dir(package) / f"reads/{read.pk}.json").read_text())
    assert record["camera"] == {"id": camera.pk, "name": "Harlem & North",
                                "location": "Harlem Ave at North Ave",  # not Roosevelt Rd, where it is now
                                "latitude": "41.909812", "longitude": "-87.806204"}
