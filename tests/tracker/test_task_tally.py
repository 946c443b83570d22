"""The initiatives' stored task counts, in all and by light
(tracker.models.tally): exact after every kind of write, read by the task
list unfiltered or filtered by light instead of a COUNT over the tasks,
folded each night, checked and repaired by `manage.py lights_check`."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests.clock import days
from tests.factories import make_initiative, make_task
from tracker import services
from tracker.choices import Light, TaskStatus
from tracker.models import Task, TaskLight, TaskLightTally, TaskTally

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def _stored() -> dict[int, int]:
    return {pk: n for pk, n in TaskTally.objects.values_list("initiative_id", "n") if n}


def _counted() -> dict[int, int]:
    counted: dict[int, int] = {}
    for pk in Task.objects.values_list("initiative_id", flat=True):
        counted[pk] = counted.get(pk, 0) + 1
    return counted


def _task_counts(sql: list[str]) -> list[str]:
    return [
        s
        for s in sql
        if s.startswith('SELECT COUNT(*) AS "__count" FROM "tracker_task"')
    ]


def test_the_counts_follow_every_kind_of_write(initiative, sichuan, chongqing):
    other = make_initiative([sichuan, chongqing])
    first = make_task(initiative, code="A-01")  # through the services
    make_task(initiative, code="A-02")
    make_task(other, code="B-01")
    assert _stored() == _counted() == {initiative.pk: 2, other.pk: 1}

    # Raw SQL, several rows and both initiatives in one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tracker_task (initiative_id, code, title, description,"
            " work_stream_id, task_list, status, priority, due_date,"
            " original_due_date, progress, version, created_at, updated_at)"
            " SELECT initiative_id, code || '-copy' || i, title, description,"
            " work_stream_id, task_list, status, priority, due_date,"
            " original_due_date, progress, 1, now(), now()"
            " FROM tracker_task, generate_series(1, 2) AS i"
        )
    assert _stored() == _counted() == {initiative.pk: 6, other.pk: 3}

    # A task moved to another initiative (and one of its work streams).
    Task.objects.filter(pk=first.pk).update(
        initiative=other, work_stream=other.work_streams.get()
    )
    assert _stored() == _counted() == {initiative.pk: 5, other.pk: 4}

    # Deleted (its rows that refer to it go first).
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tracker_task WHERE code LIKE '%%-copy%%'")
    assert _stored() == _counted() == {initiative.pk: 1, other.pk: 2}

    # An update that moves nothing changes no count.
    Task.objects.update(title="改名")
    assert _stored() == _counted()
    assert services.tally_check() == []


def test_a_rolled_back_write_leaves_the_counts_as_they_were(initiative):
    make_task(initiative, code="A-01")
    before = _stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_task(initiative, code="A-02")
        assert _stored() == {initiative.pk: 2}
        raise RuntimeError
    assert _stored() == before == {initiative.pk: 1}


def test_the_unfiltered_list_reads_the_counts_not_the_tasks(
    client, initiative, sichuan, chongqing, sc_leader
):
    other = make_initiative([chongqing])  # Sichuan does not take part
    for i in range(3):
        make_task(initiative, code=f"A-0{i}")
    make_task(other, code="B-01")
    api = APIClient()
    api.force_authenticate(sc_leader)
    client.force_login(sc_leader)

    def count_and_statements(get, url):
        with CaptureQueriesContext(connection) as queries:
            response = get(url)
        assert response.status_code == 200
        return response, [q["sql"] for q in queries.captured_queries]

    response, sql = count_and_statements(api.get, "/api/v1/tasks/?page_size=2")
    assert response.json()["count"] == 3  # not the other initiative's task
    assert len(response.json()["results"]) == 2
    assert response.json()["next"]
    assert not _task_counts(sql)
    assert [s for s in sql if "tracker_tasktally" in s]

    # Filtered: the tasks are counted.
    response, sql = count_and_statements(api.get, "/api/v1/tasks/?search=A-01")
    assert response.json()["count"] == 1
    assert _task_counts(sql)

    # The page likewise: its pager says how many there are in all.
    response, sql = count_and_statements(client.get, "/tasks/")
    assert response.context["page_obj"].paginator.count == 3
    assert not _task_counts(sql)
    response, sql = count_and_statements(client.get, "/tasks/?slip_risk=false")
    assert response.context["filtered"]
    assert _task_counts(sql)


def test_lights_check_finds_a_wrong_count_and_fix_repairs_it(initiative):
    make_task(initiative, code="A-01")
    TaskTally.objects.filter(initiative=initiative).update(n=7)
    assert services.tally_check() == [(f"initiative {initiative.pk}", 7, 1)]
    with pytest.raises(CommandError, match="1 task count"):
        call_command("lights_check")
    call_command("lights_check", "--fix")
    assert services.tally_check() == []
    call_command("lights_check")


def _by_light() -> dict[tuple[int, str], int]:
    stored: dict[tuple[int, str], int] = {}
    for pk, light, n in TaskLightTally.objects.values_list(
        "initiative_id", "light", "n"
    ):
        stored[pk, light] = stored.get((pk, light), 0) + n
    return {key: n for key, n in stored.items() if n}


def _lights_counted() -> dict[tuple[int, str], int]:
    counted: dict[tuple[int, str], int] = {}
    for key in TaskLight.objects.values_list("task__initiative_id", "light"):
        counted[key] = counted.get(key, 0) + 1
    return counted


def test_the_light_counts_follow_every_change_of_a_light(
    initiative, sichuan, chongqing, office
):
    other = make_initiative([sichuan, chongqing])
    late = make_task(
        initiative, code="A-01", due_date=days(-5), status=TaskStatus.IN_PROGRESS
    )
    calm = make_task(initiative, code="A-02", due_date=days(200))
    make_task(other, code="B-01", due_date=days(200))
    i, o = initiative.pk, other.pk
    assert (
        _by_light()
        == _lights_counted()
        == {(i, "red"): 1, (i, "green"): 1, (o, "green"): 1}
    )

    # An override, then a milestone that falls due within the week.
    services.light_override_set(
        task=late,
        actor=office,
        light=Light.GREEN,
        reason="已协调",
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    services.milestone_create(task=calm, title="开工", due_date=days(2))
    assert (
        _by_light()
        == _lights_counted()
        == {(i, "green"): 1, (i, "amber"): 1, (o, "green"): 1}
    )

    # A task moved to the other initiative takes its light along.
    Task.objects.filter(pk=calm.pk).update(
        initiative=other, work_stream=other.work_streams.get()
    )
    assert (
        _by_light()
        == _lights_counted()
        == {(i, "green"): 1, (o, "amber"): 1, (o, "green"): 1}
    )
    assert services.tally_check() == []

    # Folded: one row per initiative and light left, the same sums.
    rows = TaskLightTally.objects.count()
    assert services.tally_compact() == 3 < rows
    assert TaskLightTally.objects.count() == 3
    assert _by_light() == _lights_counted()
    assert services.tally_check() == []


def test_the_list_filtered_by_light_reads_the_counts(client, initiative, sc_leader):
    for n in range(3):
        make_task(
            initiative, code=f"R-0{n}", due_date=days(-5), status=TaskStatus.IN_PROGRESS
        )
    make_task(initiative, code="G-01", due_date=days(200))
    api = APIClient()
    api.force_authenticate(sc_leader)
    client.force_login(sc_leader)
    for query, expected in (
        ("light=red", 3),
        ("light=red&light=green", 4),
        ("light=amber", 0),
        ("light=red&ordering=light&page_size=2", 3),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/tasks/?{query}")
        assert response.status_code == 200
        assert response.json()["count"] == expected, query
        assert not _task_counts([q["sql"] for q in queries.captured_queries]), query
    # With another filter beside it, the tasks are counted.
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/tasks/?light=red&search=R-01")
    assert response.json()["count"] == 1
    assert _task_counts([q["sql"] for q in queries.captured_queries])
    # A bad light is refused before anything is counted.
    assert api.get("/api/v1/tasks/?light=purple").status_code == 400

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tasks/?light=red")
    assert response.context["page_obj"].paginator.count == 3
    assert not _task_counts([q["sql"] for q in queries.captured_queries])
