"""The task workflow, declared once.

Every status change of a task is one row of TRANSITIONS: the action's name,
the states it may start from, the state it leads to, and who may take it.
Everything else done on a task (reports, readings, milestones, extensions,
light overrides, 催办 and their answers) is one row of ACTIVITIES: the states that take it, and the
row the permission of the same name judges. The services ask `check`,
`require_state` and `status_after_progress` here; the pages and the API ask
`tracker.permissions.available_actions`, which asks `accepts`; tests walk every
(state, action, role).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.exceptions import PermissionDenied, TransitionNotAllowed

from .choices import TaskStatus as S


class Actor(StrEnum):
    """How a user stands towards one task."""

    OWNER = "owner"  # coordinator of an owner party
    COUNTERPART = (
        "counterpart"  # coordinator of an owner party other than the claimant's
    )
    ADMINISTRATOR = "administrator"  # the joint office


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]
    reason_required: bool = False
    # Taken while a completion claim is open, it withdraws the claim.
    withdraws_claim: bool = False


def _t(
    action, sources, target, actors, *, reason_required=False, withdraws_claim=False
) -> Transition:
    return Transition(
        action,
        frozenset(sources),
        target,
        frozenset(actors),
        reason_required,
        withdraws_claim,
    )


TRANSITIONS: tuple[Transition, ...] = (
    _t("start", {S.NOT_STARTED}, S.IN_PROGRESS, {Actor.OWNER, Actor.ADMINISTRATOR}),
    _t("claim_completion", {S.IN_PROGRESS}, S.COMPLETION_CLAIMED, {Actor.OWNER}),
    # Completed only once every other owner party has confirmed; until then a
    # confirmation leaves the task in completion_claimed.
    _t("confirm_completion", {S.COMPLETION_CLAIMED}, S.COMPLETED, {Actor.COUNTERPART}),
    _t(
        "reject_completion",
        {S.COMPLETION_CLAIMED},
        S.IN_PROGRESS,
        {Actor.COUNTERPART},
        reason_required=True,
    ),
    _t(
        "suspend",
        {S.NOT_STARTED, S.IN_PROGRESS},
        S.SUSPENDED,
        {Actor.ADMINISTRATOR},
        reason_required=True,
    ),
    _t("resume", {S.SUSPENDED}, S.IN_PROGRESS, {Actor.ADMINISTRATOR}),
    _t(
        "cancel",
        {S.NOT_STARTED, S.IN_PROGRESS, S.COMPLETION_CLAIMED, S.SUSPENDED},
        S.CANCELLED,
        {Actor.ADMINISTRATOR},
        reason_required=True,
        withdraws_claim=True,
    ),
    _t(
        "reopen",
        {S.COMPLETED, S.CANCELLED},
        S.IN_PROGRESS,
        {Actor.ADMINISTRATOR},
        reason_required=True,
    ),
)

BY_ACTION = {t.action: t for t in TRANSITIONS}
# What a confirmed claim (the last confirmation, or the claim of a task with a
# single owner party) leads to.
COMPLETED = BY_ACTION["confirm_completion"].target
# States from which the task is still being worked on (lights are computed).
OPEN_STATES = frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.COMPLETION_CLAIMED})
# Closed: what only reopening leads out of.
CLOSED_STATES = frozenset(BY_ACTION["reopen"].sources)


@dataclass(frozen=True)
class Activity:
    """Work on a task that leaves its state as it is (but see
    `status_after_progress`). The permission of the same name (accounts.
    permissions) judges `on`: the task itself, or each of its indicators,
    milestones or owner parties' parts."""

    action: str
    states: frozenset[str]
    refusal: Promise
    on: str = "task"


