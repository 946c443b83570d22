"""The admin for auditors: read everything, change nothing, see every change
(who, when, from where, why, old → new), export it safely; refused writes and
failed sign-ins are security events."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pghistory
import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from openpyxl import load_workbook
from pghistory.models import Events
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services as account_services
from audit import exports, history
from audit import models as audit_models
from audit.models import AuditLog, MilestoneEvent, SecurityEvent, TaskEvent
from audit.security import AUDITOR_GROUP, CREDENTIAL_MODELS, auditor_group_sync
from config.models import IdempotencyRecord
from tests.factories import UserFactory, make_task
from tracker import services
from tracker.models import ExtensionRequest, Milestone, Task

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory
REFUSED = SecurityEvent.Kind.WRITE_REFUSED
REGISTRY = sorted(admin.site._registry, key=lambda m: m._meta.label)
HISTORY_MODELS = {AuditLog, SecurityEvent}
if hasattr(audit_models, "AuditSeal"):
    HISTORY_MODELS.add(audit_models.AuditSeal)


@pytest.fixture
def auditor(chongqing):
    user = UserFactory(username="cq_audit", full_name="孙静怡", is_staff=True)
    account_services.membership_grant(user=user, party=chongqing, role="auditor")
    auditor_group_sync()
    return user


@pytest.fixture
def auditor_client(auditor):
    client = Client()
    client.force_login(auditor)
    return client


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def milestone(task, sichuan, sc_coord):
    services.task_start(task=task, actor=sc_coord)
    return services.milestone_create(
        task=task, title="四川段投运", due_date=dt.date(2025, 6, 30), party=sichuan
    )


def patch_milestone(user, milestone, request_id, reason="", **data):
    client = api_client(user)
    url = f"/api/v1/milestones/{milestone.pk}/"
    headers = {
        "HTTP_IF_MATCH": client.get(url)["ETag"],
        "HTTP_X_REQUEST_ID": request_id,
    }
    if reason:
        headers["HTTP_X_CHANGE_REASON"] = reason
    return client.patch(url, data, format="json", **headers)


@pytest.fixture
def world(
    task,
    milestone,
    initiative,
    sichuan,
    chongqing,
    sc_coord,
    cq_coord,
    office,
    settings,
    tmp_path,
):
    """At least one row behind every registered admin."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    indicator = services.indicator_create(
        task=task, name="输电能力", unit="万千瓦", target=Decimal(1000), party=sichuan
    )
    services.indicator_reading_record(
        indicator=indicator,
        actor=sc_coord,
        period=dt.date(2025, 3, 31),
        value=Decimal(500),
    )
    services.progress_update_post(
        task=task, actor=sc_coord, narrative="完成选线", progress=30
    )
    services.task_claim_completion(task=task, actor=sc_coord, explanation="已完成")
    services.task_confirm_completion(task=task, actor=cq_coord)
    other = make_task(initiative, code="NY-02", title="川渝天然气千亿立方米产能基地")
    services.task_request_extension(
        task=other,
        actor=sc_coord,
        requested_due_date=dt.date(2026, 6, 30),
        reason="设备到货推迟",
    )
    services.light_override_set(
        task=other,
        actor=office,
        light="red",
        reason="进度滞后",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    park_a = services.industrial_park_create(
        party=sichuan, name="成都高新区", city_county="成都市", batch=2021
    )
    park_b = services.industrial_park_create(
        party=chongqing, name="两江新区", city_county="渝北区", batch=2021
    )
    services.park_pair_create(initiative=initiative, park_a=park_a, park_b=park_b)
    services.park_evaluation_record(
        park=park_a, round=1, announced_on=dt.date(2024, 12, 1)
    )
    # A finished report with a file, a subscription and its delivery. Made
    # without the PDF (seconds, for every test here): the admins only list rows.
    from reports import services as report_services
    from reports.models import Report, ReportDelivery, ReportFile
    from reports.render import render
    from reports.snapshot import take_snapshot
    from reports.storage import report_file_name, write_atomically

    report_services.report_subscribe(user=office, initiative=initiative, kind="weekly")
    report, _ = report_services.report_request(initiative=initiative, kind="weekly")
    snapshot = take_snapshot(report)
    Report.objects.filter(pk=report.pk).update(
        status="done", step=4, snapshot=snapshot, finished_at=timezone.now()
    )
    name = report_file_name(report, "html")
    size, digest = write_atomically(name, render("html", snapshot))
    ReportFile.objects.create(
        report=report, format="html", file=name, size=size, sha256=digest
    )
    ReportDelivery.objects.create(
        report=report, user=office, email="office@example.gov.cn"
    )
    # Third-party rows, made as their apps make them.
    Token.objects.create(user=sc_coord)
    interval = IntervalSchedule.objects.create(every=1, period="hours")
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude=30.66, longitude=104.06)
    PeriodicTask.objects.create(name="测试任务", task="audit.noop", interval=interval)
    IdempotencyRecord.objects.create(
        user=sc_coord,
        key="k-1",
        method="POST",
        path="/api/v1/x/",
        request_fingerprint="0" * 64,
        status_code=201,
    )
    # A sign-in (axes' access log), then a failed one from another browser.
    Client().post("/accounts/login/", {"username": "sc_coord", "password": PASSWORD})
    Client().post("/accounts/login/", {"username": "sc_coord", "password": "wrong"})
    # Axes keeps this log only with AXES_ENABLE_ACCESS_FAILURE_LOG.
    AccessFailureLog.objects.get_or_create(
        username="sc_coord", ip_address="127.0.0.1", path_info="/accounts/login/"
    )
    if hasattr(audit_models, "AuditSeal"):
        from audit.sealing import seal_new_events

        seal_new_events()
    return {"task": task, "milestone": milestone}


