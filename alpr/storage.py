"""The one storage interface for plate-read images, evidence packages and signed declarations.

Two backends, chosen by ``ALPR_STORAGE_BACKEND`` (settings.ALPR_STORAGE_BACKEND): ``local`` (a POSIX
disk under MEDIA_ROOT and EVIDENCE_ROOT, the default) and ``s3`` (an S3-compatible object store
through django-storages and boto3, with signed requests). Nothing outside this module knows which one
is in use: callers hold *references* (the strings stored in ``image_path``/``crop_path``) and hand them
back to ``read_bytes``, ``delete_quietly`` and friends. docs/storage.md has the long form.

Images are laid out so that a day's purge removes a handful of files or objects, not one per read:

* ``reads/YYYY/MM/DD/`` holds the images of reads captured on that UTC day (the day of the read's
  table partition). On the local disk they are appended to *segment files*
  (``<pid>-<token>.seg``, one per writing process and day); on S3 an accepted image is first its own
  object (S3 objects cannot be appended to) and ``pack_images`` later packs a day's objects into
  segment objects. A segment reference names the segment, the image's offset and length, and the
  image's own name: ``reads/2026/05/01/812-1f2e3d4c.seg/4096-52311/<uuid>-full.jpg``.
* ``held/YYYY/MM/DD/`` holds single-image copies of held reads' images, copied out of the day's
  segments before the day is deleted (RET-2); there are few of them.
* Purging a day is ``delete_day``: one directory (a handful of segment files) or one prefix (a
  handful of segment objects, deleted 1,000 keys per request).

A write is durable before it returns: locally the record is written and ``fdatasync``'ed (a new
segment's directory is fsync'ed too); on S3 the PUT has returned. A segment record starts with a
small header naming the image, so a segment is self-describing (``stored_names``).
"""
import contextlib
import hashlib
import io
import os
import re
import secrets
import shutil
import struct
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage

READS_DIR = "reads"
HELD_DIR = "held"
EVIDENCE_PREFIX = "evidence"
DOCUMENTS_PREFIX = "documents"
SEGMENT_SUFFIX = ".seg"
# A local segment is closed and a new one begun past this size; S3 packing cuts segments at it too.
SEGMENT_LIMIT = 1 << 30
OPEN_SEGMENTS = 4  # segments a process keeps open (today's, yesterday's for late uploads, held ...)
RECORD_MAGIC = b"ALPR"
RECORD_HEADER = struct.Struct(">4sHI")  # magic, name length, data length
S3_DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes
BACKENDS = ("local", "s3")
_SEGMENT_REFERENCE = re.compile(
    r"^(?P<segment>(?:[^/]+/)*[^/]+\.seg)/(?P<offset>\d+)-(?P<length>\d+)/(?P<name>[^/]+)$")
_DAY_PATH = re.compile(r"^(\d{4})/(\d{2})/(\d{2})$")


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def day_prefix(day: date, area: str = READS_DIR) -> str:
    return f"{area}/{day:%Y/%m/%d}"


def read_image_name(captured_at: datetime, read_uuid, kind: str, extension: str = "jpg") -> str:
    """Return the name of a read's image (`kind` "full" or "crop"); ``write_durably`` stores it and
    returns the reference to keep on the row."""
    return f"{day_prefix(utc_day(captured_at))}/{read_uuid}-{kind}.{extension}"


def held_name(reference: str) -> str:
    """Return the name a held read's image is copied out to: same day and image name, held area."""
    day_dir, name = _day_directory_and_name(reference)
    return f"{HELD_DIR}/{day_dir}/{name}"


@dataclass(frozen=True)
class SegmentReference:
    segment: str
    offset: int
    length: int
    name: str

    def __str__(self) -> str:
        return f"{self.segment}/{self.offset}-{self.length}/{self.name}"


def parse_segment_reference(reference: str) -> SegmentReference | None:
    match = _SEGMENT_REFERENCE.match(reference)
    if not match:
        return None
    return SegmentReference(match["segment"], int(match["offset"]), int(match["length"]), match["name"])


def is_packed(reference: str) -> bool:
    """True when the image lives in a segment (one of a handful per day) rather than on its own."""
    return parse_segment_reference(reference) is not None


