"""Carrying out a plan through the task list's own services, so every rule of
theirs and the audit triggers apply. A refusal by a service becomes a problem
at the row (and column) that asked for it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.exceptions import DomainError
from tracker import services
from tracker.choices import Direction, Priority, TaskStatus
from tracker.models import Initiative
from tracker.workflow import CLOSED_STATES

from .columns import INDICATORS, ITEMS, MILESTONES, OWNERS, SHEETS
from .plan import CHANGE, CREATE, Entry, Plan
from .problems import Problem

TASK_COLUMNS = {"code", "title", "description", "work_stream", "task_list"}


def _column(sheet: str, name: str) -> str | None:
    keys = {c.key for c in SHEETS[sheet]}
    if name in keys:
        return name
    return {"name": "name", "lead_party": "lead_party"}.get(name)


def _attempt(plan: Plan, entry: Entry, call):
    """Run one service call in its own savepoint; a refusal is a problem."""
    try:
        with transaction.atomic():
            return call()
    except ValidationError as error:
        fields = (
            error.error_dict.items()
            if hasattr(error, "error_dict")
            else [(None, [error])]
        )
        for name, errors in fields:
            for single in errors:
                for each in single.error_list:
                    plan.problems.append(
                        Problem(
                            entry.sheet,
                            entry.row,
                            _column(entry.sheet, name) if name else None,
                            each.message,
                            dict(each.params or {}),
                        )
                    )
    except DomainError as error:
        found = [(None, error.message)] + [
            (name, m) for name, ms in error.field_errors.items() for m in ms
        ]
        for name, message in found:
            plan.problems.append(
                Problem(
                    entry.sheet,
                    entry.row,
                    _column(entry.sheet, name) if name else None,
                    message,
                )
            )
    except IntegrityError:
        plan.problems.append(
            Problem(
                entry.sheet,
                entry.row,
                None,
                _("The task list refused this row (it conflicts with what is stored)."),
            )
        )
    return None


def plan_apply(*, plan: Plan, initiative: Initiative, actor: User) -> None:
    """Apply `plan` in the caller's transaction; problems are added to it."""
    created = {}
    owners_of = {}
    for owner in plan.owners:
        owners_of.setdefault(owner.item.key, []).append(owner)
    for entry in plan.items:
        values = entry.values
        if entry.action == CREATE:
            specs = [
                services.OwnerSpec(
                    party=o.values["party"],
                    agency=o.values["agency"],
                    contact_name=o.values["contact_name"],
                    contact_phone=o.values.get("contact_phone") or "",
                )
                for o in owners_of.get(entry.key, [])
            ]
            task = _attempt(
                plan,
                entry,
                lambda values=values, specs=specs: services.task_create(
                    initiative=initiative,
                    code=values["code"],
                    title=values["title"],
                    work_stream=values["work_stream"],
                    task_list=values["task_list"],
                    due_date=values["due_date"],
                    owners=specs,
                    lead_party=values.get("lead_party"),
                    planned_start=values.get("planned_start"),
                    description=values.get("description") or "",
                    priority=values.get("priority") or Priority.NORMAL,
                    status=_opening_status(values.get("status")),
                ),
            )
            created[entry.key] = task
        elif entry.action == CHANGE:
            changes = {key: values[key] for key in entry.changes}
            _attempt(
                plan,
                entry,
                lambda entry=entry, changes=changes: services.task_update(
                    task=entry.existing,
                    actor=actor,
                    expected_version=None,
                    **changes,
                ),
            )
    for entry in plan.owners:
        if entry.action == CHANGE:
            changes = {key: entry.values[key] for key in entry.changes}
            _attempt(
                plan,
                entry,
                lambda entry=entry, changes=changes: services.task_owner_update(
                    owner=entry.existing, actor=actor, **changes
                ),
            )

    def task_of(entry: Entry):
        return entry.item.existing or created.get(entry.item.key)

    for order, entry in enumerate(plan.milestones):
        values = entry.values
        if entry.action == CREATE:
            task = task_of(entry)
            if task is None:
                continue  # its item was refused, and said so
            _attempt(
                plan,
                entry,
                lambda task=task, values=values, order=order: services.milestone_create(
                    task=task,
                    title=values["title"],
                    due_date=values["due_date"],
                    party=values.get("party"),
                    weight=values.get("weight") or 1,
                    description=values.get("description") or "",
                    sort_order=order,
                ),
            )
        elif entry.action == CHANGE:
            changes = {key: values[key] for key in entry.changes}
            _attempt(
                plan,
                entry,
                lambda entry=entry, changes=changes: services.milestone_update(
                    milestone=entry.existing,
                    actor=actor,
                    expected_version=None,
                    **changes,
                ),
            )
    for order, entry in enumerate(plan.indicators):
        values = entry.values
        if entry.action == CREATE:
            task = task_of(entry)
            if task is None:
                continue
            _attempt(
                plan,
                entry,
                lambda task=task, values=values, order=order: services.indicator_create(
                    task=task,
                    name=values["name"],
                    unit=values["unit"],
                    target=values.get("target"),
                    baseline=values.get("baseline"),
                    direction=values.get("direction") or Direction.HIGHER,
                    party=values.get("party"),
                    sort_order=order,
                ),
            )
        elif entry.action == CHANGE:
            changes = {key: entry.values[key] for key in entry.changes}
            _attempt(
                plan,
                entry,
                lambda entry=entry, changes=changes: services.indicator_update(
                    indicator=entry.existing, actor=actor, **changes
                ),
            )
    # Closed last: a closed item takes no milestones or indicators.
    for entry in plan.items:
        status = entry.values.get("status")
        task = created.get(entry.key)
        if entry.action == CREATE and task is not None and status in CLOSED_STATES:
            _attempt(
                plan,
                entry,
                lambda task=task, status=status: services.task_record_closure(
                    task=task, status=status
                ),
            )


def _opening_status(status) -> str:
    """The status a new item is created in: a closed one is first in progress
    (and closed once what hangs under it is in)."""
    if status in CLOSED_STATES:
        return TaskStatus.IN_PROGRESS
    return status or TaskStatus.NOT_STARTED


__all__ = ["INDICATORS", "ITEMS", "MILESTONES", "OWNERS", "plan_apply"]
