"""A good file: the dry run saves nothing and says what it would do; the
import creates it all through the services, once; the second import of the
same file changes nothing, not even a row of the audit trail."""

import hashlib

import pytest

from audit.models import IndicatorEvent, MilestoneEvent, TaskEvent, TaskOwnerEvent
from imports import services
from imports.models import JobStatus
from tests.imports.conftest import good_sheets, workbook_bytes
from tracker.models import Indicator, Milestone, Task, TaskOwner

EVENTS = (TaskEvent, TaskOwnerEvent, MilestoneEvent, IndicatorEvent)


def audit_count() -> int:
    return sum(model.objects.count() for model in EVENTS)


def upload(world, office, data, name="清单.xlsx"):
    return services.import_job_create(
        initiative=world, actor=office, file_name=name, data=data
    )


def test_dry_run_writes_nothing_and_previews(world, office):
    before = audit_count()
    job = upload(world, office, workbook_bytes(good_sheets()))
    assert job.problems == []
    assert job.status == JobStatus.CHECKED
    assert job.preview["summary"] == {"create": 9, "change": 0, "unchanged": 0}
    assert Task.objects.filter(initiative=world).count() == 0
    assert audit_count() == before


def test_commit_creates_everything_once_and_twice_changes_nothing(world, office):
    data = workbook_bytes(good_sheets())
    job = services.import_job_commit(job=upload(world, office, data), actor=office)
    assert job.status == JobStatus.DONE, job.problems
    task = Task.objects.get(initiative=world, code="IM-01")
    assert task.title == "川渝特高压配套工程"
    assert task.work_stream.code == "energy"
    assert task.priority == 1
    assert str(task.due_date) == "2025-12-31"
    assert TaskOwner.objects.filter(task__initiative=world).count() == 3
    assert Milestone.objects.filter(task=task).count() == 2
    assert Indicator.objects.get(task__code="IM-02").party.name == "重庆市"
    counted = audit_count()

    again = upload(world, office, data)
    assert again.problems == []
    assert again.preview["summary"] == {"create": 0, "change": 0, "unchanged": 9}
    again = services.import_job_commit(job=again, actor=office)
    assert again.status == JobStatus.DONE
    assert audit_count() == counted


def test_audit_reason_names_the_file_and_its_sha256(world, office):
    data = workbook_bytes(good_sheets())
    digest = hashlib.sha256(data).hexdigest()
    services.import_job_commit(
        job=upload(world, office, data, "川渝清单.xlsx"), actor=office
    )
    events = list(TaskEvent.objects.filter(pgh_obj__initiative=world))
    assert events
    for event in events:
        context = event.pgh_context
        assert context["user"] == office.pk
        assert "川渝清单.xlsx" in context["reason"]
        assert digest in context["reason"]


def test_a_changed_row_shows_old_and_new_and_is_applied(world, office):
    data = workbook_bytes(good_sheets())
    services.import_job_commit(job=upload(world, office, data), actor=office)
    sheets = good_sheets()
    sheets["事项"][0][1] = "川渝特高压配套工程（二期）"
    sheets["指标"][0][4] = 700
    sheets["责任单位"][0][3] = "赵强"
    job = upload(world, office, workbook_bytes(sheets))
    assert job.preview["summary"] == {"create": 0, "change": 3, "unchanged": 6}
    changes = {
        (e["key"], c["column_zh"]): (c["old"], c["new"])
        for e in job.preview["change"]
        for c in e["changes"]
    }
    assert changes[("IM-01", "事项名称")] == (
        "川渝特高压配套工程",
        "川渝特高压配套工程（二期）",
    )
    assert changes[("IM-01 · 线路长度", "目标值")] == ("658.0000", "700.0000")
    assert changes[("IM-01 · 四川省", "联系人")] == ("李明", "赵强")
    services.import_job_commit(job=job, actor=office)
    assert Task.objects.get(code="IM-01").title.endswith("（二期）")
    assert (
        TaskOwner.objects.get(task__code="IM-01", party__code="sc").contact_name
        == "赵强"
    )


def test_only_the_joint_office_imports(world, sc_coord):
    from config.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        upload(world, sc_coord, workbook_bytes(good_sheets()))
