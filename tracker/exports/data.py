"""What an export holds: the tasks of the list it was asked from, read through
that list's own filter and scoped to the user, and their milestones and
indicators. Three statements for the tasks (the rows with their light, the
owners, nothing per row), one for the milestones, one for the indicators."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django_filters.utils import translate_validation

from imports.columns import INDICATORS, ITEMS, MILESTONES, OWNERS

from ..api.filters import TaskFilter as ApiTaskFilter
from ..api.filters import expand_ordering
from ..forms_list import TaskListFilter
from ..models import ExportJob, Milestone, Task, TaskOwner
from ..selectors import indicator_list_for_user, task_list_for_user
from ..selectors.dashboards import task_filter_choices_for_user, task_table_for_user

# The task list API's `ordering` terms, for the list (tracker.api.views.TaskViewSet)
# and its export (tracker.api.exports).
API_ORDERING = (
    "code",
    "due_date",
    "progress",
    "priority",
    "updated_at",
    "title",
    "light",
    "overdue_days",
    "next_due",
)


def page_tasks(*, user, query: QueryDict, today: dt.date) -> QuerySet[Task]:
    """The task list page's tasks for this query string: its filter, forgiving
    (an invalid field is left out, as on the page), and its sort."""
    filterset = TaskListFilter(
        query or None,
        queryset=task_table_for_user(user=user, today=today),
        **task_filter_choices_for_user(user=user),
    )
    return filterset.qs


def _api_ordering(query: QueryDict) -> list[str]:
    terms = []
    for part in (query.get("ordering") or "").split(","):
        term = part.strip()
        if term and term.lstrip("-") in API_ORDERING:
            terms.append(term)
    return expand_ordering(terms)


def api_tasks(*, user, query: QueryDict, today: dt.date) -> QuerySet[Task]:
    """The API list's tasks for this query string: its filter, strict (a 400
    naming the parameter), and its `ordering`."""
    filterset = ApiTaskFilter(
        query, queryset=task_list_for_user(user=user, today=today)
    )
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    tasks = filterset.qs
    ordering = _api_ordering(query)
    return tasks.order_by(*ordering) if ordering else tasks


def filtered_tasks(*, user, query: QueryDict, source: str, today=None):
    today = today or timezone.localdate()
    if source == ExportJob.Source.API:
        return api_tasks(user=user, query=query, today=today)
    return page_tasks(user=user, query=query, today=today)


@dataclass
class ExportData:
    tasks: list[Task]
    milestones: list[Milestone]
    indicators: list
    today: dt.date

    @property
    def facts(self) -> dict:
        return {"today": self.today}

    @property
    def owners(self) -> list[tuple[Task, TaskOwner]]:
        """One row per owner party of each task, in the parties' order."""
        return [
            (task, owner)
            for task in self.tasks
            for owner in sorted(task.owners.all(), key=lambda o: o.party_id)
        ]

    def sheet(self, name: str) -> list:
        return {
            ITEMS: self.tasks,
            OWNERS: self.owners,
            MILESTONES: self.milestones,
            INDICATORS: self.indicators,
        }[name]


def export_data(*, user, tasks: QuerySet[Task], today: dt.date) -> ExportData:
    """The rows of every sheet for these (already filtered, scoped) tasks."""
    task_rows = list(tasks)
    ids = [task.pk for task in task_rows]
    order = {pk: n for n, pk in enumerate(ids)}
    milestones = list(
        Milestone.objects.filter(task_id__in=ids)
        .select_related("task", "party")
        .order_by("due_date", "sort_order", "id")
    )
    # In the tasks' order, each task's milestones by due date.
    milestones.sort(key=lambda m: order[m.task_id])
    indicators = list(indicator_list_for_user(user=user).filter(task_id__in=ids))
    indicators.sort(key=lambda i: order[i.task_id])
    return ExportData(task_rows, milestones, indicators, today)
