"""What the park pages share: who may open them, the cycles a user may see,
the step's due date and its lateness light, and how a reported value is
printed.

A cycle belongs to an initiative; anyone with an active membership of a party
taking part in it sees the cycle, its parks and its pairs (what they may not
see is the same 404 as what does not exist). Scores, results and ranks are
the joint office's until the cycle is published; then everyone reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import grants
from config.exceptions import PermissionDenied as DomainPermissionDenied
from tracker.selectors import get_visible, initiative_list_for_user

from .choices import AssessmentState, CycleState
from .models import EvaluationCycle

# The step an assessment waits on, and the cycle's date for it.
STEP_DUE = {
    AssessmentState.DRAFT: "submit_due",
    AssessmentState.QUERIED: "submit_due",
    AssessmentState.SUBMITTED: "review_due",
    AssessmentState.AGREED: "score_due",
    AssessmentState.SCORED: "publish_due",
}
# The steps each dashboard total counts.
SUBMITTED = {
    AssessmentState.SUBMITTED,
    AssessmentState.QUERIED,
    AssessmentState.AGREED,
    AssessmentState.SCORED,
    AssessmentState.PUBLISHED,
}
AGREED = {AssessmentState.AGREED, AssessmentState.SCORED, AssessmentState.PUBLISHED}
SCORED = {AssessmentState.SCORED, AssessmentState.PUBLISHED}


def page(view: Callable) -> Callable:
    """Log in first; what the user may see but not do is the 403 page (what
    they may not see is a NotFound: the 404 page)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, DomainPermissionDenied):
            return render(request, "parks/forbidden.html", status=403)

    return wrapper


def cycles_for_user(user) -> QuerySet[EvaluationCycle]:
    return EvaluationCycle.objects.filter(
        initiative__in=initiative_list_for_user(user=user)
    )


def cycle_get_for_user(user, pk) -> EvaluationCycle:
    return get_visible(cycles_for_user(user), pk)


def latest_cycle_for_user(user) -> EvaluationCycle | None:
    return cycles_for_user(user).order_by("-period_end", "-pk").first()


def is_office(user) -> bool:
    return grants(user).administrator


def results_visible(user, cycle: EvaluationCycle) -> bool:
    """Scores and results: the joint office's until publication."""
    return cycle.state == CycleState.PUBLISHED or is_office(user)


def step_due(assessment, cycle: EvaluationCycle) -> dt.date | None:
    name = STEP_DUE.get(assessment.state)
    return getattr(cycle, name) if name else None


def lateness(due: dt.date | None, today: dt.date) -> str:
    """The light of a step: red past its due date, amber within the window
    before it, green otherwise; "closed" once published."""
    if due is None:
        return "closed"
    if today > due:
        return "red"
    if (due - today).days <= settings.TRACKER_AMBER_WINDOW_DAYS:
        return "amber"
    return "green"


def annotate_step(assessment, cycle: EvaluationCycle, today=None) -> None:
    """Put the step's due date, light and days late on the assessment."""
    today = today or timezone.localdate()
    assessment.due = step_due(assessment, cycle)
    assessment.light = lateness(assessment.due, today)
    assessment.days_late = (
        (today - assessment.due).days if assessment.light == "red" else 0
    )


def plain_number(value: Decimal | None) -> str:
    """A value without its trailing zeros (1000, 22.5), as the clerks write it."""
    if value is None:
        return "—"
    return format(Decimal(value).normalize(), "f")


def print_value(value, unit: str = "", is_lower_bound: bool = False) -> str:
    """A reported value as the source states it: "超1000家" ("more than 1000
    enterprises") when it is a lower bound, else "1000家"."""
    number = plain_number(value)
    if value is None:
        return number
    if is_lower_bound:
        return _("more than %(value)s%(unit)s") % {"value": number, "unit": unit}
    return f"{number}{unit}"
