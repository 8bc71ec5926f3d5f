"""Evidence packages (RET-4): one designated store, a SHA-256 manifest, a chain-of-custody record.

A package is a directory of the evidence store (``alpr.storage``: EVIDENCE_ROOT on the local disk,
the ``evidence/`` prefix of the bucket on S3)::

    <YYYY>/<case>-<package uuid>/
        custody.json          who, when, why, case, recipient (the chain of custody)
        reads/<id>.json       the record of each read
        images/<id>-full.jpg  the read's photo, and -crop.jpg its plate crop
        manifest.json         SHA-256 of every other file

The database keeps the SHA-256 of ``manifest.json``, so altering, adding or removing any file, or
rewriting the manifest to match, is detected by ``verify_evidence``. The package is stored whole
before the row commits, so a committed package always has its files (on the local disk it is
written under a temporary name and renamed into place; on S3 the manifest is written last).

A caller's transaction may still roll back after the package is written (a download or a release
failing later), and a process may die in between: that leaves a directory no row records.
``evidence_orphans_remove`` (hourly) deletes such a directory an hour after it was last written,
provided it is also an hour older than any transaction still open (whose row could yet commit); a
directory some row records is never touched.

Packages are evidence kept by their own rules, not "application storage of reads": the purge never
reads or deletes the evidence store (RET-3 applies to the read images and the read table).
"""
import hashlib
import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alpr import storage
from alpr.models import PlateRead
from audit.context import Actor
from audit.models import Outcome
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, NotYours, PolicyDenied
from policy.selectors import current_policy
from retention import audit_actions as actions
from retention.models import ErroneousRead, EvidencePackage
from retention.permissions import require_evidence_handler
from retention.selectors import packages_visible_to

MANIFEST = "manifest.json"
CUSTODY = "custody.json"
FORMAT_VERSION = 1
# A package's transaction lasts seconds; an hour leaves a wide margin before a directory without a
# row is taken for an orphan.
ORPHAN_AFTER = timedelta(hours=1)
# Package directories end with the package's uuid: "<case>-<uuid>", or ".staging-<uuid>" while written.
_PACKAGE_NAME = re.compile(r"(?:-|^\.staging-)([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$")

logger = logging.getLogger(__name__)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "case"


def _read_record(read: PlateRead, images: dict[str, str], erroneous: bool) -> dict:
    return {
        "id": read.pk,
        "uuid": str(read.uuid),
        # Where the camera was when it took the photo, kept with the read: not where it stands now.
        "camera": {"id": read.camera_id, "name": read.camera.name, "location": read.camera_location,
                   "latitude": _decimal_text(read.camera_latitude),
                   "longitude": _decimal_text(read.camera_longitude)},
        "captured_at": read.captured_at.isoformat(),
        "received_at": read.received_at.isoformat(),
        "plate": read.plate,
        "state": read.state,
        "state_confidence": read.state_confidence,
        "confidence": read.confidence,
        "candidates": read.candidates,
        "box": read.box,
        # Another plate of the same photo: the upload's read (the photo is the same file).
        "source_read_id": read.source_read_id,
        "vehicle": read.vehicle,
        "latitude": _decimal_text(read.latitude),
        "longitude": _decimal_text(read.longitude),
        "heading": read.heading,
        "source": read.source,
        "origin_agency": read.origin_agency,
        "confirmed_erroneous": erroneous,
        "images": images,
    }


def _decimal_text(value) -> str | None:
    return str(value) if value is not None else None


def _json(value) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, default=str) + "\n").encode()


def _manifest_of(files: dict[str, bytes]) -> dict[str, str]:
    """Return {relative path: sha256} of every file of a package except the manifest itself."""
    return {name: sha256_bytes(data) for name, data in sorted(files.items()) if name != MANIFEST}


