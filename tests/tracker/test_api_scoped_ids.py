"""Ids in request bodies name only rows the caller may use: an id of a row the
caller may not see and an id that names nothing get the same answer, so a
write can neither use nor probe for what is not the caller's. In the
permission matrix's world, with a third initiative that no one there is in."""

from __future__ import annotations

import itertools

import pytest

from accounts.models import Agency, User
from config.api.concurrency import etag_for
from tests.factories import AgencyFactory, PartyFactory, make_initiative
from tests.tracker.api_world import client_for, fresh, snapshot
from tracker import services

pytestmark = pytest.mark.django_db

NOTHING = 2**40  # a well-formed id of no row
_keys = itertools.count()


@pytest.fixture
def hidden(world):
    """Rows of an initiative between two parties no user of the world is in."""
    guizhou, yunnan = PartyFactory(code="gz"), PartyFactory(code="yn")
    initiative = make_initiative([guizhou, yunnan])
    return {
        "party": guizhou,
        "work_stream": services.work_stream_create(
            initiative=initiative, code="hidden", name="他方领域"
        ),
        "agency": AgencyFactory(party=guizhou, name="他方责任单位"),
        "user": User.objects.create_user(username="outsider", password="x"),
    }


def _answers(world, user, method, url, body, field, ids, obj=None) -> list:
    """What `user` is told for each id in `field`, the id itself masked (a
    message may quote it); nothing is written either way."""
    before = snapshot()
    answers = []
    for value in ids:
        extra = {"HTTP_IF_MATCH": etag_for(fresh(obj))} if obj is not None else {}
        if method == "post":
            extra["HTTP_IDEMPOTENCY_KEY"] = f"scoped-{next(_keys)}"
        response = getattr(client_for(world.users[user]), method)(
            url, data={**body, field: value}, format="json", **extra
        )
        problem = response.json()
        told = problem.get("errors", {}).get(field) or problem["detail"]
        answers.append((response.status_code, str(told).replace(str(value), "…")))
    assert snapshot() == before
    return answers


@pytest.mark.parametrize("field", ["work_stream", "lead_party"])
def test_a_task_is_patched_only_with_ids_the_office_may_see(world, hidden, field):
    row = hidden["party" if field == "lead_party" else field]
    answers = _answers(
        world,
        "office",
        "patch",
        f"/api/v1/tasks/{world.task_joint.pk}/",
        {},
        field,
        [row.pk, NOTHING],
        obj=world.task_joint,
    )
    assert answers[0][0] == 400
    assert answers[0] == answers[1]


@pytest.mark.parametrize(("field", "user"), [("agency", "office"), ("user", None)])
def test_an_owner_is_changed_only_with_ids_the_caller_may_see(
    world, hidden, field, user
):
    name = "contact_user" if field == "user" else field
    answers = _answers(
        world,
        user or "sc_coord",
        "patch",
        f"/api/v1/owners/{world.owner_sc.pk}/",
        {},
        name,
        [hidden[field].pk, NOTHING],
        obj=world.task_joint,
    )
    assert answers[0][0] == 400
    assert answers[0] == answers[1]


def test_acting_for_a_party_one_does_not_coordinate_is_one_refusal(world, hidden):
    """Another owner of the task, a party of an initiative one is not in, or
    no party at all: the same 403 as acting for someone else."""
    answers = _answers(
        world,
        "sc_coord",
        "post",
        f"/api/v1/tasks/{world.task_joint.pk}/progress-updates/",
        {"narrative": "代报进展", "progress": 90},
        "party",
        [world.chongqing.pk, hidden["party"].pk, NOTHING],
        obj=world.task_joint,
    )
    assert answers[0][0] == 403
    assert answers[0] == answers[1] == answers[2]


def test_a_coordinator_still_names_the_party_they_act_for(world):
    response = client_for(world.users["sc_coord"]).post(
        f"/api/v1/tasks/{world.task_joint.pk}/progress-updates/",
        {"narrative": "四川段进展", "progress": 30, "party": world.sichuan.pk},
        format="json",
        # A progress update names the version of the party's own part.
        HTTP_IF_MATCH=etag_for(world.task_joint.owners.get(party=world.sichuan)),
        HTTP_IDEMPOTENCY_KEY="scoped-acting-sc",
    )
    assert response.status_code == 201, response.content
    assert response.json()["party"]["code"] == "sc"


def test_a_report_is_scoped_only_to_rows_the_caller_may_see(world, hidden):
    answers = _answers(
        world,
        "sc_leader",
        "post",
        "/api/v1/reports/",
        {"initiative": world.init_cy.pk, "kind": "weekly", "scope": "party"},
        "party",
        [hidden["party"].pk, NOTHING],
    )
    assert answers[0][0] == 400
    assert answers[0] == answers[1]


def test_agency_lists_are_scoped_alike(world, hidden):
    """The list of agencies and the ids a write accepts are one selector."""
    listed = client_for(world.users["office"]).get(
        "/api/v1/agencies/", {"page_size": 100}
    )
    ids = {row["id"] for row in listed.json()["results"]}
    assert hidden["agency"].pk not in ids
    assert Agency.objects.get(pk=world.agency_sc.pk).pk in ids
