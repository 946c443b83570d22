import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.choices import AgencyKind
from config.api.filters import IdFilter, StrictFilterSet

from ..choices import (
    ExtensionStatus,
    Light,
    MilestoneStatus,
    TaskList,
    TaskStatus,
    VerificationStatus,
)
from ..models import Milestone, Task, TaskOwner


class TaskFilter(StrictFilterSet):
    party = IdFilter(method="filter_party", label=_("owner party"))
    agency = IdFilter(method="filter_agency", label=_("agency"))
    work_stream = IdFilter(field_name="work_stream_id")
    task_list = django_filters.ChoiceFilter(choices=TaskList.choices)
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices)
    light = django_filters.MultipleChoiceFilter(choices=Light.choices)
    lead_party = IdFilter(field_name="lead_party_id")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    initiative = IdFilter(field_name="initiative_id")

    class Meta:
        model = Task
        fields = []

    def filter_party(self, queryset, name, value: int):
        # Exists, not a join: a task owned by both parties must appear once.
        return queryset.filter(
            Exists(TaskOwner.objects.filter(task=OuterRef("pk"), party_id=value))
        )

    def filter_agency(self, queryset, name, value: int):
        return queryset.filter(
            Exists(TaskOwner.objects.filter(task=OuterRef("pk"), agency_id=value))
        )


class MilestoneFilter(StrictFilterSet):
    task = IdFilter(field_name="task_id")
    party = IdFilter(field_name="party_id")
    status = django_filters.MultipleChoiceFilter(choices=MilestoneStatus.choices)
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
