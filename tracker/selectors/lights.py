"""The light of a task and its reason, computed in the same SQL statement as
the rows that carry it (lists, dashboards, reports and the API all annotate
through `with_light`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Greatest, Least, NullIf
from django.utils import timezone

from ..choices import (
    Light,
    LightReason,
    MilestoneStatus,
    TaskStatus,
)
from ..lights import LIGHT_SEVERITY
from ..models import (
    DependencyAlert,
    LightOverride,
    Milestone,
    ProgressUpdate,
    Task,
    TaskOwner,
)
from ..workflow import OPEN_STATES


class DaysBetween(Func):
    """`later - earlier` for two dates, in whole days (PostgreSQL date arithmetic)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def _progress_as_of(as_of: dt.datetime) -> Subquery:
    """The task's progress at `as_of` by the item's rule (PROGRESS_RULE, the
    parties' average rounded down): each party's last report before it, or
    its part's present figure if it had reported none by then."""
    reported = ProgressUpdate.objects.filter(
        task=OuterRef("task"), party=OuterRef("party"), reported_at__lt=as_of
    ).order_by("-reported_at", "-id")
    party_then = Coalesce(Subquery(reported.values("progress")[:1]), F("progress"))
    parts = (
        TaskOwner.objects.filter(task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(total=Sum(party_then), parts=Count("pk"))
        .values(
            then=ExpressionWrapper(F("total") / F("parts"), output_field=IntegerField())
        )
    )
    return Subquery(parts[:1], output_field=IntegerField())


def with_light(
    qs: QuerySet[Task],
    *,
    today: dt.date | None = None,
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Task]:
    """Annotate `computed_light`, the active override, the effective `light`
    and its reason (`light_reason` and its figures, see `tracker.lights`).

    red     the task or one of its milestones is past due and not done;
    amber   a milestone falls due within TRACKER_AMBER_WINDOW_DAYS, or progress
            lags the share of time elapsed by more than
            TRACKER_PROGRESS_LAG_MARGIN percentage points;
    green   otherwise;
    closed  completed (已销号): neither late nor on track any more;
    none    suspended or cancelled: not tracked.

    A dependent item whose blocker slipped (an open DependencyAlert, kept by
    tracker.services.dependencies.dependencies_check) is amber, never red:
    red reasons and an override come first.

    Days overdue come in two figures, both 0 unless the task is open:
    `days_overdue` for the task's own due date and `milestone_days_overdue`
    for its most overdue open milestone; `overdue_days` is the larger, the one
    lists sort by. Everything is one SQL expression per row, so that the light
    can later be stored as a column and kept current by the same expression.

    With `as_of` (an instant; `today` defaults to its local date) the light is the
    one the task had then, as far as the rows tell: completions after it are
    undone, progress is the last one reported before it, and only overrides
    active then count. `status_then` and `progress_then` carry those values.

    `now` (the instant an override must outlast) defaults to the present; the
    stored light's compiled statement passes a stand-in it replaces at each
    run (tracker.services.lights)."""
    if as_of is not None and today is None:
        today = timezone.localdate(as_of)
    today = today or timezone.localdate()
    now = as_of or now or timezone.now()
    window = settings.TRACKER_AMBER_WINDOW_DAYS
    margin = settings.TRACKER_PROGRESS_LAG_MARGIN
    milestones = Milestone.objects.filter(task=OuterRef("pk"))
    overrides = LightOverride.objects.filter(
        task=OuterRef("pk"), expires_at__gt=now
    ).order_by("-created_at")
    if as_of is None:
        status, progress = F("status"), F("progress")
        open_milestones = milestones.exclude(status=MilestoneStatus.DONE)
        active_override = overrides.filter(cleared_at__isnull=True)
        held_up = Q(closed_at__isnull=True)
    else:
        status = Case(
            When(
                status=TaskStatus.COMPLETED,
                completed_at__gte=as_of,
                then=Value(TaskStatus.IN_PROGRESS),
            ),
            default=F("status"),
        )
        progress = Coalesce(_progress_as_of(as_of), F("progress"))
        open_milestones = milestones.filter(
            ~Q(status=MilestoneStatus.DONE) | Q(completed_at__gte=as_of)
        )
        active_override = overrides.filter(created_at__lte=as_of).filter(
            Q(cleared_at__isnull=True) | Q(cleared_at__gt=as_of)
        )
        held_up = Q(opened_at__lte=as_of) & (
            Q(closed_at__isnull=True) | Q(closed_at__gt=as_of)
        )
    alerts = DependencyAlert.objects.filter(held_up, dependency__task=OuterRef("pk"))
    alerts = alerts.order_by("-opened_at", "-id")
    today_value = Value(today, output_field=DateField())
    total = DaysBetween(F("due_date"), F("planned_start"))
    elapsed = Least(DaysBetween(today_value, F("planned_start")), total)
    has_schedule = Q(planned_start__isnull=False, due_date__gt=F("planned_start"))
    lagging = Q(planned_start__lt=today) & has_schedule & Q(lag_points__gt=0)
    late = open_milestones.filter(due_date__lt=today).order_by("due_date", "id")
    soon = open_milestones.filter(
        due_date__gte=today, due_date__lte=today + dt.timedelta(days=window)
    ).order_by("due_date", "id")
    late_count = late.order_by().values("task").annotate(n=Count("id")).values("n")
    set_by = Coalesce(NullIf(F("set_by__full_name"), Value("")), F("set_by__username"))
    if as_of is not None:
        qs = qs.annotate(
            status_then=status,
            progress_then=ExpressionWrapper(progress, output_field=IntegerField()),
        )
        status, progress = F("status_then"), F("progress_then")
    is_open = Q(status_then__in=OPEN_STATES) if as_of else Q(status__in=OPEN_STATES)
    status_is = "status_then" if as_of else "status"
    completed = Q(**{status_is: TaskStatus.COMPLETED})
    integer = IntegerField()
    return (
        qs.annotate(
            lag_points=Case(
                When(has_schedule, then=elapsed * 100 - (progress + margin) * total),
                default=Value(0),
                output_field=integer,
            ),
            # Percentage points of the planned time elapsed, and how far
            # progress falls behind it: the figures of the amber light.
            elapsed_percent=Case(
                When(has_schedule, then=Greatest(elapsed, Value(0)) * 100 / total),
                output_field=integer,
            ),
            lag_percent=Case(
                When(has_schedule, then=(elapsed * 100 - progress * total) / total),
                output_field=integer,
            ),
            progress_now=ExpressionWrapper(progress, output_field=integer),
            milestone_overdue=Exists(late),
            milestone_due_soon=Exists(soon),
            late_milestone_title=Subquery(late.values("title")[:1]),
            late_milestone_due=Subquery(late.values("due_date")[:1]),
            late_milestone_count=Coalesce(
                Subquery(late_count, output_field=integer), Value(0)
            ),
            soon_milestone_title=Subquery(soon.values("title")[:1]),
            soon_milestone_due=Subquery(soon.values("due_date")[:1]),
            dependency_delayed=Exists(alerts),
            delayed_by=Subquery(alerts.values("dependency__blocker_task__code")[:1]),
            delayed_by_milestone=Subquery(
                alerts.values("dependency__blocker_milestone__title")[:1]
            ),
            override_light=Subquery(active_override.values("light")[:1]),
            override_reason=Subquery(active_override.values("reason")[:1]),
            override_expires_at=Subquery(active_override.values("expires_at")[:1]),
            override_set_by=Subquery(
                active_override.annotate(by=set_by).values("by")[:1]
            ),
            days_overdue=Case(
                When(
                    is_open & Q(due_date__lt=today),
                    then=DaysBetween(today_value, F("due_date")),
                ),
                default=Value(0),
                output_field=integer,
            ),
        )
        .annotate(
            milestone_days_overdue=Case(
                When(
                    is_open & Q(late_milestone_due__isnull=False),
                    then=DaysBetween(today_value, F("late_milestone_due")),
                ),
                default=Value(0),
                output_field=integer,
            ),
            milestone_days_left=DaysBetween(F("soon_milestone_due"), today_value),
            computed_light=Case(
                When(completed, then=Value(Light.CLOSED)),
                When(~is_open, then=Value(Light.NONE)),
                When(
                    Q(due_date__lt=today) | Q(milestone_overdue=True),
                    then=Value(Light.RED),
                ),
                When(
                    Q(milestone_due_soon=True) | Q(dependency_delayed=True) | lagging,
                    then=Value(Light.AMBER),
                ),
                default=Value(Light.GREEN),
            ),
        )
        .annotate(
            overdue_days=Greatest(F("days_overdue"), F("milestone_days_overdue")),
            light=Case(
                When(override_light__isnull=False, then=F("override_light")),
                default=F("computed_light"),
            ),
            # Why the light is what it is, in the order the light is decided;
            # tracker.lights turns the code and its figures into a sentence.
            light_reason=Case(
                When(override_light__isnull=False, then=Value(LightReason.OVERRIDE)),
                When(completed, then=Value(LightReason.CLOSED)),
                When(
                    Q(**{status_is: TaskStatus.SUSPENDED}),
                    then=Value(LightReason.SUSPENDED),
                ),
                When(~is_open, then=Value(LightReason.CANCELLED)),
                When(due_date__lt=today, then=Value(LightReason.TASK_OVERDUE)),
                When(milestone_overdue=True, then=Value(LightReason.MILESTONE_OVERDUE)),
                When(dependency_delayed=True, then=Value(LightReason.DEPENDENCY_DELAY)),
                When(
                    milestone_due_soon=True, then=Value(LightReason.MILESTONE_DUE_SOON)
                ),
                When(lagging, then=Value(LightReason.PROGRESS_LAG)),
                default=Value(LightReason.ON_TRACK),
            ),
        )
    )


def light_rank() -> Case:
    """The light's severity as a number, most severe first (LIGHT_SEVERITY)."""
    return Case(
        *[When(light=code, then=Value(rank)) for code, rank in LIGHT_SEVERITY.items()],
        default=Value(len(LIGHT_SEVERITY)),
        output_field=IntegerField(),
    )


def _next_due() -> Case:
    earliest = (
        Milestone.objects.filter(task=OuterRef("pk"))
        .exclude(status=MilestoneStatus.DONE)
        .order_by()
        .values("task")
        .annotate(first=Min("due_date"))
        .values("first")
    )
    return Case(
        When(
            status__in=OPEN_STATES,
            then=Least(Subquery(earliest, output_field=DateField()), F("due_date")),
        ),
        output_field=DateField(),
    )


def with_computed_light(
    qs: QuerySet[Task],
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Task]:
    """`with_light` with what the stored light has besides: `light_rank` and
    `next_due` (the earliest of the open milestones' due dates and the
    task's own)."""
    return with_light(qs, today=today, now=now).annotate(
        light_rank=light_rank(), next_due=_next_due()
    )


# The annotations of `with_stored_light` that are the stored light's indexed
# columns (tracker.models.TaskLight's indexes).
STORED_SORTS = frozenset(
    {"light_rank", "overdue_days", "days_overdue", "next_due", "light"}
)


def stored_for(today: dt.date | None) -> bool:
    """Whether the stored light is the light of `today` (None: today)."""
    return today is None or today == timezone.localdate()


def with_stored_light(
    qs: QuerySet[Task], *, today: dt.date | None = None, joined: bool = True
) -> QuerySet[Task]:
    """The tasks with their stored light (tracker.models.TaskLight) under the
    names `with_light` gives them, and `light_rank` and `next_due`: columns
    with indexes, nothing computed per row. For another day than today the
    light is computed for that day (`with_computed_light`).

    Every task has its stored light (written with the task, and filled after
    migrate), so `joined=False` leaves the join an outer one: a COUNT of the
    list then reads the task table alone (PostgreSQL drops an outer join
    nothing reads), where an inner join would join every task to its light.
    `order_tasks` makes it inner again for a sort by the light's columns, which
    reads the light's index in order and stops after a page."""
    if not stored_for(today):
        return with_computed_light(qs, today=today)
    state = "light_state__"
    if joined:
        qs = qs.filter(light_state__isnull=False)
    return qs.annotate(
        light=F(f"{state}light"),
        computed_light=F(f"{state}computed_light"),
        light_rank=F(f"{state}rank"),
        stored_reason=F(f"{state}reason"),
        light_reason=KeyTextTransform("code", f"{state}reason"),
        override_light=NullIf(F(f"{state}override_light"), Value("")),
        override_reason=F(f"{state}override_reason"),
        override_expires_at=F(f"{state}override_expires_at"),
        days_overdue=F(f"{state}days_overdue"),
        milestone_days_overdue=F(f"{state}milestone_days_overdue"),
        overdue_days=F(f"{state}overdue_days"),
        milestone_overdue=ExpressionWrapper(
            Q(light_state__milestone_days_overdue__gt=0), output_field=BooleanField()
        ),
        late_milestone_title=NullIf(F(f"{state}late_milestone_title"), Value("")),
        late_milestone_due=F(f"{state}late_milestone_due"),
        next_due=F(f"{state}next_due"),
    )


def order_tasks(qs: QuerySet[Task], columns) -> QuerySet[Task]:
    """`qs.order_by(*columns)`; sorted by the stored light's columns, through
    their index (`with_stored_light`)."""
    if any(column.lstrip("-") in STORED_SORTS for column in columns):
        qs = qs.filter(light_state__isnull=False)
    return qs.order_by(*columns)
