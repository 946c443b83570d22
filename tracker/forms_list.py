"""The task list's filter: a GET form whose choices are what the user may see.

An invalid field is shown with its error and left out of the filter (see
`selector_filters`), so a hand-edited address never fails the page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Party

from .choices import Light, TaskList, TaskStatus
from .models import WorkStream
from .selectors.dashboards import DEFAULT_SORT

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
    ("-code", _("Code, descending")),
]


class TaskFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Code or title contains"),
        required=False,
        max_length=100,
        strip=True,
    )
    work_stream = forms.ModelChoiceField(
        label=_("Work stream"),
        required=False,
        queryset=WorkStream.objects.none(),
        empty_label=_("All work streams"),
    )
    task_list = forms.ChoiceField(
        label=pgettext_lazy("the plan's list a task belongs to", "List"),
        required=False,
        choices=[("", _("All lists")), *TaskList.choices],
    )
    party = forms.ModelChoiceField(
        label=_("Owner party"),
        required=False,
        queryset=Party.objects.none(),
        empty_label=_("All parties"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *TaskStatus.choices],
    )
    light = forms.ChoiceField(
        label=_("Light"),
        required=False,
        choices=[("", _("All lights")), *Light.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=SORT_CHOICES, initial=DEFAULT_SORT
    )

    def __init__(self, *args, work_streams, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_stream"].queryset = work_streams
        several = len({ws.initiative_id for ws in work_streams}) > 1
        if several:
            # Two initiatives may each have a stream of the same name.
            self.fields["work_stream"].label_from_instance = lambda ws: (
                f"{ws.initiative} · {ws}"
            )
        self.fields["party"].queryset = parties

    def _valid(self, name):
        if not self.is_bound or name in self.errors:
            return None
        return self.cleaned_data.get(name)

    def selector_filters(self) -> dict:
        """The valid filters, as `task_table_for_user` keyword arguments."""
        if self.is_bound:
            self.is_valid()
        work_stream = self._valid("work_stream")
        party = self._valid("party")
        return {
            "work_stream_id": work_stream.pk if work_stream else None,
            "task_list": self._valid("task_list") or None,
            "party_id": party.pk if party else None,
            "status": self._valid("status") or None,
            "light": self._valid("light") or None,
            "search": self._valid("q") or None,
            "sort": self._valid("sort") or DEFAULT_SORT,
        }

    @property
    def filtered(self) -> bool:
        filters = self.selector_filters()
        return any(v for k, v in filters.items() if k != "sort")
