"""Web pages: the task list (see tracker/urls.py). Plumbing only: the selector
reads what the user may see, the task list's filter (the API's too) narrows
and sorts it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.api.pagination import KnownLengthPaginator

from ..forms_list import TaskListFilter
from ..selectors.dashboards import (
    task_filter_choices_for_user,
    task_table_for_user,
)
from ..selectors.task_rows import visible_task_count

PAGE_SIZE = 25

# Column → (sort key when first clicked, the reverse); the header links toggle.
SORTABLE_COLUMNS = {
    "code": ("code", "-code"),
    "light": ("light", "-light"),
    "progress": ("progress", "-progress"),
    "due_date": ("due_date", "-due_date"),
    "days_overdue": ("days_overdue", "-days_overdue"),
}
# The aria-sort value of each sort key ("light" puts the most severe first).
SORT_DIRECTION = {
    "code": "ascending",
    "-code": "descending",
    "light": "descending",
    "-light": "ascending",
    "progress": "ascending",
    "-progress": "descending",
    "due_date": "ascending",
    "-due_date": "descending",
    "days_overdue": "descending",
    "-days_overdue": "ascending",
}


def _sort_links(current: str) -> dict:
    """Per sortable column: the sort its header link asks for, and its
    aria-sort value when the list is sorted by it."""
    links = {}
    for column, (first, reverse) in SORTABLE_COLUMNS.items():
        active = current in (first, reverse)
        links[column] = {
            "next": reverse if current == first else first,
            "aria": SORT_DIRECTION[current] if active else None,
        }
    return links


@login_required
@require_GET
def task_list(request):
    user = request.user
    filterset = TaskListFilter(
        request.GET or None,
        queryset=task_table_for_user(user=user, today=timezone.localdate()),
        **task_filter_choices_for_user(user=user),
    )
    # Nothing filtered, or only the light: the visible tasks (of those
    # lights), counted by the initiatives' stored counts instead of a COUNT
    # over the tasks.
    narrowed = filterset.narrowed_by
    count = None
    if not narrowed:
        count = visible_task_count(user=user)
    elif narrowed.keys() == {"light"}:
        count = visible_task_count(user=user, lights=narrowed["light"])
    page = KnownLengthPaginator(filterset.qs, PAGE_SIZE, count=count).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "tracker/task_list.html",
        {
            "form": filterset.form,
            "filtered": filterset.filtered,
            "page_obj": page,
            "sort": filterset.sort_key,
            "sort_links": _sort_links(filterset.sort_key),
        },
    )


urlpatterns: list = [
    path("tasks/", task_list, name="task_list"),
]