def _check_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "" in name.split("/") or "\\" in name:
        raise ValueError(f"storage name outside the store: {name!r}")
    return name


def _day_directory_and_name(reference: str) -> tuple[str, str]:
    """Return ("YYYY/MM/DD", image name) of a reads/ or held/ name or reference."""
    parsed = parse_segment_reference(reference)
    path = PurePosixPath(parsed.segment if parsed else reference)
    parts = path.parts
    if len(parts) < 5 or parts[0] not in (READS_DIR, HELD_DIR):
        raise ValueError(f"not an image reference: {reference!r}")
    return "/".join(parts[1:4]), parsed.name if parsed else path.name


def _record(name: str, data: bytes) -> tuple[bytes, int]:
    """Return a segment record for `name` and the offset of its data inside the record."""
    encoded = name.encode()
    header = RECORD_HEADER.pack(RECORD_MAGIC, len(encoded), len(data))
    return header + encoded + data, len(header) + len(encoded)


def _records(blob: bytes):
    """Yield (name, offset, length) of every complete record in a segment's bytes."""
    position = 0
    while position + RECORD_HEADER.size <= len(blob):
        magic, name_length, length = RECORD_HEADER.unpack_from(blob, position)
        if magic != RECORD_MAGIC:
            return
        start = position + RECORD_HEADER.size + name_length
        if start + length > len(blob):
            return
        yield blob[position + RECORD_HEADER.size:start].decode(), start, length
        position = start + length


def _segments(items: list[tuple[str, bytes]]):
    """Yield (segment bytes, [(name, data offset, length)]) for `items`, cut at SEGMENT_LIMIT."""
    buffer, entries = io.BytesIO(), []
    for name, data in items:
        record, data_offset = _record(name, data)
        if entries and buffer.tell() + len(record) > SEGMENT_LIMIT:
            yield buffer.getvalue(), entries
            buffer, entries = io.BytesIO(), []
        entries.append((name, buffer.tell() + data_offset, len(data)))
        buffer.write(record)
    if entries:
        yield buffer.getvalue(), entries


def _packed_segment_name() -> str:
    return f"pack-{secrets.token_hex(6)}{SEGMENT_SUFFIX}"


# --- The local disk -------------------------------------------------------------------------------

def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_directories(directory: Path) -> None:
    """Create `directory` and any missing parents, fsync'ing each parent that gained an entry."""
    if directory.is_dir():
        return
    missing = []
    current = directory
    while not current.is_dir():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        _fsync_directory(path.parent)


def _write_file_durably(target: Path, data: bytes) -> None:
    """Write `data` at `target` through a temporary name, fsync'ed and renamed into place."""
    _make_directories(target.parent)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        _write_all(fd, data, 0)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        temporary.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


class _OpenSegment:
    """A segment this process appends to: offsets are handed out under a lock, the bytes written and
    fdatasync'ed outside it, so concurrent threads share one file without waiting on each other's
    flush. One per process and directory: processes never share a segment file."""

    def __init__(self, directory: Path, relative_directory: str):
        _make_directories(directory)
        self.name = f"{os.getpid()}-{secrets.token_hex(4)}{SEGMENT_SUFFIX}"
        self.relative = f"{relative_directory}/{self.name}"
        self.path = directory / self.name
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o640)
        _fsync_directory(directory)
        self.size = 0
        self.pid = os.getpid()
        self.writers = 0  # writes in flight; the file is closed only when none is
        self.retired = False

    def usable(self) -> bool:
        """False once the segment is full, was deleted by a purge, or belongs to a parent process."""
        return self.pid == os.getpid() and self.size < SEGMENT_LIMIT and os.fstat(self.fd).st_nlink > 0

    def close_when_idle(self) -> None:
        """Called under the backend's lock: close now if no write is in flight, else after the last."""
        self.retired = True
        if self.writers == 0 and self.pid == os.getpid():
            with contextlib.suppress(OSError):
                os.close(self.fd)


