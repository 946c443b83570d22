"""Web pages: one task's detail and the forms of what the user may do on it.

Plumbing only. The detail is one selector, and the forms it offers are those of
`tracker.permissions.available_actions`, which the API's `actions` field reads
too. Each action form posts to its own URL, which validates the form and makes
one service call; the service decides whether the user may (403 page when they
may see but not act). Success redirects back with a message; bad input
re-renders the page with the errors and the input; a concurrent change (the
version moved) re-renders it with who changed what, the current values beside
the user's, and the form ready to submit again over the new version."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from supervision.forms import UrgeAnswerForm
from supervision.selectors.urges import (
    urge_ledger_for_task,
    urge_target_get_for_user,
)
from supervision.services.urges import urge_answer, urge_send

from .. import services
from ..forms import ActionForm, ProgressUpdateForm, ReadingForm
from ..permissions import acting_parties, available_actions, claim_is_due
from ..selectors import detail as selectors
from ..selectors import extension_request_get_for_user, task_for_action_for_user
from .detail_dependencies import dependency_context
from .detail_milestone import milestone_edit
from .detail_support import (
    ConflictView,
    action_form,
    attempt,
    back,
    milestone_form,
    page,
    post_only,
    show,
    task_forms,
)


def _part_rows(form: ActionForm, part) -> list[tuple[str, str, str]]:
    """The progress form's fields beside the party's part as it is now: what
    another clerk of the same party changed under the form."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    return [
        (_("Progress (%)"), show(data.get("progress")), show(part.progress)),
        (
            _("Progress narrative"),
            show(data.get("narrative")),
            show(part.narrative),
        ),
    ]


def _task_rows(name: str, form: ActionForm, task) -> list[tuple[str, str, str]]:
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    rows = [(_("Status"), "—", task.get_status_display())]
    if name == "extension":
        rows.append(
            (
                _("Due date"),
                show(data.get("requested_due_date")),
                show(task.due_date),
            )
        )
    else:
        rows.append((_("Due date"), "—", show(task.due_date)))
    return rows


