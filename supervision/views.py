"""The joint office's workbench (督办工作台, /office/) and its forms: decide an
extension request, send a 催办 on an overdue item, right there.

Plumbing only: the workbench is one selector (supervision.selectors.office),
each form one service call. The forms carry the version of the item they were
rendered with, as the task page's do. A form refused (bad input, or the item
changed meanwhile) shows the workbench again with the errors beside the form
and nothing changed; done, it comes back to the workbench with a message."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import grants
from config.exceptions import PermissionDenied
from tracker.forms import ActionForm, ExtensionDecisionForm
from tracker.selectors import (
    extension_request_get_for_user,
    task_visible_for_user,
)
from tracker.selectors.detail import task_changes_since_for_user
from tracker.services import extension_request_decide
from tracker.views.detail_support import attempt

from .forms import UrgeForm
from .selectors.office import office_workbench_for_user
from .services.urges import urge_send


def office_only(view: Callable) -> Callable:
    """Signed in, and of the joint office: anyone else gets the 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            if not grants(request.user).administrator:
                raise PermissionDenied()
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, "403.html", status=403)

    return wrapper


def _back(anchor: str) -> HttpResponse:
    return redirect(f"{reverse('supervision:office')}#{anchor}")


def _decision_form(extension, data=None) -> ExtensionDecisionForm:
    return ExtensionDecisionForm(
        data,
        prefix=f"decision-{extension.pk}",
        initial={
            "version": extension.task.version,
            "new_due_date": extension.requested_due_date,
        },
    )


def _urge_form(task, data=None) -> UrgeForm:
    # An item whose own date is not past is late by a milestone: the 催办 is
    # about that milestone, and goes to its party.
    milestone = task.late_milestone_id if not task.days_overdue else None
    return UrgeForm(
        data,
        prefix=f"urge-{task.pk}",
        initial={"version": task.version, "milestone": milestone},
    )


def _page(
    request,
    *,
    bound: dict[str, ActionForm] | None = None,
    stale: str | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    bench = office_workbench_for_user(user=request.user)
    for extension in bench.extensions:
        extension.form_name = f"decision-{extension.pk}"
        extension.form = bound.get(extension.form_name) or _decision_form(extension)
    for task in bench.overdue:
        task.form_name = f"urge-{task.pk}"
        task.urge_form = bound.get(task.form_name) or _urge_form(task)
    failed_name, failed_form = next(iter(bound.items()), (None, None))
    return render(
        request,
        "supervision/office.html",
        {
            "bench": bench,
            "failed_name": failed_name,
            "failed_form": failed_form
            if failed_form is not None and failed_form.errors
            else None,
            "stale": stale,
            "unreminded_days": settings.SUPERVISION_UNREMINDED_DAYS,
            "claim_wait_days": settings.SUPERVISION_CLAIM_WAIT_DAYS,
        },
        status=status,
    )


@office_only
@require_GET
def office(request):
    return _page(request)


def _submit(
    request,
    *,
    name: str,
    form: ActionForm,
    task_pk: int,
    call: Callable[[dict], object],
    success: str,
    anchor: str,
) -> HttpResponse:
    """Validate, make the service call, and answer: back to the workbench with
    a message, or the workbench again with the errors (or, for a stale form,
    what changed and the form over the current version)."""
    outcome = attempt(form, lambda: call(form.cleaned_data))
    if outcome.done:
        messages.success(request, success)
        return _back(anchor)
    stale = None
    if outcome.stale:
        changes = task_changes_since_for_user(
            user=request.user, pk=task_pk, version=form.cleaned_data["version"]
        )
        form.with_version(changes.current_version)
        stale = changes.summary or _(
            "Someone else changed this since you opened the page."
        )
    return _page(request, bound={name: form}, stale=stale, status=outcome.status)


@office_only
@require_http_methods(["GET", "POST"])
def office_decide(request, pk):
    """Decide the extension request `pk` from the workbench."""
    if request.method != "POST":
        return _back("extensions")
    user = request.user
    extension = extension_request_get_for_user(user=user, pk=pk)
    form = _decision_form(extension, request.POST)
    return _submit(
        request,
        name=f"decision-{pk}",
        form=form,
        task_pk=extension.task_id,
        call=lambda data: extension_request_decide(
            request=extension,
            actor=user,
            expected_version=data["version"],
            **form.service_arguments(),
        ),
        success=_("The decision on the extension request has been recorded."),
        anchor="extensions",
    )


@office_only
@require_http_methods(["GET", "POST"])
def office_urge(request, pk):
    """Send a 催办 on the item `pk` from the workbench."""
    if request.method != "POST":
        return _back("overdue")
    user = request.user
    task = task_visible_for_user(user=user, pk=pk)
    form = UrgeForm(request.POST, prefix=f"urge-{pk}")
    return _submit(
        request,
        name=f"urge-{pk}",
        form=form,
        task_pk=task.pk,
        call=lambda data: urge_send(
            task=task,
            actor=user,
            expected_version=data["version"],
            **form.service_arguments(),
        ),
        success=_("The 催办 has been sent to the owner parties' coordinators."),
        anchor="overdue",
    )


urlpatterns = [
    path("office/", office, name="office"),
    path(
        "office/extension-requests/<int:pk>/decide/",
        office_decide,
        name="office_decide",
    ),
    path("office/tasks/<int:pk>/urge/", office_urge, name="office_urge"),
]
