"""The stored light (tracker.models.TaskLight, MilestoneLight): written from
`with_light` itself, so that the stored light and the one computed from
scratch can never disagree in logic, only in age.

`lights_refresh` is called in the same transaction as every write that can
change a light (through `bump` of a task, and by the services that create
tasks and milestones, the admin and the imports), by the nightly job just
after midnight Asia/Shanghai for every open task (the light depends on the
date) and by the override expiry job. `lights_check` finds rows that differ
from a fresh computation."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils import timezone

from ..choices import Light, MilestoneStatus
from ..lights import reason_of
from ..models import Milestone, Task, TaskLight
from ..selectors.lights import DaysBetween, with_computed_light
from ..workflow import OPEN_STATES

# The columns copied as they are from `with_light`'s annotations.
COPIED = (
    "light",
    "computed_light",
    "override_light",
    "override_reason",
    "override_expires_at",
    "days_overdue",
    "milestone_days_overdue",
    "overdue_days",
    "late_milestone_title",
    "late_milestone_due",
    "next_due",
)
# What `tracker.lights.reason_of` reads besides those.
REASON_INPUTS = (
    "light_reason",
    "override_set_by",
    "completed_at",
    "late_milestone_count",
    "soon_milestone_title",
    "milestone_days_left",
    "progress_now",
    "elapsed_percent",
    "lag_percent",
    "light_rank",
    "delayed_by",
    "delayed_by_milestone",
)
STORED = (*COPIED, "rank", "reason", "computed_for")
# What a fresh computation must agree with (the day it was computed for is
# not: a closed task's light does not change with the date).
COMPARED = (*COPIED, "rank", "reason")
BATCH = 2000


def _affected(task_ids: Iterable[int]) -> set[int]:
    """The tasks whose light a write to `task_ids` may change: the tasks
    themselves. A dependent's light follows its blocker's only through the
    open dependency alerts, and `dependencies_check` writes the dependent's
    light again whenever those change."""
    return set(task_ids)


def _stored(row: dict, today: dt.date) -> dict:
    stored = {name: row[name] for name in COPIED}
    stored["override_light"] = stored["override_light"] or ""
    stored["override_reason"] = stored["override_reason"] or ""
    stored["late_milestone_title"] = stored["late_milestone_title"] or ""
    stored["rank"] = row["light_rank"]
    stored["reason"] = reason_of(row)
    stored["computed_for"] = today
    return stored


def computed_rows(tasks: QuerySet[Task], *, today: dt.date) -> Iterable[dict]:
    """The stored form of each task's light computed from scratch, by task id."""
    rows = (
        with_computed_light(tasks, today=today)
        .order_by("pk")
        .values("pk", *COPIED, *REASON_INPUTS)
    )
    for row in rows.iterator(chunk_size=BATCH):
        yield row["pk"], _stored(row, today)


# The instant the compiled statement carries in place of "now": replaced by
# the present at each run.
_NOW = dt.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC)


@functools.lru_cache(maxsize=8)
def _statement(today: dt.date, window: int, margin: int, alias: str):
    """The light's statement for every task, compiled once per day (and
    settings): building it through the ORM costs several times what running
    it for one task does, and every write under a task runs it. Filtered by
    task ids (an array parameter) outside, which PostgreSQL pushes down, so
    the per-row subqueries run for those tasks only. None when the stand-in
    for "now" cannot be found among the parameters."""
    rows = (
        with_computed_light(Task.objects.all(), today=today, now=_NOW)
        .annotate(light_task_id=F("pk"))
        .order_by()
        .values("light_task_id", *COPIED, *REASON_INPUTS)
    )
    sql, params = rows.query.get_compiler(using=alias).as_sql()
    now_at = [i for i, value in enumerate(params) if value == _NOW]
    if not now_at:
        return None
    # The ORM's own compilation, every value a parameter: nothing interpolated.
    wrapped = (
        f"SELECT * FROM ({sql}) AS light "  # noqa: S608
        "WHERE light.light_task_id = ANY(%s) ORDER BY light.light_task_id"
    )
    return wrapped, tuple(params), frozenset(now_at)


def rows_for_ids(task_ids: list[int], *, today: dt.date) -> Iterable[dict]:
    """`computed_rows` of the tasks `task_ids`, through the compiled statement."""
    compiled = _statement(
        today,
        settings.TRACKER_AMBER_WINDOW_DAYS,
        settings.TRACKER_PROGRESS_LAG_MARGIN,
        connection.alias,
    )
    if compiled is None:
        yield from computed_rows(Task.objects.filter(pk__in=task_ids), today=today)
        return
    sql, params, now_at = compiled
    now = timezone.now()
    values = [now if i in now_at else value for i, value in enumerate(params)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, list(task_ids)])
        names = [column.name for column in cursor.description]
        fetched = cursor.fetchall()
    for values_ in fetched:
        row = dict(zip(names, values_, strict=True))
        yield row["light_task_id"], _stored(row, today)


