"""Who wrote each event, as the auditors' admin shows it: a direct database
change reads as such, with the session PostgreSQL recorded; a context the
application did not sign carries a warning beside the actor it names; the
sealer's runs and the rows it refused are there to read, for auditors only.

Changes by hand are made as the tables' owner would, from psql: on a
connection of their own, committed, hence transactional tests."""

import csv
import datetime as dt
import io
import json

import pghistory
import pytest
from django.contrib.admin.utils import quote
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import membership_grant
from audit.attribution import DIRECT, SIGNED, UNCHECKED, UNRECORDED, attribute
from audit.models import AuditLog, RefusedEvent, SealRun, TaskEvent
from tests.audit.admin_helpers import admin_url
from tests.audit.chain import connect_as, forge_event, seal
from tests.factories import UserFactory
from tracker.models import Task

DIRECT_TEXT = "直接数据库修改"
UNSIGNED_TEXT = "上下文未经应用签名"
APP_NAME = "psql-ops"


def by_hand(task, description, *, context=None):
    """The owner's UPDATE from psql: no context, or one set by hand (as
    anyone with a database password can). Returns what PostgreSQL knows of
    the session: pid, transaction id, start (aware)."""
    owner = connection.settings_dict["USER"]
    with (
        connect_as(owner, application_name=APP_NAME) as conn,
        conn.transaction(),
    ):
        if context is not None:
            conn.execute(
                "SELECT set_config('pghistory.context_metadata', %s, true)",
                [json.dumps(context)],
            )
        conn.execute(
            "UPDATE tracker_task SET description = %s WHERE id = %s",
            [description, task.pk],
        )
        return conn.execute(
            "SELECT pg_backend_pid(), pg_current_xact_id()::text::bigint,"
            " (SELECT backend_start FROM pg_stat_activity"
            "  WHERE pid = pg_backend_pid())"
        ).fetchone()


def through_the_api(task, user, description):
    with pghistory.context(user=user.pk, source="api", request_id="req-genuine"):
        Task.objects.filter(pk=task.pk).update(description=description)


def event_of(task, description) -> TaskEvent:
    return TaskEvent.objects.get(pgh_obj_id=task.pk, description=description)


def slug(event) -> str:
    return f"{event._meta.label}:{event.pgh_id}"


def entry_html(body: str, event) -> str:
    """The history page's block of one event."""
    start = body.index(f'id="{slug(event)}"')
    end = body.find('class="module audit-entry', start)
    return body[start : end if end != -1 else len(body)]


def history_page(client, task):
    response = client.get(admin_url(AuditLog, "history", "tracker", "task", task.pk))
    assert response.status_code == 200
    return response


def log_page(client, **params):
    response = client.get(admin_url(AuditLog, "changelist"), params)
    assert response.status_code == 200, response.content
    return response


def csv_rows(client, **params) -> list[dict[str, str]]:
    response = client.get(reverse("admin:audit_auditlog_export", args=["csv"]), params)
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw)))


