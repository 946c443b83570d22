"""Report files: written under a temporary name and renamed into place, so a
reader (or a worker killed mid-write) never sees half a file."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

PART_SUFFIX = ".part"


def report_file_name(report, fmt: str, language: str | None = None) -> str:
    """The storage name of one format of a report; the same on every attempt,
    so a re-run replaces rather than adds. Files in a language other than the
    default one carry it before the extension (….en.pdf)."""
    scope = report.scope
    if report.scope_party_id:
        scope = f"party-{report.scope_party_id}"
    elif report.scope_work_stream_id:
        scope = f"stream-{report.scope_work_stream_id}"
    suffix = fmt
    if language and language != settings.LANGUAGE_CODE:
        suffix = f"{language}.{fmt}"
    return (
        f"reports/{report.period_end:%Y}/{report.kind}-{scope}-"
        f"{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}-{report.pk}.{suffix}"
    )


def _path(name: str) -> Path:
    return Path(default_storage.path(name))


def write_atomically(name: str, data: bytes) -> tuple[int, str]:
    """Write `data` to the storage name `name`; return (size, sha256 hex)."""
    final = _path(name)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f"{final.name}.{uuid.uuid4().hex}{PART_SUFFIX}")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return len(data), hashlib.sha256(data).hexdigest()


def remove_leftovers(name: str) -> int:
    """Delete temporary files a killed attempt left beside `name`."""
    final = _path(name)
    if not final.parent.exists():
        return 0
    removed = 0
    for leftover in final.parent.glob(f"{final.name}.*{PART_SUFFIX}"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed


def checksum(name: str) -> str | None:
    """The SHA-256 of a stored file, or None when it is missing."""
    path = _path(name)
    if not path.exists():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
