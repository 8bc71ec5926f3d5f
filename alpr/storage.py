"""Where plate-read images live on disk, and how they get there durably.

Layout: ``MEDIA_ROOT/reads/YYYY/MM/DD/<read uuid>-full.<ext>`` and ``-crop.jpg``, by UTC day of
capture, the same day as the read's table partition, so the purge removes a day's directory with
its partition (RET-1, RET-3). Paths stored on rows are relative to MEDIA_ROOT.

A write is durable before it returns: the bytes go to a temporary name in the target directory,
are fsync'ed, renamed into place, and the directory is fsync'ed, so an accepted upload survives a
power cut and a crash never leaves a half-written file under the final name.
"""
import os
import secrets
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings

READS_DIR = "reads"


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def day_directory(day: date) -> Path:
    """Return the absolute directory holding the images of reads captured on `day` (UTC)."""
    return media_root() / READS_DIR / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"


def read_image_name(captured_at: datetime, read_uuid, kind: str, extension: str = "jpg") -> str:
    """Return the relative path of a read's image: `kind` is "full" or "crop"."""
    day = captured_at.astimezone(UTC).date()
    return f"{READS_DIR}/{day:%Y/%m/%d}/{read_uuid}-{kind}.{extension}"


def absolute_path(relative: str) -> Path:
    """Resolve a stored relative path, refusing anything that escapes MEDIA_ROOT."""
    root = media_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"image path outside MEDIA_ROOT: {relative!r}")
    return path


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


def write_durably(relative: str, data: bytes) -> Path:
    """Write `data` at MEDIA_ROOT/`relative` and make it durable before returning."""
    target = absolute_path(relative)
    _make_directories(target.parent)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
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
    return target


def read_bytes(relative: str) -> bytes:
    return absolute_path(relative).read_bytes()


def delete_quietly(*relatives: str) -> None:
    """Remove stored images (used when their row could not be committed); missing files are fine."""
    for relative in relatives:
        if relative:
            absolute_path(relative).unlink(missing_ok=True)


def delete_day(day: date) -> None:
    """Remove every image of reads captured on `day` (UTC). For the purge, with the day's partition."""
    directory = day_directory(day)
    if directory.exists():
        shutil.rmtree(directory)
        _fsync_directory(directory.parent)


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()