def some_pk(model):
    if issubclass(model, Events):
        return f"audit.TaskEvent:{TaskEvent.objects.order_by('pgh_id')[0].pgh_id}"
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} to look at"
    return obj.pk


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


# --- the auditors' group ----------------------------------------------------------


def test_sync_gives_the_group_every_view_permission_and_nothing_else(auditor):
    group = Group.objects.get(name=AUDITOR_GROUP)
    stray = Permission.objects.get(codename="change_task")
    group.permissions.add(stray)
    auditor_group_sync()
    perms = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert all(codename.startswith("view_") for _app, codename in perms)
    for wanted in [
        ("tracker", "view_task"),
        ("accounts", "view_user"),
        ("audit", "view_taskevent"),
        ("audit", "view_auditlog"),
        ("audit", "view_securityevent"),
        ("django_celery_beat", "view_periodictask"),
        ("axes", "view_accessattempt"),
    ]:
        assert wanted in perms
    # API tokens are credentials: reading one is acting as its owner.
    assert not any(app == "authtoken" for app, _codename in perms)
    assert auditor.groups.filter(name=AUDITOR_GROUP).exists()
    assert auditor.has_perm("tracker.view_task")
    assert not auditor.has_perm("tracker.change_task")


def test_migrate_keeps_the_group_in_step(auditor):
    group = Group.objects.get(name=AUDITOR_GROUP)
    group.permissions.remove(Permission.objects.get(codename="view_milestone"))
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert group.permissions.filter(codename="view_milestone").exists()


# --- read everything, write nothing --------------------------------------------------


@pytest.mark.parametrize("model", REGISTRY, ids=[m._meta.label for m in REGISTRY])
def test_auditor_reads_every_admin_and_is_refused_every_write(
    model, world, auditor_client
):
    opts = model._meta
    readable = (opts.app_label, opts.model_name) not in CREDENTIAL_MODELS
    pk = some_pk(model)
    change = admin_url(model, "change", quote(pk))
    delete = admin_url(model, "delete", quote(pk))

    changelist = auditor_client.get(admin_url(model, "changelist"))
    page = auditor_client.get(change, follow=True)
    if readable:
        assert changelist.status_code == 200
        body = changelist.content.decode()
        assert 'class="addlink"' not in body
        assert 'name="action"' not in body  # no bulk actions offered
        assert page.status_code == 200
        body = page.content.decode()
        assert 'name="_save"' not in body and 'class="deletelink"' not in body
        # Its "History" link opens the audit history (or Django's own, for a
        # model the trail does not track).
        link = re.search(r'href="([^"]+)" class="historylink"', body)
        if model is not AuditLog:  # whose page is already a history page
            assert link, "no history link"
            assert auditor_client.get(link[1], follow=True).status_code == 200
    else:
        assert changelist.status_code == 403
        assert page.status_code == 403

    refused_before = SecurityEvent.objects.filter(kind=REFUSED).count()
    assert auditor_client.get(admin_url(model, "add")).status_code == 403
    assert auditor_client.post(admin_url(model, "add"), {}).status_code == 403
    assert auditor_client.post(change, {}).status_code == 403
    assert auditor_client.get(delete).status_code == 403
    assert auditor_client.post(delete, {"post": "yes"}).status_code == 403
    # The three POSTs are security events, with who and where.
    refused = SecurityEvent.objects.filter(kind=REFUSED).order_by("id")
    assert refused.count() == refused_before + 3
    last = refused.last()
    assert last.username == "cq_audit" and last.method == "POST"
    assert last.path == delete
    if not model._meta.proxy and model._meta.managed:
        assert model._default_manager.filter(pk=pk).exists()