class LocalBackend:
    name = "local"

    def __init__(self, media: Path, evidence: Path, documents: Path):
        self.media, self.evidence, self.documents = media, evidence, documents
        self._lock = threading.Lock()
        self._segments: dict[str, _OpenSegment] = {}

    def path(self, relative: str) -> Path:
        """Resolve a name under MEDIA_ROOT, refusing anything that escapes it."""
        root = self.media.resolve()
        path = (root / _check_name(relative)).resolve()
        if root not in path.parents:
            raise ValueError(f"storage name outside MEDIA_ROOT: {relative!r}")
        return path

    # images
    def write(self, name: str, data: bytes) -> str:
        directory, base = name.rsplit("/", 1)
        if directory.split("/", 1)[0] == HELD_DIR:
            _write_file_durably(self.path(name), data)
            return name
        record, data_offset = _record(base, data)
        with self._lock:
            segment = self._segments.pop(directory, None)
            if segment is None or not segment.usable():
                if segment is not None:
                    segment.close_when_idle()
                segment = _OpenSegment(self.path(directory), directory)
            self._segments[directory] = segment  # the most recently used last
            while len(self._segments) > OPEN_SEGMENTS:  # days gone by: no more writes expected
                self._segments.pop(next(iter(self._segments))).close_when_idle()
            offset = segment.size
            segment.size += len(record)
            segment.writers += 1
        try:
            _write_all(segment.fd, record, offset)
            os.fdatasync(segment.fd)
        finally:
            with self._lock:
                segment.writers -= 1
                if segment.retired:
                    segment.close_when_idle()
        return str(SegmentReference(segment.relative, offset + data_offset, len(data), base))

    def read(self, reference: str) -> bytes:
        parsed = parse_segment_reference(reference)
        if parsed is None:
            return self.path(reference).read_bytes()
        with self.path(parsed.segment).open("rb") as handle:
            handle.seek(parsed.offset)
            data = handle.read(parsed.length)
        if len(data) != parsed.length:
            raise FileNotFoundError(f"segment too short for {reference!r}")
        return data

    def erase(self, references: list[str]) -> int:
        """Remove single files; overwrite segment records with zeros (the bytes are gone at once, the
        space returns with the day's segments)."""
        erased = 0
        touched: dict[Path, int] = {}
        try:
            for reference in references:
                parsed = parse_segment_reference(reference)
                if parsed is None:
                    path = self.path(reference)
                    if path.exists():
                        path.unlink()
                        erased += 1
                    continue
                path = self.path(parsed.segment)
                if path not in touched:
                    try:
                        touched[path] = os.open(path, os.O_WRONLY)
                    except FileNotFoundError:
                        continue
                _write_all(touched[path], bytes(parsed.length), parsed.offset)
                erased += 1
        finally:
            for fd in touched.values():
                os.fdatasync(fd)
                os.close(fd)
        return erased

    def delete_prefix(self, prefix: str) -> int:
        directory = self.path(prefix)
        if not directory.is_dir():
            return 0
        count = sum(len(files) for _, _, files in os.walk(directory))
        # Out of the tree in one rename (nothing can open a file through its name after it), then gone.
        doomed = directory.with_name(f".{directory.name}.deleting-{secrets.token_hex(4)}")
        directory.rename(doomed)
        _fsync_directory(directory.parent)
        shutil.rmtree(doomed)
        for parent in (directory.parent, directory.parent.parent):
            try:
                parent.rmdir()
            except OSError:
                break
        return count

    def days(self, area: str) -> list[date]:
        root = self.media / area
        found = []
        for path in sorted(root.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]")):
            with contextlib.suppress(ValueError):
                found.append(date(int(path.parent.parent.name), int(path.parent.name), int(path.name)))
        return found

    def names(self, prefix: str) -> list[str]:
        root = self.media / prefix
        if not root.is_dir():
            return []
        found = []
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(self.media).as_posix()
            if path.name.endswith(SEGMENT_SUFFIX):
                blob = path.read_bytes()
                found += [str(SegmentReference(relative, offset, length, name))
                          for name, offset, length in _records(blob) if any(blob[offset:offset + length])]
            elif not path.name.startswith("."):
                found.append(relative)
        return found

    def files(self, prefix: str) -> int:
        root = self.media / prefix
        return sum(len(files) for _, _, files in os.walk(root)) if root.is_dir() else 0

    def pack(self, day_directory: str, items: list[tuple[str, bytes]]) -> list[str]:
        """Write `items` as new segment files of the day (each whole, fsync'ed, renamed into place)."""
        references = []
        for blob, entries in _segments(items):
            segment = f"{day_directory}/{_packed_segment_name()}"
            _write_file_durably(self.path(segment), blob)
            references += [str(SegmentReference(segment, offset, length, name))
                           for name, offset, length in entries]
        return references

    # evidence packages
    def evidence_save(self, directory: str, files: dict[str, bytes]) -> None:
        final = self.evidence / _check_name(directory)
        staging = final.with_name(f".staging-{final.name}")
        try:
            for name, data in files.items():
                target = staging / _check_name(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def evidence_files(self, directory: str) -> dict[str, bytes] | None:
        root = self.evidence / _check_name(directory)
        if not root.is_dir():
            return None
        return {path.relative_to(root).as_posix(): path.read_bytes()
                for path in sorted(root.rglob("*")) if path.is_file()}

    def evidence_read(self, directory: str, name: str) -> bytes:
        return (self.evidence / _check_name(directory) / _check_name(name)).read_bytes()

    def evidence_delete(self, directory: str) -> None:
        shutil.rmtree(self.evidence / _check_name(directory), ignore_errors=True)

    def evidence_directory_of(self, reference: str) -> str:
        path = Path(reference)
        if path.is_absolute():
            return path.resolve().relative_to(self.evidence.resolve()).as_posix() \
                if path.resolve().is_relative_to(self.evidence.resolve()) else reference
        return path.as_posix()

    def evidence_directories(self) -> list[tuple[str, float]]:
        if not self.evidence.is_dir():
            return []
        return [(path.relative_to(self.evidence).as_posix(), path.stat().st_mtime)
                for year in sorted(self.evidence.iterdir()) if year.is_dir()
                for path in sorted(year.iterdir()) if path.is_dir()]

    def check_erasable(self) -> None:
        """A file removed or overwritten on the local disk keeps no older version."""

    def prepare(self) -> str:
        for root in (self.media, self.evidence, self.documents):
            root.mkdir(parents=True, exist_ok=True)
        return f"local: {self.media}, {self.evidence}, {self.documents}"

    def documents_storage(self):
        from django.core.files.storage import FileSystemStorage

        return FileSystemStorage(location=str(self.documents))


# --- S3-compatible object storage ------------------------------------------------------------------

class S3Backend:
    name = "s3"

    def __init__(self, options: dict):
        from storages.backends.s3 import S3Storage

        self.options = options
        self.bucket = options["bucket_name"]
        self._storage = S3Storage(**options)
        self._local = threading.local()

    @property
    def client(self):
        """A boto3 client per thread (boto3 clients are thread-safe, but one per thread keeps the
        connection pools apart), signed with the configured keys (SigV4)."""
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._storage.connection.meta.client
        return client

    def _missing(self, error) -> bool:
        code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("NoSuchKey", "404", "NotFound", "InvalidRange")

    def _get(self, key: str, byte_range: str | None = None) -> bytes:
        from botocore.exceptions import ClientError

        arguments = {"Bucket": self.bucket, "Key": key}
        if byte_range:
            arguments["Range"] = byte_range
        try:
            return self.client.get_object(**arguments)["Body"].read()
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise

    def _put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data,
                               ContentMD5=_content_md5(data))

    def _list(self, prefix: str):
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    def _delete_keys(self, keys: list[str]) -> int:
        for start in range(0, len(keys), S3_DELETE_BATCH):
            batch = keys[start:start + S3_DELETE_BATCH]
            answer = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True})
            if answer.get("Errors"):
                raise OSError(f"object store refused to delete: {answer['Errors'][:3]}")
        return len(keys)

    # images
    def write(self, name: str, data: bytes) -> str:
        self._put(_check_name(name), data)
        return name

    def read(self, reference: str) -> bytes:
        parsed = parse_segment_reference(reference)
        if parsed is None:
            return self._get(_check_name(reference))
        data = self._get(_check_name(parsed.segment),
                         f"bytes={parsed.offset}-{parsed.offset + parsed.length - 1}")
        if len(data) != parsed.length:
            raise FileNotFoundError(f"segment too short for {reference!r}")
        return data

    def erase(self, references: list[str]) -> int:
        """Delete single objects; rewrite each touched segment with the records zeroed (objects are
        immutable: the same key, same length, so other references into it stay valid)."""
        singles = [_check_name(r) for r in references if parse_segment_reference(r) is None]
        by_segment: dict[str, list[SegmentReference]] = {}
        for reference in references:
            parsed = parse_segment_reference(reference)
            if parsed is not None:
                by_segment.setdefault(_check_name(parsed.segment), []).append(parsed)
        erased = self._delete_keys(singles) if singles else 0
        for segment, parts in by_segment.items():
            try:
                blob = bytearray(self._get(segment))
            except FileNotFoundError:
                continue
            for part in parts:
                blob[part.offset:part.offset + part.length] = bytes(part.length)
            self._put(segment, bytes(blob))
            erased += len(parts)
        return erased

    def delete_prefix(self, prefix: str) -> int:
        keys = [entry["Key"] for entry in self._list(f"{_check_name(prefix)}/")]
        return self._delete_keys(keys)

    def days(self, area: str) -> list[date]:
        found = []
        paginator = self.client.get_paginator("list_objects_v2")
        prefixes = [f"{area}/"]
        for _ in range(3):  # year, month, day
            below = []
            for prefix in prefixes:
                for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
                    below += [entry["Prefix"] for entry in page.get("CommonPrefixes", [])]
            prefixes = below
        for prefix in prefixes:
            match = _DAY_PATH.match(prefix[len(area) + 1:].rstrip("/"))
            # A store may list a folder for a moment after its last object went: count only days
            # that still hold an object.
            if match and self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix, MaxKeys=1).get(
                    "KeyCount"):
                with contextlib.suppress(ValueError):
                    found.append(date(int(match[1]), int(match[2]), int(match[3])))
        return sorted(found)

    def names(self, prefix: str) -> list[str]:
        found = []
        for entry in self._list(f"{prefix}/"):
            key = entry["Key"]
            if key.endswith(SEGMENT_SUFFIX):
                blob = self._get(key)
                found += [str(SegmentReference(key, offset, length, name))
                          for name, offset, length in _records(blob) if any(blob[offset:offset + length])]
            else:
                found.append(key)
        return sorted(found)

    def files(self, prefix: str) -> int:
        return sum(1 for _ in self._list(f"{prefix}/"))

    def pack(self, day_directory: str, items: list[tuple[str, bytes]]) -> list[str]:
        """Write `items` as segment objects of at most SEGMENT_LIMIT bytes; return their references."""
        references = []
        for blob, entries in _segments(items):
            key = f"{day_directory}/{_packed_segment_name()}"
            self._put(key, blob)
            references += [str(SegmentReference(key, offset, length, name))
                           for name, offset, length in entries]
        return references

    # evidence packages
    def _evidence_key(self, directory: str, name: str = "") -> str:
        return f"{EVIDENCE_PREFIX}/{_check_name(directory)}/{_check_name(name) if name else ''}"

    def evidence_save(self, directory: str, files: dict[str, bytes]) -> None:
        written = []
        try:
            # The manifest goes last: a package whose manifest is there has all its files.
            for name in sorted(files, key=lambda n: n == "manifest.json"):
                self._put(self._evidence_key(directory, name), files[name])
                written.append(self._evidence_key(directory, name))
        except BaseException:
            with contextlib.suppress(Exception):
                self._delete_keys(written)
            raise

    def evidence_files(self, directory: str) -> dict[str, bytes] | None:
        prefix = self._evidence_key(directory)
        keys = [entry["Key"] for entry in self._list(prefix)]
        if not keys:
            return None
        return {key[len(prefix):]: self._get(key) for key in sorted(keys)}

    def evidence_read(self, directory: str, name: str) -> bytes:
        return self._get(self._evidence_key(directory, name))

    def evidence_delete(self, directory: str) -> None:
        self._delete_keys([entry["Key"] for entry in self._list(self._evidence_key(directory))])

    def evidence_directory_of(self, reference: str) -> str:
        for prefix in (f"s3://{self.bucket}/{EVIDENCE_PREFIX}/", f"{EVIDENCE_PREFIX}/"):
            if reference.startswith(prefix):
                return reference[len(prefix):].rstrip("/")
        return reference.rstrip("/")

    def evidence_directories(self) -> list[tuple[str, float]]:
        latest: dict[str, float] = {}
        for entry in self._list(f"{EVIDENCE_PREFIX}/"):
            parts = entry["Key"][len(EVIDENCE_PREFIX) + 1:].split("/")
            if len(parts) >= 3:
                directory = f"{parts[0]}/{parts[1]}"
                latest[directory] = max(latest.get(directory, 0.0), entry["LastModified"].timestamp())
        return sorted(latest.items())

    def check_erasable(self) -> None:
        """Refuse a bucket that keeps versions (enabled, or suspended with old versions kept): a deleted
        or rewritten segment would stay readable as an old version after the purge (RET-3)."""
        status = self.client.get_bucket_versioning(Bucket=self.bucket).get("Status")
        if status in ("Enabled", "Suspended"):
            raise ImproperlyConfigured(
                f"The bucket {self.bucket} has versioning {status.lower()}: a purged image would stay "
                "readable as an old version. Use a bucket that has never had versioning (docs/storage.md).")

    def prepare(self) -> str:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if not self._missing(error):
                raise
            self.client.create_bucket(Bucket=self.bucket)
            return f"s3: created bucket {self.bucket}"
        self.check_erasable()
        return f"s3: bucket {self.bucket} is there"

    def documents_storage(self):
        from storages.backends.s3 import S3Storage

        return S3Storage(**{**self.options, "location": DOCUMENTS_PREFIX})


