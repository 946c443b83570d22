"""The task list page's filter: the task list's one filter (tracker.filters),
shown as a GET form, and the page's sort.

What is the page's own is presentation: selects that offer only the work
streams and parties the user may see (another id is an error, as it names
nothing the user can pick), one status and one light at a time, and "all" as
the empty choice. An invalid field is shown with its error and left out of
the filter, so a hand-edited address never fails the page."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter
from django_filters.constants import EMPTY_VALUES

from .filters import TaskFilter
from .selectors import work_stream_label
from .selectors.dashboards import DEFAULT_SORT, TASK_SORTS
from .selectors.lights import order_tasks

SORT_CHOICES = [
    ("code", _("Code")),
    ("due_date", _("Due date, soonest first")),
    ("-due_date", _("Due date, latest first")),
    ("light", _("Light, most severe first")),
    ("-light", _("Light, least severe first")),
    ("progress", _("Progress, lowest first")),
    ("-progress", _("Progress, highest first")),
    ("days_overdue", _("Days overdue, most first")),
    ("-days_overdue", _("Days overdue, fewest first")),
    ("next_due", _("Next due date, soonest first")),
    ("-code", _("Code, descending")),
]
# The empty choice of each select: no filter.
ALL = {
    "work_stream": _("All work streams"),
    "task_list": _("All lists"),
    "party": _("All parties"),
    "status": _("All statuses"),
    "light": _("All lights"),
}


class SelectOne(forms.Select):
    """A select of one value for a filter that takes several (the API's
    `?status=a&status=b`): what was chosen, as the list the filter reads."""

    def value_from_datadict(self, data, files, name):
        return [value for value in data.getlist(name) if value != ""]


def _sorted(queryset: QuerySet, name: str, value: str) -> QuerySet:
    return order_tasks(queryset, TASK_SORTS[value])


class TaskListFilter(TaskFilter):
    """Takes the user's work streams and parties (`task_filter_choices_for_user`)
    and a queryset from `task_table_for_user`."""

    # The API's further filters are not offered on the page.
    agency = lead_party = initiative = due_before = due_after = None
    sort = ChoiceFilter(
        choices=SORT_CHOICES, method=_sorted, label=_("Sort by"), empty_label=None
    )

    def __init__(self, data=None, *, queryset, work_streams, parties):
        self.work_streams, self.parties = list(work_streams), list(parties)
        super().__init__(data, queryset=queryset)

    def get_form_class(self):
        form_class = super().get_form_class()
        fields = form_class.base_fields
        label = work_stream_label(self.work_streams)
        for name, objects, name_of in (
            ("work_stream", self.work_streams, label),
            ("party", self.parties, str),
        ):
            fields[name] = forms.TypedChoiceField(
                label=fields[name].label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", ALL[name]), *((o.pk, name_of(o)) for o in objects)],
            )
        # New widgets with their own choices: a filter's field may have been
        # built before (the API's schema reads it), and the widget it would
        # copy still reads the empty label of that first field.
        for name in ("task_list", "status", "light"):
            field = fields[name]
            choices = [("", ALL[name]), *((v, t) for v, t in field.choices if v)]
            several = isinstance(field, forms.MultipleChoiceField)
            field.widget = (SelectOne if several else forms.Select)(choices=choices)
        fields["slip_risk"].widget = forms.Select(
            choices=[("", _("All forecasts")), ("true", _("At risk of slipping only"))]
        )
        fields["sort"].initial = DEFAULT_SORT
        return form_class

    def _valid_value(self, name: str):
        if not self.is_bound or name in self.form.errors:
            return None
        return self.form.cleaned_data.get(name)

    @property
    def sort_key(self) -> str:
        """The sort in effect, for the column headers."""
        return self._valid_value("sort") or DEFAULT_SORT

    @property
    def narrowed_by(self) -> dict:
        """The filters that narrow the list, with their values: what each
        filter skips is an empty value (EMPTY_VALUES), and `slip_risk=false`
        is not one."""
        return {
            name: value
            for name in self.filters
            if name != "sort" and (value := self._valid_value(name)) not in EMPTY_VALUES
        }

    @property
    def filtered(self) -> bool:
        return bool(self.narrowed_by)
