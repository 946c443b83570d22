"""Who may read what of an evaluation: one rule for the pages and the API."""

from __future__ import annotations

from accounts.permissions import grants

from .choices import AssessmentAction, CycleState

# Steps whose comment states a score or the reason for changing one.
SCORE_STEPS = frozenset({AssessmentAction.SCORE, AssessmentAction.ADJUST})


def is_office(user) -> bool:
    return grants(user).administrator


def results_visible(user, cycle) -> bool:
    """Scores and results: the joint office's until publication."""
    return cycle.state == CycleState.PUBLISHED or is_office(user)
