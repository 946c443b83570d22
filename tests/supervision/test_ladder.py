"""The daily ladder at frozen dates around the 2026 Spring Festival: each rung
fires once on its day, working days by the calendar (make-up working days
included), one message per item, person and day."""

import datetime as dt
from collections import defaultdict

import pytest
from django.utils import translation

from accounts.services import membership_grant
from notifications.choices import Event
from notifications.models import Notification
from notifications.services import notify
from supervision.choices import UrgeKind
from supervision.models import ReminderDelivery, ReminderFiring, ReminderRule, Urge
from tests.factories import make_task
from tests.supervision.conftest import at_nine, d, run_every_day, run_on
from tracker import services
from tracker.choices import MilestoneStatus

pytestmark = pytest.mark.django_db

DUE_SOON, OVERDUE = UrgeKind.DUE_SOON, UrgeKind.OVERDUE
OFFICE, LEADERSHIP = UrgeKind.NOTICE_OFFICE, UrgeKind.NOTICE_LEADERSHIP


def fired_by_day(task=None) -> dict[dt.date, list[str]]:
    found = defaultdict(list)
    rows = ReminderFiring.objects.order_by("day", "kind")
    if task is not None:
        rows = rows.filter(task=task)
    for day, kind in rows.values_list("day", "kind"):
        found[day].append(kind)
    return dict(found)


def inbox(user, task=None):
    rows = Notification.objects.filter(recipient=user).order_by("created_at", "id")
    return list(rows.filter(task=task) if task else rows)


def test_each_rung_fires_once_on_its_day_through_the_spring_festival(item):
    run_every_day("2026-02-01", "2026-03-05")
    assert fired_by_day() == {
        # Three days before the due date: a Tuesday.
        d("2026-02-10"): [DUE_SOON],
        # The first day overdue is a Saturday worked for the Spring Festival.
        d("2026-02-14"): [OVERDUE],
        # The holiday (15–23) sends nothing; the notice due on day 5 (18th)
        # goes out on the first working day after it.
        d("2026-02-24"): [OFFICE, OVERDUE],
        d("2026-02-25"): [OVERDUE],
        d("2026-02-26"): [OVERDUE],
        d("2026-02-27"): [OVERDUE],
        # Day 15 is the second Saturday worked: leadership hears of it then.
        d("2026-02-28"): [LEADERSHIP, OVERDUE],
        # Sunday 1 March: nothing.
        d("2026-03-02"): [OVERDUE],
        d("2026-03-03"): [OVERDUE],
        d("2026-03-04"): [OVERDUE],
        d("2026-03-05"): [OVERDUE],
    }
    for urge in Urge.objects.select_related("firing"):
        assert urge.sent_by is None and urge.milestone is None
        assert urge.task == item
        assert urge.kind == urge.firing.kind
        assert urge.sent_at.astimezone(dt.UTC).date() == urge.firing.day
        # Notices too name the parties they concern.
        assert [t.party.code for t in urge.targets.order_by("party__sort_order")] == [
            "sc",
            "cq",
        ]


def test_a_due_date_reminder_whose_day_is_a_holiday_goes_out_after_it(
    initiative, people
):
    with at_nine(d("2026-01-05")):
        task = make_task(initiative, title="页岩气产能基地", due_date=d("2026-02-25"))
    run_every_day("2026-02-13", "2026-02-26")
    # Due Wednesday 25th: its reminder day (22nd) falls in the holiday.
    assert fired_by_day(task) == {
        d("2026-02-24"): [DUE_SOON],
        d("2026-02-26"): [OVERDUE],
    }


def test_who_hears_of_each_rung(item, people):
    run_on("2026-02-10")
    (due,) = inbox(people["sc_coord"])
    assert due.event == Event.REMINDER
    assert due.title == "到期提醒：NY-01 川渝1000千伏特高压交流工程"
    assert due.body == (
        "合作事项“川渝1000千伏特高压交流工程”将于2026年2月13日到期，请按时报送进展。"
    )
    assert due.link == f"/tasks/{item.pk}/"
    assert [n.title for n in inbox(people["cq_coord"])] == [due.title]
    assert inbox(people["office"]) == inbox(people["sc_leader"]) == []

    run_on("2026-02-24")
    (overdue,) = inbox(people["cq_coord"])[1:]
    assert overdue.event == Event.REMINDER
    assert overdue.body == (
        "合作事项“川渝1000千伏特高压交流工程”已于2026年2月13日到期，现已逾期11天，"
        "请抓紧推进并报送进展。"
    )
    (notice,) = inbox(people["office"])
    assert notice.event == Event.ESCALATION
    assert notice.title == "通报专班：NY-01 川渝1000千伏特高压交流工程"
    assert notice.body == (
        "通报：合作事项“川渝1000千伏特高压交流工程”（责任省市：四川省、重庆市）"
        "已于2026年2月13日到期，现已逾期11天，请专班督促推进。"
    )
    assert inbox(people["sc_leader"]) == []

    run_on("2026-02-28")
    for leader in (people["sc_leader"], people["cq_leader"]):
        (to_leader,) = inbox(leader)
        assert to_leader.event == Event.ESCALATION
        assert to_leader.body.endswith("现已逾期15天，请领导关注。")
    assert len(inbox(people["office"])) == 1


