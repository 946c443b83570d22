"""Evidence uploads and downloads through the API plumbing."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from config.api.uploads import evidence_response, validate_evidence
from tests.config.api_plumbing import PDF, URLS, problem

# --- evidence uploads --------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def png_1x1() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit grey
    pixels = zlib.compress(b"\x00\x00")  # filter byte + one pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def ooxml(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")

MSG_TYPE = "Only PDF, JPG, PNG, DOCX and XLSX files are accepted."
MSG_CONTENT = "The file's content does not match its type."


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("报告.pdf", PDF, "pdf"),
        ("photo.JPG", JPEG, "jpg"),
        ("photo.jpeg", JPEG, "jpg"),
        ("chart.png", png_1x1(), "png"),
        ("说明.docx", DOCX, "docx"),
        ("指标.xlsx", XLSX, "xlsx"),
    ],
)
def test_each_allowed_kind_is_accepted(name, content, kind):
    upload = SimpleUploadedFile(name, content, content_type="application/x-anything")
    assert validate_evidence(upload) == kind
    assert upload.read() == content  # left at the start for storage


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", MSG_TYPE),
        ("page.html", b"<html><script>alert(1)</script>", MSG_TYPE),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", MSG_TYPE),
        ("noextension", PDF, MSG_TYPE),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00", MSG_CONTENT),
        ("page.pdf", b"<html><script>alert(1)</script>", MSG_CONTENT),
        ("chart.pdf", png_1x1(), MSG_CONTENT),
        ("scan.png", JPEG, MSG_CONTENT),
        ("table.xlsx", DOCX, MSG_CONTENT),
        ("text.docx", XLSX, MSG_CONTENT),
        ("archive.docx", ooxml("readme.txt"), MSG_CONTENT),
        ("macro.docx", ooxml("word/document.xml", "word/vbaProject.bin"), MSG_CONTENT),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", MSG_CONTENT),
    ],
)
def test_wrong_or_disguised_files_are_refused(name, content, message):
    with translation.override("en"):
        with pytest.raises(DjangoValidationError) as raised:
            validate_evidence(
                SimpleUploadedFile(name, content, content_type="application/pdf")
            )
        # The messages are translated when read: read them in English too.
        assert raised.value.messages == [message]


def test_too_large_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    just_fits = SimpleUploadedFile("a.pdf", PDF.ljust(1024 * 1024, b" "))
    assert validate_evidence(just_fits) == "pdf"
    too_big = SimpleUploadedFile("a.pdf", PDF.ljust(1024 * 1024 + 1, b" "))
    with translation.override("en"):
        with pytest.raises(DjangoValidationError) as raised:
            validate_evidence(too_big)
        assert raised.value.messages == ["The file is larger than 1 MB."]


@URLS
def test_the_serializer_field_answers_a_problem(member):
    accepted = member.post(
        "/evidence/",
        {"file": SimpleUploadedFile("图.png", png_1x1())},
        format="multipart",
    )
    assert accepted.status_code == 201
    assert accepted.json()["kind"] == "png"

    refused = member.post(
        "/evidence/",
        {"file": SimpleUploadedFile("x.pdf", b"<html>")},
        format="multipart",
    )
    body = problem(refused, 400, "invalid")
    assert body["errors"] == {"file": [MSG_CONTENT]}


# Closing a response ends the request, and Django's end-of-request handler looks
# at the database connection: these tests may touch the database for that.
@pytest.mark.django_db
def test_download_is_an_attachment_typed_by_content(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("evidence/abc", io.BytesIO(PDF))
    response = evidence_response(storage.open(name), filename="../../川渝评估.html")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # The name keeps its Chinese (RFC 5987) but loses the path and the lie.
    assert "filename*=utf-8''%E5%B7%9D%E6%B8%9D%E8%AF%84%E4%BC%B0.pdf" in disposition
    assert b"".join(response.streaming_content) == PDF
    response.close()


@pytest.mark.django_db
def test_download_of_unrecognised_content_is_octet_stream(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("evidence/abc", io.BytesIO(b"<html>"))
    response = evidence_response(storage.open(name), filename="a.pdf")
    assert response["Content-Type"] == "application/octet-stream"
    assert 'filename="a.bin"' in response["Content-Disposition"]
    response.close()