def _content_md5(data: bytes) -> str:
    """The Content-MD5 header: the store refuses a body damaged on the way."""
    import base64

    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


# --- Choosing the backend --------------------------------------------------------------------------

_backends: dict[tuple, object] = {}
_backends_lock = threading.Lock()


def s3_options() -> dict:
    """django-storages options for the configured bucket (settings from ALPR_S3_* variables)."""
    return {
        "bucket_name": settings.ALPR_S3_BUCKET,
        "endpoint_url": settings.ALPR_S3_ENDPOINT_URL or None,
        "access_key": settings.ALPR_S3_ACCESS_KEY_ID,
        "secret_key": settings.ALPR_S3_SECRET_ACCESS_KEY,
        "region_name": settings.ALPR_S3_REGION,
        "signature_version": "s3v4",
        "addressing_style": "path",
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
    }


def backend():
    """Return the configured backend (read from settings at each call, so tests can switch it)."""
    kind = settings.ALPR_STORAGE_BACKEND
    if kind == "local":
        key = (kind, str(settings.MEDIA_ROOT), str(settings.EVIDENCE_ROOT),
               str(settings.SHARING_DOCUMENTS_ROOT))
    elif kind == "s3":
        options = s3_options()
        if not (options["bucket_name"] and options["access_key"] and options["secret_key"]):
            raise ImproperlyConfigured("ALPR_STORAGE_BACKEND=s3 needs ALPR_S3_BUCKET, ALPR_S3_ACCESS_KEY_ID "
                                       "and ALPR_S3_SECRET_ACCESS_KEY (and ALPR_S3_ENDPOINT_URL unless AWS).")
        key = (kind, *sorted(s3_options().items()))
    else:
        raise ImproperlyConfigured(f"ALPR_STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, "
                                   f"not {kind!r}.")
    found = _backends.get(key)
    if found is None:
        with _backends_lock:
            found = _backends.get(key)
            if found is None:
                found = _backends[key] = (
                    LocalBackend(Path(settings.MEDIA_ROOT), Path(settings.EVIDENCE_ROOT),
                                 Path(settings.SHARING_DOCUMENTS_ROOT))
                    if kind == "local" else S3Backend(s3_options()))
    return found


