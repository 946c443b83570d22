"""The round trip: the demo list exported (as the joint office, through the
API's export), imported into an empty initiative, exported again: the same
content, cell by cell, but for the computed columns that rest on history.

Those columns differ on purpose: an import carries the list (items, owners,
milestones, indicators), not what happened to it. The progress updates, the
indicator readings and the milestones' completions stay with the demo list,
so in the copy

- 进度, 亮灯, 亮灯原因 (事项): progress comes from reports and completed
  milestones, and the light and its reason from progress against the dates;
- 状态, 完成时间, 逾期天数 (节点): every milestone starts pending;
- 完成值, 完成值截至 (指标): no reading yet.

The days overdue of an item (逾期天数, 节点逾期天数) are computed from its own
dates and its milestones' dates and statuses: the item's are compared, its
milestones' (节点逾期天数) are not, since they rest on the milestones'
completions.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection

from accounts.models import User
from imports import services as imports
from imports.columns import EXPORT_ONLY, INDICATORS, ITEMS, MILESTONES, SHEETS
from imports.models import JobStatus
from tests.clock import TODAY
from tests.imports.conftest import good_sheets, workbook_bytes
from tests.imports.test_libreoffice_and_command import libreoffice_copy
from tracker import services
from tracker.choices import TaskStatus
from tracker.demo import load_demo
from tracker.models import Indicator, Initiative, Milestone, Task, TaskOwner

API_XLSX, API_CSV = "/api/v1/tasks/export.xlsx", "/api/v1/tasks/export.csv"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# The computed columns that rest on history the import does not carry (see
# the module's docstring), by sheet.
HISTORY = {
    ITEMS: {"progress", "light", "light_reason", "milestone_days_overdue"},
    MILESTONES: {"status", "completed_at", "days_overdue"},
    INDICATORS: {"actual", "actual_as_of"},
}


@pytest.fixture
def demo(db, today):
    load_demo(today=TODAY)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return Initiative.objects.get(code="chengyu")


@pytest.fixture
def joint_office(demo):
    return User.objects.get(username="admin")


def empty_like(demo: Initiative, code: str) -> Initiative:
    """An initiative with the demo's parties and work streams, and no item."""
    target = services.initiative_create(
        code=code,
        name=f"{demo.name}（{code}）",
        parties=[
            (p.party, p.lead_agency)
            for p in demo.participations.select_related("party").order_by("sort_order")
        ],
    )
    for stream in demo.work_streams.order_by("sort_order"):
        services.work_stream_create(
            initiative=target,
            code=stream.code,
            name=stream.name,
            sort_order=stream.sort_order,
        )
    return target


@pytest.fixture
def copy(demo):
    return empty_like(demo, "copy")


def export(client, user, initiative, url=API_XLSX, language=ZH) -> bytes:
    client.force_login(user)
    response = client.get(
        url, {"initiative": initiative.pk, "ordering": "code"}, **language
    )
    assert response.status_code == 200, response.content[:500]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def import_file(initiative, user, data: bytes, name: str):
    """Check the file (no problem), then import it."""
    job = imports.import_job_create(
        initiative=initiative, actor=user, file_name=name, data=data
    )
    assert job.status == JobStatus.CHECKED
    assert job.problems == [], job.problems[:5]
    summary = job.preview["summary"]
    job = imports.import_job_commit(job=job, actor=user)
    assert job.status == JobStatus.DONE, job.problems[:5]
    return summary


def sheets(data: bytes) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def history_columns(sheet: str, header: list) -> set[int]:
    """The indexes of `header`'s columns that rest on history."""
    titles = {c.zh for c in EXPORT_ONLY[sheet] if c.key in HISTORY.get(sheet, ())}
    titles |= {c.en for c in EXPORT_ONLY[sheet] if c.key in HISTORY.get(sheet, ())}
    return {n for n, title in enumerate(header) if title in titles}


def differences(first: list[list], second: list[list], sheet: str) -> list:
    """The cells (row, header) that differ, but for the history columns."""
    assert first[0] == second[0]
    skip = history_columns(sheet, first[0])
    assert len(first) == len(second)
    return [
        (row[0], first[0][n], a, b)
        for row, other in zip(first, second, strict=True)
        for n, (a, b) in enumerate(zip(row, other, strict=True))
        if n not in skip and a != b
    ]


def test_the_export_imports_into_an_empty_initiative_and_exports_the_same(
    client, demo, copy, joint_office
):
    original = export(client, joint_office, demo)
    summary = import_file(copy, joint_office, original, "清单导出.xlsx")
    counts = {
        "tasks": Task.objects.filter(initiative=demo).count(),
        "owners": TaskOwner.objects.filter(task__initiative=demo).count(),
        "milestones": Milestone.objects.filter(task__initiative=demo).count(),
        "indicators": Indicator.objects.filter(task__initiative=demo).count(),
    }
    assert summary == {"create": sum(counts.values()), "change": 0, "unchanged": 0}
    assert Task.objects.filter(initiative=copy).count() == counts["tasks"]
    # The item codes are the initiative's own: the same codes live in both.
    assert set(
        Task.objects.filter(initiative=copy).values_list("code", flat=True)
    ) == set(Task.objects.filter(initiative=demo).values_list("code", flat=True))
    # Closed items are recorded closed, as the exported ledger has them.
    completed = set(
        Task.objects.filter(initiative=demo, status=TaskStatus.COMPLETED).values_list(
            "code", flat=True
        )
    )
    assert completed
    assert (
        set(
            Task.objects.filter(
                initiative=copy, status=TaskStatus.COMPLETED
            ).values_list("code", flat=True)
        )
        == completed
    )

    again = export(client, joint_office, copy)
    before, after = sheets(original), sheets(again)
    assert list(before) == list(after) == list(SHEETS)
    for sheet in SHEETS:
        header = before[sheet][0]
        assert header[: len(SHEETS[sheet])] == [c.zh for c in SHEETS[sheet]]
        assert len(before[sheet]) > 1, sheet
        assert differences(before[sheet], after[sheet], sheet) == []
    # The history columns do differ, each of them, which is why they are left
    # out above: the demo's reports, readings and completed milestones did not
    # travel.
    for sheet in SHEETS:
        header = before[sheet][0]
        changed = {
            header[n]
            for row, other in zip(before[sheet], after[sheet], strict=True)
            for n, (a, b) in enumerate(zip(row, other, strict=True))
            if a != b
        }
        assert changed == {header[n] for n in history_columns(sheet, header)}
    actual = before[INDICATORS][0].index("完成值")
    assert all(row[actual] is None for row in after[INDICATORS][1:])

    # Imported onto the list it came from, the file changes nothing.
    summary = import_file(demo, joint_office, again, "再次导入.xlsx")
    assert summary == {"create": 0, "change": 0, "unchanged": sum(counts.values())}


