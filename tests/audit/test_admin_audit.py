"""The admin for auditors: read everything, change nothing, see every change
(who, when, from where, why, old → new), export it safely; refused writes and
failed sign-ins are security events."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.sql import emit_post_migrate_signal
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from pghistory.models import Events
from rest_framework.authtoken.models import Token

from audit import models as audit_models
from audit.models import AuditLog, MilestoneEvent, SecurityEvent, TaskEvent
from audit.security import AUDITOR_GROUP, CREDENTIAL_MODELS, auditor_group_sync
from config.models import IdempotencyRecord
from tests.audit.admin_helpers import (
    HISTORY_MODELS,
    PASSWORD,
    REFUSED,
    REGISTRY,
    admin_url,
    patch_milestone,
)
from tests.clock import TODAY, days, iso
from tests.factories import DEFAULT_TERM, make_task
from tracker import services
from tracker.models import ExtensionRequest, Milestone

# Dates are written from the tests' frozen today (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


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
        period=days(-60),
        value=Decimal(500),
    )
    services.progress_update_post(
        task=task,
        actor=sc_coord,
        narrative="完成选线",
        progress=30,
        evidence=services.EvidenceSpec(
            files=[SimpleUploadedFile("选线方案.pdf", b"%PDF-1.4\n%%EOF\n")]
        ),
    )
    services.task_claim_completion(task=task, actor=sc_coord, explanation="已完成")
    services.task_confirm_completion(task=task, actor=cq_coord)
    other = make_task(initiative, code="NY-02", title="川渝天然气千亿立方米产能基地")
    services.task_request_extension(
        task=other,
        actor=sc_coord,
        requested_due_date=days(400),
        reason="设备到货推迟",
    )
    services.light_override_set(
        task=other,
        actor=office,
        light="red",
        reason="进度滞后",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    # A line of the 督办 ledger, as the daily ladder writes one.
    from supervision.models import Urge, UrgeTarget

    urge = Urge.objects.create(task=other, kind="overdue", message="请抓紧推进。")
    UrgeTarget.objects.create(urge=urge, party=sichuan)
    park_a = services.industrial_park_create(
        party=sichuan, name="成都高新区", city_county="成都市", batch=2021
    )
    park_b = services.industrial_park_create(
        party=chongqing, name="两江新区", city_county="渝北区", batch=2021
    )
    services.park_pair_create(initiative=initiative, parks=[park_a, park_b])
    from parks import services as park_services

    cycle = park_services.cycle_create(
        user=office,
        initiative=initiative,
        name="2024年度绩效评价",
        batch=2021,
        period_start=days(-400),
        period_end=days(-40),
        submit_due=days(-30),
        review_due=days(-20),
        score_due=days(-10),
        publish_due=days(10),
    )
    park_services.indicator_add(
        user=office,
        cycle=cycle,
        code="orders",
        name="产品互采订单",
        rule="threshold",
        threshold=1,
        weight=100,
    )
    # A step on file for the steps' admin to list (the services' own tests walk
    # the steps).
    from parks.models import AssessmentStep

    AssessmentStep.objects.create(
        assessment=cycle.assessments.get(park=park_a),
        action="submit",
        from_state="draft",
        to_state="submitted",
        actor=office,
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
    from audit.models import DigestSubscription

    DigestSubscription.objects.create(user=office)
    # A group-chat robot and a message owed to it.
    from notifications.webhooks.models import ChatWebhook
    from notifications.webhooks.services import webhook_queue

    ChatWebhook.objects.create(
        name="川渝专班群",
        kind="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        events=["urge"],
    )
    webhook_queue(event="urge", title="请加快推进", task=task)

    # Someone's notification settings, and their daily digest mailed.
    from notifications.mail import digest_send
    from notifications.services import notification_preferences_set, notify

    cq_coord.email = "cq_coord@example.gov.cn"
    cq_coord.save()
    notification_preferences_set(
        user=cq_coord, events={"reminder": {"email": True}}, daily_digest=True
    )
    notify(event="reminder", recipients=[cq_coord], title="节点即将到期", task=task)
    digest_send()
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
        # A row the sealer refused, as it records one (tests/audit/
        # test_tampering.py has the sealer refuse real forgeries).
        run = audit_models.SealRun.objects.get()
        forged = TaskEvent.objects.order_by("pgh_id").last()
        audit_models.RefusedEvent.objects.create(
            event_table="audit.taskevent",
            event_pgh_id=forged.pgh_id,
            event_time=forged.pgh_created_at,
            reason=audit_models.RefusedEvent.Reason.BACK_DATED,
            run=run.number,
            refused_at=run.sealed_at,
        )
    return {"task": task, "milestone": milestone}


def some_pk(model):
    if issubclass(model, Events):
        return f"audit.TaskEvent:{TaskEvent.objects.order_by('pgh_id')[0].pgh_id}"
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} to look at"
    return obj.pk


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
    # Nothing to act with: the list is shown again, without the actions form.
    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()
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
        requested_due_date=days(400),
        reason="设备到货推迟",
    )
    services.extension_request_decide(
        request=extension, actor=office, approve=True, opinion="同意延期"
    )

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
    assert [(c.old, c.new) for c in due] == [(str(TODAY + DEFAULT_TERM), iso(400))]


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