# --- The interface ---------------------------------------------------------------------------------

def write_durably(name: str, data: bytes) -> str:
    """Store `data` under `name` (from ``read_image_name`` or ``held_name``), durably before returning;
    return the reference to keep on the row (it may differ from `name`: a segment reference)."""
    return backend().write(_check_name(name), data)


def read_bytes(reference: str) -> bytes:
    """Return a stored image; FileNotFoundError when it is not stored (or was erased), ValueError for
    a bad name."""
    data = backend().read(_check_name(reference))
    if data and not data.strip(b"\0"):
        raise FileNotFoundError(f"erased: {reference!r}")
    return data


def exists(reference: str) -> bool:
    try:
        read_bytes(reference)
    except FileNotFoundError:
        return False
    return True


def delete_quietly(*references: str) -> int:
    """Remove stored images (a failed commit's, or expired reads' of a partly purged day); missing
    ones are fine. A segment record is overwritten with zeros: its bytes are gone at once."""
    return backend().erase([_check_name(r) for r in references if r])


def delete_day(day: date) -> int:
    """Remove every image of reads captured on `day` (UTC), held copies included; return how many
    files or objects went (a handful: the day's segments)."""
    return backend().delete_prefix(day_prefix(day)) + backend().delete_prefix(day_prefix(day, HELD_DIR))


