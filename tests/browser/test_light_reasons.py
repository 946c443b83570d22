"""The light's reason is read beside the badge on the task list, the task page
and the overview, at 1366 px and at 375 px; a completed item reads 已销号 and
nothing on its page says 逾期."""

import datetime as dt

import pytest

from accounts.models import User
from tests.factories import make_task
from tracker import services
from tracker.choices import Light
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.models import Initiative, Task
from tracker.selectors import with_light

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1366, "height": 900}
WIDTHS = {
    "1366": {"viewport": WIDE},
    "375": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}


def _red_by_milestone() -> Task:
    """A demo item that is red only because a milestone is late."""
    return (
        with_light(Task.objects.all())
        .filter(light=Light.RED, days_overdue=0)
        .order_by("code")
        .first()
    )


def _completed_with_an_open_milestone() -> Task:
    """A joint item closed while one of its milestones was never marked done
    (the claim explains why): the page once showed it as 未开始 ! 逾期."""
    sc, cq = (
        User.objects.get(username="sc_coord"),
        User.objects.get(username="cq_coord"),
    )
    task = make_task(
        Initiative.objects.get(),
        code="LR-01",
        title="川渝联合招商推介会",
        due_date=dt.date(2026, 3, 31),
    )
    services.task_start(task=task, actor=sc)
    services.milestone_create(
        task=task, title="发布联合招商目录", due_date=dt.date(2026, 2, 1), party=None
    )
    services.task_claim_completion(
        task=task, actor=sc, explanation="招商目录已并入推介会材料一并发布"
    )
    services.task_confirm_completion(task=task, actor=cq)
    return task


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reason_is_beside_the_light_everywhere(visitors, width):
    load_demo()
    red = _red_by_milestone()
    assert red is not None, "the demo has an item red by a late milestone"
    done = _completed_with_an_open_milestone()

    coordinator = visitors("sc_coord", **WIDTHS[width])
    coordinator.login("sc_coord", DEMO_PASSWORD)
    page = coordinator.page

    # The task list, most overdue first: the red item with a late milestone
    # sorts among the late ones and says which milestone and how long.
    page.goto("/tasks/?sort=days_overdue")
    row = page.locator(f'[data-testid=task-row][data-code="{red.code}"]')
    reason = row.locator("[data-testid=light-reason]")
    # On a phone the table scrolls inside its frame: bring the light into view.
    reason.scroll_into_view_if_needed()
    assert reason.is_visible()
    sentence = reason.inner_text()
    assert "节点" in sentence and "逾期" in sentence
    assert int(row.locator("[data-testid=overdue-days]").get_attribute("data-days"))
    first = page.locator("[data-testid=task-row]").first
    assert first.get_attribute("data-light") == "red"
    coordinator.shot(f"task-list-{width}")

    # The task page: the same sentence beside the badge.
    page.goto(f"/tasks/{red.pk}/")
    light = page.locator("[data-testid=task-light]")
    assert light.locator("[data-light=red]").is_visible()
    assert light.locator("[data-testid=light-reason]").inner_text() == sentence
    coordinator.shot(f"task-page-{width}")

    # A completed item: 已销号, its open milestones closed with it, never 逾期.
    page.goto(f"/tasks/{done.pk}/")
    light = page.locator("[data-testid=task-light]")
    assert light.locator("[data-light=closed]").inner_text() == "已销号"
    assert "销号" in light.locator("[data-testid=light-reason]").inner_text()
    assert "逾期" not in page.locator("#status").inner_text()
    milestones = " ".join(page.locator("[data-testid=milestone]").all_inner_texts())
    assert "已随事项销号" in milestones and "逾期" not in milestones
    assert "逾期" not in page.locator("main").inner_text()
    coordinator.shot(f"completed-page-{width}")

    leader = visitors("sc_leader", **WIDTHS[width])
    leader.login("sc_leader", DEMO_PASSWORD)
    leader.page.goto("/overview/")
    reasons = leader.page.locator("#most-overdue [data-testid=light-reason]")
    assert reasons.count() >= 1 and reasons.first.is_visible()
    assert "逾期" in reasons.first.inner_text()
    counts = leader.page.locator(".light-counts li[data-light=closed]")
    assert counts.count() == 1
    leader.shot(f"overview-{width}")
