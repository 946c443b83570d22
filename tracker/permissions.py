"""What a user may do on a task now.

One answer for the detail page (which forms it offers), the API (the task
detail's `actions`) and the services (what they refuse): the transition table
of tracker.workflow asked with the user's standing towards the task, and the
rule of each activity (accounts.permissions) asked of the row it judges.

`available_actions` reads only what the task's selector fetched with it (the
owners, indicators and milestones, and the open claim, the pending extension
and the parties with an open 催办 annotated on the row), so offering any
number of actions costs no query."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings

from accounts.models import Party, User
from accounts.permissions import can, coordinator_parties_for, grants

from . import workflow
from .choices import MilestoneStatus
from .models import Indicator, Task, TaskOwner
from .workflow import Actor

# An activity's `on` → the task's rows it names.
ROWS = {"indicator": "indicators", "milestone": "milestones", "owner": "owners"}


def standing(user: User, *, parties: Collection[int], claimant: int | None) -> set:
    """How `user` stands towards a task when acting for `parties` (owner
    parties they coordinate), while `claimant`'s completion claim is open
    (None: no claim is open)."""
    kinds: set[Actor] = set()
    if grants(user).administrator:
        kinds.add(Actor.ADMINISTRATOR)
    if parties:
        kinds.add(Actor.OWNER)
        if set(parties) - {claimant}:
            kinds.add(Actor.COUNTERPART)
    return kinds


def acting_parts(user: User, task: Task) -> tuple[TaskOwner, ...]:
    """The owner rows (parties' parts) of `task` (owners prefetched) whose
    party `user` coordinates."""
    owned = coordinator_parties_for(user, task)
    return tuple(o for o in task.owners.all() if o.party_id in owned)


def acting_parties(user: User, task: Task) -> tuple[Party, ...]:
    """The owner parties of `task` (owners prefetched) `user` coordinates."""
    return tuple(o.party for o in acting_parts(user, task))


def allows(user: User, action: str, obj, *, task: Task) -> bool:
    """Whether `user` may take the activity `action` on `obj` (the task, or
    the indicator or milestone of it the activity is `on`) in the task's
    current state."""
    return workflow.accepts(action, task.status) and can(user, action, obj)


@dataclass(frozen=True)
class TaskActions:
    """The actions `user` may take on a task now, and what they act on."""

    names: tuple[str, ...]  # in the order of workflow.ACTIONS
    acting_parties: tuple[Party, ...]  # the owner parties the user acts for
    # The user's owner parties that may still confirm or reject the open claim.
    deciding_parties: tuple[Party, ...]
    indicators: tuple[Indicator, ...]  # whose value the user may report now
    milestones: frozenset[int]  # ids of those the user may change now
    # The parts (TaskOwner) of the user's owner parties, whatever the state:
    # the progress form names one and carries its version.
    parts: tuple[TaskOwner, ...] = ()

    def __contains__(self, action: object) -> bool:
        return action in self.names


def available_actions(user: User, task: Task) -> TaskActions:
    """What `user` may do on `task` now: a task from a selector that fetches
    its owners, indicators and milestones and annotates the open claim
    (`open_claim_party_id`, `open_claim_decided`) and the pending extension
    request (`pending_extension_id`) and the parties with an open urge
    (`open_urge_parties`)."""
    own_parts = acting_parts(user, task)
    acting = tuple(o.party for o in own_parts)
    claimant = task.open_claim_party_id
    decided = set(task.open_claim_decided or ())
    deciding = tuple(
        p
        for p in acting
        if claimant is not None and p.pk != claimant and p.pk not in decided
    )
    kinds = standing(user, parties=[p.pk for p in acting], claimant=claimant)
    # The rows each activity on rows under the task may be taken on.
    rows = {
        a.action: [
            obj
            for obj in getattr(task, ROWS[a.on]).all()
            if allows(user, a.action, obj, task=task)
        ]
        for a in workflow.ACTIVITIES
        if a.on != "task"
    }
    # What the services refuse as a conflict rather than by state or role.
    ready = {
        "confirm_completion": bool(deciding),
        "reject_completion": bool(deciding),
        "request_extension": task.pending_extension_id is None,
        "decide_extension": task.pending_extension_id is not None,
        # Only an urge addressed to one of the user's parties and still open.
        "answer_urge": bool(set(task.open_urge_parties or ()) & {p.pk for p in acting}),
    }
    names = []
    for action in workflow.ACTIONS:
        if not ready.get(action, True):
            continue
        transition = workflow.BY_ACTION.get(action)
        if transition is not None:
            may = workflow.accepts(action, task.status) and bool(
                kinds & transition.actors
            )
        elif action in rows:
            may = bool(rows[action])
        else:
            may = allows(user, action, task, task=task)
        if may:
            names.append(action)
    return TaskActions(
        names=tuple(names),
        acting_parties=acting,
        deciding_parties=deciding,
        indicators=tuple(rows["record_reading"]),
        milestones=frozenset(m.pk for m in rows["change_milestone"]),
        parts=own_parts,
    )


def claim_is_due(task: Task, parts: Collection[TaskOwner]) -> bool:
    """Whether claiming completion is what the owner of `parts` (the user's
    parts of the task, `acting_parts`) would do next on `task`: progress is near 100 %
    (TRACKER_CLAIM_HINT_PROGRESS) or every milestone of theirs is done (the
    task's joint milestones when they have none of their own). Who may claim
    is available_actions' answer; this only decides how prominently the page
    offers it. On a joint item the progress is the parties' own part's, not
    the item's average. Reads the owners and milestones the task's selector
    fetched."""
    ids = {o.party_id for o in parts}
    progress = max((o.progress for o in parts), default=task.progress)
    if progress >= settings.TRACKER_CLAIM_HINT_PROGRESS:
        return True
    milestones = list(task.milestones.all())
    theirs = [m for m in milestones if m.party_id in ids] or [
        m for m in milestones if m.party_id is None
    ]
    return bool(theirs) and all(m.status == MilestoneStatus.DONE for m in theirs)
