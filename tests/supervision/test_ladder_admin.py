"""The ladder in the admin: the joint office edits its rungs and the holiday
calendar (in Chinese, every edit in the audit trail); the ledger is read-only;
every urge, reminder and notice is in its item's history."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import membership_grant
from audit import history
from audit.models import (
    AuditLog,
    ReminderRuleEvent,
    TaskEvent,
    UrgeEvent,
    UrgeTargetEvent,
)
from audit.security import auditor_group_sync
from supervision.models import ReminderRule, Urge, UrgeTarget, WorkCalendarDay
from supervision.tasks import run_reminder_ladder
from tests.factories import UserFactory
from tests.supervision.conftest import at_nine, d, run_on
from tracker.models import Task
from tracker.selectors.detail import task_history_for_user

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def office_client(office):
    office.is_staff = office.is_superuser = True
    office.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(office)
    return client


@pytest.fixture
def auditor_client(chongqing):
    user = UserFactory(username="cq_audit", full_name="孙静怡", is_staff=True)
    membership_grant(user=user, party=chongqing, role="auditor")
    auditor_group_sync()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def ledger(item, people):
    # As the worker runs it (its job's audit context included), in-process.
    for day in ("2026-02-10", "2026-02-24"):
        with at_nine(d(day)):
            run_reminder_ladder.apply(args=[day]).get()
    return item


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_office_reads_the_rungs_and_the_calendar_in_chinese(office_client):
    rules = office_client.get(admin_url(ReminderRule, "changelist"))
    assert rules.status_code == 200
    body = text(rules)
    for words in [
        "提醒规则",
        "到期前3天提醒",
        "逾期每日催办",
        "逾期5天通报专班",
        "合作事项逾期15天通报领导",
        "合作事项及节点截止日期",
        "通报领导",
    ]:
        assert words in body, words
    rule = ReminderRule.objects.get(name="逾期5天通报专班")
    change = text(office_client.get(admin_url(ReminderRule, "change", rule.pk)))
    assert "节假日不发送" in change and "逾期满若干天时发出一次" in change

    calendar = office_client.get(
        admin_url(WorkCalendarDay, "changelist"), {"date__year": 2026}
    )
    body = text(calendar)
    assert "节假日安排" in body and "春节调休上班" in body and "星期六" in body
    assert office_client.get(admin_url(WorkCalendarDay, "add")).status_code == 200


def test_an_edit_of_a_rung_counts_and_is_in_the_audit_trail(office_client, item):
    rule = ReminderRule.objects.get(name="到期前3天提醒")
    response = office_client.post(
        admin_url(ReminderRule, "change", rule.pk),
        {
            "name": "到期前5天提醒",
            "kind": "due_soon",
            "watches": "both",
            "days": 5,
            "skip_non_working_days": "on",
            "is_active": "on",
            "sort_order": 10,
            "change_reason": "专班会议决定提前提醒",
        },
    )
    assert response.status_code == 302, text(response)
    event = ReminderRuleEvent.objects.filter(pgh_obj_id=rule.pk).latest("pgh_id")
    assert (event.name, event.days) == ("到期前5天提醒", 5)
    assert event.pgh_context["reason"] == "专班会议决定提前提醒"
    # Friday the 13th, five days ahead: Sunday the 8th, so Monday the 9th.
    assert run_on("2026-02-06").fired == {}
    assert run_on("2026-02-09").fired == {"due_soon": 1}


def test_a_rung_is_not_bent_into_what_the_ladder_cannot_do(office_client):
    rule = ReminderRule.objects.get(name="逾期每日催办")
    response = office_client.post(
        admin_url(ReminderRule, "change", rule.pk),
        {
            "name": rule.name,
            "kind": "overdue",
            "watches": "both",
            "days": 0,
            "is_active": "on",
            "sort_order": 20,
        },
    )
    assert response.status_code == 200
    assert "逾期催办和通报最早从逾期第1天开始" in text(response)
    rule.refresh_from_db()
    assert rule.days == 1


def test_a_rung_that_fired_is_switched_off_not_deleted(office_client, ledger):
    rule = ReminderRule.objects.get(name="到期前3天提醒")
    assert office_client.get(
        admin_url(ReminderRule, "delete", rule.pk)
    ).status_code == (403)
    unused = ReminderRule.objects.get(name="合作事项逾期15天通报领导")
    assert office_client.get(
        admin_url(ReminderRule, "delete", unused.pk)
    ).status_code == (200)


def test_the_ledger_is_read_only_with_its_parties(office_client, ledger):
    listing = text(office_client.get(admin_url(Urge, "changelist")))
    assert "每日自动提醒" in listing and "通报专班" in listing
    assert "四川省、重庆市" in listing
    urge = Urge.objects.get(kind="notice_office")
    page = office_client.get(admin_url(Urge, "change", urge.pk))
    body = text(page)
    assert page.status_code == 200
    assert "请专班督促推进" in body and "催办对象" in body and "重庆市" in body
    assert 'name="_save"' not in body
    assert office_client.get(admin_url(Urge, "add")).status_code == 403


def test_auditors_read_the_ledger_and_rules_and_change_nothing(auditor_client, ledger):
    for model in (ReminderRule, WorkCalendarDay, Urge):
        assert auditor_client.get(admin_url(model, "changelist")).status_code == 200
        assert auditor_client.get(admin_url(model, "add")).status_code == 403
    rule = ReminderRule.objects.first()
    page = text(auditor_client.get(admin_url(ReminderRule, "change", rule.pk)))
    assert 'name="_save"' not in page


def test_every_rung_is_in_its_items_history(auditor_client, ledger, sc_coord):
    url = reverse("admin:audit_auditlog_history", args=["tracker", "task", ledger.pk])
    response = auditor_client.get(url)
    assert response.status_code == 200
    entries = response.context["entries"]
    kinds = [e.values.get("kind") for e in entries if e.model is Urge]
    assert sorted(kinds) == ["due_soon", "notice_office", "overdue"]
    assert [e.model for e in entries if e.model is UrgeTarget].count(UrgeTarget) == 6
    body = text(response)
    assert "新增 · 催办对象" in body
    assert "现已逾期11天" in body and "四川省" in body

    # The log's entry of an urge opens the item's history at the urge.
    event = UrgeEvent.objects.filter(kind="overdue").get()
    assert history.link_owner(Urge, {"task_id": ledger.pk}) == (Task, ledger.pk)
    slug = f"audit.UrgeEvent:{event.pgh_id}"
    jump = auditor_client.get(reverse("admin:audit_auditlog_change", args=[slug]))
    assert jump.status_code == 302 and jump["Location"] == f"{url}#{slug}"
    # An addressed party's row opens its urge's history, which lists it.
    target = UrgeTargetEvent.objects.filter(urge_id=event.pgh_obj_id).first()
    slug = f"audit.UrgeTargetEvent:{target.pgh_id}"
    jump = auditor_client.get(reverse("admin:audit_auditlog_change", args=[slug]))
    urge_history = reverse(
        "admin:audit_auditlog_history", args=["supervision", "urge", event.pgh_obj_id]
    )
    assert jump["Location"] == f"{urge_history}#{slug}"
    listed = auditor_client.get(urge_history).context["entries"]
    assert {e.model for e in listed} == {Urge, UrgeTarget}

    # The log lists them, linked to the item.
    log = text(
        auditor_client.get(
            reverse("admin:audit_auditlog_changelist"),
            {"model": "supervision.urge"},
        )
    )
    assert f'href="{url}#audit.UrgeEvent:' in log
    assert AuditLog.objects.filter(pgh_obj_model="supervision.Urge").count() == 3
    assert TaskEvent.objects.filter(pgh_obj_id=ledger.pk).exists()


def test_every_rung_is_in_the_task_pages_history(ledger, sc_coord):
    with at_nine(d("2026-02-24")):
        page = task_history_for_user(user=sc_coord, task=ledger)
    records = [e.record_type for e in page.object_list]
    assert records.count("催办") == 3
    assert records.count("催办对象") == 6
    # Written by the worker's job, in no one's name (the database's clock
    # times the history, not the frozen one).
    sentences = [e.sentence for e in page.object_list if e.record_type == "催办"]
    said = [
        re.fullmatch(r"系统（未记录操作人）于.+新增催办“(.+)”", s) for s in sentences
    ]
    assert sorted(m[1] for m in said) == ["到期提醒", "通报专班", "逾期催办"]
    ledger_rows = [e for e in page.object_list if e.model in (Urge, UrgeTarget)]
    assert {e.source_label for e in ledger_rows} == {"后台任务"}