def test_the_csv_round_trip(client, demo, copy, joint_office):
    # The workbook carries the owners (a CSV holds only the 事项 sheet, and a
    # new item needs its owners): the copy is made from it.
    import_file(copy, joint_office, export(client, joint_office, demo), "清单.xlsx")
    first = export(client, joint_office, demo, API_CSV)
    second = export(client, joint_office, copy, API_CSV)
    rows = [
        list(csv.reader(io.StringIO(d.decode("utf-8-sig")))) for d in (first, second)
    ]
    assert rows[0][0][: len(SHEETS[ITEMS])] == [c.zh for c in SHEETS[ITEMS]]
    assert len(rows[0]) == Task.objects.filter(initiative=demo).count() + 1
    assert differences(rows[0], rows[1], ITEMS) == []
    # The CSV reads as the 事项 sheet: onto either list, nothing to change.
    for target, data in ((copy, first), (demo, second)):
        summary = import_file(target, joint_office, data, "清单.csv")
        assert summary["create"] == summary["change"] == 0


def test_an_english_export_imports_too(client, demo, copy, joint_office):
    data = export(client, joint_office, demo, language=EN)
    assert list(sheets(data)) == ["Items", "Owners", "Milestones", "Indicators"]
    summary = import_file(copy, joint_office, data, "tasks.xlsx")
    assert summary["create"] > 0 and summary["change"] == 0


def test_an_export_saved_by_libreoffice_imports(
    client, demo, copy, joint_office, tmp_path
):
    original = export(client, joint_office, demo)
    saved = libreoffice_copy(original, tmp_path)
    assert saved != original
    summary = import_file(copy, joint_office, saved, "lo.xlsx")
    assert summary["change"] == summary["unchanged"] == 0
    again = export(client, joint_office, copy)
    before, after = sheets(original), sheets(again)
    for sheet in SHEETS:
        assert differences(before[sheet], after[sheet], sheet) == []


def test_text_the_export_quoted_comes_back_as_typed(client, demo, copy, joint_office):
    """A title or a phone number that a spreadsheet would run as a formula is
    exported quoted ('=…, '+86…); the import reads it back as it was typed."""
    task = Task.objects.filter(initiative=demo).order_by("code").first()
    title = "=SUM(1,2) 联合申报"
    services.task_update(
        task=task, actor=joint_office, expected_version=None, title=title
    )
    owner = task.owners.order_by("party_id").first()
    services.task_owner_update(
        owner=owner, actor=joint_office, contact_phone="+86 28 86701801"
    )
    original = export(client, joint_office, demo)
    cells = sheets(original)
    assert [row[1] for row in cells[ITEMS][1:]].count("'" + title) == 1
    import_file(copy, joint_office, original, "清单.xlsx")
    copied = Task.objects.get(initiative=copy, code=task.code)
    assert copied.title == title
    assert copied.owners.get(party=owner.party).contact_phone == "+86 28 86701801"
    again = sheets(export(client, joint_office, copy))
    for sheet in SHEETS:
        assert differences(cells[sheet], again[sheet], sheet) == []


def test_a_new_item_may_be_recorded_closed_not_mid_workflow(world, office):
    sheets_ = good_sheets()
    sheets_[ITEMS][0][8] = "已取消"
    sheets_[ITEMS][1][8] = "已暂停"
    job = imports.import_job_create(
        initiative=world,
        actor=office,
        file_name="a.xlsx",
        data=workbook_bytes(sheets_),
    )
    assert [(p["sheet"], p["row"], p["column"]) for p in job.problems] == [
        (ITEMS, 3, "status")
    ]
    sheets_[ITEMS][1][8] = "推进中"
    # The computed columns of an export are passed over, not unknown.
    sheets_[ITEMS] = [[*row, 0.5, "绿灯"] for row in sheets_[ITEMS]]
    book = workbook_bytes(sheets_)
    wb = openpyxl.load_workbook(io.BytesIO(book))
    wb[ITEMS].cell(row=1, column=11, value="进度")
    wb[ITEMS].cell(row=1, column=12, value="亮灯")
    buffer = io.BytesIO()
    wb.save(buffer)
    import_file(world, office, buffer.getvalue(), "b.xlsx")
    assert (
        Task.objects.get(initiative=world, code="IM-01").status == TaskStatus.CANCELLED
    )
    assert (
        Task.objects.get(initiative=world, code="IM-02").status
        == TaskStatus.IN_PROGRESS
    )
