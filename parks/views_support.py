"""What the park pages share: who may open them, the cycles a user may see,
and how a reported value is printed.

A cycle belongs to an initiative; anyone with an active membership of a party
taking part in it sees the cycle, its parks and its pairs (what they may not
see is the same 404 as what does not exist). Scores, results and ranks are
the joint office's until the cycle is published; then everyone reads them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from config.exceptions import PermissionDenied as DomainPermissionDenied

from . import selectors
from .choices import AssessmentState
from .models import EvaluationCycle
from .permissions import is_office, results_visible  # noqa: F401

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


def latest_cycle_for_user(user) -> EvaluationCycle | None:
    return (
        selectors.cycle_list_for_user(user=user).order_by("-period_end", "-pk").first()
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