def shanghai(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


# --- a direct database change ---------------------------------------------------------


@pytest.fixture
def changed_by_hand(task, sc_coord):
    through_the_api(task, sc_coord, "经接口修改")
    pid, xid, started = by_hand(task, "手工修改")
    return {
        "genuine": event_of(task, "经接口修改"),
        "direct": event_of(task, "手工修改"),
        "pid": pid,
        "xid": xid,
        "started": started,
    }


@pytest.mark.django_db(transaction=True)
def test_a_direct_change_reads_as_one_on_the_history_page_with_its_session(
    changed_by_hand, task, sc_coord, auditor_client
):
    response = history_page(auditor_client, task)
    body = response.content.decode()
    direct = entry_html(body, changed_by_hand["direct"])
    assert DIRECT_TEXT in direct
    # Who it was to the database, open to read: user, program, address,
    # backend, transaction, and when the session began (Beijing time).
    assert '<details class="audit-session" open>' in direct
    owner = connection.settings_dict["USER"]
    for text in [
        owner,
        APP_NAME,
        "127.0.0.1:",
        str(changed_by_hand["pid"]),
        str(changed_by_hand["xid"]),
        shanghai(changed_by_hand["started"]),
    ]:
        assert text in direct, text
    assert "无（系统）" not in direct and sc_coord.full_name not in direct

    genuine = entry_html(body, changed_by_hand["genuine"])
    assert sc_coord.full_name in genuine and DIRECT_TEXT not in genuine
    assert UNSIGNED_TEXT not in genuine
    # Its session is there too, folded away.
    assert '<details class="audit-session">' in genuine and owner in genuine
    entries = {e.event.pgh_id: e for e in response.context["entries"]}
    assert entries[changed_by_hand["direct"].pgh_id].attribution.kind == DIRECT
    assert entries[changed_by_hand["genuine"].pgh_id].attribution.kind == SIGNED


@pytest.mark.django_db(transaction=True)
def test_the_log_filters_shows_and_exports_direct_changes(
    changed_by_hand, task, sc_coord, auditor_client
):
    direct, genuine = changed_by_hand["direct"], changed_by_hand["genuine"]
    response = log_page(auditor_client, written="direct", model="tracker.task")
    rows = response.context["cl"].result_list
    assert slug(direct) in {r.pgh_slug for r in rows}
    assert slug(genuine) not in {r.pgh_slug for r in rows}
    assert all(r.pgh_context is None for r in rows)
    body = response.content.decode()
    assert DIRECT_TEXT in body and APP_NAME in body
    assert str(changed_by_hand["pid"]) in body

    service = log_page(auditor_client, written="service", model="tracker.task")
    slugs = {r.pgh_slug for r in service.context["cl"].result_list}
    assert slug(genuine) in slugs and slug(direct) not in slugs
    # "Nobody (the system)" is the application's own work, not SQL by hand.
    system = log_page(auditor_client, actor="none", model="tracker.task")
    assert slug(direct) not in {r.pgh_slug for r in system.context["cl"].result_list}

    # The event's own page is its entry in the history.
    opened = auditor_client.get(admin_url(AuditLog, "change", quote(slug(direct))))
    history = admin_url(AuditLog, "history", "tracker", "task", task.pk)
    assert opened.status_code == 302
    assert opened["Location"] == f"{history}#{slug(direct)}"

    rows = {r["事件"]: r for r in csv_rows(auditor_client, model="tracker.task")}
    row = rows[slug(direct)]
    assert row["操作人"] == DIRECT_TEXT and row["用户名"] == ""
    assert row["上下文核验"] == DIRECT_TEXT
    assert row["数据库用户"] == connection.settings_dict["USER"]
    assert row["应用名称"] == APP_NAME and row["客户端地址"] == "127.0.0.1"
    assert row["后端进程号"] == str(changed_by_hand["pid"])
    assert row["事务编号"] == str(changed_by_hand["xid"])
    assert row["会话开始时间"] == shanghai(changed_by_hand["started"])
    mine = rows[slug(genuine)]
    assert (mine["操作人"], mine["上下文核验"]) == (str(sc_coord), "应用已签名")


# --- a context the application did not sign ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_context_set_or_replayed_by_hand_is_flagged_beside_its_actor(
    task, sc_coord, auditor_client
):
    through_the_api(task, sc_coord, "经接口修改")
    genuine = event_of(task, "经接口修改")
    # Naming the coordinator by hand, and replaying the genuine signed context.
    by_hand(task, "冒名修改", context={"user": sc_coord.pk, "source": "api"})
    by_hand(task, "重放签名", context=genuine.pgh_context)
    forged = [event_of(task, "冒名修改"), event_of(task, "重放签名")]

    body = history_page(auditor_client, task).content.decode()
    for event in forged:
        html = entry_html(body, event)
        assert sc_coord.full_name in html and UNSIGNED_TEXT in html
        assert DIRECT_TEXT not in html and APP_NAME in html
        # Who really wrote it is open to read beside the claim.
        assert '<details class="audit-session" open>' in html
    assert UNSIGNED_TEXT not in entry_html(body, genuine)

    listed = log_page(auditor_client, model="tracker.task", written="service")
    assert listed.content.decode().count(UNSIGNED_TEXT) == len(forged)

    rows = {r["事件"]: r for r in csv_rows(auditor_client, model="tracker.task")}
    for event in forged:
        assert rows[slug(event)]["操作人"] == str(sc_coord)
        assert rows[slug(event)]["上下文核验"] == UNSIGNED_TEXT
    assert rows[slug(genuine)]["上下文核验"] == "应用已签名"


def test_what_a_row_alone_can_say():
    session = {
        "session_user": "postgres",
        "current_user": "tracker_app",
        "application_name": "",
        "client_addr": None,
        "client_port": None,
        "pid": 42,
        "backend_start_us": 1_767_225_600_000_000,  # 2026-01-01 00:00 UTC
        "xid": 7,
    }
    assert attribute(None, session).kind == DIRECT
    assert attribute({}, session).kind == DIRECT
    assert attribute(None, None).kind == UNRECORDED
    # Recorded before sessions were kept: a claim nothing can check.
    unchecked = attribute({"user": 1, "sig": "0" * 64}, None)
    # Nothing suspect, only unchecked: no warning beside the actor, the
    # exports' check column says it.
    assert unchecked.kind == UNCHECKED and not unchecked.warning
    assert unchecked.check_label
    recorded = attribute(None, session).session
    assert recorded.role == "postgres（以 tracker_app 角色操作）"
    assert recorded.client == "数据库服务器本机套接字"
    assert recorded.started == "2026-01-01 08:00:00"  # Beijing time
    ipv6 = attribute(None, session | {"client_addr": "::1", "client_port": 5})
    assert ipv6.session.client == "[::1]:5"


