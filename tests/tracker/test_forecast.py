"""The forecast finish date (tracker.forecast.RULE) on constructed histories:
a known pace gives a known date, the slowest party decides, late milestones
and extensions weigh in; the stored flag follows the writes and shows on the
list (API and page) and the item's detail, and as of a past instant the
forecast reads only the history before it."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from tests.factories import make_task
from tracker import services
from tracker.choices import Confidence
from tracker.forecast import RISK_DAYS, History, forecast, forecast_text
from tracker.models import TaskForecast
from tracker.selectors.forecast import forecasts_as_of

D = dt.date(2026, 6, 15)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def test_a_known_pace_gives_a_known_date():
    # 1 point a day over the last 40 days, at 60 %: 100 % in 40 more days.
    reports = [(day(-40), 20), (day(-20), 40), (day(0), 60)]
    f = forecast(History(today=D, due_date=day(30), parts=[reports]))
    assert f.pace_date == day(40)
    assert (f.forecast_date, f.slip_days, f.at_risk) == (day(40), 10, False)
    assert f.confidence == Confidence.HIGH


def test_the_slowest_party_and_the_late_milestones_decide():
    fast = [(day(-40), 20), (day(-20), 40), (day(0), 60)]
    # Half a point a day: 40 left take 80 days.
    slow = [(day(-40), 40), (day(-20), 50), (day(0), 60)]
    # Completed 10, 40 and 20 days late (and one early, counted as on time):
    # the median of 0, 10, 20, 40 is 15.
    milestones = [
        (day(-100), day(-90)),
        (day(-80), day(-40)),
        (day(-60), day(-40)),
        (day(-30), day(-35)),
    ]
    f = forecast(
        History(today=D, due_date=day(60), parts=[fast, slow], milestones=milestones)
    )
    assert f.pace_date == day(80)
    assert f.milestone_delay_days == 15
    assert (f.forecast_date, f.slip_days) == (day(80), 20)
    assert f.at_risk and f.slip_days > RISK_DAYS
    # Without the slow party's pace, due date plus the median delay.
    f = forecast(
        History(today=D, due_date=day(60), parts=[fast], milestones=milestones)
    )
    assert (f.forecast_date, f.slip_days, f.at_risk) == (day(75), 15, True)


def test_little_history_and_extensions_lower_the_confidence():
    none = forecast(History(today=D, due_date=day(30), parts=[[]]))
    assert (none.forecast_date, none.confidence, none.at_risk) == (
        day(30),
        Confidence.LOW,
        False,
    )
    # A short pace (two reports over 10 days): medium; an extension: low.
    short = [(day(-10), 50), (day(0), 60)]
    assert forecast(History(D, day(60), [short])).confidence == Confidence.MEDIUM
    assert (
        forecast(History(D, day(60), [short], extensions=1)).confidence
        == Confidence.LOW
    )
    # Past due and no pace: never before today.
    late = forecast(History(today=D, due_date=day(-20), parts=[[]]))
    assert (late.forecast_date, late.slip_days) == (D, 20)


def test_the_sentence_in_both_languages():
    with translation.override("zh-hans"):
        assert (
            forecast_text(forecast_date=dt.date(2027, 3, 10), slip_days=61)
            == "按当前进度预计2027年3月完成，较计划晚约2个月"
        )
        assert (
            forecast_text(forecast_date=dt.date(2027, 3, 10), slip_days=0)
            == "按当前进度预计2027年3月完成，可按期完成"
        )
    with translation.override("en"):
        assert forecast_text(forecast_date=dt.date(2027, 3, 10), slip_days=61) == (
            "At the current pace, expected to finish in March 2027, about 2 months late"
        )
        assert forecast_text(forecast_date=dt.date(2027, 3, 10), slip_days=13) == (
            "At the current pace, expected to finish in March 2027, about 2 weeks late"
        )


def _at(n: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day(n), dt.time(10)))


@pytest.mark.django_db
def test_the_stored_flag_follows_the_reports_and_shows_on_list_and_detail(
    today, initiative, sichuan, chongqing, sc_coord, cq_coord, office
):
    assert today == D
    task = make_task(
        initiative,
        code="SZ-01",
        title="成渝数据中心集群",
        planned_start=day(-120),
        due_date=day(30),
    )
    services.task_start(task=task, actor=office)
    for n, progress in ((-40, 20), (-20, 40), (-1, 60)):
        services.progress_update_post(
            task=task,
            actor=sc_coord,
            narrative="按计划推进",
            progress=progress,
            reported_at=_at(n),
        )
    # Chongqing half as fast: 40 points in 78 days from its last report.
    for n, progress in ((-40, 40), (-20, 50), (-1, 59)):
        services.progress_update_post(
            task=task,
            actor=cq_coord,
            narrative="设备到货延迟",
            progress=progress,
            reported_at=_at(n),
        )
    stored = TaskForecast.objects.get(task=task)
    # Chongqing: 19 points in 39 days; 41 to go from day -1: 85 days.
    assert stored.pace_date == day(-1 + 85)
    assert (stored.forecast_date, stored.slip_days, stored.at_risk) == (
        day(84),
        54,
        True,
    )
    calm = make_task(initiative, code="SZ-02", due_date=day(200))
    services.forecast_refresh(task_ids=[calm.pk])

    client = APIClient()
    client.force_authenticate(sc_coord)
    rows = client.get("/api/v1/tasks/", {"initiative": initiative.pk}).json()
    flags = {r["code"]: r["slip_risk"] for r in rows["results"]}
    assert flags == {"SZ-01": True, "SZ-02": False}
    risky = client.get("/api/v1/tasks/", {"slip_risk": "true"}).json()
    assert [r["code"] for r in risky["results"]] == ["SZ-01"]
    detail = client.get(
        f"/api/v1/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()
    assert detail["forecast"]["forecast_date"] == day(84).isoformat()
    assert detail["forecast"]["text"] == "按当前进度预计2026年9月完成，较计划晚约2个月"
    assert detail["forecast"]["confidence"] == "high"

    # As of a past instant only the reports before it count: on day -10
    # Sichuan's pace was 1 point a day from 40 % at day -20 (60 days to go),
    # Chongqing's half a point a day from 50 % (100 days).
    then = forecasts_as_of([task.pk], as_of=_at(-10))[task.pk]
    assert then.pace_date == day(-20 + 100)

    # Completed: no forecast any more.
    services.task_cancel(task=task, actor=office, reason="调整出清单")
    assert not TaskForecast.objects.filter(task=task).exists()
