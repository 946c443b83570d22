"""The milestone edit page (tracker:milestone_edit): the status for the
milestone's coordinators, title and due date as well for the joint office.
The detail page's quick status forms post here too."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import can

from .. import services
from ..choices import MilestoneStatus
from ..forms import MilestoneForm
from ..permissions import allows
from ..selectors import detail as selectors
from .detail_support import ConflictView, attempt, back, milestone_form, page, show


def _milestone_rows(form: MilestoneForm, milestone) -> list[tuple[str, str, str]]:
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    yours = data.get("status")
    rows = [
        (
            _("Status"),
            str(MilestoneStatus(yours).label) if yours else "—",
            milestone.get_status_display(),
        )
    ]
    if form.administrator:
        rows += [
            (_("Title"), show(data.get("title")), milestone.title),
            (_("Due date"), show(data.get("due_date")), show(milestone.due_date)),
        ]
    return rows


def _milestone_page(request, milestone, form, *, conflict=None, status=200):
    task = milestone.task
    context = {
        "milestone": milestone,
        "task": task,
        "form": form
        if allows(request.user, "change_milestone", milestone, task=task)
        or form.is_bound
        else None,
        "failed_name": "milestone",
        "failed_form": form if form.is_bound and form.errors else None,
        "reload_url": reverse("tracker:milestone_edit", args=[milestone.pk]),
        "conflict": None,
    }
    if conflict is not None:
        context["conflict"] = ConflictView(
            form_id="form-milestone",
            changes=conflict,
            rows=_milestone_rows(form, milestone),
        )
    return render(request, "tracker/detail/milestone_edit.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk):
    user = request.user
    milestone = selectors.milestone_for_action_for_user(user=user, pk=pk)
    if request.method != "POST":
        # What the user may see but not change is the 403 page; whether they
        # may change it now is asked again when the page offers the form, and
        # decided by the service when they send it.
        if not can(user, "change_milestone", milestone):
            raise PermissionDenied
        return _milestone_page(request, milestone, milestone_form(user, milestone))
    form = milestone_form(user, milestone, data=request.POST)
    outcome = attempt(
        form,
        lambda: services.milestone_update(
            milestone=milestone,
            actor=user,
            expected_version=form.cleaned_data["version"],
            **form.service_arguments(),
        ),
    )
    if outcome.done:
        messages.success(
            request,
            _("The milestone “%(title)s” has been saved.")
            % {"title": form.cleaned_data.get("title") or milestone.title},
        )
        return back(milestone.task_id, f"milestone-{pk}")
    if outcome.stale:
        changes = selectors.milestone_changes_since_for_user(
            user=user, pk=pk, version=form.cleaned_data["version"]
        )
        current = selectors.milestone_for_action_for_user(user=user, pk=pk)
        form.with_version(changes.current_version)
        return _milestone_page(request, current, form, conflict=changes, status=409)
    return _milestone_page(request, milestone, form, status=outcome.status)
