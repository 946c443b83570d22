"""The auditors' log: filters, search, safe exports; and the security events
(refused writes, failed sign-ins), append-only."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pghistory
import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit import exports, log_details
from audit.models import AuditLog, SecurityEvent
from tests.audit.admin_helpers import (
    REFUSED,
    admin_url,
    patch_milestone,
)
from tests.factories import make_task
from tracker.models import Milestone, Task

pytestmark = pytest.mark.django_db


# --- the log: filters, search, export ------------------------------------------------


@pytest.fixture
def log_events(milestone, sc_coord, auditor_client):
    """Changes by different people, from different places."""
    patch_milestone(sc_coord, milestone, "req-log-1", status="in_progress")
    Milestone.objects.filter(pk=milestone.pk).delete()
    # Last: pghistory's context lasts until the end of the transaction (it is
    # set with set_config(..., is_local=true)), and a test is one transaction.
    with pghistory.context(source="command", command="fix_data"):
        Task.objects.filter(pk=milestone.task_id).update(description="数据订正")
    return milestone


def log_rows(client, **params):
    response = client.get(admin_url(AuditLog, "changelist"), params)
    assert response.status_code == 200, response.content
    rows = list(response.context["cl"].queryset)
    log_details.load_details(rows)  # the page's rows get theirs in the changelist
    return rows


def test_log_filters(log_events, auditor_client, sc_coord, sichuan):
    everything = log_rows(auditor_client)
    assert {e.pgh_label for e in everything} >= {"insert", "update", "delete"}

    by_actor = log_rows(auditor_client, actor=sc_coord.pk)
    assert by_actor and {e.user_id for e in by_actor} == {sc_coord.pk}
    assert len(by_actor) < len(everything)

    by_party = log_rows(auditor_client, party=sichuan.pk)
    assert {e.user_id for e in by_party} >= {sc_coord.pk}
    assert all(e.user_id is not None for e in by_party)

    deletes = log_rows(auditor_client, action="delete")
    assert [(e.pgh_obj_model, e.pgh_obj_id) for e in deletes] == [
        ("tracker.Milestone", str(log_events.pk))
    ]

    milestones = log_rows(auditor_client, model="tracker.milestone")
    assert milestones and {e.pgh_obj_model for e in milestones} == {"tracker.Milestone"}

    api = log_rows(auditor_client, source="api")
    assert api and {e.source for e in api} == {"api"}
    assert {e.request_id for e in api} == {"req-log-1"}
    command = log_rows(auditor_client, source="command")
    assert [e.pgh_data["description"] for e in command] == ["数据订正"]

    today = timezone.localdate()
    assert len(log_rows(auditor_client, date_from=today.isoformat())) == len(everything)
    assert (
        log_rows(auditor_client, date_to=(today - dt.timedelta(days=1)).isoformat())
        == []
    )
    assert (
        log_rows(auditor_client, date_from=(today + dt.timedelta(days=1)).isoformat())
        == []
    )

    found = log_rows(auditor_client, q="数据订正")
    assert {e.pgh_obj_model for e in found} == {"tracker.Task"}
    assert log_rows(auditor_client, q="req-log-1")


def test_log_date_filter_takes_the_ends_of_the_calendar(log_events, auditor_client):
    everything = log_rows(auditor_client)
    assert log_rows(auditor_client, date_to="9999-12-31") == everything
    assert log_rows(auditor_client, date_from="0001-01-01") == everything


def test_log_page_shows_the_columns_in_chinese(log_events, auditor_client, sc_coord):
    response = auditor_client.get(admin_url(AuditLog, "changelist"), {"source": "api"})
    body = response.content.decode()
    for text in [sc_coord.full_name, "四川省", "接口", "修改", "节点", "状态"]:
        assert text in body, text
    assert "req-log-1" in body


def test_log_changelist_query_count_does_not_grow_with_events(
    task, milestone, sc_coord, cq_coord, auditor_client
):
    def make_events(count):
        for i in range(count):
            user = (sc_coord, cq_coord)[i % 2]
            with pghistory.context(user=user.pk, source="api", request_id=f"r{i}"):
                if i % 2:
                    Task.objects.filter(pk=task.pk).update(description=f"说明{i}")
                else:
                    Milestone.objects.filter(pk=milestone.pk).update(description=f"{i}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = auditor_client.get(
                admin_url(AuditLog, "changelist"), {"source": "api"}
            )
        assert response.status_code == 200
        return len(response.context["cl"].result_list), len(captured)

    make_events(10)
    rows_10, queries_10 = queries()
    make_events(40)
    rows_50, queries_50 = queries()
    assert (rows_10, rows_50) == (10, 50)
    assert queries_50 == queries_10

    history = admin_url(AuditLog, "history", "tracker", "task", task.pk)
    with CaptureQueriesContext(connection) as before:
        auditor_client.get(history)
    make_events(20)
    with CaptureQueriesContext(connection) as after:
        auditor_client.get(history)
    assert len(after) == len(before)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_quotes_what_a_spreadsheet_would_run(text):
    assert exports.neutralise(text) == "'" + text
    assert exports.csv_cell(text) == "'" + text


def test_neutralise_leaves_the_rest_alone():
    assert exports.neutralise("川渝=合作") == "川渝=合作"
    assert exports.neutralise(-1) == -1
    assert exports.csv_cell(Decimal("-2.5")) == "-2.5"


@pytest.fixture
def formula_task(initiative):
    return make_task(
        initiative, code="EVIL-1", title='=HYPERLINK("http://evil.example/?x=1","点我")'
    )


def test_csv_export_has_the_filtered_rows_and_neutralises_formulas(
    formula_task, task, auditor_client
):
    response = auditor_client.get(
        reverse("admin:audit_auditlog_export", args=["csv"]),
        {"model": "tracker.task", "q": "HYPERLINK"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    assert "对象" in header and "操作" in header
    assert data and all(str(formula_task.pk) in row for row in data)
    assert not any(str(task.pk) == row[header.index("对象ID")] for row in data)
    names = [row[header.index("对象")] for row in data]
    assert names and all(n == "'" + formula_task.title for n in names)
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in data for cell in row
    )


def test_xlsx_export_neutralises_formulas(formula_task, auditor_client):
    response = auditor_client.get(
        reverse("admin:audit_auditlog_export", args=["xlsx"]),
        {"model": "tracker.task", "q": "HYPERLINK"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert any(c.value == "'" + formula_task.title for c in values)
    texts = [c for c in values if isinstance(c.value, str)]
    assert all(c.data_type == "s" and not c.value.startswith("=") for c in texts)
    assert isinstance(sheet.cell(row=2, column=1).value, dt.datetime)


# --- security events ----------------------------------------------------------------


def test_failed_login_is_a_security_event(sc_coord, auditor_client):
    response = Client().post(
        "/accounts/login/",
        {"username": "sc_coord", "password": "wrong"},
        HTTP_X_REQUEST_ID="req-login-1",
    )
    assert response.status_code == 200  # the form again, with its error
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert (event.username, event.user, event.ip) == ("sc_coord", sc_coord, "127.0.0.1")
    assert (event.path, event.request_id) == ("/accounts/login/", "req-login-1")
    page = auditor_client.get(
        admin_url(SecurityEvent, "changelist"), {"kind": "login_failed"}
    )
    assert page.status_code == 200 and "登录失败" in page.content.decode()


def test_lockout_is_a_security_event(sc_coord):
    visitor = Client()
    for _attempt in range(5):
        visitor.post("/accounts/login/", {"username": "sc_coord", "password": "x"})
    lockout = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT)
    assert lockout.exists() and lockout.first().username == "sc_coord"


def test_refused_api_write_is_a_security_event(milestone, cq_coord):
    response = patch_milestone(cq_coord, milestone, "req-refused-1", status="done")
    assert response.status_code == 403
    event = SecurityEvent.objects.get(kind=REFUSED)
    assert (event.user, event.method) == (cq_coord, "PATCH")
    assert event.path == f"/api/v1/milestones/{milestone.pk}/"
    assert event.request_id == "req-refused-1"
    assert "permission_denied" in event.detail
    milestone.refresh_from_db()
    assert milestone.status == "pending"


def test_refused_reads_are_not_security_events(milestone, auditor_client):
    assert auditor_client.get(admin_url(Milestone, "add")).status_code == 403
    assert not SecurityEvent.objects.exists()


def test_security_events_are_append_only(sc_coord):
    Client().post("/accounts/login/", {"username": "sc_coord", "password": "x"})
    event = SecurityEvent.objects.get()
    for sql in [
        "UPDATE audit_securityevent SET username = 'someone' WHERE id = %s",
        "DELETE FROM audit_securityevent WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.username == "sc_coord"


def test_security_events_filter_by_date(sc_coord, auditor_client):
    Client().post("/accounts/login/", {"username": "sc_coord", "password": "x"})
    url = admin_url(SecurityEvent, "changelist")
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert (
        len(auditor_client.get(url, {"date_from": today}).context["cl"].queryset) == 1
    )
    assert not auditor_client.get(url, {"date_from": tomorrow}).context["cl"].queryset
