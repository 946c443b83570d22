"""Mass assignment and side doors: writes that name fields, parties or
methods a role may not use are refused and change nothing; the positive cases
show each write with its effect. In the permission matrix's world."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from config.api.concurrency import etag_for
from tests.tracker.api_matrix import (
    MATRIX,
    NEW_PERIOD,
    WRITE_METHODS,
)
from tests.tracker.api_world import (
    PREPARE,
    World,
    changes,
    client_for,
    excerpt,
    fresh,
    problem_shape,
    snapshot,
)
from tracker.models import (
    IndicatorReading,
    ProgressUpdate,
)

pytestmark = pytest.mark.django_db


# --- positive cases, with their effect ---------------------------------------------


def _write(user, method, url, body=None, obj=None, idempotent=False):
    extra = {"HTTP_IF_MATCH": etag_for(fresh(obj))} if obj is not None else {}
    if idempotent:
        extra["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4())
    return getattr(client_for(user), method)(url, data=body, format="json", **extra)


def test_sichuan_coordinator_sets_the_status_of_a_sichuan_milestone(world):
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/milestones/{world.ms_sc.pk}/",
        {"status": "done"},
        obj=world.ms_sc,
    )
    assert response.status_code == 200, response.content
    milestone = fresh(world.ms_sc)
    assert milestone.status == "done" and milestone.completed_at is not None


def test_sichuan_coordinator_posts_progress_on_a_sichuan_task(world):
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/tasks/{world.task_sc.pk}/progress-updates/",
        {"narrative": "完成可研批复", "progress": 25},
        # A progress update names the version of the party's own part.
        obj=world.task_sc.owners.get(party=world.sichuan),
        idempotent=True,
    )
    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert (update.task, update.party) == (world.task_sc, world.sichuan)


def test_sichuan_coordinator_records_a_reading_on_a_sichuan_indicator(world):
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/indicators/{world.ind_sc.pk}/readings/",
        {"period": NEW_PERIOD, "value": "18.5"},
        obj=world.ind_sc.task,
        idempotent=True,
    )
    assert response.status_code == 201, response.content
    reading = IndicatorReading.objects.get(pk=response.json()["id"])
    assert (reading.indicator, reading.party) == (world.ind_sc, world.sichuan)
    assert reading.value == Decimal("18.5")


def test_office_decides_an_extension(world):
    response = _write(
        world.users["office"],
        "post",
        f"/api/v1/extension-requests/{world.ext_cq.pk}/decide/",
        {"approve": True, "opinion": "同意延期"},
        obj=world.ext_cq.task,
    )
    assert response.status_code == 200, response.content
    extension, task = fresh(world.ext_cq), fresh(world.task_cq)
    assert extension.status == "approved"
    assert task.due_date == extension.requested_due_date
    assert task.original_due_date == world.due


# --- mass assignment ---------------------------------------------------------------


def assert_refused_unchanged(response, before, statuses) -> None:
    assert response.status_code in statuses, (response.status_code, excerpt(response))
    assert problem_shape(response) is None, excerpt(response)
    after = snapshot()
    assert before == after, changes(before, after)


TASK_SMUGGLED: dict[str, Callable[[World], Any]] = {
    "lead_party": lambda w: w.chongqing.pk,
    "status": lambda w: "completed",
    "due_date": lambda w: "2030-12-31",
    "original_due_date": lambda w: "2030-12-31",
    "version": lambda w: 99,
    "initiative": lambda w: w.init_other.pk,
    "progress": lambda w: 100,
    "completed_at": lambda w: timezone.now().isoformat(),
    "owners": lambda w: [{"party": w.chongqing.pk, "agency": w.agency_cq.pk}],
    "no_such_field": lambda w: "x",
}


@pytest.mark.parametrize("name", sorted(TASK_SMUGGLED))
@pytest.mark.parametrize("label", ["task_sc", "task_joint", "task_cq"])
def test_coordinator_cannot_mass_assign_a_task(world, name, label):
    task = getattr(world, label)
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/tasks/{task.pk}/",
        {name: TASK_SMUGGLED[name](world)},
        obj=task,
    )
    assert_refused_unchanged(response, before, {400, 403})


@pytest.mark.parametrize("name", sorted(set(TASK_SMUGGLED) - {"lead_party"}))
def test_office_cannot_set_what_only_the_workflow_sets(world, name):
    before = snapshot()
    response = _write(
        world.users["office"],
        "patch",
        f"/api/v1/tasks/{world.task_joint.pk}/",
        {name: TASK_SMUGGLED[name](world)},
        obj=world.task_joint,
    )
    assert_refused_unchanged(response, before, {400})


@pytest.mark.parametrize(
    "body",
    [
        lambda w: {"lead_party": w.shaanxi.pk},  # not a party of this initiative
        lambda w: {"work_stream": w.ws_other.pk},  # another initiative's stream
    ],
    ids=["lead_party_outside", "work_stream_of_other_initiative"],
)
def test_office_cannot_point_a_task_at_another_initiative(world, body):
    before = snapshot()
    response = _write(
        world.users["office"],
        "patch",
        f"/api/v1/tasks/{world.task_joint.pk}/",
        body(world),
        obj=world.task_joint,
    )
    assert_refused_unchanged(response, before, {400})


def test_coordinator_cannot_patch_the_other_partys_owner(world):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/owners/{world.owner_cq.pk}/",
        {"contact_name": "冒名联络人", "contact_phone": "110"},
        obj=world.owner_cq.task,
    )
    assert_refused_unchanged(response, before, {403, 404})


OWNER_SMUGGLED: dict[str, Callable[[World], dict]] = {
    "agency_of_other_party": lambda w: {"agency": w.agency_cq.pk},
    "agency_of_own_party": lambda w: {"agency": w.agency_sc2.pk},
    "party": lambda w: {"party": w.chongqing.pk},
    "task": lambda w: {"task": w.task_sc.pk},
    "contact_user_of_other_party": lambda w: {"contact_user": w.users["cq_coord"].pk},
    "contact_user_outsider": lambda w: {"contact_user": w.users["sx_coord"].pk},
}


@pytest.mark.parametrize("name", sorted(OWNER_SMUGGLED))
def test_coordinator_cannot_mass_assign_own_owner(world, name):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/owners/{world.owner_sc.pk}/",
        OWNER_SMUGGLED[name](world),
        obj=world.owner_sc.task,
    )
    expected = {400} if name.startswith("contact_user") else {400, 403}
    assert_refused_unchanged(response, before, expected)


@pytest.mark.parametrize(
    "name", ["agency_of_other_party", "party", "task", "contact_user_of_other_party"]
)
def test_office_cannot_move_an_owner_to_another_party(world, name):
    before = snapshot()
    response = _write(
        world.users["office"],
        "patch",
        f"/api/v1/owners/{world.owner_sc.pk}/",
        OWNER_SMUGGLED[name](world),
        obj=world.owner_sc.task,
    )
    assert_refused_unchanged(response, before, {400})


def test_office_may_reassign_an_owner_within_its_party(world):
    response = _write(
        world.users["office"],
        "patch",
        f"/api/v1/owners/{world.owner_sc.pk}/",
        {"agency": world.agency_sc2.pk, "contact_user": world.users["sc_coord"].pk},
        obj=world.owner_sc.task,
    )
    assert response.status_code == 200, response.content
    assert fresh(world.owner_sc).agency == world.agency_sc2


MILESTONE_SMUGGLED: dict[str, Callable[[World], Any]] = {
    "task": lambda w: w.task_sc.pk,
    "party": lambda w: w.chongqing.pk,
    "parent": lambda w: w.ms_joint.pk,
    "completed_at": lambda w: timezone.now().isoformat(),
    "version": lambda w: 99,
}


@pytest.mark.parametrize("name", sorted(MILESTONE_SMUGGLED))
def test_coordinator_cannot_mass_assign_own_milestone(world, name):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/milestones/{world.ms_sc.pk}/",
        {name: MILESTONE_SMUGGLED[name](world)},
        obj=world.ms_sc,
    )
    assert_refused_unchanged(response, before, {400})


@pytest.mark.parametrize(
    "body",
    [{"due_date": "2030-12-31"}, {"title": "改名"}, {"weight": 100}],
    ids=["due_date", "title", "weight"],
)
def test_coordinator_cannot_replan_own_milestone(world, body):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "patch",
        f"/api/v1/milestones/{world.ms_sc.pk}/",
        body,
        obj=world.ms_sc,
    )
    assert_refused_unchanged(response, before, {400, 403})


@pytest.mark.parametrize("party", ["chongqing", "shaanxi"])
@pytest.mark.parametrize("label", ["task_joint", "task_sc"])
def test_progress_update_for_another_party_is_refused(world, party, label):
    task = getattr(world, label)
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/tasks/{task.pk}/progress-updates/",
        {"narrative": "代报进展", "progress": 90, "party": getattr(world, party).pk},
        obj=task,
        idempotent=True,
    )
    assert_refused_unchanged(response, before, {403})


@pytest.mark.parametrize(
    ("indicator", "party"),
    [
        ("ind_sc", "chongqing"),
        ("ind_joint", "chongqing"),
        ("ind_joint", "shaanxi"),
        ("ind_cq", "sichuan"),
        ("ind_cq", "chongqing"),
    ],
)
def test_reading_for_another_party_is_refused(world, indicator, party):
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/indicators/{getattr(world, indicator).pk}/readings/",
        {"period": NEW_PERIOD, "value": "99", "party": getattr(world, party).pk},
        obj=getattr(world, indicator).task,
        idempotent=True,
    )
    assert_refused_unchanged(response, before, {400, 403})


ACTING_FOR: dict[str, tuple[str | None, Callable[[World], dict]]] = {
    "start": (None, lambda w: {}),
    "claim-completion": ("in_progress", lambda w: {"explanation": "已完成"}),
    "confirm-completion": ("claimed_by_sc", lambda w: {}),
    "reject-completion": ("claimed_by_sc", lambda w: {"reason": "不同意"}),
    "request-extension": (
        None,
        lambda w: {
            "requested_due_date": (w.due + dt.timedelta(days=30)).isoformat(),
            "reason": "代为申请",
        },
    ),
}


@pytest.mark.parametrize("party", ["chongqing", "shaanxi"])
@pytest.mark.parametrize("action", sorted(ACTING_FOR))
def test_coordinator_cannot_act_for_another_party(world, action, party):
    """Sichuan's coordinator, an owner of the joint task, names another party
    as the one it acts for (e.g. to confirm its own claim as Chongqing)."""
    state, body = ACTING_FOR[action]
    if state:
        PREPARE[state](world)
    before = snapshot()
    response = _write(
        world.users["sc_coord"],
        "post",
        f"/api/v1/tasks/{world.task_joint.pk}/{action}/",
        {**body(world), "party": getattr(world, party).pk},
        obj=world.task_joint,
    )
    assert_refused_unchanged(response, before, {403})


# --- side doors: methods the schema does not declare -------------------------------


def test_undeclared_write_methods_are_refused(world):
    """The matrix covers what the schema declares; a write method it does not
    declare (a PUT or DELETE left on a viewset) must be 405, not a write."""
    declared: dict[str, set[str]] = {}
    label_of: dict[str, str] = {}
    params_of: dict[str, dict[str, str]] = {}
    for operation, op in MATRIX.items():
        method, path = operation.split(" ", 1)
        declared.setdefault(path, set()).add(method)
        if op.cases:
            label_of.setdefault(path, op.cases[0].label)
        params_of.setdefault(path, op.path or {})
    client = client_for(world.users["office"])
    failures = []
    for path, methods in sorted(declared.items()):
        if path in label_of and not hasattr(world, label_of[path]):
            # A row only one state makes (a notification, say): make it.
            [case] = [
                c
                for op in MATRIX.values()
                for c in op.cases
                if c.label == label_of[path]
            ][:1]
            PREPARE[case.state](world)
        url = (
            path.replace("{id}", str(world.pk(label_of[path])))
            if path in label_of
            else path
        )
        for name, value in params_of[path].items():
            url = url.replace(f"{{{name}}}", value)
        for method in sorted(WRITE_METHODS - methods):
            before = snapshot()
            response = getattr(client, method.lower())(url, data={}, format="json")
            if response.status_code != 405 or problem_shape(response):
                failures.append(
                    f"{method} {url} → {response.status_code}: {excerpt(response)}"
                )
            elif snapshot() != before:
                failures.append(f"{method} {url} changed {changes(before, snapshot())}")
    assert not failures, "\n".join(failures)


# --- side doors: filters ------------------------------------------------------------

FILTERED_LISTS = [
    ("/api/v1/indicators/", "task", "task_joint"),
    ("/api/v1/progress-updates/", "task", "task_joint"),
    ("/api/v1/extension-requests/", "task", "task_cq"),
    ("/api/v1/readings/", "indicator", "ind_cq"),
    ("/api/v1/work-streams/", "initiative", "init_cy"),
    ("/api/v1/agencies/", "party", "chongqing"),
    ("/api/v1/milestones/", "task", "task_joint"),
    ("/api/v1/tasks/", "initiative", "init_cy"),
]


def test_filters_do_not_tell_the_outsider_what_exists(world):
    """A filter naming an id the caller may not see must answer exactly as one
    naming an id that does not exist; otherwise the filter is an oracle for
    which ids exist in initiatives the caller has no part in."""
    client = client_for(world.users["sx_coord"])
    failures = []
    for url, param, label in FILTERED_LISTS:
        hidden = client.get(url, {param: world.pk(label)})
        missing = client.get(url, {param: 2_000_000_000})
        if hidden.status_code != missing.status_code:
            failures.append(
                f"{url}?{param}=<hidden id {label}> → {hidden.status_code}, "
                f"?{param}=<no such id> → {missing.status_code}: {excerpt(missing)}"
            )
    assert not failures, "\n".join(failures)