def _detail_page(
    request,
    pk,
    *,
    bound: dict | None = None,
    conflict: tuple[str, selectors.ChangesSince] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    tab = "history" if request.GET.get("tab") == "history" and not bound else ""
    if tab == "history":
        task = selectors.task_header_for_user(user=user, pk=pk)
        history = selectors.task_history_for_user(
            user=user, task=task, page=request.GET.get("page")
        )
        return render(
            request,
            "tracker/task_detail.html",
            {"task": task, "tab": "history", "history": history},
        )
    detail = selectors.task_detail_for_user(user=user, pk=pk)
    task = detail.task
    actions = available_actions(user, task)
    context = {"detail": detail, "task": task, "tab": "overview"}
    action_forms = task_forms(task, actions, bound)
    for milestone in detail.milestones:
        milestone.editable = milestone.pk in actions.milestones
        if milestone.editable:
            milestone.form = milestone_form(user, milestone, inline=True)
    reportable = set(actions.indicators)
    for indicator in detail.indicators:
        key = indicator.form_name = f"reading-{indicator.pk}"
        if key in bound:
            indicator.form = bound[key]
        elif indicator in reportable:
            indicator.form = ReadingForm(
                prefix=key,
                parties=[] if indicator.party_id else actions.acting_parties,
            )
    if "decision" in action_forms and not action_forms["decision"].is_bound:
        # Approving grants the requested date unless the office chooses another.
        pending = detail.pending_extension
        action_forms["decision"].initial["new_due_date"] = pending.requested_due_date
    urges = urge_ledger_for_task(user=user, task=task)
    answering = (
        {p.pk for p in actions.acting_parties} if "answer_urge" in actions else ()
    )
    waiting = False
    for urge in urges:
        for target in urge.targets.all():
            key = target.form_name = f"answer-{target.pk}"
            if key in bound:
                target.form = bound[key]
            elif (
                target.answerable
                and target.answered_at is None
                and target.party_id in answering
            ):
                target.form = UrgeAnswerForm(prefix=key)
            waiting = waiting or hasattr(target, "form")
    failed = next(iter(bound.items()), None)
    conflict_view = None
    if conflict is not None:
        name, changes = conflict
        part = getattr(changes, "part", None)
        conflict_view = ConflictView(
            form_id=f"form-{name}",
            changes=changes,
            rows=_part_rows(bound[name], part)
            if part is not None
            else _task_rows(name, bound[name], task),
        )
    context.update(
        urges=urges,
        # An urge waiting for the user's answer is shown high on the page.
        urges_waiting=waiting,
        reload_url=reverse("tracker:task_detail", args=[task.pk]),
        action_forms=action_forms,
        actions=actions,
        # 申请销号 up front only when it is what the user would do next.
        claim_due=claim_is_due(task, actions.parts),
        claim_threshold=settings.TRACKER_CLAIM_HINT_PROGRESS,
        failed_name=failed[0] if failed else None,
        failed_form=failed[1] if failed and failed[1].errors else None,
        conflict=conflict_view,
        **dependency_context(user, task),
    )
    return render(request, "tracker/task_detail.html", context, status=status)


@page
@require_GET
def task_detail(request, pk):
    return _detail_page(request, pk)


def _submit(
    request,
    *,
    task_pk: int,
    name: str,
    form: ActionForm,
    call: Callable[[dict], object],
    success: str,
    anchor: str,
) -> HttpResponse:
    """Validate, make the service call, and answer: back to the page with a
    message, or the page again with the errors or the concurrent change."""
    outcome = attempt(form, lambda: call(form.cleaned_data))
    if outcome.done:
        messages.success(request, success)
        return back(task_pk, anchor)
    conflict = None
    if outcome.stale:
        changes = _changes_since(request.user, task_pk, form)
        form.with_version(changes.current_version)
        conflict = (name, changes)
    return _detail_page(
        request, task_pk, bound={name: form}, conflict=conflict, status=outcome.status
    )


def _changes_since(user, task_pk: int, form: ActionForm) -> selectors.ChangesSince:
    """What moved the version the refused form was read at: the party's part
    for a progress update, else the task."""
    version = form.cleaned_data["version"]
    if isinstance(form, ProgressUpdateForm) and form.acting_party_id() is not None:
        return selectors.part_changes_since_for_user(
            user=user, task_pk=task_pk, party=form.acting_party_id(), version=version
        )
    return selectors.task_changes_since_for_user(user=user, pk=task_pk, version=version)


# --- the actions ---------------------------------------------------------------------


def _task_action(name: str, *, call: Callable, success, anchor: str = "status"):
    """The view of the task-level form `name`: bind it for what the user may
    do, and make its one service call, `call(task=…, actor=…, form=…, data=…)`.
    Whether the user may is the service's to decide."""

    @page
    @post_only
    def view(request, pk):
        user = request.user
        task = task_for_action_for_user(user=user, pk=pk)
        actions = available_actions(user, task)
        form = action_form(name, actions, request.POST, request.FILES)
        return _submit(
            request,
            task_pk=task.pk,
            name=name,
            form=form,
            call=lambda data: call(task=task, actor=user, form=form, data=data),
            success=str(success),
            anchor=anchor,
        )

    view.__name__ = f"task_{name}"
    return view


def _transition(service, *fields: str):
    """Call a transition's service with the form's acting party (when the
    form offers a choice) and `fields`."""

    def call(*, task, actor, form, data):
        extra = {"party": form.party()} if "party" in form.fields else {}
        service(
            task=task,
            actor=actor,
            expected_version=data["version"],
            **extra,
            **{f: data[f] for f in fields},
        )

    return call


def _post_update(*, task, actor, form, data):
    services.progress_update_post(
        task=task,
        actor=actor,
        narrative=data["narrative"],
        progress=data["progress"],
        party=form.party(),
        reading=form.reading(),
        expected_version=data["version"],
        evidence=form.evidence_spec(),
    )


def _override(*, task, actor, form, data):
    services.light_override_set(
        task=task,
        actor=actor,
        expected_version=data["version"],
        **form.service_arguments(),
    )


def _request_extension(*, task, actor, form, data):
    services.task_request_extension(
        task=task,
        actor=actor,
        party=form.party(),
        requested_due_date=data["requested_due_date"],
        reason=data["reason"],
        expected_version=data["version"],
    )


def _urge(*, task, actor, form, data):
    urge_send(
        task=task,
        actor=actor,
        expected_version=data["version"],
        **form.service_arguments(),
    )


progress_update_post = _task_action(
    "update",
    call=_post_update,
    success=gettext_lazy("The progress update has been posted."),
    anchor="feed",
)
# The transitions' forms, each posting to tasks/<pk>/<name>/: the service, the
# fields of the form it takes, and what the user is told when it is done.
TRANSITION_VIEWS = {
    name: _task_action(name, call=_transition(service, *fields), success=success)
    for name, service, fields, success in (
        (
            "start",
            services.task_start,
            (),
            gettext_lazy("The task is marked as started."),
        ),
        (
            "suspend",
            services.task_suspend,
            ("reason",),
            gettext_lazy("The task is suspended."),
        ),
        (
            "resume",
            services.task_resume,
            (),
            gettext_lazy("The task is in progress again."),
        ),
        (
            "cancel",
            services.task_cancel,
            ("reason",),
            gettext_lazy("The task is cancelled."),
        ),
        (
            "reopen",
            services.task_reopen,
            ("reason",),
            gettext_lazy("The task is reopened and in progress again."),
        ),
        (
            "claim",
            services.task_claim_completion,
            ("explanation",),
            gettext_lazy(
                "Completion has been claimed; the other parties are asked to "
                "confirm it."
            ),
        ),
        (
            "confirm",
            services.task_confirm_completion,
            (),
            gettext_lazy("You have confirmed that the task is complete."),
        ),
        (
            "reject",
            services.task_reject_completion,
            ("reason",),
            gettext_lazy(
                "The completion claim has been rejected; the task is in progress again."
            ),
        ),
    )
}
task_extension = _task_action(
    "extension",
    call=_request_extension,
    success=gettext_lazy("The extension request has been sent to the joint office."),
    anchor="extensions",
)
task_urge = _task_action(
    "urge",
    call=_urge,
    success=gettext_lazy("The 催办 has been sent to the owner parties' coordinators."),
    anchor="urges",
)
task_light_override = _task_action(
    "override",
    call=_override,
    success=gettext_lazy("The light is set until the day you chose."),
)


@page
@require_http_methods(["GET", "POST"])
def reading_record(request, pk):
    user = request.user
    indicator = selectors.indicator_for_action_for_user(user=user, pk=pk)
    task_pk = indicator.task_id
    if request.method != "POST":
        return back(task_pk, f"indicator-{pk}")
    form = ReadingForm(
        request.POST,
        request.FILES,
        prefix=f"reading-{pk}",
        parties=[] if indicator.party_id else acting_parties(user, indicator.task),
    )

    def call(data):
        services.indicator_reading_record(
            indicator=indicator,
            actor=user,
            party=form.party(),
            **form.service_arguments(),
        )

    return _submit(
        request,
        task_pk=task_pk,
        name=f"reading-{pk}",
        form=form,
        call=call,
        success=_("The reading has been recorded."),
        anchor=f"indicator-{pk}",
    )


@page
@require_http_methods(["GET", "POST"])
def urge_target_answer(request, pk):
    """A coordinator answers the urge target `pk` addressed to their party."""
    user = request.user
    target = urge_target_get_for_user(user=user, pk=pk)
    task_pk = target.urge.task_id
    if request.method != "POST":
        return back(task_pk, "urges")
    name = f"answer-{pk}"
    form = UrgeAnswerForm(request.POST, prefix=name)
    return _submit(
        request,
        task_pk=task_pk,
        name=name,
        form=form,
        call=lambda data: urge_answer(target=target, actor=user, reply=data["reply"]),
        success=_("Your reply is recorded; the sender of the 催办 is told."),
        anchor="urges",
    )


@page
@post_only
def extension_decide(request, pk):
    """The joint office decides the extension request `pk`."""
    user = request.user
    extension = extension_request_get_for_user(user=user, pk=pk)
    task = task_for_action_for_user(user=user, pk=extension.task_id)
    form = action_form("decision", available_actions(user, task), request.POST)

    def call(data):
        services.extension_request_decide(
            request=extension,
            actor=user,
            expected_version=data["version"],
            **form.service_arguments(),
        )

    return _submit(
        request,
        task_pk=task.pk,
        name="decision",
        form=form,
        call=call,
        success=_("The decision on the extension request has been recorded."),
        anchor="extensions",
    )


urlpatterns = [
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/updates/", progress_update_post, name="progress_update_post"),
    path("indicators/<int:pk>/readings/", reading_record, name="reading_record"),
    *(
        path(f"tasks/<int:pk>/{name}/", view, name=f"task_{name}")
        for name, view in TRANSITION_VIEWS.items()
    ),
    path("tasks/<int:pk>/extension/", task_extension, name="task_extension"),
    path(
        "tasks/<int:pk>/light-override/",
        task_light_override,
        name="task_light_override",
    ),
    path("tasks/<int:pk>/urge/", task_urge, name="task_urge"),
    # The answer forms of the task page post here (one per urge target).
    path(
        "urge-targets/<int:pk>/answer/",
        urge_target_answer,
        name="task_urge_answer",
    ),
    path(
        "extension-requests/<int:pk>/decide/",
        extension_decide,
        name="extension_decide",
    ),
    path("milestones/<int:pk>/edit/", milestone_edit, name="milestone_edit"),
]