def _validate_request(read_ids, purpose: str, case_number: str, description: str,
                      recipient: str) -> list[int]:
    """Check an export's stated reasons. A prohibited purpose named anywhere, the recipient included (a
    package addressed to an immigration agency), is refused and flagged (USE-3, SHR-4)."""
    policy = current_policy()
    if not purpose.strip():
        raise ApplicationError("Say why the evidence is exported.", field="purpose")
    if not case_number.strip():
        raise ApplicationError("An evidence package needs a case number.", field="case_number")
    if not description.strip():
        raise ApplicationError("Describe what the evidence is for.", field="description")
    prohibited = policy.prohibited_purpose_named_in(f"{purpose} {description} {recipient}")
    if prohibited:
        raise PolicyDenied(f"Evidence may not be exported for {prohibited['label'].lower()}.",
                           flag_for_audit=True)
    ids = sorted({int(read_id) for read_id in read_ids})
    if not ids:
        raise ApplicationError("Choose at least one read.", field="read_ids")
    return ids


def _package_files(reads: list[PlateRead], erroneous: set[int], custody: dict) -> dict[str, bytes]:
    """Return the package's files, {relative name: bytes}, the manifest included."""
    files = {}
    for read in reads:
        images = {}
        for kind, reference in (("full", read.image_path), ("crop", read.crop_path)):
            if not reference:
                continue
            try:
                data = storage.read_bytes(reference)
            except FileNotFoundError:
                raise ApplicationError(f"The image of read {read.pk} is no longer stored.") from None
            name = f"images/{read.pk}-{kind}{PurePosixPath(reference).suffix or '.jpg'}"
            files[name] = data
            images[kind] = name
        files[f"reads/{read.pk}.json"] = _json(_read_record(read, images, read.pk in erroneous))
    files[CUSTODY] = _json(custody)
    files[MANIFEST] = _json({"format": FORMAT_VERSION, "package": custody["package"],
                             "algorithm": "sha256", "files": _manifest_of(files)})
    return files


@enforces("RET-4", "SHR-6")
def evidence_package_create(
    *, actor: Actor, read_ids: list[int], purpose: str, case_number: str, description: str,
    recipient: str = "",
) -> EvidencePackage:
    """Write an evidence package of `read_ids` to the evidence store; record its manifest hash; audit it.

    Called only by the access layer's download (``alpr.access.plate_reads_download``: justification,
    the policy's caps, retention) and by the sharing release (``plate_reads_for_release``), which
    select the reads; this checks the actor may handle evidence, that every read exists and is this
    department's own (SHR-6), and refuses prohibited purposes.
    """
    targets = [f"read:{read_id}" for read_id in read_ids][:100]
    with refusals_recorded(actor=actor, action=actions.EVIDENCE_PACKAGE_CREATED, targets=targets,
                           purpose=purpose[:64], case_number=case_number[:64], description=description):
        require_evidence_handler(actor)
        ids = _validate_request(read_ids, purpose, case_number, description, recipient)
        reads = list(PlateRead.system_objects.select_related("camera").filter(pk__in=ids)
                     .order_by("captured_at"))
        missing = sorted(set(ids) - {read.pk for read in reads})
        if missing:
            raise NotFound(f"No such read: {', '.join(map(str, missing))}.")
        if any(read.origin_agency for read in reads):
            raise PolicyDenied("Reads received from other agencies are never exported (SHR-6).",
                               code="received_read")
        erroneous = set(ErroneousRead.objects.filter(read_id__in=ids).values_list("read_id", flat=True))
        package = EvidencePackage(created_by=actor.user, created_by_label=actor.label,
                                  purpose=purpose.strip(), case_number=case_number.strip()[:64],
                                  description=description.strip(), recipient=recipient.strip()[:200],
                                  read_ids=ids)
        package.directory = f"{package.created_at:%Y}/{_slug(package.case_number)}-{package.uuid}"
        custody = {
            "package": str(package.uuid),
            "created_at": package.created_at.isoformat(),
            "created_by": actor.label,
            "created_by_badge": getattr(actor.user, "badge_number", ""),
            "client_address": actor.client_ip,
            "purpose": package.purpose,
            "case_number": package.case_number,
            "description": package.description,
            "recipient": package.recipient,
            "agency": settings.AGENCY_NAME,
            "read_ids": ids,
        }
        files = _package_files(reads, erroneous, custody)
        package.file_count = len(files)
        package.manifest_sha256 = sha256_bytes(files[MANIFEST])
        try:
            storage.evidence_save(package.directory, files)
            with transaction.atomic():
                package.save()
                audit_record(actor=actor, action=actions.EVIDENCE_PACKAGE_CREATED,
                             purpose=package.purpose[:64], case_number=package.case_number,
                             description=package.description,
                             targets=[f"evidence-package:{package.uuid}", *(f"read:{i}" for i in ids)],
                             query={"manifest_sha256": package.manifest_sha256,
                                    "recipient": package.recipient},
                             result_count=len(ids))
        except BaseException:
            if package.pk is None:
                storage.evidence_delete(package.directory)
            raise
        return package


