"""Dependencies between items: recorded and removed by the dependent's owners'
coordinators and the joint office; checked for slips wherever a due date
moves or a light turns (dependencies_check)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from config.exceptions import Conflict
from config.validation import validated_save
from notifications.choices import Event
from notifications.recipients import coordinators_of, joint_office
from notifications.services import notify

from ..choices import DependencyCause, Light, MilestoneStatus
from ..models import (
    DependencyAlert,
    Initiative,
    Milestone,
    Task,
    TaskDependency,
)
from ..selectors.dependencies import blockers_of
from ..selectors.lights import with_light
from ..workflow import OPEN_STATES
from ._common import bump, lock, require
from .lights import lights_refresh


@transaction.atomic
def dependency_add(
    *,
    task: Task,
    actor: User,
    blocker_task: Task,
    milestone: Milestone | None = None,
    blocker_milestone: Milestone | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> TaskDependency:
    """Record that `task` (or its `milestone`) waits for `blocker_task` (or
    its `blocker_milestone`). Refused when the blocker already waits for the
    task, directly or through other items: checked with the initiative's
    row locked, so two concurrent additions cannot close a circle between
    them. Conditioned on the dependent task's version."""
    # The initiative's row is the lock of its dependency graph (NO KEY: new
    # items of the initiative may still be inserted meanwhile), taken before
    # the task's: the new row's key check on the blocker must not wait for a
    # writer that waits for the graph.
    Initiative.objects.select_for_update(no_key=True).get(pk=task.initiative_id)
    task = lock(Task, task.pk, expected_version)
    require(actor, "manage_dependency", task)
    dependency = TaskDependency(
        initiative_id=task.initiative_id,
        task=task,
        milestone=milestone,
        blocker_task=blocker_task,
        blocker_milestone=blocker_milestone,
        note=note.strip(),
        created_by=actor,
    )
    if blocker_task.pk != task.pk and task.pk in blockers_of([blocker_task.pk]):
        raise Conflict(
            _(
                "%(blocker)s already waits for %(task)s, directly or through other "
                "items: this dependency would close a circle."
            )
            % {"blocker": blocker_task.code, "task": task.code}
        )
    validated_save(dependency)
    bump(task)
    dependencies_check(task_ids=[task.pk])
    return dependency


@transaction.atomic
def dependency_remove(
    *, dependency: TaskDependency, actor: User, expected_version: int | None = None
) -> None:
    """Remove a dependency (its alerts go with it). Conditioned on the
    dependent task's version."""
    task = lock(Task, dependency.task_id, expected_version)
    require(actor, "manage_dependency", task)
    TaskDependency.objects.filter(pk=dependency.pk).delete()
    bump(task)


def _blocker_state(
    dependencies: list[TaskDependency], today: dt.date
) -> dict[int, tuple]:
    """For each blocking task: (light, due date, open)."""
    ids = {d.blocker_task_id for d in dependencies}
    return {
        t["pk"]: (t["light"], t["due_date"], t["status"] in OPEN_STATES)
        for t in with_light(Task.objects.filter(pk__in=ids), today=today).values(
            "pk", "light", "due_date", "status"
        )
    }


def _slip(d: TaskDependency, blockers: dict, today: dt.date):
    """(cause, blocker's due date, dependent's date) of a slip, or None."""
    dependent = d.milestone or d.task
    if d.task.status not in OPEN_STATES or (
        d.milestone is not None and d.milestone.status == MilestoneStatus.DONE
    ):
        return None
    light, task_due, is_open = blockers[d.blocker_task_id]
    if not is_open:
        return None
    if d.blocker_milestone is not None:
        if d.blocker_milestone.status == MilestoneStatus.DONE:
            return None
        due = d.blocker_milestone.due_date
        red = due < today
    else:
        due, red = task_due, light == Light.RED
    if red:
        return DependencyCause.RED, due, dependent.due_date
    if due > dependent.due_date:
        return DependencyCause.DUE_AFTER, due, dependent.due_date
    return None


