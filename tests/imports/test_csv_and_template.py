"""CSV (the 事项 sheet) in the encodings Chinese Excel and others write; the
template: its sheets, notes and lists, and a file filled in from it imports."""

import csv
import io

from openpyxl import load_workbook

from imports import services
from imports.columns import SHEETS
from imports.models import JobStatus
from imports.template import LISTS_SHEET, template_build
from tests.imports.conftest import ITEM_ROWS, good_sheets, workbook_bytes
from tracker.models import Task


def csv_bytes(rows, encoding: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([c.zh for c in SHEETS["事项"]])
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def imported(world, office, data, name):
    job = services.import_job_create(
        initiative=world, actor=office, file_name=name, data=data
    )
    assert job.problems == [], job.problems
    return services.import_job_commit(job=job, actor=office)


def test_gb18030_and_utf8_bom_csv_files_import(world, office):
    imported(world, office, workbook_bytes(good_sheets()), "清单.xlsx")
    rows = [list(r) for r in ITEM_ROWS]
    rows[0][1] = "川渝特高压配套工程（GB18030）"
    job = imported(world, office, csv_bytes(rows, "gb18030"), "事项.csv")
    assert job.status == JobStatus.DONE
    assert job.preview["summary"]["change"] == 1
    assert Task.objects.get(code="IM-01").title == "川渝特高压配套工程（GB18030）"

    rows[1][9] = "双跨平台共建，带BOM"
    job = imported(world, office, csv_bytes(rows, "utf-8-sig"), "事项-bom.csv")
    # IM-01 is as the GB18030 file left it; IM-02 changes.
    assert job.preview["summary"] == {"create": 0, "change": 1, "unchanged": 1}
    assert Task.objects.get(code="IM-02").description == "双跨平台共建，带BOM"


def test_the_template_has_notes_lists_and_an_example_the_import_passes_over(
    world, office
):
    data = template_build(initiative=world)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:4] == list(SHEETS)
    assert book[LISTS_SHEET].sheet_state == "hidden"
    for name, columns in SHEETS.items():
        sheet = book[name]
        headers = [cell.value for cell in sheet[1]]
        assert headers == [c.zh for c in columns]
        for cell, column in zip(sheet[1], columns, strict=True):
            assert column.en in cell.comment.text
        assert sheet.cell(row=2, column=1).value == "示例-01"
    lists = [dv.formula1 for dv in book["事项"].data_validations.dataValidation]
    assert any(LISTS_SHEET in f for f in lists if f)
    listed = {c.value for c in book[LISTS_SHEET]["A"]}
    assert {"四川省", "重庆市"} <= listed
    streams = {c.value for c in book[LISTS_SHEET]["C"]}
    assert {"能源保障", "数字基础设施"} <= streams

    job = services.import_job_create(
        initiative=world, actor=office, file_name="模板.xlsx", data=data
    )
    assert job.problems == []
    assert job.preview["summary"] == {"create": 0, "change": 0, "unchanged": 0}

    # Filled in below the example, it imports.
    for name, rows in good_sheets().items():
        for row in rows:
            book[name].append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    job = imported(world, office, buffer.getvalue(), "模板-已填.xlsx")
    assert job.status == JobStatus.DONE
    assert Task.objects.filter(initiative=world).count() == 2
