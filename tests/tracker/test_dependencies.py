"""Dependencies between items: a blocker that slips turns its dependent amber
with the reason and tells its owners and the joint office exactly once; the
cure turns it back; cycles are refused, also when two additions race; only
the dependent's owners' coordinators and the joint office may add or remove."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from config.exceptions import Conflict, PermissionDenied
from notifications.choices import Event
from notifications.models import Notification
from tests.factories import make_task
from tracker import services
from tracker.choices import Light, LightReason
from tracker.lights import reason_of, reason_text
from tracker.models import DependencyAlert, Task, TaskDependency, TaskLight
from tracker.selectors.dependencies import blockers_of, dependents_of
from tracker.selectors.lights import with_light

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def light_of(task, **kwargs):
    return with_light(Task.objects.filter(pk=task.pk), **kwargs).get()


def said(row, language="zh-hans"):
    with translation.override(language):
        return reason_text(reason_of(row))


@pytest.fixture
def grid(initiative, sichuan, office):
    """NY-02 (Sichuan's power grid) and, waiting for it, SZ-01 (a joint data
    centre), both started and on track."""
    blocker = make_task(
        initiative,
        parties=[sichuan],
        code="NY-02",
        title="川渝特高压电网",
        due_date=TODAY + dt.timedelta(days=100),
    )
    dependent = make_task(
        initiative,
        code="SZ-01",
        title="成渝数据中心集群",
        due_date=TODAY + dt.timedelta(days=200),
    )
    for task in (blocker, dependent):
        services.task_start(task=task, actor=office)
    return blocker, dependent


def told():
    return Notification.objects.filter(event=Event.DEPENDENCY_DELAY)


def stored(task):
    """The light the lists read (tracker.models.TaskLight): (light, reason code)."""
    row = TaskLight.objects.get(task=task)
    return row.light, row.reason["code"]


def test_a_blocker_slipping_turns_its_dependent_amber_once_and_back(
    grid, office, sc_coord, cq_coord
):
    blocker, dependent = grid
    services.dependency_add(task=dependent, actor=cq_coord, blocker_task=blocker)
    assert light_of(dependent).light == Light.GREEN
    assert not told().exists()

    request = services.task_request_extension(
        task=blocker,
        actor=sc_coord,
        requested_due_date=TODAY + dt.timedelta(days=260),
        reason="设备到货延迟",
    )
    services.extension_request_decide(
        request=request, actor=office, approve=True, opinion="同意"
    )
    row = light_of(dependent)
    assert (row.light, row.light_reason) == (Light.AMBER, LightReason.DEPENDENCY_DELAY)
    assert reason_of(row) == {
        "code": "dependency_delay",
        "figures": {"blocker": "NY-02", "milestone": None},
    }
    assert said(row) == "受 NY-02 延误影响"
    assert said(row, "en") == "Held up by NY-02's delay"
    # The stored light followed in the same transaction as the blocker's
    # extension: the dependent's row was written again, not only the blocker's.
    assert stored(dependent) == (Light.AMBER, "dependency_delay")
    # The reason as the lists and the item page show it, with the blocker.
    assert TaskLight.objects.get(task=dependent).reason == reason_of(row)
    assert services.lights_check() == []
    # The dependent's owners (both parties) and the joint office, once each.
    assert sorted(told().values_list("recipient__username", flat=True)) == sorted(
        [sc_coord.username, cq_coord.username, office.username]
    )
    assert told().first().title == "SZ-01 成渝数据中心集群 受 NY-02 延误影响"

    # Checked again (a write, the nightly job): nothing more is told.
    services.dependencies_check(task_ids=None)
    services.dependencies_check(task_ids=[blocker.pk])
    assert told().count() == 3
    assert DependencyAlert.objects.filter(closed_at__isnull=True).count() == 1

    # The cure: the dependent's date moves past the blocker's.
    request = services.task_request_extension(
        task=dependent,
        actor=cq_coord,
        requested_due_date=TODAY + dt.timedelta(days=300),
        reason="配合电网工期调整",
    )
    services.extension_request_decide(
        request=request, actor=office, approve=True, opinion="同意"
    )
    assert light_of(dependent).light == Light.GREEN
    assert stored(dependent)[0] == Light.GREEN
    assert not DependencyAlert.objects.filter(closed_at__isnull=True).exists()
    assert told().count() == 3
    assert services.lights_check() == []


def test_a_red_blocker_milestone_holds_up_the_dependent_milestone(
    grid, office, cq_coord
):
    blocker, dependent = grid
    late = services.milestone_create(
        task=blocker, title="变电站投运", due_date=TODAY + dt.timedelta(days=10)
    )
    waits = services.milestone_create(
        task=dependent, title="机房通电", due_date=TODAY + dt.timedelta(days=30)
    )
    services.dependency_add(
        task=dependent,
        actor=office,
        blocker_task=blocker,
        milestone=waits,
        blocker_milestone=late,
    )
    assert not told().exists()
    # Red by the passage of time: what the nightly check finds.
    later = TODAY + dt.timedelta(days=12)
    services.dependencies_check(today=later)
    row = light_of(dependent, today=later)
    assert row.light == Light.AMBER
    assert said(row) == "受 NY-02 节点延误影响"
    assert said(row, "en") == "Held up by NY-02's delayed milestone"
    # Chongqing's coordinator and the joint office (no Sichuan user here).
    assert told().count() == 2
    # Red reasons win over the dependency: the blocker itself is red.
    assert light_of(blocker, today=later).light == Light.RED
    # Done: cured.
    services.milestone_update(
        milestone=late, actor=office, expected_version=None, status="done"
    )
    cured = light_of(dependent, today=later)
    assert cured.light_reason != LightReason.DEPENDENCY_DELAY
    assert not DependencyAlert.objects.filter(closed_at__isnull=True).exists()
    assert told().count() == 2


def test_an_override_wins_over_the_dependency(grid, office):
    blocker, dependent = grid
    services.dependency_add(task=dependent, actor=office, blocker_task=blocker)
    services.light_override_set(
        task=blocker,
        actor=office,
        light=Light.RED,
        reason="专班研判存在风险",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    assert light_of(dependent).light_reason == LightReason.DEPENDENCY_DELAY
    services.light_override_set(
        task=dependent,
        actor=office,
        light=Light.GREEN,
        reason="已有替代电源",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    assert light_of(dependent).light == Light.GREEN
    assert light_of(dependent).light_reason == LightReason.OVERRIDE


def test_cycles_are_refused_direct_and_transitive(initiative, office):
    a, b, c = (make_task(initiative, code=code) for code in ("A-1", "B-1", "C-1"))
    services.dependency_add(task=b, actor=office, blocker_task=a)
    services.dependency_add(task=c, actor=office, blocker_task=b)
    with pytest.raises(Conflict) as direct:
        services.dependency_add(task=a, actor=office, blocker_task=b)
    with pytest.raises(Conflict) as transitive:
        services.dependency_add(task=a, actor=office, blocker_task=c)
    assert "C-1 已直接或间接依赖 A-1" in str(transitive.value.message)
    assert str(direct.value.message).startswith("B-1 已直接或间接依赖 A-1")
    assert TaskDependency.objects.count() == 2
    assert dependents_of([a.pk]) == {b.pk, c.pk}
    assert blockers_of([c.pk]) == {a.pk, b.pk}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_additions_cannot_close_a_circle(initiative, office):
    a, b = make_task(initiative, code="A-1"), make_task(initiative, code="B-1")
    barrier = threading.Barrier(2)
    outcomes = []

    def add(task, blocker):
        try:
            barrier.wait()
            services.dependency_add(task=task, actor=office, blocker_task=blocker)
            outcomes.append("added")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=add, args=(a, b)),
        threading.Thread(target=add, args=(b, a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added", "refused"]
    assert TaskDependency.objects.count() == 1
    connection.close()


def test_who_may_add_and_remove(grid, sc_coord, cq_coord, sc_leader, office):
    blocker, dependent = grid
    # Chongqing owns only the dependent: still its coordinator may record it.
    dependency = services.dependency_add(
        task=dependent, actor=cq_coord, blocker_task=blocker
    )
    with pytest.raises(PermissionDenied):
        # Chongqing owns nothing of NY-02: not theirs to say what it waits for.
        services.dependency_add(task=blocker, actor=cq_coord, blocker_task=dependent)
    with pytest.raises(PermissionDenied):
        services.dependency_remove(dependency=dependency, actor=sc_leader)
    services.dependency_remove(dependency=dependency, actor=office)
    assert not TaskDependency.objects.exists()


def test_the_midnight_job_turns_a_dependent_amber_when_its_blocker_falls_due(
    grid, office, cq_coord
):
    """No write happens: the blocker's due date passes overnight, the nightly
    job turns it red, opens the alert and stores the dependent's amber."""
    from tracker.tasks import refresh_lights

    blocker, dependent = grid
    services.dependency_add(task=dependent, actor=cq_coord, blocker_task=blocker)
    assert stored(dependent)[0] == Light.GREEN
    with time_machine.travel(timezone.now() + dt.timedelta(days=101), tick=False):
        result = refresh_lights.apply().get()
        assert result["opened"] == 1
        assert stored(blocker)[0] == Light.RED
        assert stored(dependent) == (Light.AMBER, "dependency_delay")
        assert services.lights_check() == []
        assert refresh_lights.apply().get()["opened"] == 0  # told once


