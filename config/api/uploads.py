"""Evidence attachments: what may be uploaded, and how it is served back.

The file's name and the client's Content-Type are the uploader's claims; the
first bytes are the truth. A file is accepted only when its extension is on the
allow-list, its content is of that same kind, and it is within the size limit,
so an HTML page or an executable renamed ``.pdf`` never reaches storage, and a
download can never be rendered by the browser as something else.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MIB
SNIFF_BYTES = 8

# kind → (extensions that may carry it, Content-Type to serve it with)
KINDS: dict[str, tuple[frozenset[str], str]] = {
    "pdf": (frozenset({"pdf"}), "application/pdf"),
    "jpg": (frozenset({"jpg", "jpeg"}), "image/jpeg"),
    "png": (frozenset({"png"}), "image/png"),
    "docx": (
        frozenset({"docx"}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        frozenset({"xlsx"}),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
EXTENSION_KIND = {ext: kind for kind, (exts, _ct) in KINDS.items() for ext in exts}

# The part an Office Open XML package of each kind cannot be without, and the
# macro parts that a macro-enabled file (.docm/.xlsm) renamed to .docx/.xlsx
# would carry; those are refused.
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
OOXML_MACRO_PARTS = frozenset({"word/vbaProject.bin", "xl/vbaProject.bin"})

MSG_TYPE = _("Only PDF, JPG, PNG, DOCX and XLSX files are accepted.")
MSG_SIZE = _("The file is larger than %(limit)s MB.")
MSG_CONTENT = _("The file's content does not match its type.")


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def sniff_kind(fileobj: IO[bytes] | File) -> str | None:
    """The kind the content shows, from its first bytes (and, for a ZIP, its
    member list), or None. Leaves the file positioned at its start."""
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(fileobj)
    return None


def _sniff_ooxml(fileobj: IO[bytes] | File) -> str | None:
    # Reads only the ZIP's central directory: nothing is decompressed, so a
    # ZIP bomb costs nothing here.
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        fileobj.seek(0)
    if names & OOXML_MACRO_PARTS:
        return None
    found = [kind for kind, part in OOXML_MAIN_PART.items() if part in names]
    return found[0] if len(found) == 1 else None


def validate_evidence(uploaded_file: File) -> str:
    """Check an uploaded attachment; return its kind ("pdf", "jpg", "png",
    "docx" or "xlsx"). Raises ValidationError with a translated message."""
    claimed = EXTENSION_KIND.get(_extension(uploaded_file.name or ""))
    if claimed is None:
        raise ValidationError(MSG_TYPE, code="file_type")
    limit = max_bytes()
    if uploaded_file.size is None or uploaded_file.size > limit:
        raise ValidationError(
            MSG_SIZE, code="file_too_large", params={"limit": megabytes(limit)}
        )
    if sniff_kind(uploaded_file) != claimed:
        raise ValidationError(MSG_CONTENT, code="file_content_mismatch")
    return claimed


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def megabytes(size: int) -> str:
    return f"{size / MIB:.2f}".rstrip("0").rstrip(".")


class EvidenceFileField(serializers.FileField):
    """A FileField that accepts only what validate_evidence accepts. The kind it
    found is left on the file as ``evidence_kind`` for the service to record."""

    def to_internal_value(self, data: Any) -> Any:
        uploaded = super().to_internal_value(data)
        try:
            uploaded.evidence_kind = validate_evidence(uploaded)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from exc
        return uploaded


def evidence_response(field_file: File, *, filename: str) -> FileResponse:
    """Stream a stored attachment as a download.

    Always an attachment, typed by what the content is (re-sniffed, in case the
    stored file was replaced behind our back) and never by its name, with
    ``nosniff`` and a sandboxing CSP so that no browser runs it as a page."""
    field_file.open("rb")
    kind = sniff_kind(field_file)
    content_type = KINDS[kind][1] if kind else "application/octet-stream"
    response = FileResponse(
        field_file,
        as_attachment=True,
        filename=_safe_filename(filename, kind),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


_UNSAFE_FILENAME_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def _safe_filename(filename: str, kind: str | None) -> str:
    """The user's file name (Chinese kept) without path parts or control
    characters, and with the extension of what the content really is, so a
    saved file opens in the right program."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/")
    name = _UNSAFE_FILENAME_CHARS.sub("_", PurePosixPath(name).name).strip(" .")
    stem = PurePosixPath(name).stem if name else ""
    if kind is not None and EXTENSION_KIND.get(_extension(name)) == kind:
        return name
    # Unknown content (only a file replaced after upload) gets a name nothing
    # will open as a page or a program.
    return f"{stem or 'evidence'}.{kind or 'bin'}"
