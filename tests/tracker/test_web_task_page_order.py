"""The task page in the order it is used: what waits for the user's decision at
the very top, the progress update open, 申请销号 up front only when it is due
(its milestones done or progress near 100 %) and otherwise lower, folded, with
why it is usually not yet time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import make_task
from tests.tracker.pages import page_url, signed_in
from tracker import services
from tracker.choices import MilestoneStatus
from tracker.permissions import available_actions, claim_is_due
from tracker.selectors import detail as selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(initiative, sichuan, chongqing):
    """A joint task: Sichuan's and Chongqing's milestone, under way at 40 %."""
    today = timezone.localdate()
    task = make_task(
        initiative,
        code="JQ-08",
        title="共建轨道交通产业集群",
        due_date=today.replace(year=today.year + 1),
    )
    services.milestone_create(
        task=task, title="四川链主企业名单", due_date=today, party=sichuan
    )
    services.milestone_create(
        task=task,
        title="重庆链主企业采购清单",
        due_date=today + dt.timedelta(days=30),
        party=chongqing,
    )
    return task


def _post(task, user, progress: int) -> None:
    services.progress_update_post(
        task=task, actor=user, narrative="推进中", progress=progress
    )


def _due(user, task) -> bool:
    task = selectors.task_detail_for_user(user=user, pk=task.pk).task
    return claim_is_due(task, available_actions(user, task).parts)


def _html(user, task) -> str:
    response = signed_in(user).get(page_url("task_detail", task.pk))
    assert response.status_code == 200
    return response.content.decode()


def _before(html: str, first: str, then: str) -> bool:
    return html.index(first) < html.index(then)


def test_claim_is_due_near_100_percent_or_when_the_party_milestones_are_done(
    joint, sc_coord, cq_coord, settings
):
    _post(joint, sc_coord, 40)
    assert not _due(sc_coord, joint)
    _post(joint, sc_coord, 90)
    assert _due(sc_coord, joint)
    settings.TRACKER_CLAIM_HINT_PROGRESS = 95
    assert not _due(sc_coord, joint)
    # Sichuan's own milestone done: due for Sichuan, not for Chongqing.
    mine = joint.milestones.get(party__code="sc")
    services.milestone_update(
        milestone=mine,
        actor=sc_coord,
        expected_version=None,
        status=MilestoneStatus.DONE,
    )
    assert _due(sc_coord, joint)
    assert not _due(cq_coord, joint)


def test_update_first_and_open_the_claim_folded_below_when_not_due(joint, sc_coord):
    _post(joint, sc_coord, 40)
    html = _html(sc_coord, joint)
    assert 'data-testid="update-details"' in html
    assert (
        "<summary>"
        not in html[html.index('id="feed"') : html.index('id="form-update"')]
    )
    assert _before(html, 'id="feed"', 'id="completion"')
    assert _before(html, 'id="milestones"', 'id="completion"')
    assert 'data-testid="claim-not-yet"' in html and "90%" in html
    details = html[html.index('data-testid="claim-details"') :]
    assert details.index('id="form-claim"') < details.index("</details>")
    assert 'data-testid="claim-details" open' not in html
    assert 'id="decisions"' not in html


def test_claim_up_front_and_open_when_due(joint, sc_coord):
    _post(joint, sc_coord, 95)
    html = _html(sc_coord, joint)
    assert 'data-testid="claim-due"' in html
    assert 'data-testid="claim-details"' not in html
    assert _before(html, 'id="feed"', 'id="completion"')
    assert _before(html, 'id="completion"', 'id="milestones"')


def test_a_claim_to_confirm_waits_at_the_very_top(joint, sc_coord, cq_coord):
    _post(joint, sc_coord, 95)
    services.task_claim_completion(task=joint, actor=sc_coord, explanation="已完成")
    html = _html(cq_coord, joint)
    assert _before(html, 'id="decisions"', 'id="status"')
    decisions = html[html.index('id="decisions"') : html.index('id="status"')]
    assert 'id="form-confirm"' in decisions and 'id="form-reject"' in decisions
    assert "已完成" in decisions
    # The claimant sees the open claim, not a decision.
    own = _html(sc_coord, joint)
    assert 'id="decisions"' not in own
    assert 'data-testid="open-claim"' in own


def test_an_extension_to_decide_waits_at_the_very_top(joint, cq_coord, office):
    _post(joint, cq_coord, 40)
    services.task_request_extension(
        task=joint,
        actor=cq_coord,
        requested_due_date=joint.due_date + dt.timedelta(days=90),
        reason="采购清单需补充对接",
    )
    html = _html(office, joint)
    assert _before(html, 'id="decisions"', 'id="status"')
    decisions = html[html.index('id="decisions"') : html.index('id="status"')]
    assert 'id="form-decision"' in decisions and "采购清单需补充对接" in decisions
    assert 'href="#decisions"' in html  # the extensions section points up to it


def test_leadership_has_nothing_to_decide(joint, sc_coord, cq_coord, sc_leader):
    _post(joint, sc_coord, 95)
    services.task_claim_completion(task=joint, actor=sc_coord, explanation="已完成")
    html = _html(sc_leader, joint)
    assert 'id="decisions"' not in html
    assert 'data-testid="open-claim"' in html