def test_the_item_page_costs_the_same_queries_with_more_dependencies(
    initiative, sichuan, office, cq_coord, client
):
    """前置事项 / 后续事项 with their lights and open alerts: a fixed number of
    queries, however many items the page names."""
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def item(code, days):
        task = make_task(
            initiative,
            parties=[sichuan],
            code=code,
            title=f"事项{code}",
            due_date=TODAY + dt.timedelta(days=days),
        )
        services.task_start(task=task, actor=office)
        return task

    centre = item("SZ-01", 200)
    client.force_login(office)
    url = reverse("tracker:task_detail", args=[centre.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.dependency_add(task=centre, actor=office, blocker_task=item("NY-01", 300))
    one = queries()
    for n in range(2, 6):
        # Blockers due after the centre (each opens an alert) and dependents.
        services.dependency_add(
            task=centre, actor=office, blocker_task=item(f"NY-0{n}", 300 + n)
        )
        services.dependency_add(
            task=item(f"JT-0{n}", 400), actor=office, blocker_task=centre
        )
    assert DependencyAlert.objects.filter(closed_at__isnull=True).count() == 5
    assert queries() == one


def test_a_blockers_override_that_expires_lets_its_dependent_go(grid, office):
    """The joint office marks the blocker red for a week: its dependent is
    held up. When the override lapses, the five-minute job writes the
    blocker's light again and checks its dependencies: the dependent goes
    back to green with no write of anyone's."""
    from tracker.tasks import refresh_expired_light_overrides

    blocker, dependent = grid
    services.dependency_add(task=dependent, actor=office, blocker_task=blocker)
    services.light_override_set(
        task=blocker,
        actor=office,
        light=Light.RED,
        reason="专班研判存在风险",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    assert stored(dependent) == (Light.AMBER, "dependency_delay")
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        assert refresh_expired_light_overrides.apply().get() == {"tasks": 1}
        assert stored(blocker)[0] == Light.GREEN
        assert stored(dependent)[0] == Light.GREEN
        assert not DependencyAlert.objects.filter(closed_at__isnull=True).exists()
        assert services.lights_check() == []


@pytest.mark.django_db(transaction=True)
def test_a_blockers_write_and_its_dependents_at_once_do_not_deadlock(
    initiative, office
):
    """What a write does (tracker.services._common.bump, then the slip check)
    in two transactions at once: the blocker's due date moves past its
    dependent's while the dependent reports progress. The blocker's check
    writes the dependent's light, which the dependent's write holds; the
    dependent's check must not wait for anything the blocker's holds."""
    import time

    from tracker.services.lights import lights_refresh

    blocker = make_task(
        initiative, code="NY-02", due_date=TODAY + dt.timedelta(days=100)
    )
    dependent = make_task(
        initiative, code="SZ-01", due_date=TODAY + dt.timedelta(days=200)
    )
    for task in (blocker, dependent):
        services.task_start(task=task, actor=office)
    services.dependency_add(task=dependent, actor=office, blocker_task=blocker)
    blocker_written, dependent_written = threading.Event(), threading.Event()
    errors = []

    def blocker_write():
        try:
            with transaction.atomic():
                Task.objects.filter(pk=blocker.pk).update(
                    due_date=TODAY + dt.timedelta(days=260)
                )
                lights_refresh(task_ids=[blocker.pk])
                blocker_written.set()
                dependent_written.wait(10)
                services.dependencies_check(task_ids=[blocker.pk])
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def dependent_write():
        try:
            blocker_written.wait(10)
            with transaction.atomic():
                lights_refresh(task_ids=[dependent.pk])
                dependent_written.set()
                time.sleep(0.5)  # the blocker's check runs first
                services.dependencies_check(task_ids=[dependent.pk])
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=blocker_write),
        threading.Thread(target=dependent_write),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert stored(dependent) == (Light.AMBER, "dependency_delay")
    assert DependencyAlert.objects.filter(closed_at__isnull=True).count() == 1
    assert services.lights_check() == []
    connection.close()
