"""The admin shows the joint task list and turns rule violations into form
errors, never a 500."""

import pytest
from django.urls import reverse

from accounts.models import Agency
from tracker import services
from tracker.models import Task, TaskOwner

pytestmark = pytest.mark.django_db


def inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def task_form(task, **changes):
    data = {
        "initiative": task.initiative_id,
        "code": task.code,
        "title": task.title,
        "description": task.description,
        "work_stream": task.work_stream_id,
        "task_list": task.task_list,
        "lead_party": task.lead_party_id or "",
        "priority": task.priority,
        "status": task.status,
        "planned_start": task.planned_start or "",
        "due_date": task.due_date.isoformat(),
        "progress": task.progress,
        "completed_at_0": "",
        "completed_at_1": "",
        **inline_management("milestones", 0),
        **inline_management("indicators", 0),
    }
    data.update(changes)
    return data


def owner_rows(task, extra=()):
    owners = list(task.owners.all())
    rows = inline_management("owners", len(owners) + len(extra), len(owners))
    for i, owner in enumerate([*owners, *extra]):
        rows.update(
            {
                f"owners-{i}-id": getattr(owner, "pk", "") or "",
                f"owners-{i}-task": task.pk,
                f"owners-{i}-party": owner.party_id,
                f"owners-{i}-agency": owner.agency_id,
                f"owners-{i}-contact_name": owner.contact_name,
                f"owners-{i}-contact_phone": owner.contact_phone,
                f"owners-{i}-contact_user": "",
            }
        )
    return rows


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_changelist_lists_tasks_with_owners_of_both_parties(admin_client, task):
    response = admin_client.get(reverse("admin:tracker_task_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert task.title in body
    assert "川：四川省牵头单位" in body and "渝：重庆市牵头单位" in body


def test_changelist_search_in_chinese(admin_client, task, initiative):
    from tests.factories import make_task

    make_task(initiative, code="SZ-01", title="国际互联网数据专用通道")
    response = admin_client.get(
        reverse("admin:tracker_task_changelist"), {"q": "特高压"}
    )
    body = response.content.decode()
    assert task.title in body
    assert "国际互联网数据专用通道" not in body


def test_every_model_has_an_admin_page(admin_client, task):
    from django.contrib import admin

    for model in [
        m for m in admin.site._registry if m._meta.app_label in {"tracker", "accounts"}
    ]:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
        assert admin_client.get(url).status_code == 200, url
    expected = {
        "task",
        "taskowner",
        "milestone",
        "indicator",
        "indicatorreading",
        "progressupdate",
        "industrialpark",
        "parkpair",
        # Evaluation results are published cycles now (parks' admin).
        "evaluationcycle",
        "parkassessment",
        "initiative",
        "workstream",
        "party",
        "agency",
        "membership",
        "user",
    }
    registered = {m._meta.model_name for m in admin.site._registry}
    assert expected <= registered


def test_duplicate_code_is_a_form_error(admin_client, task, initiative):
    other = services.task_create(
        initiative=initiative,
        code="NY-02",
        title="页岩气",
        work_stream=task.work_stream,
        due_date=task.due_date,
        owners=[],
        task_list=task.task_list,
    )
    url = reverse("admin:tracker_task_change", args=[other.pk])
    data = {**task_form(other, code=task.code), **owner_rows(other)}
    data.update(inline_management("owners", 0))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "合作事项清单中已有此编号的事项" in response.content.decode()
    other.refresh_from_db()
    assert other.code == "NY-02"


def test_due_before_start_is_a_form_error(admin_client, task):
    url = reverse("admin:tracker_task_change", args=[task.pk])
    data = {
        # Dates in the wrong order, whatever the day.
        **task_form(task, planned_start="2026-01-01", due_date="2025-01-01"),
        **owner_rows(task),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "截止日期不能早于计划开始日期" in response.content.decode()
    task.refresh_from_db()
    assert task.planned_start is None


def test_status_and_progress_are_not_editable_in_the_admin(admin_client, task):
    url = reverse("admin:tracker_task_change", args=[task.pk])
    data = {**task_form(task, status="completed", progress=150), **owner_rows(task)}
    response = admin_client.post(url, data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.progress) == ("not_started", 0)
    assert task.version == 2  # the edit itself still moves the version on


def test_second_owner_from_same_party_is_a_form_error(admin_client, task, sichuan):
    url = reverse("admin:tracker_task_change", args=[task.pk])
    duplicate = TaskOwner(
        party=sichuan,
        agency=Agency.objects.get(party=sichuan, is_lead=True),
        contact_name="王五",
    )
    response = admin_client.post(
        url, {**task_form(task), **owner_rows(task, extra=[duplicate])}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert task.owners.count() == 2


def test_removing_an_owner_with_milestones_is_a_form_error(
    admin_client, task, chongqing
):
    services.milestone_create(
        task=task, title="重庆段完工", due_date=task.due_date, party=chongqing
    )
    url = reverse("admin:tracker_task_change", args=[task.pk])
    data = {**task_form(task), **owner_rows(task)}
    index = [o.party_id for o in task.owners.all()].index(chongqing.pk)
    data[f"owners-{index}-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "节点" in response.content.decode()
    assert task.owners.filter(party=chongqing).exists()


def test_valid_change_is_saved(admin_client, task):
    url = reverse("admin:tracker_task_change", args=[task.pk])
    response = admin_client.post(
        url, {**task_form(task, description="由专班统筹推进"), **owner_rows(task)}
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).description == "由专班统筹推进"
