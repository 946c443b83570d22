"""Where files live: the local disk (the embedded default) or an S3-compatible
object store, chosen by STORAGE_URL (config.storage_url).

Both backends are used only through Django's storage API
(``default_storage``), so a web node and a worker on different machines share
files through the object store and nothing else. Two things the API does not
say are added here, with the same meaning on both:

* ``replace(name, data)`` puts whole bytes at exactly ``name``, replacing what
  was there, so that a reader (or a process killed mid-write) never sees half
  a file: on disk a temporary file renamed into place, in the object store a
  single PUT (or a multipart upload, which appears only when completed).
* ``remove_leftovers(name)`` deletes what a killed ``replace`` left behind: the
  temporary files beside ``name`` on disk; nothing in the object store.

Downloads are streamed through the web (reports.downloads, config.api.uploads,
the export views) rather than redirected to signed URLs: the permission check
and the headers (Chinese file name, Content-Type, nosniff, CSP, cache) stay in
one place for both backends, and the object store need not be reachable from
users' browsers, as on a government intranet it usually is not. The files are
reports, exports and evidence of at most a few tens of MB; the web node reads
them into memory up to ``max_memory_size`` and beyond that into a temporary
file of its own.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

PART_SUFFIX = ".part"


class LocalStorage(FileSystemStorage):
    """Files under MEDIA_ROOT."""

    def replace(self, name: str, data: bytes) -> str:
        final = Path(self.path(name))
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
        return name

    def remove_leftovers(self, name: str) -> int:
        final = Path(self.path(name))
        if not final.parent.exists():
            return 0
        removed = 0
        for leftover in final.parent.glob(f"{final.name}.*{PART_SUFFIX}"):
            leftover.unlink(missing_ok=True)
            removed += 1
        return removed


class ObjectStorage(S3Storage):
    """Private objects in one bucket of an S3-compatible store."""

    def replace(self, name: str, data: bytes) -> str:
        # _save uploads to exactly this key; save() would look for a free
        # name first, as it must for uploads.
        return self._save(name, ContentFile(data))

    def remove_leftovers(self, name: str) -> int:
        return 0  # an unfinished upload is never an object