@transaction.atomic
def dependencies_check(
    *, task_ids: Collection[int] | None = None, today: dt.date | None = None
) -> dict[str, int]:
    """Open an alert for each dependency whose blocker slips now (its due date
    past the dependent's date, or its light red) and tell the dependent's
    owners' coordinators and the joint office, exactly once per slip (the
    alert's unique key); close the alerts of slips cured. `task_ids` limits
    the check to dependencies touching those items (as blocker or
    dependent); None checks all. Safe to run twice or at once without
    locking the dependencies (a lock there, taken after the write's own light
    row and before the dependents', let a blocker's write and its dependent's
    deadlock): the alert's unique key lets only one check open a slip and
    tell it, closing and reopening are idempotent, and a dependency removed
    meanwhile is passed over."""
    today = today or timezone.localdate()
    deps = TaskDependency.objects.order_by("pk")
    if task_ids is not None:
        ids = list(task_ids)
        deps = deps.filter(Q(task__in=ids) | Q(blocker_task__in=ids))
    deps = list(
        deps.select_related("task", "milestone", "blocker_task", "blocker_milestone")
    )
    if not deps:
        return {"opened": 0, "closed": 0}
    blockers = _blocker_state(deps, today)
    open_alerts: dict[int, list[DependencyAlert]] = {}
    for alert in DependencyAlert.objects.filter(
        dependency__in=deps, closed_at__isnull=True
    ):
        open_alerts.setdefault(alert.dependency_id, []).append(alert)
    now = timezone.now()
    opened = closed = 0
    # The dependents whose open alerts change: their stored light (amber
    # while held up) is written again before the transaction ends.
    turned: set[int] = set()
    for d in deps:
        slip = _slip(d, blockers, today)
        key = (slip[0], slip[1]) if slip else None
        stale = [
            a.pk for a in open_alerts.get(d.pk, ()) if (a.cause, a.blocker_due) != key
        ]
        if stale:
            closed += DependencyAlert.objects.filter(pk__in=stale).update(closed_at=now)
            turned.add(d.task_id)
        if slip is None:
            continue
        cause, blocker_due, dependent_due = slip
        try:
            alert, created = DependencyAlert.objects.get_or_create(
                dependency=d,
                cause=cause,
                blocker_due=blocker_due,
                defaults={"dependent_due": dependent_due, "opened_at": now},
            )
        except IntegrityError:
            continue  # the dependency was removed meanwhile
        if created:
            opened += 1
            turned.add(d.task_id)
            _tell_slip(d, alert)
        elif alert.closed_at is not None:
            # The same slip again (cured, then back): shown, not told twice.
            alert.closed_at = None
            alert.save(update_fields=["closed_at"])
            turned.add(d.task_id)
    if turned:
        lights_refresh(task_ids=turned, today=today)
    return {"opened": opened, "closed": closed}


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _tell_slip(d: TaskDependency, alert: DependencyAlert) -> None:
    """The dependent's owners' coordinators and the joint office hear that
    its blocker slipped, in the service's language."""
    task, blocker = d.task, d.blocker_task
    with translation.override(settings.LANGUAGE_CODE):
        names = {"code": task.code, "title": task.title, "blocker": blocker.code}
        title = _("%(code)s %(title)s held up by %(blocker)s") % names
        what = (
            _("%(blocker)s's milestone “%(milestone)s”")
            % {"blocker": blocker.code, "milestone": d.blocker_milestone.title}
            if d.blocker_milestone is not None
            else blocker.code
        )
        waits = (
            _("the milestone “%(milestone)s”") % {"milestone": d.milestone.title}
            if d.milestone is not None
            else _("the item")
        )
        values = {
            "what": what,
            "due": _day(alert.blocker_due),
            "waits": waits,
            "date": _day(alert.dependent_due),
        }
        if alert.cause == DependencyCause.RED:
            body = _(
                "%(what)s is overdue (due %(due)s); %(waits)s, due %(date)s, "
                "waits for it."
            )
        else:
            body = _(
                "%(what)s is now due %(due)s, after %(waits)s, due %(date)s, "
                "which waits for it."
            )
        parties = list(task.owners.values_list("party_id", flat=True))
        url = reverse("tracker:task_detail", args=[task.pk])
        notify(
            event=Event.DEPENDENCY_DELAY,
            recipients=[*coordinators_of(parties), *joint_office()],
            title=title,
            body=body % values,
            task=task,
            link=f"{url}#dependencies",
        )


def foresight_refresh(*, task_ids: Collection[int]) -> None:
    """After a write that may move a due date, turn a light or change what a
    forecast reads: the slips of the dependencies touching `task_ids`, and
    their stored forecasts. A dependent held up turns amber, never red, so
    the check need not follow the graph further."""
    from .forecast import forecast_refresh

    dependencies_check(task_ids=task_ids)
    forecast_refresh(task_ids=task_ids)
