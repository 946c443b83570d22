"""The task workflow, declared once.

Every status change of a task is one row of TRANSITIONS: the action's name,
the states it may start from, the state it leads to, and who may take it. The
services look the action up here; tests walk every (from, to, role) pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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


def _t(action, sources, target, actors, *, reason_required=False) -> Transition:
    return Transition(
        action, frozenset(sources), target, frozenset(actors), reason_required
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
# States from which the task is still being worked on (lights are computed).
OPEN_STATES = frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.COMPLETION_CLAIMED})


def allowed(from_status: str, to_status: str, actor: Actor) -> bool:
    return any(
        from_status in t.sources and t.target == to_status and actor in t.actors
        for t in TRANSITIONS
    )


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
