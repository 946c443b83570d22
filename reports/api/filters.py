import django_filters

from config.api.filters import IdFilter, StrictFilterSet

from ..choices import ReportKind, ReportStatus, ScopeKind
from ..models import Report


class ReportFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    scope = django_filters.ChoiceFilter(choices=ScopeKind.choices)
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    party = IdFilter(field_name="scope_party_id")
    work_stream = IdFilter(field_name="scope_work_stream_id")
    initiative = IdFilter(field_name="initiative_id")
    period_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = Report
        fields = []
