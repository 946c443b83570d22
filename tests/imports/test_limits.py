"""Files refused as a whole, each with its own message in both languages,
before openpyxl reads them: too large, too many rows, macros, external links,
encryption, a zip bomb, something that is not a workbook."""

import io
import zipfile

import pytest
from django.test import override_settings

from config.exceptions import InvalidInput
from imports import services
from imports.models import ImportJob, JobStatus
from imports.reader import OLE_SIGNATURE
from tests.imports.conftest import good_sheets, workbook_bytes
from tracker.models import Task


def refused(world, office, data, name="清单.xlsx") -> dict:
    job = services.import_job_create(
        initiative=world, actor=office, file_name=name, data=data
    )
    assert job.status == JobStatus.REFUSED
    assert len(job.problems) == 1
    assert not Task.objects.filter(initiative=world).exists()
    return job.problems[0]


def with_member(data: bytes, name: str, content: bytes = b"<x/>") -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def test_a_file_over_the_size_limit_is_not_even_stored(world, office):
    with pytest.raises(InvalidInput) as raised:
        services.import_job_create(
            initiative=world,
            actor=office,
            file_name="big.xlsx",
            data=b"x" * (5 * 1024 * 1024 + 1),
        )
    assert "5 MB" in str(raised.value.message)
    assert not ImportJob.objects.exists()


@override_settings(IMPORTS_MAX_ROWS=5)
def test_too_many_rows(world, office):
    sheets = good_sheets()
    sheets["事项"] = [
        [f"R-{n:02d}", "事项", "能源保障", "共投共建", "", "", "", "2026-01-01", "", ""]
        for n in range(8)
    ]
    problem = refused(world, office, workbook_bytes(sheets))
    assert problem["en"] == "The file has more than 5 rows: split it."
    assert problem["zh"] == "文件超过5行，请拆分后上传。"


def test_macros_are_refused_by_name_and_by_content(world, office):
    data = workbook_bytes(good_sheets())
    problem = refused(world, office, data, name="清单.xlsm")
    assert "macros" in problem["en"] and "宏" in problem["zh"]
    problem = refused(world, office, with_member(data, "xl/vbaProject.bin", b"\0" * 64))
    assert "macros" in problem["en"] and "宏" in problem["zh"]


def test_external_links_are_refused(world, office):
    data = with_member(
        workbook_bytes(good_sheets()), "xl/externalLinks/externalLink1.xml"
    )
    problem = refused(world, office, data)
    assert "external links" in problem["en"]
    assert "外部链接" in problem["zh"]


def test_an_encrypted_workbook_is_refused(world, office):
    problem = refused(world, office, OLE_SIGNATURE + b"\0" * 4096)
    assert "encrypted" in problem["en"]
    assert "加密" in problem["zh"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(world, office):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    problem = refused(world, office, buffer.getvalue())
    assert "zip bomb" in problem["en"]
    assert "压缩炸弹" in problem["zh"]


def test_content_that_is_not_a_workbook_is_refused(world, office):
    problem = refused(world, office, b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert problem["en"] == "This is not an Excel workbook (.xlsx) or a CSV file."
    assert problem["zh"] == "该文件不是 Excel 工作簿（.xlsx）或 CSV 文件。"
    problem = refused(world, office, b"PK\x03\x04 not really a zip")
    assert "damaged" in problem["en"]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    problem = refused(world, office, other_zip.getvalue())
    assert "not an Excel workbook" in problem["en"]
