"""The item page's 前置事项 / 后续事项 (what it waits for, what waits for it)
and its forecast finish date; the forms that add and remove a dependency."""

from __future__ import annotations

from django.contrib import messages
from django.urls import path
from django.utils.translation import gettext as _

from config.exceptions import NotFound, PreconditionFailed

from .. import services
from ..forecast import CONFIDENCE_WORDS, RULE, forecast_text
from ..forms_dependencies import DependencyForm
from ..models import TaskDependency
from ..selectors import task_for_action_for_user
from ..selectors.dependencies import dependencies_for_task, task_ref_list_for_user
from ..selectors.forecast import stored_forecast
from .detail_support import attempt, back, page, post_only


def dependency_context(user, task) -> dict:
    """What the page shows of the item's dependencies and forecast (the task
    from the detail selector, its forecast fetched with it)."""
    dependencies = dependencies_for_task(user=user, task=task)
    forecast = stored_forecast(task)
    context = {
        "dependencies": dependencies,
        "dependency_form": DependencyForm(
            prefix="dependency", task=task, initial={"version": task.version}
        )
        if dependencies.may_manage
        else None,
        "forecast": forecast,
        "forecast_rule": RULE,
    }
    if forecast is not None:
        context["forecast_text"] = forecast_text(
            forecast_date=forecast.forecast_date, slip_days=forecast.slip_days
        )
        context["forecast_confidence"] = CONFIDENCE_WORDS[forecast.confidence]
    return context


def _refused(request, form) -> None:
    errors = [str(e) for field in form.errors.values() for e in field]
    messages.error(request, "；".join(errors) or _("The dependency was not saved."))


@page
@post_only
def dependency_add(request, pk):
    user = request.user
    task = task_for_action_for_user(user=user, pk=pk)
    form = DependencyForm(request.POST, prefix="dependency", task=task)
    outcome = attempt(
        form,
        lambda: services.dependency_add(
            task=task,
            actor=user,
            expected_version=form.cleaned_data["version"],
            **form.service_arguments(),
        ),
    )
    if outcome.done:
        messages.success(request, _("The dependency has been recorded."))
    elif outcome.stale:
        messages.error(
            request, _("Someone else changed this item since you read it; try again.")
        )
    else:
        _refused(request, form)
    return back(task.pk, "dependencies")


@page
@post_only
def dependency_remove(request, pk):
    user = request.user
    dependency = (
        TaskDependency.objects.filter(pk=pk, task__in=task_ref_list_for_user(user=user))
        .select_related("task")
        .first()
    )
    if dependency is None:
        raise NotFound()
    version = request.POST.get("version")
    try:
        services.dependency_remove(
            dependency=dependency,
            actor=user,
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except PreconditionFailed:
        messages.error(
            request, _("Someone else changed this item since you read it; try again.")
        )
    else:
        messages.success(request, _("The dependency has been removed."))
    return back(dependency.task_id, "dependencies")


urlpatterns = [
    path("tasks/<int:pk>/dependencies/", dependency_add, name="dependency_add"),
    path("dependencies/<int:pk>/remove/", dependency_remove, name="dependency_remove"),
]
