"""Input of the report pages: the library's filter and the "generate now" form.

The forms check shapes (a known kind, a date, a party the user may see); the
rules of a report (scope target, period) are the service's, and its field
errors are put back on these forms by `add_service_errors`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Party
from tracker.forms import DateInput, ServiceErrorsMixin
from tracker.models import Initiative, WorkStream
from tracker.selectors import parties_of, work_stream_label, work_streams_of

from .choices import ReportKind, ScopeKind

# The service names a report's scope targets after the model's fields.
SERVICE_FIELDS = {"scope_party": "party", "scope_work_stream": "work_stream"}


class _ScopeChoicesMixin:
    """Party and work stream choices limited to the given initiatives."""

    def _limit_scope_choices(self, initiatives) -> None:
        self.fields["party"].queryset = parties_of(initiatives)
        streams = self.fields["work_stream"]
        streams.queryset = work_streams_of(initiatives)
        streams.label_from_instance = work_stream_label(streams.queryset)


class ReportFilterForm(_ScopeChoicesMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *ReportKind.choices],
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        choices=[("", _("All scopes")), *ScopeKind.choices],
    )
    party = forms.ModelChoiceField(
        label=_("Party"),
        required=False,
        queryset=Party.objects.none(),
        empty_label=_("All parties"),
    )
    work_stream = forms.ModelChoiceField(
        label=_("Work stream"),
        required=False,
        queryset=WorkStream.objects.none(),
        empty_label=_("All work streams"),
    )
    period_from = forms.DateField(
        label=_("Period from"), required=False, widget=DateInput()
    )
    period_to = forms.DateField(
        label=_("Period to"), required=False, widget=DateInput()
    )

    def __init__(self, *args, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_scope_choices(initiatives)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error(
                "period_to", _("The end of the range cannot be before its start.")
            )
        return data

    def selector_filters(self) -> dict:
        """The valid filters, as the selector's keyword arguments; an invalid
        field is shown with its error and left out of the filter."""
        data = self.cleaned_data if self.is_bound else {}
        party = data.get("party")
        work_stream = data.get("work_stream")
        return {
            "kind": data.get("kind") or None,
            "scope": data.get("scope") or None,
            "party_id": party.pk if party else None,
            "work_stream_id": work_stream.pk if work_stream else None,
            "period_from": data.get("period_from"),
            "period_to": data.get("period_to"),
        }


class ReportRequestForm(_ScopeChoicesMixin, ServiceErrorsMixin, forms.Form):
    service_fields = SERVICE_FIELDS

    initiative = forms.ModelChoiceField(
        label=_("Initiative"), queryset=Initiative.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    scope = forms.ChoiceField(
        label=_("Scope"), choices=ScopeKind.choices, initial=ScopeKind.INITIATIVE
    )
    party = forms.ModelChoiceField(
        label=_("Party"),
        required=False,
        queryset=Party.objects.none(),
        empty_label="—",
        help_text=_("For a report of one party."),
    )
    work_stream = forms.ModelChoiceField(
        label=_("Work stream"),
        required=False,
        queryset=WorkStream.objects.none(),
        empty_label="—",
        help_text=_("For a report of one work stream."),
    )
    period_start = forms.DateField(
        label=_("Period start"), required=False, widget=DateInput()
    )
    period_end = forms.DateField(
        label=_("Period end"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Required for an on-demand report. For a weekly, monthly or quarterly "
            "report, leave both dates empty for the last complete period, or give "
            "a day in the period you want."
        ),
    )

    def __init__(self, *args, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        initiatives = list(initiatives)
        field = self.fields["initiative"]
        field.queryset = Initiative.objects.filter(pk__in=[i.pk for i in initiatives])
        if len(initiatives) == 1:
            field.widget = forms.HiddenInput()
            field.initial = initiatives[0].pk
        self._limit_scope_choices([i.pk for i in initiatives])

    def clean(self):
        data = super().clean()
        # A target that the scope does not use is dropped, not an error: the
        # form keeps both selects however the scope is set.
        if data.get("scope") != ScopeKind.PARTY:
            data["party"] = None
        if data.get("scope") != ScopeKind.WORK_STREAM:
            data["work_stream"] = None
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "initiative": data["initiative"],
            "kind": data["kind"],
            "scope": data["scope"],
            "party": data.get("party"),
            "work_stream": data.get("work_stream"),
            "period_start": data.get("period_start"),
            "period_end": data.get("period_end"),
        }
