"""The storage interface, the same tests on both backends: the local disk and S3 (a real SeaweedFS on
loopback, signed requests; no mock). Images, evidence packages, declarations, holds across a purge,
reads sharing one photo, and packing a day's single images into segments (RET-1..4)."""
import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from alpr import partitions, storage
from alpr.models import PlateRead, ReadStatus
from audit.context import Actor
from retention.services import (
    evidence_package_create,
    evidence_package_verify,
    hold_place,
    hold_release,
    package_archive,
    reads_pack_images,
    reads_purge_expired,
)
from retention.services.evidence import MANIFEST
from retention.tests.conftest import actor_of
from sharing.models import declaration_storage

pytestmark = pytest.mark.usefixtures("storage_backend")

SCHEDULER = Actor.system("scheduler")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
EXPIRED = NOW - timedelta(days=40)


def _current(read) -> PlateRead | None:
    return PlateRead.system_objects.filter(pk=read.pk).first()


def _tamper(storage_backend, seaweedfs_or_none, directory: str, name: str, data: bytes) -> None:
    """Change one file of a stored package behind the application's back, as an intruder would."""
    if storage_backend == "local":
        from django.conf import settings

        (settings.EVIDENCE_ROOT / directory / name).write_bytes(data)
    else:
        from django.conf import settings

        seaweedfs_or_none.client().put_object(Bucket=settings.ALPR_S3_BUCKET,
                                              Key=f"{storage.EVIDENCE_PREFIX}/{directory}/{name}", Body=data)


def test_images_round_trip_and_an_erased_image_is_gone_while_its_neighbours_stay():
    moment = NOW - timedelta(hours=3)
    first = storage.write_durably(storage.read_image_name(moment, uuid.uuid4(), "full"), b"\xff\xd8photo-1")
    second = storage.write_durably(storage.read_image_name(moment, uuid.uuid4(), "crop"), b"\xff\xd8crop-2")
    assert first.endswith("-full.jpg") and second.endswith("-crop.jpg")  # content type from the name
    assert (storage.read_bytes(first), storage.read_bytes(second)) == (b"\xff\xd8photo-1", b"\xff\xd8crop-2")
    assert sorted(storage.stored_names()) == sorted([first, second])
    assert storage.delete_quietly(first) == 1
    with pytest.raises(FileNotFoundError):
        storage.read_bytes(first)
    assert storage.read_bytes(second) == b"\xff\xd8crop-2" and storage.stored_names() == [second]
    with pytest.raises(FileNotFoundError):
        storage.read_bytes(storage.read_image_name(moment, uuid.uuid4(), "full"))
    for bad in ("../../etc/passwd", "/etc/passwd", "reads//x.jpg"):
        with pytest.raises(ValueError):
            storage.read_bytes(bad)