# --- the list stays cheap --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_log_query_count_does_not_grow_with_direct_and_forged_events(
    task, sc_coord, auditor_client
):
    def make_events(count):
        for i in range(count):
            if i % 3 == 0:  # by hand, no context, on the service's connection
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE tracker_task SET description = %s WHERE id = %s",
                        [f"手工{i}", task.pk],
                    )
            elif i % 3 == 1:  # a context set by hand
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('pghistory.context_metadata', %s, true)",
                        [json.dumps({"user": sc_coord.pk, "source": "api"})],
                    )
                    cursor.execute(
                        "UPDATE tracker_task SET description = %s WHERE id = %s",
                        [f"冒名{i}", task.pk],
                    )
            else:
                through_the_api(task, sc_coord, f"接口{i}")

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            response = log_page(auditor_client, **params)
        return len(response.context["cl"].result_list), len(captured)

    history = admin_url(AuditLog, "history", "tracker", "task", task.pk)

    def history_queries():
        with CaptureQueriesContext(connection) as captured:
            assert auditor_client.get(history).status_code == 200
        return len(captured)

    task_events = {"model": "tracker.task"}
    make_events(9)
    small, small_direct, small_history = (
        queries(**task_events),
        queries(written="direct", **task_events),
        history_queries(),
    )
    make_events(45)
    large = queries(**task_events)
    large_direct = queries(written="direct", **task_events)
    assert large[0] > small[0] and large_direct[0] > small_direct[0]
    assert (large[1], large_direct[1]) == (small[1], small_direct[1])
    assert history_queries() == small_history
    assert log_page(auditor_client).content.decode().count(UNSIGNED_TEXT) >= 15


# --- long histories ------------------------------------------------------------------


def test_an_event_on_an_earlier_page_opens_that_page(task, auditor_client):
    first = TaskEvent.objects.filter(pgh_obj_id=task.pk).earliest("pgh_id")
    for i in range(160):
        Task.objects.filter(pk=task.pk).update(description=f"第{i}次")
    history = admin_url(AuditLog, "history", "tracker", "task", task.pk)
    opened = auditor_client.get(admin_url(AuditLog, "change", quote(slug(first))))
    assert opened["Location"] == f"{history}?page=1#{slug(first)}"
    page = auditor_client.get(f"{history}?page=1")
    assert f'id="{slug(first)}"' in page.content.decode()
    last = TaskEvent.objects.filter(pgh_obj_id=task.pk).latest("pgh_id")
    opened = auditor_client.get(admin_url(AuditLog, "change", quote(slug(last))))
    assert opened["Location"] == f"{history}#{slug(last)}"


# --- the sealer's runs and refusals -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_auditors_read_the_refused_rows_and_coordinators_do_not(
    anchor_file, history, sichuan, sc_coord, auditor_client
):
    forged = forge_event(written_at=timezone.now() - dt.timedelta(days=365))
    assert seal().refused == 1
    run = SealRun.objects.order_by("-number").first()
    refused_list = admin_url(RefusedEvent, "changelist")

    # The log warns, and links to them.
    body = log_page(auditor_client).content.decode()
    assert "封存程序判定1条历史记录不可能是正常写入" in body
    assert f'href="{refused_list}"' in body

    page = auditor_client.get(refused_list)
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        "被拒收的历史记录" in body
        and "写入于上次封存之后，所标时间却早于该次封存" in body
    )
    event_url = admin_url(AuditLog, "change", quote(f"audit.TaskEvent:{forged}"))
    assert f'href="{event_url}"' in body
    assert f'href="{admin_url(SealRun, "change", run.number)}"' in body

    # The link opens the event in its task's history, marked as refused.
    shown = auditor_client.get(event_url, follow=True)
    entry = entry_html(shown.content.decode(), TaskEvent.objects.get(pgh_id=forged))
    assert f"封存程序已拒收此记录（第{run.number}批）" in entry
    others = [e for e in shown.context["entries"] if e.event.pgh_id != forged]
    assert others and not any(e.refusal for e in others)
    # And in the log.
    listed = log_page(auditor_client, model="tracker.task").content.decode()
    assert listed.count("封存时被拒收") == 1

    # The runs: what each sealed, and the way to what it refused.
    runs = auditor_client.get(admin_url(SealRun, "changelist"))
    assert runs.status_code == 200
    assert f'href="{refused_list}?run={run.number}"' in runs.content.decode()
    of_run = auditor_client.get(refused_list, {"run": run.number})
    assert [r.event_pgh_id for r in of_run.context["cl"].result_list] == [forged]
    earlier = auditor_client.get(refused_list, {"run": run.number - 1})
    assert list(earlier.context["cl"].result_list) == []
    detail = auditor_client.get(admin_url(SealRun, "change", run.number))
    assert run.snapshot in detail.content.decode()

    # A coordinator with admin access, and one without: neither reads them.
    staff_coordinator = UserFactory(username="sc_staff", is_staff=True)
    membership_grant(user=staff_coordinator, party=sichuan, role="coordinator")
    coordinator = Client()
    coordinator.force_login(staff_coordinator)
    for url in (refused_list, admin_url(SealRun, "changelist")):
        assert coordinator.get(url).status_code == 403
    assert "被拒收" not in coordinator.get(reverse("admin:index")).content.decode()
    outsider = Client()
    outsider.force_login(sc_coord)
    assert outsider.get(refused_list).status_code == 302  # to the admin's login