def delete_read_day(day: date) -> int:
    """Remove the day's segments (and unpacked images), leaving held copies."""
    return backend().delete_prefix(day_prefix(day))


def stored_days() -> list[date]:
    """Days that have images stored (reads or held copies)."""
    return sorted(set(backend().days(READS_DIR)) | set(backend().days(HELD_DIR)))


def stored_names(day: date | None = None) -> list[str]:
    """References of every stored image (of `day`, or all); zeroed segment records are not counted."""
    areas = (READS_DIR, HELD_DIR)
    if day is None:
        return sorted(name for area in areas for name in backend().names(area))
    return sorted(name for area in areas for name in backend().names(day_prefix(day, area)))


def stored_files(day: date) -> int:
    """How many files or objects hold `day`'s images: what a purge of that day removes."""
    return backend().files(day_prefix(day)) + backend().files(day_prefix(day, HELD_DIR))


def pack_images(day: date, items: list[tuple[str, bytes]]) -> list[str]:
    """Write `day`'s images (image name without a directory, bytes) into new segment files or objects;
    return their references in order."""
    for name, _ in items:
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            raise ValueError(f"not an image name: {name!r}")
    return backend().pack(day_prefix(day), items)


def evidence_save(directory: str, files: dict[str, bytes]) -> None:
    """Store an evidence package's files under `directory`; on the local disk it appears whole (written
    under a staging name, then renamed)."""
    backend().evidence_save(directory, files)