def test_concurrent_writes_from_many_threads_each_read_back_whole():
    from concurrent.futures import ThreadPoolExecutor

    moment = NOW - timedelta(hours=1)
    images = {uuid.uuid4(): bytes([i % 251 + 1]) * (1000 + 37 * i) for i in range(64)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        references = dict(zip(images, pool.map(
            lambda item: storage.write_durably(storage.read_image_name(moment, item[0], "full"), item[1]),
            images.items()), strict=True))
    assert all(storage.read_bytes(references[key]) == data for key, data in images.items())
    assert len(set(references.values())) == 64


@pytest.mark.rule("RET-1")
@pytest.mark.rule("RET-3")
def test_purging_a_day_of_many_reads_removes_a_handful_of_files(make_read):
    reads = [make_read(captured_at=EXPIRED + timedelta(minutes=i)) for i in range(40)]
    day = storage.utc_day(EXPIRED)
    reads_pack_images(actor=SCHEDULER, now=EXPIRED + timedelta(days=2))  # what the hourly job did then
    assert all(storage.is_packed(_current(read).image_path) for read in reads)
    files = storage.stored_files(day)
    assert 1 <= files <= 2  # 80 images in one or two segments, whatever the backend
    run = reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert run.rows_deleted == 40 and run.files_deleted == files
    assert storage.stored_files(day) == 0 and storage.stored_names(day) == []
    assert not any(storage.exists(ref) for read in reads for ref in (read.image_path, read.crop_path))


def test_packing_moves_single_images_into_segments_and_keeps_every_image_readable(make_read):
    captured = NOW - timedelta(days=3)
    reads = [make_read(captured_at=captured + timedelta(minutes=i)) for i in range(5)]
    before = {read.pk: (storage.read_bytes(read.image_path), storage.read_bytes(read.crop_path))
              for read in reads}
    single = [read for read in reads if not storage.is_packed(read.image_path)]
    result = reads_pack_images(actor=SCHEDULER, now=NOW)
    assert result.images == 2 * len(single)  # S3 writes single objects; the local disk appends already
    for read in reads:
        current = _current(read)
        assert storage.is_packed(current.image_path) and storage.is_packed(current.crop_path)
        images = (storage.read_bytes(current.image_path), storage.read_bytes(current.crop_path))
        assert images == before[read.pk]
    for read in single:  # the single objects are gone once the rows point into the segment
        assert not storage.exists(read.image_path)
    assert storage.stored_files(storage.utc_day(captured)) <= 2
    assert reads_pack_images(actor=SCHEDULER, now=NOW).images == 0  # nothing left to pack


@pytest.mark.rule("RET-2")
def test_an_evidence_hold_keeps_its_images_when_its_day_is_purged(make_read, detective):
    held = make_read(captured_at=EXPIRED, plate="HLD4512")
    neighbour = make_read(captured_at=EXPIRED + timedelta(minutes=5))
    photo, crop = storage.read_bytes(held.image_path), storage.read_bytes(held.crop_path)
    hold = hold_place(actor=actor_of(detective), case_number="26-004512", reason="Hit-and-run evidence",
                      read_ids=[held.pk])
    reads_pack_images(actor=SCHEDULER, now=EXPIRED + timedelta(days=1))
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    kept = _current(held)
    assert kept is not None and _current(neighbour) is None
    assert (storage.read_bytes(kept.image_path), storage.read_bytes(kept.crop_path)) == (photo, crop)
    assert not storage.exists(neighbour.image_path) and not storage.exists(neighbour.crop_path)
    assert storage.stored_names(storage.utc_day(EXPIRED)) == sorted([kept.image_path, kept.crop_path])
    reads_purge_expired(actor=SCHEDULER, now=NOW + timedelta(days=1))  # a later run keeps them too
    assert storage.read_bytes(_current(held).image_path) == photo
    hold_release(actor=actor_of(detective), hold_id=hold.pk, reason="Case closed")
    reads_purge_expired(actor=SCHEDULER, now=NOW + timedelta(days=1))
    assert _current(held) is None and storage.stored_names() == []


@pytest.mark.rule("RET-2")
def test_reads_sharing_one_photo_keep_it_while_one_of_them_is_held(make_read, detective, camera):
    """A photo with two plates gives two reads naming the same image: purging or releasing one must
    not take the image from the other."""
    first = make_read(captured_at=EXPIRED, plate="TWO0001")
    second = PlateRead.system_objects.create(
        uuid=uuid.uuid4(), camera=camera, captured_at=first.captured_at, plate="TWO0002", state="IL",
        confidence=0.9, image_path=first.image_path, crop_path="", status=ReadStatus.DONE,
        idempotency_key=uuid.uuid4().hex)
    photo = storage.read_bytes(first.image_path)
    hold = hold_place(actor=actor_of(detective), case_number="26-77", reason="Two plates, one car photo",
                      read_ids=[first.pk, second.pk])
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert _current(first).image_path == _current(second).image_path  # copied out once, shared
    hold_release(actor=actor_of(detective), hold_id=hold.pk, reason="One plate cleared")
    hold_place(actor=actor_of(detective), case_number="26-78", reason="The other plate is evidence",
               read_ids=[second.pk])
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert _current(first) is None and storage.read_bytes(_current(second).image_path) == photo


@pytest.mark.rule("RET-1")
def test_the_boundary_day_erases_expired_reads_images_but_not_a_photo_an_unexpired_read_shares(
        make_read, camera):
    cutoff = NOW - timedelta(days=30)
    expired = make_read(captured_at=cutoff - timedelta(seconds=1))
    kept = make_read(captured_at=cutoff + timedelta(seconds=1))
    sharer = PlateRead.system_objects.create(
        uuid=uuid.uuid4(), camera=camera, captured_at=cutoff + timedelta(seconds=2), plate="SHR0001",
        state="IL", confidence=0.9, image_path=expired.image_path, crop_path="", status=ReadStatus.DONE,
        idempotency_key=uuid.uuid4().hex)
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert _current(expired) is None and not storage.exists(expired.crop_path)
    assert storage.exists(sharer.image_path) and storage.exists(kept.image_path)


@pytest.mark.rule("RET-4")
def test_evidence_packages_keep_their_manifest_and_verification(make_read, detective, storage_backend,
                                                                request):
    reads = [make_read(plate="ABC1234"), make_read(plate="XYZ987")]
    package = evidence_package_create(actor=actor_of(detective), read_ids=[r.pk for r in reads],
                                      purpose="violent_crime", case_number="26-004512",
                                      description="Armed robbery at 100 Main St, suspect vehicle")
    files = storage.evidence_files(package.directory)
    manifest = json.loads(files[MANIFEST])
    assert set(manifest["files"]) == {"custody.json", *(f"reads/{r.pk}.json" for r in reads),
                                      *(f"images/{r.pk}-{k}.jpg" for r in reads for k in ("full", "crop"))}
    assert files[f"images/{reads[0].pk}-full.jpg"] == storage.read_bytes(reads[0].image_path)
    assert package.file_count == len(files)
    assert evidence_package_verify(actor=actor_of(detective), reference=str(package.uuid)).ok
    archive = zipfile.ZipFile(io.BytesIO(package_archive(package)))
    assert len(archive.namelist()) == len(files)
    # The package outlives its reads' purge.
    reads_purge_expired(actor=SCHEDULER, now=timezone.now() + timedelta(days=40))
    assert PlateRead.system_objects.filter(pk__in=[r.pk for r in reads]).count() == 0
    assert evidence_package_verify(actor=actor_of(detective), reference=str(package.uuid)).ok
    server = request.getfixturevalue("seaweedfs") if storage_backend == "s3" else None
    _tamper(storage_backend, server, package.directory, f"images/{reads[0].pk}-full.jpg", b"swapped")
    result = evidence_package_verify(actor=actor_of(detective), reference=str(package.uuid))
    assert not result.ok and result.altered == [f"images/{reads[0].pk}-full.jpg"]


def test_declarations_are_stored_and_read_back():
    documents = declaration_storage()
    name = documents.save("declarations/2026/ISP0001-20260105.pdf", ContentFile(b"%PDF-1.4 signed"))
    assert name.startswith("declarations/2026/")
    with documents.open(name, "rb") as handle:
        assert handle.read() == b"%PDF-1.4 signed"
    documents.delete(name)
    assert not documents.exists(name)


def test_partitions_and_stored_days_agree_after_the_purge(make_read):
    make_read(captured_at=EXPIRED)
    young = make_read(captured_at=NOW - timedelta(days=1))
    reads_purge_expired(actor=SCHEDULER, now=NOW)
    assert storage.stored_days() == [storage.utc_day(young.captured_at)]
    assert storage.utc_day(EXPIRED) not in partitions.existing_partition_days()


def test_storage_prepare_creates_what_is_missing_and_is_safe_to_repeat(settings, storage_backend, capsys,
                                                                       request):
    from django.core.management import call_command

    if storage_backend == "s3":
        settings.ALPR_S3_BUCKET = f"prepared-{uuid.uuid4().hex[:12]}"
    else:
        settings.MEDIA_ROOT = settings.MEDIA_ROOT / "fresh"
    call_command("storage_prepare")
    call_command("storage_prepare")
    first, second = capsys.readouterr().out.splitlines()
    assert first.startswith(storage_backend) and second.startswith(storage_backend)
    if storage_backend == "s3":
        assert "created bucket" in first and "is there" in second
    else:
        assert settings.MEDIA_ROOT.is_dir()
    name = storage.write_durably(storage.read_image_name(NOW, uuid.uuid4(), "full"), b"\xff\xd8ready")
    assert storage.read_bytes(name) == b"\xff\xd8ready"
    if storage_backend == "s3":
        request.getfixturevalue("seaweedfs").delete_bucket(settings.ALPR_S3_BUCKET)


@pytest.mark.rule("RET-1")
def test_a_purge_between_packing_and_repointing_leaves_no_copy_of_the_purged_image(
        make_read, monkeypatch, storage_backend, settings):
    """The hourly packing copies a boundary-day image into a new segment, then the purge deletes its
    (expired) read before packing repoints the row: the copy nobody points to must be erased too."""
    cutoff = NOW - timedelta(days=30)
    expired = make_read(captured_at=cutoff - timedelta(seconds=1))
    kept = make_read(captured_at=cutoff + timedelta(seconds=1))
    if storage_backend == "local":  # images written one file each, before segments existed
        for read in (expired, kept):
            paths = {}
            for field, kind in (("image_path", "full"), ("crop_path", "crop")):
                name = storage.read_image_name(read.captured_at, read.uuid, kind)
                (settings.MEDIA_ROOT / name).write_bytes(storage.read_bytes(getattr(read, field)))
                paths[field] = name
            PlateRead.system_objects.filter(pk=read.pk).update(**paths)
            storage.delete_quietly(read.image_path, read.crop_path)
    pack = storage.pack_images

    def pack_then_purge(day, items):
        references = pack(day, items)
        reads_purge_expired(actor=SCHEDULER, now=NOW)  # the nightly purge, in the middle of a batch
        return references

    monkeypatch.setattr(storage, "pack_images", pack_then_purge)
    reads_pack_images(actor=SCHEDULER, now=NOW)
    monkeypatch.setattr(storage, "pack_images", pack)
    assert _current(expired) is None and _current(kept) is not None
    day = storage.utc_day(expired.captured_at)
    assert not [name for name in storage.stored_names(day) if str(expired.uuid) in name]
    assert sorted(storage.stored_names(day)) == sorted([_current(kept).image_path, _current(kept).crop_path])


@pytest.mark.rule("RET-3")
def test_a_bucket_that_keeps_versions_is_refused_before_the_purge_deletes_anything(
        make_read, storage_backend, settings, request):
    """With versioning on, a deleted or rewritten segment stays readable as an old version: the purge
    and storage_prepare refuse such a bucket (the local disk keeps no versions)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command

    from retention.models import PurgeRun, PurgeStatus

    expired = make_read(captured_at=EXPIRED)
    if storage_backend == "local":
        reads_purge_expired(actor=SCHEDULER, now=NOW)
        assert _current(expired) is None
        return
    request.getfixturevalue("seaweedfs").client().put_bucket_versioning(
        Bucket=settings.ALPR_S3_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    with pytest.raises(ImproperlyConfigured, match="versioning enabled"):
        reads_purge_expired(actor=SCHEDULER, now=NOW)
    run = PurgeRun.objects.latest("pk")
    assert run.status == PurgeStatus.FAILED and "versioning" in run.error
    assert settings.ALPR_S3_SECRET_ACCESS_KEY not in run.error
    assert _current(expired) is not None and storage.exists(expired.image_path)  # nothing deleted
    with pytest.raises(ImproperlyConfigured, match="versioning"):
        call_command("storage_prepare")


@pytest.mark.rule("RET-4")
@pytest.mark.parametrize("reference", ["../../../etc", "/etc", "2026/../../media", "evidence/..//x"])
def test_verifying_a_directory_outside_the_evidence_store_is_a_clear_failure_read_nothing(db, reference):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from audit.models import AuditEvent

    with pytest.raises(CommandError, match="FAILED verification"):
        call_command("verify_evidence", reference)
    entry = AuditEvent.objects.latest("pk")
    assert entry.action == "retention.evidence_package_verified" and entry.flagged
    assert "outside the evidence store" in entry.reason