@dataclass
class Verification:
    """What a check of a package found; ``ok`` only when nothing was added, removed or altered."""

    directory: str
    package: EvidencePackage | None = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.added or self.removed or self.altered or self.problems)

    def lines(self) -> list[str]:
        found = [*self.problems, *(f"added: {p}" for p in self.added),
                 *(f"removed: {p}" for p in self.removed), *(f"altered: {p}" for p in self.altered)]
        return found or ["intact: every file matches the manifest"]


def _package_by_reference(reference: str) -> tuple[EvidencePackage | None, str]:
    """Find a package by uuid, id or directory (relative to the evidence store, or where it lies)."""
    package = None
    if re.fullmatch(r"\d+", reference):
        package = EvidencePackage.objects.filter(pk=int(reference)).first()
    elif re.fullmatch(r"[0-9a-fA-F-]{36}", reference):
        package = EvidencePackage.objects.filter(uuid=reference).first()
    if package is not None:
        return package, package.directory
    directory = storage.evidence_directory_of(reference)
    try:
        manifest = json.loads(storage.evidence_read(directory, MANIFEST))
        package = EvidencePackage.objects.filter(uuid=manifest.get("package")).first()
    except (OSError, ValueError, AttributeError):
        pass
    if package is None:
        package = EvidencePackage.objects.filter(directory=directory).first()
    return package, directory


def package_check(directory: str, package: EvidencePackage | None,
                  files: dict[str, bytes] | None = None) -> Verification:
    """Compare the files of the package stored at `directory` with its manifest, and the manifest with
    the recorded hash. `files`, when given, are the package's files already read."""
    result = Verification(directory=directory, package=package)
    if package is None:
        result.problems.append("unknown package: no evidence record in the database matches it")
    if files is None:
        try:
            files = storage.evidence_files(directory)
        except ValueError:  # "../", an absolute path: refused by the store, never read
            result.problems.append(f"refused: {directory} names a place outside the evidence store")
            return result
    if files is None:
        result.problems.append(
            f"missing: the package directory {directory} does not exist in the evidence store")
        return result
    try:
        manifest = json.loads(files[MANIFEST])
        listed = dict(manifest["files"])
    except (KeyError, ValueError, TypeError):
        result.problems.append("manifest.json is missing or unreadable")
        return result
    if package is not None and sha256_bytes(files[MANIFEST]) != package.manifest_sha256:
        result.altered.append(MANIFEST)
    present = _manifest_of(files)
    result.removed = sorted(set(listed) - set(present))
    result.added = sorted(set(present) - set(listed))
    result.altered += sorted(p for p in set(listed) & set(present) if listed[p] != present[p])
    return result


def evidence_package_verify(*, actor: Actor, reference: str) -> Verification:
    """Check a package (uuid, id or path) for added, removed or altered files; record the outcome."""
    package, directory = _package_by_reference(str(reference))
    result = package_check(directory, package)
    with transaction.atomic():
        if package is not None:
            package.last_verified_at = timezone.now()
            package.last_verified_ok = result.ok
            package.save(update_fields=["last_verified_at", "last_verified_ok"])
        audit_record(actor=actor, action=actions.EVIDENCE_PACKAGE_VERIFIED,
                     outcome=Outcome.ALLOWED if result.ok else Outcome.FAILED,
                     case_number=package.case_number if package else "",
                     targets=[f"evidence-package:{package.uuid}" if package else f"path:{directory}"],
                     reason="" if result.ok else "; ".join(result.lines())[:2000],
                     flagged=not result.ok)
    return result


# --- Opening a package ---------------------------------------------------------------------------

