"""Each light states its reason, from the same SQL as the light, at a fixed
day: the code, its figures and the one sentence every page shows; days
overdue cover the task and its late milestones, and the list sorts by them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient

from tests.factories import make_task
from tracker import services
from tracker.choices import Light, MilestoneStatus
from tracker.lights import reason_of, reason_text
from tracker.selectors import task_get_for_user
from tracker.selectors.dashboards import (
    TASK_SORTS,
    breakdown_for_user,
    most_overdue_for_user,
    task_table_for_user,
    visible_light_counts_for_user,
)

pytestmark = pytest.mark.django_db

START, DUE = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


@pytest.fixture
def plan(initiative, sc_coord):
    task = make_task(initiative, code="L-1", planned_start=START, due_date=DUE)
    services.task_start(task=task, actor=sc_coord)
    return task


def read(task, user, day):
    return task_get_for_user(user=user, pk=task.pk, today=day)


def said(task, language="zh-hans") -> str:
    with translation.override(language):
        return reason_text(reason_of(task))


def milestone(task, title, due):
    return services.milestone_create(task=task, title=title, due_date=due)


def test_task_overdue_names_its_days_and_its_late_milestones(plan, sc_coord):
    milestone(plan, "可研批复", dt.date(2025, 12, 1))
    row = read(plan, sc_coord, dt.date(2026, 1, 11))
    assert row.light == Light.RED
    assert reason_of(row) == {
        "code": "task_overdue",
        "figures": {
            "days": 11,
            "milestone": "可研批复",
            "milestone_days": 41,
            "milestones": 1,
        },
    }
    assert said(row) == "事项逾期11天；另有1个节点逾期"
    assert said(row, "en") == "Task overdue by 11 days; 1 milestone overdue too"
    assert (row.days_overdue, row.milestone_days_overdue, row.overdue_days) == (
        11,
        41,
        41,
    )


def test_milestone_overdue_names_the_most_overdue_and_how_many(plan, sc_coord):
    milestone(plan, "用地预审", dt.date(2025, 3, 1))
    row = read(plan, sc_coord, dt.date(2025, 3, 2))
    assert row.light == Light.RED and row.days_overdue == 0
    assert said(row) == "节点“用地预审”逾期1天"
    assert said(row, "en") == "Milestone “用地预审” overdue by 1 day"
    milestone(plan, "可研批复", dt.date(2025, 2, 10))
    row = read(plan, sc_coord, dt.date(2025, 3, 11))
    assert reason_of(row)["figures"] == {
        "days": 0,
        "milestone": "可研批复",
        "milestone_days": 29,
        "milestones": 2,
    }
    assert said(row) == "2个节点逾期，最久的“可研批复”已逾期29天"
    assert said(row, "en") == (
        "2 milestones overdue, the longest “可研批复” by 29 days"
    )
    assert (row.days_overdue, row.milestone_days_overdue, row.overdue_days) == (
        0,
        29,
        29,
    )


def test_a_done_milestone_is_no_reason(plan, sc_coord):
    ms = milestone(plan, "可研批复", dt.date(2025, 2, 10))
    services.milestone_update(
        milestone=ms,
        actor=sc_coord,
        expected_version=ms.version,
        status=MilestoneStatus.DONE,
    )
    row = read(plan, sc_coord, dt.date(2025, 2, 11))
    assert row.light == Light.GREEN and row.milestone_days_overdue == 0
    assert reason_of(row)["code"] == "on_track"


def test_milestone_due_soon_counts_the_days_left(plan, sc_coord, settings):
    settings.TRACKER_AMBER_WINDOW_DAYS = 7
    milestone(plan, "可研批复", dt.date(2025, 2, 10))
    row = read(plan, sc_coord, dt.date(2025, 2, 6))
    assert row.light == Light.AMBER
    assert reason_of(row) == {
        "code": "milestone_due_soon",
        "figures": {"milestone": "可研批复", "days_left": 4},
    }
    assert said(row) == "节点“可研批复”还有4天到期"
    assert said(row, "en") == "Milestone “可研批复” due in 4 days"
    assert said(read(plan, sc_coord, dt.date(2025, 2, 10))) == "节点“可研批复”今天到期"


def report_both(plan, progress, *coordinators):
    """Both parties report the same figure, so the joint item's (their
    average) is that figure too."""
    for actor in coordinators:
        services.progress_update_post(
            task=plan, actor=actor, narrative="进展", progress=progress
        )


def test_progress_lag_in_points(plan, sc_coord, cq_coord, settings):
    settings.TRACKER_PROGRESS_LAG_MARGIN = 20
    report_both(plan, 20, sc_coord, cq_coord)
    row = read(plan, sc_coord, dt.date(2025, 7, 2))  # 182 of 364 days: 50 %
    assert row.light == Light.AMBER
    assert reason_of(row) == {
        "code": "progress_lag",
        "figures": {"progress": 20, "elapsed": 50, "points": 30},
    }
    assert said(row) == "进度20%，落后时间进度30个百分点（计划时间已过50%）"
    assert said(row, "en") == (
        "Progress 20% lags elapsed time by 30 points (50% of the planned time elapsed)"
    )


def test_on_track_says_progress_against_time(plan, sc_coord, cq_coord):
    report_both(plan, 10, sc_coord, cq_coord)
    row = read(plan, sc_coord, dt.date(2025, 2, 7))  # 37 of 364 days
    assert row.light == Light.GREEN
    assert said(row) == "进度10%，计划时间已过10%"
    assert said(row, "en") == "Progress 10% with 10% of the planned time elapsed"


def test_override_says_by_whom_until_when_and_why(plan, sc_coord, office):
    office.full_name = "专班王五"
    office.save()
    until = timezone.now() + dt.timedelta(days=7)
    services.light_override_set(
        task=plan,
        actor=office,
        light=Light.RED,
        reason="征地协调受阻",
        expires_at=until,
    )
    row = read(plan, sc_coord, dt.date(2025, 1, 10))
    assert (row.light, row.computed_light) == (Light.RED, Light.GREEN)
    reason = reason_of(row)
    assert reason["code"] == "override"
    assert reason["figures"]["by"] == "专班王五"
    assert reason["figures"]["note"] == "征地协调受阻"
    day = timezone.localdate(until)
    assert said(row) == (
        f"人工调整亮灯（专班王五设定，有效期至{day.year}年{day.month}月{day.day}日）"
        "：征地协调受阻"
    )


def test_completed_is_closed_not_green_and_never_late(plan, sc_coord, cq_coord):
    milestone(plan, "可研批复", dt.date(2025, 2, 10))  # never done
    services.task_claim_completion(
        task=plan, actor=sc_coord, explanation="可研批复已并入总体验收"
    )
    services.task_confirm_completion(task=plan, actor=cq_coord)
    plan.refresh_from_db()
    row = read(plan, sc_coord, dt.date(2026, 6, 1))
    assert row.light == Light.CLOSED
    assert (row.days_overdue, row.milestone_days_overdue, row.overdue_days) == (
        0,
        0,
        0,
    )
    day = timezone.localdate(plan.completed_at)
    assert said(row) == f"已于{day.year}年{day.month}月{day.day}日销号"
    with translation.override("zh-hans"):
        assert str(Light(row.light).label) == "已销号"


def test_suspended_and_cancelled_have_a_neutral_light_and_a_reason(
    initiative, sc_coord, office
):
    paused = make_task(initiative, code="S-1", due_date=dt.date(2025, 3, 1))
    dropped = make_task(initiative, code="S-2", due_date=dt.date(2025, 3, 1))
    services.task_suspend(task=paused, actor=office, reason="暂缓实施")
    services.task_cancel(task=dropped, actor=office, reason="并入其他事项")
    day = dt.date(2025, 6, 1)
    paused_row, dropped_row = read(paused, sc_coord, day), read(dropped, sc_coord, day)
    assert paused_row.light == dropped_row.light == Light.NONE
    assert said(paused_row) == "事项已暂停，暂停期间不亮灯"
    assert said(dropped_row) == "事项已取消，不再亮灯"
    assert paused_row.overdue_days == dropped_row.overdue_days == 0


def _world_for_sorting(initiative, sc_coord):
    """At 2025-06-01: A is due at the year's end but a milestone is 92 days
    late; B is 31 days past its own due date; C is on track."""
    a = make_task(initiative, code="A", due_date=DUE, planned_start=START)
    b = make_task(
        initiative, code="B", due_date=dt.date(2025, 5, 1), planned_start=START
    )
    c = make_task(initiative, code="C", due_date=DUE, planned_start=START)
    for task in (a, b, c):
        services.task_start(task=task, actor=sc_coord)
    milestone(a, "川方用地预审", dt.date(2025, 3, 1))
    services.progress_update_post(task=c, actor=sc_coord, narrative="进展", progress=60)
    return a, b, c


def test_sorting_by_days_overdue_puts_a_late_milestone_among_the_late(
    initiative, sc_coord
):
    _world_for_sorting(initiative, sc_coord)
    table = task_table_for_user(user=sc_coord, today=dt.date(2025, 6, 1))
    most_first = list(table.order_by(*TASK_SORTS["days_overdue"]))
    assert [t.code for t in most_first] == ["A", "B", "C"]
    assert [(t.days_overdue, t.milestone_days_overdue) for t in most_first] == [
        (0, 92),
        (31, 0),
        (0, 0),
    ]
    fewest_first = table.order_by(*TASK_SORTS["-days_overdue"])
    assert [t.code for t in fewest_first] == ["C", "B", "A"]
    by_light = table.order_by(*TASK_SORTS["light"])
    assert [t.code for t in by_light][:2] == ["A", "B"]


def test_the_list_page_sorts_and_shows_both_figures(client, initiative, sc_coord):
    _world_for_sorting(initiative, sc_coord)
    client.force_login(sc_coord)
    # The page reads today's date: at a real today every task here is late.
    html = client.get(
        "/tasks/?sort=days_overdue", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    order = [html.index(f'data-code="{code}"') for code in ("A", "B", "C")]
    assert order[0] < order[1]
    assert 'data-part="milestone"' in html and "节点" in html
    assert 'data-testid="light-reason"' in html


def test_light_counts_keep_closed_apart_and_the_totals_whole(
    initiative, sc_coord, cq_coord
):
    *_, c = _world_for_sorting(initiative, sc_coord)
    services.task_claim_completion(task=c, actor=sc_coord)
    services.task_confirm_completion(task=c, actor=cq_coord)
    counts = visible_light_counts_for_user(user=sc_coord, today=dt.date(2025, 6, 1))
    assert counts["by_light"][Light.CLOSED] == 1
    assert counts["by_light"][Light.GREEN] == 0
    assert counts["by_light"][Light.RED] == 2
    assert counts["total"] == sum(counts["by_light"].values()) == 3
    summary = breakdown_for_user(user=sc_coord, today=dt.date(2025, 6, 1))["summary"]
    assert summary["by_light"][Light.CLOSED] == summary["completed"] == 1
    assert summary["total"] == sum(summary["by_light"].values())


def test_the_api_light_carries_its_reason(initiative, sc_coord):
    _, b, _ = _world_for_sorting(initiative, sc_coord)
    client = APIClient()
    client.force_authenticate(sc_coord)
    with translation.override("zh-hans"):
        light = client.get(
            f"/api/v1/tasks/{b.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).json()["light"]
    days = (timezone.localdate() - b.due_date).days
    assert light["value"] == "red"
    assert light["reason"]["code"] == "task_overdue"
    assert light["reason"]["figures"]["days"] == days
    assert light["reason"]["text"].startswith(f"事项逾期{days}天")
    listed = client.get("/api/v1/tasks/").json()["results"]
    assert {row["code"]: row["light"]["reason"]["code"] for row in listed} == {
        "A": "task_overdue",
        "B": "task_overdue",
        "C": "task_overdue",
    }


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_query_counts_do_not_grow_with_rows(initiative, sc_coord):
    day = dt.date(2025, 6, 1)

    def reads():
        list(task_table_for_user(user=sc_coord, today=day).order_by("-overdue_days"))
        most_overdue_for_user(user=sc_coord, today=day)
        breakdown_for_user(user=sc_coord, today=day)
        visible_light_counts_for_user(user=sc_coord, today=day)

    _world_for_sorting(initiative, sc_coord)
    few = _queries(reads)
    for n in range(6):
        task = make_task(initiative, code=f"M-{n}", due_date=dt.date(2025, 4, 1))
        services.task_start(task=task, actor=sc_coord)
        milestone(task, f"节点{n}", dt.date(2025, 2, 1))
    assert _queries(reads) == few