def test_auditor_cannot_change_a_password_or_run_a_schedule(world, auditor_client):
    user = world["task"].owners.first().party.memberships.first().user
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert auditor_client.get(url).status_code == 403
    schedule = PeriodicTask.objects.get(name="测试任务")
    response = auditor_client.post(
        admin_url(PeriodicTask, "changelist"),
        {"action": "disable_tasks", "_selected_action": [schedule.pk]},
    )
    assert response.status_code in (200, 302)
    schedule.refresh_from_db()
    assert schedule.enabled


def test_actions_stay_for_those_who_may_change(world, admin_client):
    for model, action in [
        (ExtensionRequest, "approve"),
        (PeriodicTask, "disable_tasks"),
    ]:
        body = admin_client.get(admin_url(model, "changelist")).content.decode()
        assert f'value="{action}"' in body


@pytest.mark.parametrize("model", sorted(HISTORY_MODELS, key=lambda m: m._meta.label))
def test_history_admins_are_read_only_even_for_superusers(model, world, admin_client):
    pk = quote(some_pk(model))
    model_admin = admin.site._registry[model]
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.post(admin_url(model, "change", pk), {}).status_code == 403
    assert admin_client.post(admin_url(model, "delete", pk), {}).status_code == 403
    request = admin_client.get(admin_url(model, "changelist")).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


# --- the history page --------------------------------------------------------------


def test_history_page_shows_field_diffs_in_chinese(
    milestone, sc_coord, office, auditor_client
):
    task = milestone.task
    response = patch_milestone(
        sc_coord, milestone, "req-hist-1", reason="现场验收通过", status="done"
    )
    assert response.status_code == 200
    extension = services.task_request_extension(
        task=task,
        actor=sc_coord,
        requested_due_date=dt.date(2026, 6, 30),
        reason="设备到货推迟",
    )
    services.extension_request_decide(request=extension, actor=office, approve=True)

    # From the object's own admin page.
    change_page = auditor_client.get(admin_url(Milestone, "change", milestone.pk))
    history = admin_url(AuditLog, "history", "tracker", "milestone", milestone.pk)
    assert f'href="{history}"' in change_page.content.decode()
    body = auditor_client.get(history).content.decode()
    assert "状态" in body and "未开始" in body and "已完成" in body
    assert "现场验收通过" in body and "req-hist-1" in body
    assert sc_coord.full_name in body and "四川省" in body
    # Foreign keys by name, choices by label, in time order.
    assert "四川省（#" in body
    assert body.index("未开始") < body.index("现场验收通过")

    task_history = auditor_client.get(
        admin_url(AuditLog, "history", "tracker", "task", task.pk)
    )
    entries = task_history.context["entries"]
    due = [
        change
        for entry in entries
        for change in entry.changes
        if change.label == "截止日期" and entry.action == "update"
    ]
    assert [(c.old, c.new) for c in due] == [("2025-12-31", "2026-06-30")]


def test_deleted_objects_keep_a_reachable_history(milestone, auditor_client):
    pk = milestone.pk
    Milestone.objects.filter(pk=pk).delete()
    lookup = auditor_client.get(
        reverse("admin:audit_auditlog_history_lookup"),
        {"model": "tracker.milestone", "id": pk},
    )
    url = admin_url(AuditLog, "history", "tracker", "milestone", pk)
    assert lookup.status_code == 302 and lookup["Location"] == url
    response = auditor_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "四川段投运" in body and "已删除" in body
    assert [e.action for e in response.context["entries"]] == ["insert", "delete"]


def test_a_users_history_includes_group_changes(auditor, auditor_client):
    response = auditor_client.get(
        admin_url(AuditLog, "history", "accounts", "user", auditor.pk)
    )
    assert response.status_code == 200
    links = [e for e in response.context["entries"] if e.is_link]
    assert any(c.new.startswith(AUDITOR_GROUP) for e in links for c in e.changes)


def test_log_event_page_opens_the_history_at_the_event(milestone, auditor_client):
    event = MilestoneEvent.objects.filter(pgh_obj_id=milestone.pk).first()
    slug = f"audit.MilestoneEvent:{event.pgh_id}"
    response = auditor_client.get(admin_url(AuditLog, "change", quote(slug)))
    history = admin_url(AuditLog, "history", "tracker", "milestone", milestone.pk)
    assert response.status_code == 302
    assert response["Location"] == f"{history}#{slug}"


def test_untracked_models_fall_back_to_djangos_history(world, admin_client):
    schedule = SolarSchedule.objects.first()
    url = admin_url(AuditLog, "history", "django_celery_beat", "solarschedule", 1)
    response = admin_client.get(url.replace("/1/", f"/{schedule.pk}/"))
    assert response.status_code == 302
    assert response["Location"] == admin_url(SolarSchedule, "history", schedule.pk)


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
    history.load_details(rows)  # the page's rows get theirs in the changelist
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