def _milestone_states(task_ids: list[int] | None, today: dt.date) -> QuerySet:
    window = settings.TRACKER_AMBER_WINDOW_DAYS
    today_value = Value(today, output_field=DateField())
    milestones = Milestone.objects.all()
    if task_ids is not None:
        milestones = milestones.filter(task_id__in=task_ids)
    tracked = Q(task__status__in=OPEN_STATES)
    late = tracked & ~Q(status=MilestoneStatus.DONE) & Q(due_date__lt=today)
    return milestones.order_by().values_list(
        "pk",
        "task_id",
        Case(
            When(status=MilestoneStatus.DONE, then=Value(Light.CLOSED)),
            When(~tracked, then=Value(Light.NONE)),
            When(due_date__lt=today, then=Value(Light.RED)),
            When(
                due_date__lte=today + dt.timedelta(days=window),
                then=Value(Light.AMBER),
            ),
            default=Value(Light.GREEN),
        ),
        Case(
            When(late, then=Greatest(DaysBetween(today_value, F("due_date")), 0)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        today_value,
    )


def _refresh_milestones(task_ids: list[int] | None, today: dt.date) -> None:
    select, params = _milestone_states(task_ids, today).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tracker_milestonelight "
            "(milestone_id, task_id, light, days_overdue, computed_for) "
            f"{select} ON CONFLICT (milestone_id) DO UPDATE SET "
            "task_id = EXCLUDED.task_id, light = EXCLUDED.light, "
            "days_overdue = EXCLUDED.days_overdue, "
            "computed_for = EXCLUDED.computed_for",
            params,
        )


@transaction.atomic
def lights_refresh(
    *,
    task_ids: Iterable[int] | None = None,
    open_only: bool = False,
    today: dt.date | None = None,
) -> int:
    """Store the light of the tasks `task_ids` (and of the tasks whose light
    follows theirs), or of every task, or of every open one (`open_only`: the
    ones whose light the date can change), computed for `today` (the local
    date). Returns the number of tasks written."""
    today = today or timezone.localdate()
    tasks = Task.objects.all()
    ids = None
    if task_ids is not None:
        ids = sorted(_affected(task_ids))
        if not ids:
            return 0
        tasks = tasks.filter(pk__in=ids)
    if open_only:
        tasks = tasks.filter(status__in=OPEN_STATES)
    written = 0
    batch: list[TaskLight] = []
    rows = (
        rows_for_ids(ids, today=today)
        if ids is not None and not open_only
        else computed_rows(tasks, today=today)
    )
    for pk, stored in rows:
        batch.append(TaskLight(task_id=pk, **stored))
        if len(batch) >= BATCH:
            written += _write(batch)
            batch = []
    written += _write(batch)
    if open_only and ids is None:
        ids = list(tasks.values_list("pk", flat=True))
    _refresh_milestones(ids, today)
    return written


def _write(batch: list[TaskLight]) -> int:
    if batch:
        TaskLight.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["task"],
            update_fields=[*STORED, "refreshed_at"],
        )
    return len(batch)


def lights_refresh_expired(*, now: dt.datetime | None = None) -> int:
    """Store the light of the tasks whose override has expired since their
    light was stored: the moment an override lapses, the computed light is
    the light again."""
    return lights_refresh(task_ids=expired_override_tasks(now=now))


def expired_override_tasks(*, now: dt.datetime | None = None) -> list[int]:
    """The tasks whose stored light still shows an override expired by now."""
    expired = TaskLight.objects.exclude(override_light="").filter(
        override_expires_at__lte=now or timezone.now()
    )
    return list(expired.values_list("task_id", flat=True))


def lights_check(
    *, today: dt.date | None = None
) -> list[tuple[int, str, object, object]]:
    """(task id, column, stored, computed) for every stored value that differs
    from the light computed from scratch, and for every task without a stored
    light (column "*"). Milestones likewise, by milestone id (column "milestone.…")."""
    today = today or timezone.localdate()
    stored = {
        row["task_id"]: row
        for row in TaskLight.objects.values("task_id", *STORED).iterator(
            chunk_size=BATCH
        )
    }
    differences = []
    for pk, fresh in computed_rows(Task.objects.all(), today=today):
        row = stored.pop(pk, None)
        if row is None:
            differences.append((pk, "*", None, fresh["light"]))
            continue
        for name in COMPARED:
            if row[name] != fresh[name]:
                differences.append((pk, name, row[name], fresh[name]))
    from ..models import MilestoneLight

    kept = {
        pk: (task, light, days)
        for pk, task, light, days in MilestoneLight.objects.values_list(
            "milestone_id", "task_id", "light", "days_overdue"
        ).iterator(chunk_size=BATCH)
    }
    for pk, task, light, days, _day in _milestone_states(None, today).iterator(
        chunk_size=BATCH
    ):
        was = kept.pop(pk, None)
        if was != (task, light, days):
            differences.append((task, f"milestone.{pk}", was, (task, light, days)))
    return differences
