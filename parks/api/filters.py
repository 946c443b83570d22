import django_filters

from config.api.filters import IdFilter, StrictFilterSet

from ..choices import AssessmentState, CycleState, EvaluationOutcome


class CycleFilter(StrictFilterSet):
    initiative = IdFilter(field_name="initiative_id")
    batch = django_filters.NumberFilter()
    state = django_filters.ChoiceFilter(choices=CycleState.choices)


class AssessmentFilter(StrictFilterSet):
    cycle = IdFilter(field_name="cycle_id")
    park = IdFilter(field_name="park_id")
    pair = IdFilter(field_name="pair_id")
    party = IdFilter(field_name="park__party_id")
    # The row's own column: no row twice, no DISTINCT.
    state = django_filters.MultipleChoiceFilter(
        choices=AssessmentState.choices, distinct=False
    )
    outcome = django_filters.ChoiceFilter(choices=EvaluationOutcome.choices)


class ParkFilter(StrictFilterSet):
    party = IdFilter(field_name="party_id")
    batch = django_filters.NumberFilter()


class PairFilter(StrictFilterSet):
    initiative = IdFilter(field_name="initiative_id")
    batch = django_filters.NumberFilter()
