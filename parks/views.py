"""The park evaluation pages (产业合作园区绩效评价): the cycle's dashboard, a
park's page with its assessment and the forms of what the user may do on it
now, and a pair's parks side by side.

Plumbing only: each page is one read; the forms offered are those of
`parks.workflow.available_actions` (the API's `actions` reads it too); each
form posts to its own view (views_actions), which makes one service call."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.api.uploads import evidence_response
from config.exceptions import NotFound
from supervision.workdays import WorkCalendar
from tracker.choices import Light
from tracker.selectors import (
    get_visible,
    initiative_list_for_user,
    party_list_for_user,
)

from . import selectors
from .choices import AssessmentAction, AssessmentState, CycleState
from .forms import (
    AdjustForm,
    AgreeForm,
    DashboardFilter,
    PublishForm,
    QueryForm,
    ScoreForm,
    SubmitForm,
)
from .models import AssessmentEvidence, ParkAssessment
from .views_support import (
    AGREED,
    SCORED,
    SUBMITTED,
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


def _step_light(row, cycle, today, calendar) -> None:
    """The light of the step the assessment waits on, its due date and the
    days past it, on the row."""
    light, due = selectors.light_for(row.state, cycle, today, calendar)
    row.light = light or "closed"
    row.due = due
    row.days_late = (today - due).days if light == Light.RED else 0


def _calendar(cycle, today) -> WorkCalendar:
    return WorkCalendar(today, max(today, cycle.publish_due) + dt.timedelta(days=30))


def _totals(rows) -> dict:
    return {
        "parks": len(rows),
        "submitted": sum(r.state in SUBMITTED for r in rows),
        "agreed": sum(r.state in AGREED for r in rows),
        "scored": sum(r.state in SCORED for r in rows),
        "met": sum(
            r.state == AssessmentState.PUBLISHED and r.outcome == "met" for r in rows
        ),
    }


def dashboard_page(request, cycle, *, publish_form=None, status=200):
    user = request.user
    parties = list(party_list_for_user(user=user).order_by("sort_order"))
    filters = DashboardFilter(
        request.GET or None, parties=parties, states=AssessmentState.choices
    )
    everything = selectors.cycle_dashboard(cycle, user)
    rows = everything
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    if chosen.get("party"):
        rows = [r for r in rows if r.party.pk == chosen["party"]]
    if chosen.get("state"):
        rows = [r for r in rows if r.state == chosen["state"]]
    today = timezone.localdate()
    for row in rows:
        row.days_late = (
            (today - row.due).days if row.light == Light.RED and row.due else 0
        )
        row.light = row.light or "closed"
        row.others = (
            [m.park for m in row.pair.members.all() if m.park_id != row.park.pk]
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
            "cycles": list(
                selectors.cycle_list_for_user(user=user).order_by("-period_end", "-pk")
            ),
            "rows": rows,
            "totals": _totals(everything),
            "filters": filters,
            "filtered": any(chosen.values()),
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
    return dashboard_page(
        request, selectors.cycle_get_for_user(user=request.user, pk=pk)
    )


# --- 2. a park's page -------------------------------------------------------------------


def _park_cycle(request, results):
    """The cycle the page shows: ?cycle=, else the latest with the park in it."""
    wanted = request.GET.get("cycle")
    if not wanted:
        return results[0].cycle if results else None
    for row in results:
        if str(row.cycle_id) == wanted:
            return row.cycle
    raise NotFound()


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
    park = get_visible(selectors.park_list_for_user(user=user), pk)
    detail = selectors.park_detail(park)
    visible = set(initiative_list_for_user(user=user).values_list("pk", flat=True))
    history = [r for r in detail.results if r.cycle.initiative_id in visible]
    office = is_office(user)
    for row in history:
        row.visible = row.cycle.state == CycleState.PUBLISHED or office
    cycle = _park_cycle(request, history)
    context = {
        "park": detail.park,
        "pairs": detail.pairs,
        "history": history,
        "cycle": cycle,
        "assessment": None,
    }
    if cycle is not None:
        current = next(r for r in history if r.cycle_id == cycle.pk)
        assessment = selectors.assessment_get_for_user(user=user, pk=current.pk)
        cycle = assessment.cycle
        indicators = list(cycle.indicators.order_by("sort_order", "id"))
        today = timezone.localdate()
        _step_light(assessment, cycle, today, _calendar(cycle, today))
        actions = available_actions(user, assessment)
        reported = {v.indicator_id: v for v in assessment.values.all()}
        queried = {}
        for step in assessment.steps.all():
            # The figures queried since the last submission.
            if step.action == AssessmentAction.QUERY:
                queried[step.indicator_id] = step
            elif step.action == AssessmentAction.SUBMIT:
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
            cycle=cycle,
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
    assessment = get_visible(selectors.assessment_list_for_user(user=request.user), pk)
    url = reverse("parks:park", args=[assessment.park_id])
    return redirect(f"{url}?cycle={assessment.cycle_id}#assessment")


@page
@require_GET
def evidence_download(request, pk):
    row = get_visible(
        AssessmentEvidence.objects.filter(
            assessment__in=selectors.assessment_list_for_user(user=request.user)
        ),
        pk,
    )
    return evidence_response(row.file, filename=row.name)


# --- 3. a pair's comparison ---------------------------------------------------------


@page
@require_GET
def pair_comparison(request, pk):
    user = request.user
    pair = get_visible(selectors.pair_list_for_user(user=user), pk)
    cycles = list(
        selectors.cycle_list_for_user(user=user)
        .filter(pk__in=ParkAssessment.objects.filter(pair=pair).values("cycle"))
        .order_by("-period_end", "-pk")
    )
    wanted = request.GET.get("cycle")
    cycle = cycles[0] if cycles else None
    if wanted:
        cycle = next((c for c in cycles if str(c.pk) == wanted), None)
        if cycle is None:
            raise NotFound()
    parks = [member.park for member in pair.members.all()]
    comparison = None
    rows = []
    if cycle is not None:
        comparison = selectors.pair_comparison(pair, cycle)
        for indicator, values in comparison.rows():
            cells = [
                {
                    "value": value,
                    "printed": print_value(
                        value.value, indicator.unit, value.is_lower_bound
                    )
                    if value
                    else None,
                }
                for value in values
            ]
            rows.append((indicator, cells))
    return render(
        request,
        "parks/pair.html",
        {
            "pair": pair,
            "parks": parks,
            "cycle": cycle,
            "cycles": cycles,
            "columns": comparison.columns if comparison else [],
            "rows": rows,
            "results_visible": cycle is not None and results_visible(user, cycle),
        },
    )
