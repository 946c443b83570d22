"""Every spreadsheet export normalises text first and then neutralises what a
spreadsheet would run: a control character or an invisible one in front of
``=`` must not smuggle a formula through."""

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from audit import exports
from audit.security import auditor_group_sync
from reports.render import render
from tests.factories import UserFactory, make_task

FORMULA = '=HYPERLINK("http://evil.example/?x=1","点我")'
# What a spreadsheet reads as FORMULA once it drops or trims the first character.
DISGUISED = [
    "\x01" + FORMULA,
    "\x00\x1f" + FORMULA,
    "\x7f" + FORMULA,
    " " + FORMULA,
    "\u200b" + FORMULA,
    "\ufeff+1+1",
    "\u3000@SUM(A1)",
    "\x01-1",
    "＝1+1",
]
REPORT_SNAPSHOT = Path(__file__).parents[1] / "reports" / "data" / "snapshot_week.json"


def _is_safe(text: str) -> bool:
    """Quoted, and with no control character left for a reader to drop."""
    return text.startswith("'") and not any(
        ord(c) < 32 and c not in "\t\n\r" for c in text
    )


@pytest.mark.parametrize("text", DISGUISED)
def test_neutralise_looks_at_what_the_spreadsheet_will_see(text):
    cell = exports.neutralise(text)
    assert _is_safe(cell), repr(cell)
    assert _is_safe(exports.csv_cell(text))
    assert _is_safe(exports.xlsx_cell(text))


def test_normalised_text_without_a_formula_is_left_as_it_reads():
    assert exports.neutralise("川渝\x01合作=共建") == "川渝合作=共建"
    assert exports.neutralise("第一行\n第二行\t备注") == "第一行\n第二行\t备注"
    assert exports.neutralise("") == ""


@pytest.fixture
def auditor_client(chongqing):
    user = UserFactory(username="cq_audit", is_staff=True)
    account_services.membership_grant(user=user, party=chongqing, role="auditor")
    auditor_group_sync()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def disguised_task(initiative):
    return make_task(initiative, code="EVIL-2", title="\x01" + FORMULA)


def _export(client, fmt):
    return client.get(
        reverse("admin:audit_auditlog_export", args=[fmt]),
        {"model": "tracker.task", "q": "HYPERLINK"},
    )


@pytest.mark.django_db
def test_audit_csv_export_quotes_a_formula_behind_a_control_character(
    disguised_task, auditor_client
):
    response = _export(auditor_client, "csv")
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "\x01" not in raw
    rows = list(csv.reader(io.StringIO(raw)))
    header, data = rows[0], rows[1:]
    names = [row[header.index("对象")] for row in data]
    assert names and all(name == "'" + FORMULA for name in names)


@pytest.mark.django_db
def test_audit_xlsx_export_quotes_a_formula_behind_a_control_character(
    disguised_task, auditor_client
):
    response = _export(auditor_client, "xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    texts = [c.value for row in sheet.iter_rows(min_row=2) for c in row if c.value]
    assert "'" + FORMULA in texts
    assert not any(isinstance(t, str) and t.lstrip().startswith("=") for t in texts)


@pytest.mark.parametrize("text", DISGUISED)
def test_report_workbook_quotes_disguised_formulas(text):
    snapshot = json.loads(REPORT_SNAPSHOT.read_text())
    snapshot["tasks"][0]["title"] = text
    workbook = openpyxl.load_workbook(
        io.BytesIO(render("xlsx", snapshot, language="en"))
    )
    cell = workbook["Tasks"].cell(row=2, column=2)
    assert _is_safe(cell.value), repr(cell.value)
    assert cell.data_type == "s"