# A closed item (completed: 已销号, or cancelled) keeps the ledger it was closed
# on: a completion was confirmed against those figures, and a cancellation ends
# the reporting. Adding to it means the joint office reopens it first, with a
# reason on record. A suspended item is on hold by the office's decision:
# nothing is reported on it until it resumes, but an extension may still be
# asked for and decided (that is how a hold ends with a new date). Lights, and
# so their overrides, exist only while the task is worked on.
ACTIVITIES: tuple[Activity, ...] = (
    # Each owner party reports on its own part of the item (TaskOwner): the
    # permission judges the part, so a coordinator reports for their party
    # only, and the joint office, which owns no part, reports for nobody.
    Activity(
        "post_progress_update",
        OPEN_STATES,
        _("The task is %(status)s; progress cannot be reported on it now."),
        on="owner",
    ),
    Activity(
        "record_reading",
        OPEN_STATES,
        _("The task is %(status)s; indicator values cannot be reported on it now."),
        on="indicator",
    ),
    Activity(
        "change_milestone",
        OPEN_STATES,
        _("The task is %(status)s; its milestones cannot be changed now."),
        on="milestone",
    ),
    Activity(
        "request_extension",
        OPEN_STATES | {S.SUSPENDED},
        _("The task is %(status)s; an extension cannot be requested now."),
    ),
    Activity(
        "decide_extension",
        OPEN_STATES | {S.SUSPENDED},
        _("The task is %(status)s; its extension request cannot be decided now."),
    ),
    Activity(
        "override_light",
        OPEN_STATES,
        _("The task is %(status)s; it has no light to override."),
    ),
    # 催办 by hand chases an item that is being worked on: a suspended one is
    # on hold by the office's own decision, a closed one owes nothing more.
    Activity(
        "urge",
        OPEN_STATES,
        _("The task is %(status)s; it cannot be urged now."),
    ),
    # An owner party answers a 催办 or reminder addressed to it while the item
    # is worked on or on hold; a closed item keeps its ledger as it was closed.
    Activity(
        "answer_urge",
        OPEN_STATES | {S.SUSPENDED},
        _("The task is %(status)s; an urge on it cannot be answered now."),
    ),
)
ACTIVITY = {a.action: a for a in ACTIVITIES}
ACTIONS = (*BY_ACTION, *ACTIVITY)
# What each action is, for those who read the API's `actions`: every action of
# the table has its label (a new one without fails at import).
LABELS = {
    "start": _("mark the task as started"),
    "claim_completion": _("claim that the task is complete"),
    "confirm_completion": _("confirm the open completion claim"),
    "reject_completion": _("reject the open completion claim"),
    "suspend": _("suspend the task"),
    "resume": _("resume the suspended task"),
    "cancel": _("cancel the task"),
    "reopen": _("reopen the closed task"),
    "post_progress_update": _("post a progress update"),
    "record_reading": _("report the value of an indicator"),
    "change_milestone": _("change a milestone"),
    "request_extension": _("request an extension of the due date"),
    "decide_extension": _("decide the pending extension request"),
    "override_light": _("override the light"),
    "urge": _("urge the owner parties (催办)"),
    "answer_urge": _("answer an urge addressed to your party"),
}
ACTION_CHOICES = [(action, LABELS[action]) for action in ACTIONS]


def check(action: str, *, status: str, actors: set[Actor]) -> Transition:
    """The transition for `action`, or the error the caller should see:
    403 when the user may not take this action at all, 409 when the task's
    current state does not allow it."""
    transition = BY_ACTION[action]
    if not actors & transition.actors:
        raise PermissionDenied()
    if status not in transition.sources:
        raise TransitionNotAllowed()
    return transition


def accepts(action: str, status: str) -> bool:
    """Whether a task in `status` takes `action` (a transition or an activity),
    whoever asks: what the pages offer and the services allow."""
    if action in BY_ACTION:
        return status in BY_ACTION[action].sources
    return status in ACTIVITY[action].states


# Reporting progress on a task not yet started is starting it: the first
# update with progress above zero takes the `start` transition with it, for
# whoever may report.
STARTED_BY_PROGRESS = BY_ACTION["start"]


def status_after_progress(status: str, progress: int) -> str:
    """The state a task in `status` is in once `progress` is reported on it."""
    if progress > 0 and status in STARTED_BY_PROGRESS.sources:
        return STARTED_BY_PROGRESS.target
    return status


def require_state(action: str, *, status: str) -> None:
    """Refuse an activity the task's current state does not take (409)."""
    activity = ACTIVITY[action]
    if status not in activity.states:
        raise TransitionNotAllowed(activity.refusal % {"status": S(status).label})
