"""The page, the API and the services agree on what a user may do now.

For every state of the workflow (with and without a pending extension
request) and every role, three answers to "which actions of the transition
table may this user take on this task now" are compared:

- the task's page: the forms it renders, each marked `data-action` (and
  `data-object` for one indicator, milestone or extension request);
- the API's task detail: its `actions`;
- the services: each action attempted for real, in a savepoint rolled back
  after it, on every row it may act on.

All three must be the same set, and the rows the page offers a form for must be
the rows the service accepts. Neither the page nor the API may pay a query per
action offered: both cost the same for every role."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.permissions import can
from config.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from supervision.models import UrgeTarget
from supervision.services.urges import urge_answer, urge_send
from tests.tracker.workflow_world import ROLES, Rows
from tracker import services, workflow
from tracker.choices import MilestoneStatus, TaskStatus
from tracker.models import Indicator, Milestone, Task
from tracker.permissions import available_actions
from tracker.selectors import task_get_for_user

pytestmark = pytest.mark.django_db

REFUSALS = (PermissionDenied, TransitionNotAllowed, Conflict)
# An action taken on one of several rows of the task: the page has a form per
# row, the API names the action once.
PER_ROW = {
    "record_reading": "indicators",
    "change_milestone": "milestones",
    "answer_urge": "targets",  # the open urges addressed to the user's party
}

# Queries of one request, whoever asks and whatever they may do. The API: the
# memberships, the task (the open claim and pending extension annotated on it),
# its owners, milestones and indicators. The page: the session, its user and
# the memberships, the same four, then the readings, the feed, the extension
# requests, the claims, the urges and the parties they address, and the
# header's unread count, the item's dependencies (前置事项 / 后续事项); one more
# for the decisions when there is a claim, and two for the dependency form's
# choices (the initiative's other items and their milestones) when the user
# may record a dependency.
API_QUERIES = 5
PAGE_QUERIES = 15
DEPENDENCY_FORM_QUERIES = 2


class _Undo(Exception):
    """Raised inside a savepoint to take back what an accepted action did."""


def accepted(attempt: Callable[[], object]) -> bool:
    """Whether the service takes the action; what it did is rolled back. Any
    error other than a refusal (by role, by state, as a conflict) fails the
    test: the probe must send valid input."""
    try:
        with transaction.atomic():
            attempt()
            raise _Undo
    except _Undo:
        return True
    except REFUSALS:
        return False


def _attempts(rows: Rows, actor) -> dict[str, dict[object, Callable]]:
    """Every action of the table as a service call, per row it acts on (None
    for the task itself). Valid input each time: only who and when decide."""
    task = rows.task()
    today = timezone.localdate()

    def transition(service, **extra):
        return {None: lambda: service(task=rows.task(), actor=actor, **extra)}

    def milestone(pk):
        def change():
            ms = Milestone.objects.get(pk=pk)
            services.milestone_update(
                milestone=ms,
                actor=actor,
                expected_version=ms.version,
                status=MilestoneStatus.IN_PROGRESS,
            )

        return change

    def reading(pk):
        return lambda: services.indicator_reading_record(
            indicator=Indicator.objects.get(pk=pk),
            actor=actor,
            period=today,
            value=1,
        )

    def answer(pk):
        return lambda: urge_answer(
            target=UrgeTarget.objects.get(pk=pk), actor=actor, reply="已加快推进"
        )

    pending = rows.pending_request()
    reason = {"reason": "专班研究决定"}
    attempts = {
        "start": transition(services.task_start),
        "claim_completion": transition(
            services.task_claim_completion, explanation="四川段已完工，节点待补录"
        ),
        "confirm_completion": transition(services.task_confirm_completion),
        "reject_completion": transition(
            services.task_reject_completion, reason="重庆段尚未验收"
        ),
        "suspend": transition(services.task_suspend, **reason),
        "resume": transition(services.task_resume),
        "cancel": transition(services.task_cancel, **reason),
        "reopen": transition(services.task_reopen, **reason),
        "post_progress_update": transition(
            services.progress_update_post, narrative="铁塔组立过半", progress=50
        ),
        "record_reading": {pk: reading(pk) for pk in rows.indicators.values()},
        "change_milestone": {pk: milestone(pk) for pk in rows.milestones.values()},
        "request_extension": transition(
            services.task_request_extension,
            requested_due_date=task.due_date + dt.timedelta(days=30),
            reason="设备到货推迟",
        ),
        "decide_extension": {}
        if pending is None
        else {
            pending.pk: lambda: services.extension_request_decide(
                request=rows.pending_request(),
                actor=actor,
                approve=True,
                opinion="同意延期",
            )
        },
        "override_light": transition(
            services.light_override_set,
            light="red",
            reason="征地协调受阻",
            expires_at=timezone.now() + dt.timedelta(days=7),
        ),
        "urge": transition(urge_send, message="请加快推进"),
        "answer_urge": {pk: answer(pk) for pk in rows.targets.values()},
    }
    assert set(attempts) == set(workflow.ACTIONS)
    return attempts


_FORM = re.compile(r"<form\b[^>]*>")
_ATTR = re.compile(r'data-(action|object)="([^"]*)"')


def offered(html: str) -> dict[str, set]:
    """The page's forms by action: the rows each acts on (None: the task)."""
    forms: dict[str, set] = {}
    for tag in _FORM.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if "action" in attrs:
            row = int(attrs["object"]) if "object" in attrs else None
            forms.setdefault(attrs["action"], set()).add(row)
    return forms


