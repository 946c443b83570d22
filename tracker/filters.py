"""The task list's filter: one definition for the API and the pages.

Both read the tasks the user may see (`task_list_for_user`) and narrow them
with `TaskFilter`: the same parameter names, the same lookups and the same
search, so one query string finds the same tasks in `/api/v1/tasks/` and on
`/tasks/`. Only the answer to bad input differs: the API refuses it with a
400 naming the parameter (tracker.api.filters), the page shows the error
beside the field and leaves that filter out (tracker.forms_list).

Every column filtered here carries an index (house rule 14; see the task's
Meta, the search's trigram index included); the light is computed in the same
statement as the rows (tracker.selectors.with_light).

Ids are plain numbers, never looked up in the whole table: an id the caller
may not see answers exactly like one that does not exist (no task).
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import search_smart_split

from config.api.filters import IdFilter

from .choices import Light, TaskList, TaskStatus
from .models import Task, TaskOwner

SEARCH_MAX_LENGTH = 200  # a title's length; no longer text can match one
SEARCHED = ("code", "title", "description")


@extend_schema_field(
    {
        "type": "string",
        "maxLength": SEARCH_MAX_LENGTH,
        "description": _(
            "Words that must each appear in the code, title or description "
            "(in any case); words are split on spaces and commas, and a quoted "
            "phrase is one word. Empty: no search."
        ),
    }
)
class TextSearchFilter(django_filters.CharFilter):
    """Words that must each appear in one of `SEARCHED` (in any case); words
    are split on spaces and commas, a quoted phrase is one word."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        for term in search_smart_split(value or ""):
            matches = Q()
            for field in SEARCHED:
                matches |= Q(**{f"{field}__icontains": term})
            qs = qs.filter(matches)
        return qs


def _owned_by(column: str):
    def owned(queryset: QuerySet, name: str, value: int) -> QuerySet:
        # Exists, not a join: a task owned by both parties must appear once.
        owners = TaskOwner.objects.filter(task=OuterRef("pk"), **{column: value})
        return queryset.filter(Exists(owners))

    return owned


class TaskFilter(django_filters.FilterSet):
    search = TextSearchFilter(label=_("Code, title or description contains"))
    work_stream = IdFilter(field_name="work_stream_id", label=_("Work stream"))
    task_list = django_filters.ChoiceFilter(
        choices=TaskList.choices,
        label=pgettext_lazy("the plan's list a task belongs to", "List"),
    )
    party = IdFilter(method=_owned_by("party_id"), label=_("Owner party"))
    # distinct=False: both are columns of the task's own row (the light's is
    # one to one), so no task can appear twice; django-filter's default
    # DISTINCT would sort every matching task before a page could be read.
    status = django_filters.MultipleChoiceFilter(
        choices=TaskStatus.choices, label=_("Status"), distinct=False
    )
    light = django_filters.MultipleChoiceFilter(
        choices=Light.choices, label=_("Light"), distinct=False
    )
    agency = IdFilter(method=_owned_by("agency_id"), label=_("agency"))
    lead_party = IdFilter(field_name="lead_party_id")
    initiative = IdFilter(field_name="initiative_id")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    # The stored forecast's flag (tracker.forecast.RISK_DAYS late or more).
    slip_risk = django_filters.BooleanFilter(
        field_name="slip_risk", label=_("At risk of slipping")
    )

    class Meta:
        model = Task
        fields: list[str] = []