def _visible_package(*, actor: Actor, package_id: int, action) -> EvidencePackage:
    """Return the package if `actor` may see it; a package that is not theirs, or does not exist, is
    a refusal recorded under `action` and answered as "not found"."""
    with refusals_recorded(actor=actor, action=action, targets=[f"evidence-package-id:{package_id}"]):
        package = packages_visible_to(actor.user).filter(pk=package_id).first() if actor.user else None
        if package is None:
            raise NotYours("No such evidence package, or it is not yours to see.")
    return package


@enforces("RET-4")
def evidence_package_get(*, actor: Actor, package_id: int) -> EvidencePackage:
    """Return a package for its page (its creator, administrators, auditors); the view is audited."""
    package = _visible_package(actor=actor, package_id=package_id, action=actions.EVIDENCE_PACKAGE_VIEWED)
    audit_record(actor=actor, action=actions.EVIDENCE_PACKAGE_VIEWED, case_number=package.case_number,
                 targets=[f"evidence-package:{package.uuid}"])
    return package


def evidence_package_check(*, actor: Actor, package_id: int) -> tuple[EvidencePackage, "Verification"]:
    """Verify a package its viewer may see (see ``evidence_package_verify``)."""
    package = _visible_package(actor=actor, package_id=package_id, action=actions.EVIDENCE_PACKAGE_VERIFIED)
    return package, evidence_package_verify(actor=actor, reference=str(package.uuid))


# --- Handing a package over -----------------------------------------------------------------------

def package_archive(package: EvidencePackage) -> bytes:
    """Return the package as a ZIP of its directory, after checking it still matches its manifest.

    An altered package is never handed out: the recipient would get evidence that does not match
    its recorded hash.
    """
    files = storage.evidence_files(package.directory)
    check = package_check(package.directory, package, files)
    if not check.ok:
        raise ApplicationError("This package no longer matches its manifest and is not handed out: "
                               + "; ".join(check.lines()), code="package_altered")
    folder = PurePosixPath(package.directory).name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(f"{folder}/{name}", data)
    return buffer.getvalue()


def package_document(package: EvidencePackage, name: str) -> bytes:
    """Return one file of a package (its manifest or custody record, for the package's page)."""
    return storage.evidence_read(package.directory, name)


# --- Orphaned directories ------------------------------------------------------------------------

def _oldest_open_transaction() -> datetime | None:
    """Return when the oldest other transaction on this database began (those of the application's
    role are all visible to it), or None."""
    with connection.cursor() as cursor:
        # Activity is read once per transaction unless cleared; the caller may be inside one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL")
        return cursor.fetchone()[0]


def _unrecorded_directories(cutoff: datetime) -> list[str]:
    """Return package directories last changed before `cutoff` whose uuid no package row has."""
    found = {}
    for directory, written in storage.evidence_directories():
        match = _PACKAGE_NAME.search(PurePosixPath(directory).name)
        if match and written < cutoff.timestamp():
            found[match.group(1)] = directory
    recorded = EvidencePackage.objects.filter(uuid__in=found).values_list("uuid", flat=True)
    recorded = {str(uuid) for uuid in recorded}
    return sorted(directory for uuid, directory in found.items() if uuid not in recorded)


@enforces("RET-4")
def evidence_orphans_remove(*, actor: Actor, now: datetime | None = None,
                            older_than: timedelta = ORPHAN_AFTER) -> list[str]:
    """Delete package directories that no package row records, left by a rolled-back caller or a crash;
    return them, relative to EVIDENCE_ROOT, and audit what was removed.

    A directory is a candidate only once `older_than` has passed since it was last written and since
    the oldest transaction still open began: that transaction's row could otherwise yet commit.
    """
    now = now or timezone.now()
    cutoff = min(now, _oldest_open_transaction() or now) - older_than
    removed = []
    for directory in _unrecorded_directories(cutoff):
        try:
            storage.evidence_delete(directory)
        except OSError as error:
            logger.warning("could not remove orphaned evidence directory %s: %s", directory, error)
            continue
        removed.append(directory)
    if removed:
        audit_record(actor=actor, action=actions.EVIDENCE_ORPHANS_REMOVED, result_count=len(removed),
                     targets=[f"path:{name}" for name in removed],
                     description="package directories without a package record")
    return removed