CELLS = list(itertools.product(TaskStatus.values, (False, True), ROLES))


@pytest.mark.parametrize(
    ("status", "pending", "role"),
    CELLS,
    ids=[f"{s}{'-ext' if p else ''}-{r}" for s, p, r in CELLS],
)
def test_page_api_and_services_agree(workflow_world, status, pending, role):
    rows = workflow_world.tasks[status, pending]
    user = workflow_world.people[role]

    page = Client()
    page.force_login(user)
    with CaptureQueriesContext(connection) as page_queries:
        response = page.get(reverse("tracker:task_detail", args=[rows.task_pk]))
    assert response.status_code == 200
    forms = offered(response.content.decode())

    api = APIClient()
    # A fresh user object, as a request has: its memberships not yet read.
    api.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as api_queries:
        response = api.get(f"/api/v1/tasks/{rows.task_pk}/")
    assert response.status_code == 200
    listed = response.json()["actions"]

    taken = {
        action: {row for row, attempt in targets.items() if accepted(attempt)}
        for action, targets in _attempts(rows, user).items()
    }
    taken = {action: rows_ for action, rows_ in taken.items() if rows_}

    assert set(forms) == set(listed) == set(taken), (forms, listed, taken)
    assert listed == [a for a in workflow.ACTIONS if a in taken]  # table order
    for action, on_rows in taken.items():
        if action in PER_ROW:
            assert forms[action] == on_rows, action
        elif action == "decide_extension":
            assert forms[action] == {rows.pending}
        else:
            assert forms[action] == {None}, action

    # Whatever the user may do, the same queries.
    assert len(api_queries) == API_QUERIES, api_queries.captured_queries
    has_claim = status in (TaskStatus.COMPLETION_CLAIMED, TaskStatus.COMPLETED)
    may_link = can(user, "manage_dependency", Task.objects.get(pk=rows.task_pk))
    expected = PAGE_QUERIES + has_claim + may_link * DEPENDENCY_FORM_QUERIES
    assert len(page_queries) == expected, [
        q["sql"][:90] for q in page_queries.captured_queries
    ]


def test_every_action_is_offered_somewhere(workflow_world):
    """The walk above is not vacuous: each action of the table is open to some
    role in some state of the world (asked of available_actions, which the
    walk shows to be what the page, the API and the services say)."""
    seen = set()
    for rows in workflow_world.tasks.values():
        for user in workflow_world.people.values():
            task = task_get_for_user(user=user, pk=rows.task_pk)
            seen |= set(available_actions(user, task).names)
    assert seen == set(workflow.ACTIONS)
