import django_filters
from rest_framework.filters import OrderingFilter

from accounts.choices import AgencyKind
from config.api.filters import IdFilter, StrictFilterSet

from .. import filters
from ..choices import ExtensionStatus, MilestoneStatus, VerificationStatus
from ..models import Milestone
from ..selectors.dashboards import TASK_SORTS
from ..selectors.lights import order_tasks

# `ordering` terms that stand for a sort of several columns: by light the
# most severe first, as the page sorts (each ends on a column that makes
# the order total).
ORDERING_TERMS = {
    "light": TASK_SORTS["light"],
    "-light": TASK_SORTS["-light"],
    "overdue_days": ("overdue_days", "code"),
    "-overdue_days": ("-overdue_days", "code"),
    "next_due": TASK_SORTS["next_due"],
    "-next_due": TASK_SORTS["-next_due"],
}


def expand_ordering(terms) -> list[str]:
    return [column for term in terms for column in ORDERING_TERMS.get(term, (term,))]


class TaskOrdering(OrderingFilter):
    """The task list's `ordering`: the light, days overdue and next due date
    are read from the stored light's indexed columns."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        return expand_ordering(ordering) if ordering else ordering

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        return order_tasks(queryset, ordering) if ordering else queryset


class TaskFilter(StrictFilterSet, filters.TaskFilter):
    """The task list's one filter (tracker.filters), refusing what it cannot
    read: the page uses the same one, forgiving."""


class MilestoneFilter(StrictFilterSet):
    task = IdFilter(field_name="task_id")
    party = IdFilter(field_name="party_id")
    # The milestone's own column: no row twice, no DISTINCT (TaskFilter).
    status = django_filters.MultipleChoiceFilter(
        choices=MilestoneStatus.choices, distinct=False
    )
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Milestone
        fields = []


# Ids in filters are plain numbers, never looked up in the whole table: an id
# the caller may not see must answer exactly like one that does not exist.


class IndicatorFilter(StrictFilterSet):
    task = IdFilter(field_name="task_id")
    party = IdFilter(field_name="party_id")


class ReadingFilter(StrictFilterSet):
    indicator = IdFilter(field_name="indicator_id")
    party = IdFilter(field_name="party_id")
    verification_status = django_filters.ChoiceFilter(
        choices=VerificationStatus.choices
    )


class ProgressUpdateFilter(StrictFilterSet):
    task = IdFilter(field_name="task_id")
    party = IdFilter(field_name="party_id")


class ExtensionRequestFilter(StrictFilterSet):
    task = IdFilter(field_name="task_id")
    party = IdFilter(field_name="party_id")
    status = django_filters.ChoiceFilter(choices=ExtensionStatus.choices)


class WorkStreamFilter(StrictFilterSet):
    initiative = IdFilter(field_name="initiative_id")


class AgencyFilter(StrictFilterSet):
    party = IdFilter(field_name="party_id")
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)
    is_lead = django_filters.BooleanFilter()
