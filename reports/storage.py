"""Report files, through the storage API on either backend: written whole
(config.storage_backends: a temporary file renamed into place on disk, one PUT
in an object store), so a reader (or a worker killed mid-write) never sees
half a file."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.storage import default_storage


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


def write_atomically(name: str, data: bytes) -> tuple[int, str]:
    """Write `data` to the storage name `name`, replacing what was there;
    return (size, sha256 hex)."""
    default_storage.replace(name, data)
    return len(data), hashlib.sha256(data).hexdigest()


def remove_leftovers(name: str) -> int:
    """Delete what a killed attempt left beside `name` (temporary files on
    disk; an object store keeps no half objects)."""
    return default_storage.remove_leftovers(name)


def checksum(name: str) -> str | None:
    """The SHA-256 of a stored file, or None when it is missing."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as f:
            for block in iter(lambda: f.read(1 << 16), b""):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()
