"""Status lights are computed from dates and progress at a given day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.exceptions import PermissionDenied
from tests.factories import make_task
from tracker import services
from tracker.choices import Light, MilestoneStatus
from tracker.selectors import task_get_for_user

pytestmark = pytest.mark.django_db

# Each light is asked for at an explicit day (`today=`), not the clock.
START, DUE = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


@pytest.fixture
def plan(initiative, sc_coord):
    task = make_task(initiative, code="L-1", planned_start=START, due_date=DUE)
    services.task_start(task=task, actor=sc_coord)
    return task


def light(task, user, day):
    return task_get_for_user(user=user, pk=task.pk, today=day).light


def test_green_at_the_start(plan, sc_coord):
    assert light(plan, sc_coord, dt.date(2025, 1, 10)) == Light.GREEN


def test_amber_when_progress_lags_elapsed_time(plan, sc_coord, cq_coord, settings):
    settings.TRACKER_PROGRESS_LAG_MARGIN = 20
    mid_year = dt.date(2025, 7, 2)  # half the time gone, nothing reported
    assert light(plan, sc_coord, mid_year) == Light.AMBER
    services.progress_update_post(
        task=plan, actor=sc_coord, narrative="进展", progress=35
    )
    # The item's progress (the parties' average, 17) is what lags.
    assert light(plan, sc_coord, mid_year) == Light.AMBER
    services.progress_update_post(
        task=plan, actor=cq_coord, narrative="进展", progress=35
    )
    assert light(plan, sc_coord, mid_year) == Light.GREEN  # 50 - 35 < 20
    settings.TRACKER_PROGRESS_LAG_MARGIN = 10
    assert light(plan, sc_coord, mid_year) == Light.AMBER  # 50 - 35 > 10


def test_amber_when_a_milestone_falls_due_within_the_window(plan, sc_coord, settings):
    settings.TRACKER_AMBER_WINDOW_DAYS = 7
    services.milestone_create(
        task=plan, title="可研批复", due_date=dt.date(2025, 2, 10)
    )
    assert light(plan, sc_coord, dt.date(2025, 2, 2)) == Light.GREEN
    assert light(plan, sc_coord, dt.date(2025, 2, 3)) == Light.AMBER
    assert light(plan, sc_coord, dt.date(2025, 2, 10)) == Light.AMBER
    settings.TRACKER_AMBER_WINDOW_DAYS = 14
    assert light(plan, sc_coord, dt.date(2025, 1, 28)) == Light.AMBER


def test_red_when_a_milestone_or_the_task_is_past_due(plan, sc_coord):
    ms = services.milestone_create(
        task=plan, title="可研批复", due_date=dt.date(2025, 2, 10)
    )
    assert light(plan, sc_coord, dt.date(2025, 2, 11)) == Light.RED
    services.milestone_update(
        milestone=ms,
        actor=sc_coord,
        expected_version=ms.version,
        status=MilestoneStatus.DONE,
    )
    assert light(plan, sc_coord, dt.date(2025, 2, 11)) == Light.GREEN
    services.progress_update_post(
        task=plan, actor=sc_coord, narrative="进展", progress=99
    )
    assert light(plan, sc_coord, dt.date(2026, 1, 1)) == Light.RED


def test_completed_closed_suspended_not_tracked(plan, sc_coord, cq_coord, office):
    services.task_claim_completion(task=plan, actor=sc_coord)
    services.task_confirm_completion(task=plan, actor=cq_coord)
    assert light(plan, sc_coord, dt.date(2026, 6, 1)) == Light.CLOSED
    services.task_reopen(task=plan, actor=office, reason="复核发现问题")
    services.task_suspend(task=plan, actor=office, reason="暂缓实施")
    assert light(plan, sc_coord, dt.date(2026, 6, 1)) == Light.NONE


def test_override_with_reason_and_expiry(plan, sc_coord, office):
    day = dt.date(2025, 1, 10)
    with pytest.raises(PermissionDenied):
        services.light_override_set(
            task=plan,
            actor=sc_coord,
            light=Light.RED,
            reason="x",
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        services.light_override_set(
            task=plan,
            actor=office,
            light=Light.RED,
            reason="",
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
    services.light_override_set(
        task=plan,
        actor=office,
        light=Light.RED,
        reason="省领导督办事项",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    shown = task_get_for_user(user=sc_coord, pk=plan.pk, today=day)
    assert (shown.light, shown.computed_light) == (Light.RED, Light.GREEN)
    assert shown.override_reason == "省领导督办事项"
    # An expired override no longer counts.
    plan.light_overrides.update(
        created_at=timezone.now() - dt.timedelta(days=3),
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    assert light(plan, sc_coord, day) == Light.GREEN
    services.light_override_set(
        task=plan,
        actor=office,
        light=Light.AMBER,
        reason="关注",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert light(plan, sc_coord, day) == Light.AMBER
    assert services.light_override_clear(task=plan, actor=office) == 1
    assert light(plan, sc_coord, day) == Light.GREEN


def test_days_overdue_counted_for_open_tasks_only(plan, sc_coord):
    shown = task_get_for_user(user=sc_coord, pk=plan.pk, today=dt.date(2026, 1, 10))
    assert shown.days_overdue == 10
    assert task_get_for_user(user=sc_coord, pk=plan.pk, today=DUE).days_overdue == 0
