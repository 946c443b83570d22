"""The forms of the park pages post here: each view binds its form, makes one
service call (parks.services) and answers. Done: back to the page with a
message. Refused: the page again with the errors beside the fields and the
input kept (a chosen file is chosen again). Someone else moved the
assessment meanwhile: the page again, the form over the current version and
a word saying so. Whether the user may take the step is the service's to
decide (the 403 page when they may see but not act)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from tracker.selectors import get_visible
from tracker.views.detail_support import attempt

from . import selectors, services
from . import views as pages
from .forms import PublishForm
from .models import ParkAssessment
from .views_support import page

STALE = "stale"


def _park_url(assessment, anchor: str = "assessment") -> str:
    url = reverse("parks:park", args=[assessment.park_id])
    return f"{url}?cycle={assessment.cycle_id}#{anchor}"


def _assessment_view(name: str, call: Callable, success: str):
    """The view of the assessment form `name`: `call(user, assessment, form,
    data)` is its one service call."""

    @page
    def view(request, pk):
        user = request.user
        assessment = get_visible(selectors.assessment_list_for_user(user=user), pk)
        if request.method != "POST":
            return redirect(_park_url(assessment))
        indicators = list(assessment.cycle.indicators.all())
        form = pages.assessment_form(
            name, assessment, indicators, request.POST, request.FILES
        )
        outcome = attempt(form, lambda: call(user, assessment, form, form.cleaned_data))
        if outcome.done:
            messages.success(request, success)
            return redirect(_park_url(assessment))
        if outcome.stale:
            current = ParkAssessment.objects.get(pk=assessment.pk).version
            form.with_version(current)
            form.add_error(
                None,
                _(
                    "Someone else changed this assessment since you opened the "
                    "page. Check it, then submit again."
                ),
            )
        # The page of the assessment's cycle, with this form and its input.
        request.GET = request.GET.copy()
        request.GET["cycle"] = str(assessment.cycle_id)
        return pages.park_page(
            request, assessment.park_id, bound={name: form}, status=outcome.status
        )

    view.__name__ = f"assessment_{name}"
    return view


assessment_submit = _assessment_view(
    "submit",
    lambda user, assessment, form, data: services.assessment_submit(
        user=user,
        assessment=assessment,
        values=form.values(),
        evidence=data.get("evidence_files") or [],
        expected_version=data["version"],
    ),
    _("The values have been submitted to the paired party for review."),
)
assessment_query = _assessment_view(
    "query",
    lambda user, assessment, form, data: services.assessment_query(
        user=user,
        assessment=assessment,
        indicator_code=data["indicator"],
        comment=data["comment"],
        expected_version=data["version"],
    ),
    _("The query has been sent back to the park's party."),
)
assessment_agree = _assessment_view(
    "agree",
    lambda user, assessment, form, data: services.assessment_agree(
        user=user,
        assessment=assessment,
        comment=data.get("comment") or "",
        expected_version=data["version"],
    ),
    _("Your party's agreement has been recorded."),
)
assessment_score = _assessment_view(
    "score",
    lambda user, assessment, form, data: services.assessment_score(
        user=user, assessment=assessment, expected_version=data["version"]
    ),
    _("The assessment has been scored by the cycle's rules."),
)
assessment_adjust = _assessment_view(
    "adjust",
    lambda user, assessment, form, data: services.assessment_adjust(
        user=user,
        assessment=assessment,
        score=data["score"],
        reason=data["reason"],
        expected_version=data["version"],
    ),
    _("The adjusted score and its reason have been recorded."),
)


@page
def cycle_publish(request, pk):
    user = request.user
    cycle = selectors.cycle_get_for_user(user=user, pk=pk)
    url = reverse("parks:cycle", args=[cycle.pk])
    if request.method != "POST":
        return redirect(url)
    form = PublishForm(request.POST, prefix="publish")
    outcome = attempt(
        form,
        lambda: services.cycle_publish(
            user=user, cycle=cycle, expected_version=form.cleaned_data["version"]
        ),
    )
    if outcome.done:
        messages.success(request, _("The cycle's results have been published."))
        return redirect(url)
    if outcome.stale:
        cycle.refresh_from_db()
        form.with_version(cycle.version)
        form.add_error(
            None,
            _("Someone else changed this cycle since you opened the page."),
        )
    return pages.dashboard_page(
        request, cycle, publish_form=form, status=outcome.status
    )


urlpatterns = [
    path("assessments/<int:pk>/submit/", assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/query/", assessment_query, name="assessment_query"),
    path("assessments/<int:pk>/agree/", assessment_agree, name="assessment_agree"),
    path("assessments/<int:pk>/score/", assessment_score, name="assessment_score"),
    path("assessments/<int:pk>/adjust/", assessment_adjust, name="assessment_adjust"),
    path("cycles/<int:pk>/publish/", cycle_publish, name="cycle_publish"),
]
