"""Who may do what: `rules` predicates over a user's memberships.

Everyone with an active membership sees the whole initiative their party takes
part in. A coordinator writes only what their own party owns; leadership and
auditors never write; administrators (the joint office, 专班) manage the list,
decide extensions and override lights.

Predicates always receive the object they judge; given None they refuse. They
live in their own rule set (not Django's permission names), so they never widen
what the admin's model permissions allow.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules

from .choices import Role

ruleset = rules.RuleSet()


@dataclass(frozen=True)
class Grants:
    """A user's active memberships, read once per user object."""

    coordinator_of: frozenset[int]
    member_of: frozenset[int]
    administrator: bool
    leadership_of: frozenset[int] = frozenset()

    @property
    def is_member(self) -> bool:
        return bool(self.member_of) or self.administrator


def grants(user) -> Grants:
    if not user or not user.is_authenticated or not user.is_active:
        return Grants(frozenset(), frozenset(), administrator=False)
    cached = getattr(user, "_tracker_grants", None)
    if cached is None:
        rows = list(
            user.memberships.filter(is_active=True).values_list("party_id", "role")
        )
        cached = Grants(
            coordinator_of=frozenset(p for p, r in rows if r == Role.COORDINATOR),
            member_of=frozenset(p for p, _ in rows),
            administrator=user.is_superuser
            or any(r == Role.ADMINISTRATOR for _, r in rows),
            leadership_of=frozenset(p for p, r in rows if r == Role.LEADERSHIP),
        )
        user._tracker_grants = cached
    return cached


def forget_grants(user) -> None:
    """Call after changing a user's memberships in the same request."""
    user.__dict__.pop("_tracker_grants", None)


def owner_party_ids(task) -> frozenset[int]:
    prefetched = getattr(task, "_prefetched_objects_cache", {}).get("owners")
    if prefetched is not None:
        return frozenset(o.party_id for o in prefetched)
    return frozenset(task.owners.values_list("party_id", flat=True))


def coordinator_parties_for(user, task) -> frozenset[int]:
    """The owner parties of `task` for which `user` is a coordinator."""
    if task is None:
        return frozenset()
    return grants(user).coordinator_of & owner_party_ids(task)


def _task_of(obj):
    """The task an object belongs to (a task, or anything with a `task`)."""
    if obj is None:
        return None
    return obj if obj.__class__.__name__ == "Task" else getattr(obj, "task", None)


@rules.predicate
def is_administrator(user) -> bool:
    return grants(user).administrator


@rules.predicate
def is_member(user) -> bool:
    return grants(user).is_member


@rules.predicate
def coordinates_an_owner(user, obj) -> bool:
    """A coordinator of some owner party of the object's task."""
    return bool(coordinator_parties_for(user, _task_of(obj)))


@rules.predicate
def coordinates_objects_party(user, obj) -> bool:
    """A coordinator of the object's own party (a party milestone, indicator or
    owner record); for a joint object (no party), of any owner party."""
    if obj is None:
        return False
    party_id = getattr(obj, "party_id", None)
    if party_id is None:
        return coordinates_an_owner(user, obj)
    return party_id in coordinator_parties_for(user, _task_of(obj))


@rules.predicate
def leads_a_participant(user, initiative) -> bool:
    """Leadership of a party taking part in the initiative."""
    if initiative is None:
        return False
    leads = grants(user).leadership_of
    return bool(leads) and initiative.participations.filter(party__in=leads).exists()


@rules.predicate
def runs_the_initiative(user, obj) -> bool:
    """The joint office of the object's initiative: an administrator who is a
    member of one of its parties (or a superuser)."""
    initiative = getattr(obj, "initiative", None)
    if initiative is None:
        return False
    g = grants(user)
    if not g.administrator:
        return False
    if user.is_superuser:
        return True
    return initiative.participations.filter(party__in=g.member_of).exists()


@rules.predicate
def leads_an_owner_when_allowed(user, obj) -> bool:
    """Leadership of an owner party of the object's task, where the task force
    lets its leaders urge (SUPERVISION_LEADERSHIP_MAY_URGE)."""
    from django.conf import settings

    if not settings.SUPERVISION_LEADERSHIP_MAY_URGE:
        return False
    task = _task_of(obj)
    if task is None:
        return False
    return bool(grants(user).leadership_of & owner_party_ids(task))


ruleset.add_rule("view_initiative", is_member)
ruleset.add_rule("generate_report", is_administrator | leads_a_participant)
# One rule per activity of tracker.workflow.ACTIVITIES, named after it; who may
# take a status transition is the transition table's `actors`.
# A progress update is judged on the party's part of the task (TaskOwner):
# its own coordinators only; the joint office does not report for a party.
ruleset.add_rule("post_progress_update", coordinates_objects_party)
ruleset.add_rule("request_extension", coordinates_an_owner)
# The milestone's coordinators change its status (and notes); the joint office
# changes all of it (tracker.services.updates.milestone_update says which fields).
ruleset.add_rule("change_milestone", coordinates_objects_party | is_administrator)
ruleset.add_rule("record_reading", coordinates_objects_party)
# Circle-wide figures are the joint office's to record, not a province's.
ruleset.add_rule("record_initiative_reading", runs_the_initiative)
ruleset.add_rule("change_owner_contact", coordinates_objects_party | is_administrator)
ruleset.add_rule("manage_task", is_administrator)
# What an item waits for (its dependencies) is decided by the coordinators of
# its owner parties and by the joint office; judged on the dependent task.
ruleset.add_rule("manage_dependency", coordinates_an_owner | is_administrator)
ruleset.add_rule("decide_extension", is_administrator)
ruleset.add_rule("override_light", is_administrator)
# 催办 by hand: the joint office, and leadership where the setting allows it.
ruleset.add_rule("urge", is_administrator | leads_an_owner_when_allowed)
# An urge is answered by a coordinator of an owner party; which of the open
# urges are theirs to answer is the party's (supervision.services.urges).
ruleset.add_rule("answer_urge", coordinates_an_owner)


def can(user, rule: str, obj) -> bool:
    """The one question every view, serializer and service asks."""
    if obj is None:
        return False
    return ruleset.test_rule(rule, user, obj)
