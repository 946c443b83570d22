"""Every write path is recorded by the database, with who, where and why."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import MilestoneEvent, TaskEvent
from tests.clock import days
from tracker import services
from tracker.models import Milestone, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(task, sichuan, sc_coord):
    services.task_start(task=task, actor=sc_coord)
    return services.milestone_create(
        task=task, title="四川段投运", due_date=days(90), party=sichuan
    )


def test_api_change_is_recorded_with_actor_request_id_and_reason(sc_coord, milestone):
    client = APIClient()
    client.force_authenticate(sc_coord)
    url = f"/api/v1/milestones/{milestone.pk}/"
    tag = client.get(url)["ETag"]
    response = client.patch(
        url,
        {"status": "done"},
        format="json",
        HTTP_IF_MATCH=tag,
        HTTP_X_REQUEST_ID="req-api-1",
        HTTP_X_CHANGE_REASON="现场验收通过",
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-api-1"
    event = MilestoneEvent.objects.filter(pgh_obj_id=milestone.pk).latest("pgh_id")
    assert event.pgh_label == "update"
    assert event.status == "done"
    ctx = event.pgh_context
    assert ctx["user"] == sc_coord.pk
    assert ctx["source"] == "api"
    assert ctx["request_id"] == "req-api-1"
    assert ctx["method"] == "PATCH"
    assert ctx["reason"] == "现场验收通过"


def test_admin_change_is_recorded_with_actor(client, superuser, task):
    from tests.tracker.test_admin import owner_rows, task_form

    client.force_login(superuser)
    url = reverse("admin:tracker_task_change", args=[task.pk])
    response = client.post(
        url,
        {**task_form(task, description="专班调整说明"), **owner_rows(task)},
        HTTP_X_REQUEST_ID="req-admin-1",
    )
    assert response.status_code == 302
    event = TaskEvent.objects.filter(pgh_obj_id=task.pk).latest("pgh_id")
    assert event.description == "专班调整说明"
    assert event.pgh_context["user"] == superuser.pk
    assert event.pgh_context["source"] == "admin"
    assert event.pgh_context["request_id"] == "req-admin-1"


def test_queryset_update_is_recorded(task):
    before = TaskEvent.objects.filter(pgh_obj_id=task.pk).count()
    Task.objects.filter(pk=task.pk).update(description="批量修改")
    events = TaskEvent.objects.filter(pgh_obj_id=task.pk)
    assert events.count() == before + 1
    assert events.latest("pgh_id").description == "批量修改"


def test_raw_sql_and_delete_are_recorded(milestone):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracker_milestone SET title = %s WHERE id = %s",
            ["原始SQL修改", milestone.pk],
        )
    latest = MilestoneEvent.objects.filter(pgh_obj_id=milestone.pk).latest("pgh_id")
    assert (latest.pgh_label, latest.title) == ("update", "原始SQL修改")
    Milestone.objects.filter(pk=milestone.pk).delete()
    deleted = MilestoneEvent.objects.filter(pgh_obj_id=milestone.pk).latest("pgh_id")
    assert deleted.pgh_label == "delete"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_taskevent SET title = 'forged'",
        "DELETE FROM audit_taskevent",
    ],
)
def test_event_tables_refuse_update_and_delete(task, sql):
    assert TaskEvent.objects.filter(pgh_obj_id=task.pk).exists()
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert TaskEvent.objects.filter(pgh_obj_id=task.pk, title=task.title).exists()


def test_admin_form_reason_is_kept_with_the_change(client, superuser, task):
    from tests.tracker.test_admin import owner_rows, task_form

    client.force_login(superuser)
    url = reverse("admin:tracker_task_change", args=[task.pk])
    form_page = client.get(url).content.decode()
    assert 'name="change_reason"' in form_page
    response = client.post(
        url,
        {
            **task_form(task, description="按专班会议纪要调整"),
            **owner_rows(task),
            "change_reason": "2024年12月专班会议决定",
        },
    )
    assert response.status_code == 302
    event = TaskEvent.objects.filter(pgh_obj_id=task.pk).latest("pgh_id")
    assert event.pgh_context["reason"] == "2024年12月专班会议决定"
