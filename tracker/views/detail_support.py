"""What the task detail page and its action views share: the page decorator
(login, 404, the 403 page), the action forms of what the user may do on a task
now (tracker.permissions.available_actions decides which), and the
concurrent-change panel's content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import grants
from config.exceptions import DomainError, NotFound, PreconditionFailed
from config.exceptions import PermissionDenied as DomainPermissionDenied
from supervision.forms import UrgeForm

from ..forms import (
    ActionForm,
    CancelForm,
    ClaimForm,
    ConfirmForm,
    ExtensionDecisionForm,
    ExtensionForm,
    LightOverrideForm,
    MilestoneForm,
    ProgressUpdateForm,
    RejectForm,
    ReopenForm,
    ResumeForm,
    StartForm,
    SuspendForm,
)
from ..permissions import TaskActions
from ..selectors.detail import ChangesSince


@dataclass(frozen=True)
class Outcome:
    """What became of a form sent to a service: done; stale (the version the
    form was read at has moved: show the concurrent change); or refused, with
    the status to show the form again at and its errors added to it."""

    done: bool = False
    stale: bool = False
    status: int = 400


def attempt(form: ActionForm, call: Callable[[], object]) -> Outcome:
    """Validate `form` and make the service call. What the user may not see
    or do is not a form error: those propagate (the 404 and 403 pages)."""
    if not form.is_valid():
        return Outcome()
    try:
        call()
    except PreconditionFailed:
        return Outcome(stale=True, status=409)
    except (NotFound, DomainPermissionDenied):
        raise
    except DomainError as exc:
        form.add_service_errors(exc)
        return Outcome(status=exc.status)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return Outcome()
    return Outcome(done=True, status=200)


def page(view: Callable) -> Callable:
    """Log in first; what the user may see but not do is the 403 page (what
    they may not see is a NotFound, which Django answers with the 404 page)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, DomainPermissionDenied):
            return render(request, "tracker/detail/forbidden.html", status=403)

    return wrapper


def back(pk, anchor: str = ""):
    url = reverse("tracker:task_detail", args=[pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def post_only(view: Callable) -> Callable:
    """POST does the action; GET (a reload, or the language switch after a
    refused form) goes back to the task."""

    @wraps(view)
    def wrapper(request, pk):
        if request.method != "POST":
            return back(pk)
        return view(request, pk)

    return require_http_methods(["GET", "POST"])(wrapper)


# --- the forms of what the user may do, now ----------------------------------------


@dataclass(frozen=True)
class PageForm:
    """An action form of the detail page: its class, and the owner parties it
    lets the user choose from."""

    form_class: type[ActionForm]
    parties: Callable[[TaskActions], tuple] = lambda actions: actions.acting_parties


def _deciders(actions: TaskActions) -> tuple:
    # A user who may not decide still gets a form that validates, so that the
    # service is the one to refuse it.
    return actions.deciding_parties or actions.acting_parties


def _nobody(actions: TaskActions) -> tuple:
    return ()


# name (the form's prefix) → its form. The joint office's transitions and
# decisions take no acting party.
PAGE_FORMS: dict[str, PageForm] = {
    "start": PageForm(StartForm),
    "resume": PageForm(ResumeForm, _nobody),
    "suspend": PageForm(SuspendForm, _nobody),
    "cancel": PageForm(CancelForm, _nobody),
    "reopen": PageForm(ReopenForm, _nobody),
    "override": PageForm(LightOverrideForm, _nobody),
    "claim": PageForm(ClaimForm),
    "confirm": PageForm(ConfirmForm, _deciders),
    "reject": PageForm(RejectForm, _deciders),
    "update": PageForm(ProgressUpdateForm),
    "extension": PageForm(ExtensionForm),
    "decision": PageForm(ExtensionDecisionForm, _nobody),
    "urge": PageForm(UrgeForm, _nobody),
}


def action_form(name: str, actions: TaskActions, *args, **kwargs) -> ActionForm:
    """The form `name` for a user with `actions`, bound when given data."""
    spec = PAGE_FORMS[name]
    if spec.form_class is ProgressUpdateForm:
        kwargs["indicators"] = actions.indicators
        kwargs["parts"] = actions.parts
    return spec.form_class(
        *args, prefix=name, parties=list(spec.parties(actions)), **kwargs
    )


def task_forms(
    task, actions: TaskActions, bound: dict[str, ActionForm]
) -> dict[str, ActionForm]:
    """The forms of the actions the user may take on the task now (a form
    being shown again with the user's input takes its place)."""
    forms = {}
    for name, spec in PAGE_FORMS.items():
        if name in bound:
            forms[name] = bound[name]
        elif spec.form_class.workflow_action in actions:
            initial = {"version": task.version}
            if name == "update" and len(actions.parts) == 1:
                # The party's own part: its version and its current figure.
                part = actions.parts[0]
                initial.update(version=part.version, progress=part.progress)
            forms[name] = action_form(name, actions, initial=initial)
    return forms


def milestone_form(user, milestone, *, data=None, inline=False) -> MilestoneForm:
    return MilestoneForm(
        data,
        prefix=f"ms-{milestone.pk}",
        initial={
            "version": milestone.version,
            "status": milestone.status,
            "title": milestone.title,
            "due_date": milestone.due_date,
        },
        administrator=grants(user).administrator,
        inline=inline,
    )


# --- a refused stale submission ---------------------------------------------------


@dataclass
class ConflictView:
    """What changed since the user read the row, and the user's values beside
    the current ones (label, yours, current)."""

    form_id: str
    changes: ChangesSince
    rows: list[tuple[str, str, str]]


def show(value) -> str:
    if value in (None, ""):
        return "—"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
