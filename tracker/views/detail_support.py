"""What the task detail page and its action views share: the page decorator
(login, 404, the 403 page), which actions the user may take on a task now, the
action forms built for them, and the concurrent-change panel's content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import can, coordinator_parties_for, grants
from config.exceptions import PermissionDenied as DomainPermissionDenied

from ..forms import (
    ActionForm,
    ClaimForm,
    ConfirmForm,
    ExtensionForm,
    MilestoneForm,
    ProgressUpdateForm,
    RejectForm,
)
from ..selectors.detail import ChangesSince
from ..workflow import accepts


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


# --- who may do what, now --------------------------------------------------------


def acting_parties(user, task) -> list:
    ids = coordinator_parties_for(user, task)
    return [owner.party for owner in task.owners.all() if owner.party_id in ids]


def deciding_parties(user, task, claim) -> list:
    """The user's owner parties that may still confirm or reject `claim`."""
    if claim is None:
        return []
    decided = {d.party_id for d in claim.decisions.all()}
    return [
        p
        for p in acting_parties(user, task)
        if p.pk != claim.party_id and p.pk not in decided
    ]


def reportable(user, task) -> list:
    """The indicators the user may report a value for now."""
    if not accepts("record_reading", task.status):
        return []
    return [i for i in task.indicators.all() if can(user, "record_reading", i)]


def may_edit_milestone(user, milestone, task) -> bool:
    return accepts("change_milestone", task.status) and (
        grants(user).administrator or can(user, "change_milestone_status", milestone)
    )


def task_forms(user, detail, bound: dict) -> dict[str, ActionForm]:
    """The forms of the actions the user may take on the task in its current
    state (a form being re-shown with the user's input takes its place)."""
    task = detail.task
    claim = detail.open_claim
    acting = acting_parties(user, task)
    deciders = deciding_parties(user, task, claim)
    decides = (
        accepts("confirm_completion", task.status)
        and bool(deciders)
        and can(user, "decide_completion", task)
    )
    available = {
        "update": accepts("post_progress_update", task.status)
        and can(user, "post_progress_update", task),
        "claim": accepts("claim_completion", task.status)
        and can(user, "claim_completion", task),
        "confirm": decides,
        "reject": decides,
        "extension": accepts("request_extension", task.status)
        and detail.pending_extension is None
        and can(user, "request_extension", task),
    }
    initial = {"version": task.version}
    built = {
        "update": lambda: ProgressUpdateForm(
            prefix="update",
            initial={**initial, "progress": task.progress},
            parties=acting,
            indicators=reportable(user, task),
        ),
        "claim": lambda: ClaimForm(prefix="claim", initial=initial, parties=acting),
        "confirm": lambda: ConfirmForm(
            prefix="confirm", initial=initial, parties=deciders
        ),
        "reject": lambda: RejectForm(
            prefix="reject", initial=initial, parties=deciders
        ),
        "extension": lambda: ExtensionForm(
            prefix="extension", initial=initial, parties=acting
        ),
    }
    return {
        name: bound.get(name) or make()
        for name, make in built.items()
        if name in bound or available[name]
    }


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