def test_one_message_per_item_person_and_day_the_highest_rung_first(
    item, people, sichuan, office
):
    services.milestone_create(task=item, title="四川段投运", due_date=d("2026-02-26"))
    # The office's administrator also coordinates for Sichuan.
    membership_grant(user=office, party=sichuan, role="coordinator")
    run = run_on("2026-02-24")
    assert run.fired == {OVERDUE: 1, OFFICE: 1, DUE_SOON: 1}
    # The coordinators hear of the item's overdue reminder, the milestone's
    # due-date reminder below it in the same message.
    (to_coord,) = inbox(people["cq_coord"])
    assert to_coord.title == "逾期催办：NY-01 川渝1000千伏特高压交流工程"
    assert to_coord.body.splitlines() == [
        "合作事项“川渝1000千伏特高压交流工程”已于2026年2月13日到期，现已逾期11天，"
        "请抓紧推进并报送进展。",
        "合作事项“川渝1000千伏特高压交流工程”的节点“四川段投运”将于2026年2月26日"
        "到期，请按时报送进展。",
    ]
    # Coordinator and office both: one message, the notice first.
    (to_both,) = inbox(office)
    assert to_both.event == Event.ESCALATION
    assert to_both.title.startswith("通报专班：")
    assert len(to_both.body.splitlines()) == 3
    assert ReminderDelivery.objects.filter(day=d("2026-02-24")).count() == 3
    # Every rung is on the ledger all the same.
    assert Urge.objects.count() == 3


def test_the_daily_limit_holds_across_runs_of_one_day(item, people):
    run_on("2026-02-24")
    # A milestone added after the morning's run, due within three days.
    services.milestone_create(task=item, title="重庆段投运", due_date=d("2026-02-26"))
    again = run_on("2026-02-24")
    assert again.fired == {DUE_SOON: 1}
    assert again.notified == 0
    assert len(inbox(people["sc_coord"])) == 1


def test_running_twice_on_a_day_sends_nothing_more(item, people):
    first = run_on("2026-02-28")
    rows = (Urge.objects.count(), Notification.objects.count())
    second = run_on("2026-02-28")
    assert first.notified == 5 and first.fired
    assert second.fired == {} and second.notified == 0
    assert (Urge.objects.count(), Notification.objects.count()) == rows


def test_a_run_after_missed_days_does_not_flood(item, people):
    run = run_on("2026-03-02")
    # Nothing ran for weeks: the notices both go out now, the overdue reminder
    # once; the due-date reminder is past its time.
    assert run.fired == {OVERDUE: 1, OFFICE: 1, LEADERSHIP: 1}
    for name, count in [
        ("sc_coord", 1),
        ("cq_coord", 1),
        ("office", 1),
        ("sc_leader", 1),
        ("cq_leader", 1),
    ]:
        assert len(inbox(people[name])) == count, name
    assert run_on("2026-03-03").fired == {OVERDUE: 1}


def test_an_approved_extension_starts_the_ladder_again(item, people):
    run_every_day("2026-02-10", "2026-02-28")
    with at_nine(d("2026-03-02")):
        request = services.task_request_extension(
            task=item,
            actor=people["sc_coord"],
            requested_due_date=d("2026-03-20"),
            reason="春节后设备到货推迟",
        )
        services.extension_request_decide(
            request=request,
            actor=people["office"],
            approve=True,
            opinion="同意延期至3月20日。",
        )
    run_every_day("2026-03-02", "2026-03-27")
    later = {day: kinds for day, kinds in fired_by_day().items() if day.month == 3}
    assert later == {
        # Friday 20 March, reminded on Tuesday 17th.
        d("2026-03-17"): [DUE_SOON],
        # Overdue from Monday 23rd (the weekend skipped), noticed on day 5.
        d("2026-03-23"): [OVERDUE],
        d("2026-03-24"): [OVERDUE],
        d("2026-03-25"): [OFFICE, OVERDUE],
        d("2026-03-26"): [OVERDUE],
        d("2026-03-27"): [OVERDUE],
    }
    # The first date's ladder stays on record, under its own due date.
    assert set(ReminderFiring.objects.values_list("due_date", flat=True)) == {
        d("2026-02-13"),
        d("2026-03-20"),
    }


