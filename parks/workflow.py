"""The assessment workflow, declared once.

Every step of a park's assessment is one row of TRANSITIONS: the action, the
states it may start from, the state it leads to, and who may take it. The
services ask `check`; the pages and the API ask `available_actions`; tests
walk every (state, action, actor).

Who is who towards one assessment:

- PARTY: a coordinator of the park's own party (reports the values);
- REVIEWER: a coordinator of the party of another park of the same pair
  (agrees, or queries one figure);
- OFFICE: the joint office (专班), the users `accounts.permissions.grants`
  calls administrators (superusers included), as for tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from accounts.permissions import grants
from config.exceptions import PermissionDenied, TransitionNotAllowed

from .choices import AssessmentAction as A
from .choices import AssessmentState as S


class Actor(StrEnum):
    PARTY = "party"
    REVIEWER = "reviewer"
    OFFICE = "office"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]


def _t(action, sources, target, actors) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(actors))


TRANSITIONS: tuple[Transition, ...] = (
    # A queried assessment is submitted again, with the figure corrected.
    _t(A.SUBMIT, {S.DRAFT, S.QUERIED}, S.SUBMITTED, {Actor.PARTY}),
    _t(A.QUERY, {S.SUBMITTED}, S.QUERIED, {Actor.REVIEWER}),
    _t(A.AGREE, {S.SUBMITTED}, S.AGREED, {Actor.REVIEWER}),
    # Scoring again (after a late correction of a rule) recomputes the score.
    _t(A.SCORE, {S.AGREED, S.SCORED}, S.SCORED, {Actor.OFFICE}),
    _t(A.ADJUST, {S.SCORED}, S.SCORED, {Actor.OFFICE}),
    # Taken on the whole cycle: every assessment of it at once.
    _t(A.PUBLISH, {S.SCORED}, S.PUBLISHED, {Actor.OFFICE}),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}
ACTIONS = tuple(BY_ACTION)
LABELS = {
    A.SUBMIT: _("submit the values with evidence"),
    A.QUERY: _("query a figure"),
    A.AGREE: _("agree with the values"),
    A.SCORE: _("score by the rules"),
    A.ADJUST: _("adjust the score"),
    A.PUBLISH: _("publish the cycle's results"),
}
FROZEN_MESSAGE = _("The result is published and can no longer be changed.")


def park_party_id(assessment) -> int:
    return assessment.park.party_id


def reviewing_party_ids(assessment) -> frozenset[int]:
    """The parties of the other parks of the assessment's pair (members
    prefetched by the selectors), other than the park's own party."""
    pair = assessment.pair
    if pair is None:
        return frozenset()
    own = park_party_id(assessment)
    return frozenset(
        member.park.party_id
        for member in pair.members.all()
        if member.park_id != assessment.park_id and member.park.party_id != own
    )


def standing(user, assessment) -> set[Actor]:
    """How `user` stands towards `assessment`."""
    granted = grants(user)
    kinds: set[Actor] = set()
    if granted.administrator:
        kinds.add(Actor.OFFICE)
    if park_party_id(assessment) in granted.coordinator_of:
        kinds.add(Actor.PARTY)
    if granted.coordinator_of & reviewing_party_ids(assessment):
        kinds.add(Actor.REVIEWER)
    return kinds


def reviewing_party_id(user, assessment) -> int | None:
    """The paired party `user` reviews for (the first in id order)."""
    theirs = grants(user).coordinator_of & reviewing_party_ids(assessment)
    return min(theirs) if theirs else None


def check(action: str, *, user, assessment) -> Transition:
    """The transition, or the error the caller should see: 409 once the
    result is published or when the step does not take the action, 403 when
    the user may not take it at all."""
    transition = BY_ACTION[action]
    if assessment.state == S.PUBLISHED:
        raise TransitionNotAllowed(FROZEN_MESSAGE)
    if not standing(user, assessment) & transition.actors:
        raise PermissionDenied(_("You may not take this step on this assessment."))
    if assessment.state not in transition.sources:
        raise TransitionNotAllowed(
            _("The assessment is %(state)s; this step cannot be taken now.")
            % {"state": S(assessment.state).label}
        )
    return transition


def available_actions(user, assessment) -> tuple[str, ...]:
    """What `user` may do on `assessment` now, in the table's order: for the
    pages and the API's `actions`. Reads the park, its party and the pair's
    members the selectors fetch with the assessment."""
    if assessment.state == S.PUBLISHED:
        return ()
    kinds = standing(user, assessment)
    return tuple(
        t.action
        for t in TRANSITIONS
        if assessment.state in t.sources and kinds & t.actors
    )


# While any park of the cycle is still reporting or under review, a rank
# among the cycle's parks is not known yet.
UNSETTLED = frozenset({S.DRAFT, S.SUBMITTED, S.QUERIED})


def check_rank_settled(assessment) -> None:
    """An assessment of a cycle with a rank-rule indicator is scored only once
    every park of the cycle is agreed or scored."""
    from .choices import ScoringRule
    from .models import ParkAssessment

    cycle = assessment.cycle
    if not cycle.indicators.filter(rule=ScoringRule.RANK).exists():
        return
    waiting = (
        ParkAssessment.objects.filter(cycle=cycle, state__in=UNSETTLED)
        .select_related("park")
        .order_by("pk")
    )
    names = [a.park.name for a in waiting]
    if names:
        raise TransitionNotAllowed(
            _(
                "Some indicators are scored by rank among the parks; score once "
                "every park is agreed. Not yet: %(parks)s."
            )
            % {"parks": "、".join(names)}
        )
