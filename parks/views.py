"""The park evaluation pages (产业合作园区绩效评价): the cycle's dashboard, a
park's page with its assessment and the forms of what the user may do on it
now, and a pair's parks side by side.

Plumbing only: each page is one read; the forms offered are those of
`parks.workflow.available_actions` (the API's `actions` reads it too); each
form posts to its own view (views_actions), which makes one service call."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.api.uploads import evidence_response
from config.exceptions import NotFound
from tracker.models import IndustrialPark, ParkPair, ParkPairMember
from tracker.selectors import (
    get_visible,
    initiative_list_for_user,
    party_list_for_user,
)

from .choices import AssessmentState, CycleState
from .forms import (
    AdjustForm,
    AgreeForm,
    DashboardFilter,
    PublishForm,
    QueryForm,
    ScoreForm,
    SubmitForm,
)
from .models import (
    AssessmentEvidence,
    AssessmentStep,
    AssessmentValue,
    CycleIndicator,
    EvaluationCycle,
    ParkAssessment,
)
from .views_support import (
    AGREED,
    SCORED,
    SUBMITTED,
    annotate_step,
    cycle_get_for_user,
    cycles_for_user,
    is_office,
    latest_cycle_for_user,
    page,
    plain_number,
    print_value,
    results_visible,
)
from .workflow import available_actions

# The forms of the assessment's steps, by action, in the page's order.
ASSESSMENT_FORMS = {
    "submit": SubmitForm,
    "query": QueryForm,
    "agree": AgreeForm,
    "score": ScoreForm,
    "adjust": AdjustForm,
}


def _members() -> Prefetch:
    return Prefetch(
        "pair__members",
        queryset=ParkPairMember.objects.select_related("park__party").order_by(
            "park__party__sort_order", "park__name"
        ),
    )


def _assessments(cycle):
    return (
        ParkAssessment.objects.filter(cycle=cycle)
        .select_related("park__party", "pair")
        .prefetch_related(_members())
    )


# --- 1. the cycle's dashboard ---------------------------------------------------------


def _totals(cycle) -> dict:
    def count(states):
        return Count("pk", filter=Q(state__in=states))

    return ParkAssessment.objects.filter(cycle=cycle).aggregate(
        parks=Count("pk"),
        submitted=count(SUBMITTED),
        agreed=count(AGREED),
        scored=count(SCORED),
        met=Count("pk", filter=Q(outcome="met", state=AssessmentState.PUBLISHED)),
    )


def dashboard_page(request, cycle, *, publish_form=None, status=200):
    user = request.user
    parties = list(party_list_for_user(user=user).order_by("sort_order"))
    filters = DashboardFilter(
        request.GET or None, parties=parties, states=AssessmentState.choices
    )
    rows = _assessments(cycle)
    if filters.is_bound and filters.is_valid():
        if filters.cleaned_data.get("party"):
            rows = rows.filter(park__party=filters.cleaned_data["party"])
        if filters.cleaned_data.get("state"):
            rows = rows.filter(state=filters.cleaned_data["state"])
    rows = list(rows)
    today = timezone.localdate()
    for row in rows:
        annotate_step(row, cycle, today)
        row.others = (
            [m.park for m in row.pair.members.all() if m.park_id != row.park_id]
            if row.pair
            else []
        )
    office = is_office(user)
    if publish_form is None and office and cycle.state == CycleState.OPEN:
        publish_form = PublishForm(prefix="publish", initial={"version": cycle.version})
    return render(
        request,
        "parks/dashboard.html",
        {
            "cycle": cycle,
            "cycles": list(cycles_for_user(user).order_by("-period_end", "-pk")),
            "rows": rows,
            "totals": _totals(cycle),
            "filters": filters,
            "filtered": bool(
                filters.is_bound
                and filters.is_valid()
                and any(filters.cleaned_data.values())
            ),
            "results_visible": results_visible(user, cycle),
            "publish_form": publish_form,
            "office": office,
        },
        status=status,
    )


@page
@require_GET
def dashboard(request):
    cycle = latest_cycle_for_user(request.user)
    if cycle is None:
        return render(request, "parks/no_cycle.html")
    return dashboard_page(request, cycle)


@page
@require_GET
def cycle_dashboard(request, pk):
    return dashboard_page(request, cycle_get_for_user(request.user, pk))


# --- 2. a park's page -------------------------------------------------------------------


def parks_for_user(user):
    return IndustrialPark.objects.filter(
        party__in=party_list_for_user(user=user)
    ).select_related("party", "agency")


def _park_cycle(request, park):
    """The cycle the page shows: ?cycle=, else the latest with the park in it."""
    cycles = cycles_for_user(request.user).filter(assessments__park=park)
    wanted = request.GET.get("cycle")
    if wanted:
        try:
            return cycles.get(pk=int(wanted))
        except (EvaluationCycle.DoesNotExist, ValueError):
            raise NotFound() from None
    return cycles.order_by("-period_end", "-pk").first()


def _assessment_detail(cycle, park):
    return (
        _assessments(cycle)
        .filter(park=park)
        .select_related("cycle")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=AssessmentValue.objects.select_related("indicator"),
            ),
            "evidence",
            Prefetch(
                "steps",
                queryset=AssessmentStep.objects.select_related(
                    "actor", "party", "indicator"
                ),
            ),
        )
        .first()
    )


def _assessment_forms(assessment, indicators, actions, bound) -> dict:
    forms = {}
    for name in ASSESSMENT_FORMS:
        if name in bound:
            forms[name] = bound[name]
        elif name in actions:
            forms[name] = assessment_form(name, assessment, indicators)
    return forms


def assessment_form(name, assessment, indicators, data=None, files=None):
    """The form `name` of the assessment's page, bound when given data; the
    submit form starts from the values already reported."""
    form_class = ASSESSMENT_FORMS[name]
    initial = {"version": assessment.version}
    kwargs = {}
    if form_class in (SubmitForm, QueryForm):
        kwargs["indicators"] = indicators
    if form_class is SubmitForm and data is None:
        for value in assessment.values.all():
            code = value.indicator.code
            initial[f"value_{code}"] = plain_number(value.value)
            initial[f"lower_{code}"] = value.is_lower_bound
            initial[f"note_{code}"] = value.note
    return form_class(data, files, prefix=name, initial=initial, **kwargs)


def park_page(request, pk, *, bound=None, status=200):
    user = request.user
    bound = bound or {}
    park = get_visible(parks_for_user(user), pk)
    pairs = list(
        ParkPair.objects.filter(members__park=park)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ParkPairMember.objects.select_related("park__party").order_by(
                    "park__party__sort_order", "park__name"
                ),
            )
        )
        .order_by("-batch", "pk")
    )
    history = list(
        ParkAssessment.objects.filter(park=park, cycle__in=cycles_for_user(user))
        .select_related("cycle")
        .order_by("-cycle__period_end", "-cycle__pk")
    )
    office = is_office(user)
    for row in history:
        row.visible = row.cycle.state == CycleState.PUBLISHED or office
    cycle = _park_cycle(request, park)
    context = {
        "park": park,
        "pairs": pairs,
        "history": history,
        "cycle": cycle,
        "assessment": None,
    }
    if cycle is not None:
        assessment = _assessment_detail(cycle, park)
        indicators = list(cycle.indicators.all())
        annotate_step(assessment, cycle)
        actions = available_actions(user, assessment)
        reported = {v.indicator_id: v for v in assessment.values.all()}
        queried = {}
        for step in assessment.steps.all():
            if step.action == "query":
                queried[step.indicator_id] = step
            elif step.action == "submit":
                queried = {}
        for indicator in indicators:
            value = reported.get(indicator.pk)
            indicator.reported = value
            indicator.printed = (
                print_value(value.value, indicator.unit, value.is_lower_bound)
                if value
                else None
            )
            indicator.query = queried.get(indicator.pk)
        if "submit" in bound:
            # The form shown again marks the queried figures as the page does.
            bound["submit"].indicators = indicators
        failed = next(iter(bound.items()), None)
        context.update(
            assessment=assessment,
            indicators=indicators,
            actions=actions,
            forms=_assessment_forms(assessment, indicators, actions, bound),
            results_visible=results_visible(user, cycle),
            failed_name=failed[0] if failed else None,
            failed_form=failed[1] if failed and failed[1].errors else None,
        )
    return render(request, "parks/park.html", context, status=status)


@page
@require_GET
def park_detail(request, pk):
    return park_page(request, pk)


@page
@require_GET
def assessment_detail(request, pk):
    """An assessment's address (what notifications link to): its park's page
    for its cycle."""
    assessment = get_visible(
        ParkAssessment.objects.filter(cycle__in=cycles_for_user(request.user)), pk
    )
    url = reverse("parks:park", args=[assessment.park_id])
    return redirect(f"{url}?cycle={assessment.cycle_id}#assessment")


@page
@require_GET
def evidence_download(request, pk):
    row = get_visible(
        AssessmentEvidence.objects.filter(
            assessment__cycle__in=cycles_for_user(request.user)
        ),
        pk,
    )
    return evidence_response(row.file, filename=row.name)


# --- 3. a pair's comparison ---------------------------------------------------------


@page
@require_GET
def pair_comparison(request, pk):
    user = request.user
    pair = get_visible(
        ParkPair.objects.filter(
            initiative__in=initiative_list_for_user(user=user)
        ).prefetch_related(
            Prefetch(
                "members",
                queryset=ParkPairMember.objects.select_related("park__party").order_by(
                    "park__party__sort_order", "park__name"
                ),
            )
        ),
        pk,
    )
    cycles = cycles_for_user(user).filter(assessments__pair=pair).distinct()
    wanted = request.GET.get("cycle")
    if wanted:
        try:
            cycle = cycles.get(pk=int(wanted))
        except (EvaluationCycle.DoesNotExist, ValueError):
            raise NotFound() from None
    else:
        cycle = cycles.order_by("-period_end", "-pk").first()
    parks = [member.park for member in pair.members.all()]
    columns, rows = [], []
    visible = False
    if cycle is not None:
        visible = results_visible(user, cycle)
        by_park = {
            a.park_id: a
            for a in ParkAssessment.objects.filter(
                cycle=cycle, park__in=parks
            ).prefetch_related("values")
        }
        columns = [(park, by_park.get(park.pk)) for park in parks]
        for indicator in CycleIndicator.objects.filter(cycle=cycle):
            cells = []
            for _park, assessment in columns:
                value = None
                if assessment is not None:
                    value = next(
                        (
                            v
                            for v in assessment.values.all()
                            if v.indicator_id == indicator.pk
                        ),
                        None,
                    )
                cells.append(
                    {
                        "value": value,
                        "printed": print_value(
                            value.value, indicator.unit, value.is_lower_bound
                        )
                        if value
                        else None,
                    }
                )
            rows.append((indicator, cells))
    return render(
        request,
        "parks/pair.html",
        {
            "pair": pair,
            "parks": parks,
            "cycle": cycle,
            "cycles": list(cycles.order_by("-period_end", "-pk")),
            "columns": columns,
            "rows": rows,
            "results_visible": visible,
        },
    )