def test_closed_cancelled_and_suspended_items_are_not_chased(initiative, item, people):
    with at_nine(d("2026-01-05")):
        cancelled = make_task(initiative, title="已取消事项", due_date=d("2026-02-13"))
        suspended = make_task(initiative, title="已暂停事项", due_date=d("2026-02-13"))
        services.task_cancel(task=cancelled, actor=people["office"], reason="合并")
        services.task_suspend(task=suspended, actor=people["office"], reason="暂缓")
        done = make_task(
            initiative,
            title="已销号事项",
            due_date=d("2026-02-13"),
            status="completed",
            progress=100,
        )
    run_on("2026-02-24")
    assert set(ReminderFiring.objects.values_list("task__title", flat=True)) == {
        item.title
    }
    assert cancelled and suspended and done


def test_milestones_reach_the_parties_they_belong_to(item, people, sichuan, chongqing):
    with at_nine(d("2026-01-05")):
        joint = services.milestone_create(
            task=item, title="全线贯通", due_date=d("2026-02-26")
        )
        services.milestone_create(
            task=item,
            title="四川段",
            due_date=d("2026-02-25"),
            party=sichuan,
            parent=joint,
        )
        services.milestone_create(
            task=item,
            title="重庆段",
            due_date=d("2026-02-26"),
            party=chongqing,
            parent=joint,
            status=MilestoneStatus.DONE,
        )
        services.milestone_create(
            task=item,
            title="已完成节点",
            due_date=d("2026-02-25"),
            status=MilestoneStatus.DONE,
        )
    # The due-date reminder alone: which milestones does it reach?
    ReminderRule.objects.exclude(kind=DUE_SOON).update(is_active=False)
    run_on("2026-02-24")
    # The joint milestone is chased through its open part, addressed to its
    # party; a part or milestone done is not chased.
    (urge,) = Urge.objects.filter(milestone__isnull=False)
    assert urge.milestone.title == "四川段"
    assert [t.party for t in urge.targets.all()] == [sichuan]
    assert "节点“四川段”" in inbox(people["sc_coord"])[0].body
    assert inbox(people["cq_coord"]) == []


def test_a_rule_may_send_on_every_day(item, people):
    ReminderRule.objects.filter(kind=OVERDUE).update(skip_non_working_days=False)
    run_every_day("2026-02-20", "2026-03-01")
    assert fired_by_day() == {
        # The overdue reminder goes out through the holiday and the weekend;
        # the notices still keep to working days.
        d("2026-02-20"): [OVERDUE],
        d("2026-02-21"): [OVERDUE],
        d("2026-02-22"): [OVERDUE],
        d("2026-02-23"): [OVERDUE],
        d("2026-02-24"): [OFFICE, OVERDUE],
        d("2026-02-25"): [OVERDUE],
        d("2026-02-26"): [OVERDUE],
        d("2026-02-27"): [OVERDUE],
        d("2026-02-28"): [LEADERSHIP, OVERDUE],
        d("2026-03-01"): [OVERDUE],
    }


def test_inactive_rules_send_nothing(item, people):
    ReminderRule.objects.update(is_active=False)
    assert run_on("2026-02-24").fired == {}
    assert not Notification.objects.exists()


def test_the_offices_urge_by_hand_is_the_days_message(item, people):
    with at_nine(d("2026-02-24")):
        notify(
            event=Event.URGE,
            recipients=[people["sc_coord"]],
            title="催办：NY-01 川渝1000千伏特高压交流工程",
            body="请于本周五前报送进展。",
            task=item,
            actor=people["office"],
        )
    run_on("2026-02-24")
    assert [n.event for n in inbox(people["sc_coord"])] == [Event.URGE]
    assert [n.event for n in inbox(people["cq_coord"])] == [Event.REMINDER]
    assert Urge.objects.filter(kind=OVERDUE).count() == 1


def test_the_ledger_is_written_in_the_services_language(item, people):
    with translation.override("en"):
        run_on("2026-02-10")
    (urge,) = Urge.objects.all()
    assert urge.message.startswith(
        "合作事项“川渝1000千伏特高压交流工程”将于2026年2月13日"
    )