def evidence_files(directory: str) -> dict[str, bytes] | None:
    """Return {relative name: bytes} of a package's files, or None when no such package is stored."""
    return backend().evidence_files(directory)


def evidence_read(directory: str, name: str) -> bytes:
    return backend().evidence_read(directory, name)


def evidence_delete(directory: str) -> None:
    backend().evidence_delete(directory)


def evidence_directory_of(reference: str) -> str:
    """Return the package directory a user named (relative, or where the store keeps it)."""
    return backend().evidence_directory_of(reference)


def evidence_directories() -> list[tuple[str, float]]:
    """Return (package directory, last written as a Unix time) of every stored package."""
    return backend().evidence_directories()


def check_erasable() -> None:
    """Raise ImproperlyConfigured when the store would keep a deleted or overwritten image (a bucket
    with versioning): the purge calls it before deleting anything."""
    backend().check_erasable()


def prepare() -> str:
    """Make the configured store ready (directories, or the bucket if it is missing); say what was done."""
    return backend().prepare()


def documents_storage():
    """The Django storage of signed declarations in the configured backend."""
    return backend().documents_storage()


class DocumentStorage(Storage):
    """A FileField's storage that asks for the configured backend at each use: Django builds a field's
    storage once, at import, before tests (or a command) may have switched the backend."""

    def _target(self):
        return documents_storage()

    def open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def save(self, name, content, max_length=None):
        return self._target().save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self._target().generate_filename(filename)

    def delete(self, name):
        return self._target().delete(name)

    def exists(self, name):
        return self._target().exists(name)

    def size(self, name):
        return self._target().size(name)

    def listdir(self, path):
        return self._target().listdir(path)

    def url(self, name):
        return self._target().url(name)
