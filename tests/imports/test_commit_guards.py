"""The import keeps what the office saw at the dry run: a task list changed
since then refuses the import (nothing written), a job is imported once however
often it is asked, and an unexpected error ends the job as failed."""

import pytest
from django.utils import translation

from audit.models import IndicatorEvent, MilestoneEvent, TaskEvent, TaskOwnerEvent
from config.exceptions import InvalidInput
from imports import services
from imports.models import ImportJob, JobStatus
from imports.tasks import run_import
from tests.imports.conftest import good_sheets, workbook_bytes
from tracker import services as tracker_services
from tracker.models import Indicator, Task

EVENTS = (TaskEvent, TaskOwnerEvent, MilestoneEvent, IndicatorEvent)


def audit_count() -> int:
    return sum(model.objects.count() for model in EVENTS)


def upload(world, office, data):
    return services.import_job_create(
        initiative=world, actor=office, file_name="清单.xlsx", data=data
    )


def second_file() -> bytes:
    sheets = good_sheets()
    sheets["指标"][0][4] = 700  # the file changes one target
    return workbook_bytes(sheets)


def test_a_task_changed_after_the_dry_run_refuses_the_import(world, office):
    services.import_job_commit(
        job=upload(world, office, workbook_bytes(good_sheets())), actor=office
    )
    job = upload(world, office, second_file())
    assert job.preview["summary"] == {"create": 0, "change": 1, "unchanged": 8}
    # After the dry run the office retitles an item the file leaves alone.
    task = Task.objects.get(initiative=world, code="IM-01")
    tracker_services.task_update(
        task=task, actor=office, expected_version=None, title="川渝特高压（调整）"
    )
    before = audit_count()

    job = services.import_job_commit(job=job, actor=office)

    assert job.status == JobStatus.CHECKED
    assert [p["zh"] for p in job.problems] == [
        "清单在试导入之后已有改动，请重新上传试导入。"
    ]
    assert "changed since this file's dry run" in job.problems[0]["en"]
    assert audit_count() == before
    assert Task.objects.get(pk=task.pk).title == "川渝特高压（调整）"
    assert Indicator.objects.get(task=task, name="线路长度").target == 658
    with pytest.raises(InvalidInput):
        services.import_job_commit(job=job, actor=office)

    fresh = upload(world, office, second_file())
    assert fresh.preview["summary"] == {"create": 0, "change": 2, "unchanged": 7}
    fresh = services.import_job_commit(job=fresh, actor=office)
    assert fresh.status == JobStatus.DONE, fresh.problems
    assert Task.objects.get(pk=task.pk).title == "川渝特高压配套工程"
    assert Indicator.objects.get(task=task, name="线路长度").target == 700


def test_a_change_to_a_row_the_file_changes_refuses_the_import(world, office):
    services.import_job_commit(
        job=upload(world, office, workbook_bytes(good_sheets())), actor=office
    )
    job = upload(world, office, second_file())
    indicator = Indicator.objects.get(task__code="IM-01", name="线路长度")
    tracker_services.indicator_update(indicator=indicator, actor=office, target=680)

    job = services.import_job_commit(job=job, actor=office)

    assert job.status == JobStatus.CHECKED
    assert len(job.problems) == 1
    assert Indicator.objects.get(pk=indicator.pk).target == 680


def test_a_job_is_imported_once(world, office):
    job = upload(world, office, workbook_bytes(good_sheets()))
    stale = ImportJob.objects.get(pk=job.pk)  # a second request's copy
    job = services.import_job_commit(job=job, actor=office)
    assert job.status == JobStatus.DONE
    counted = audit_count()

    with pytest.raises(InvalidInput):
        services.import_job_commit(job=stale, actor=office)
    # The worker's task delivered twice changes nothing either.
    assert run_import(job.pk, True) == JobStatus.DONE

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Task.objects.filter(initiative=world).count() == 2
    assert audit_count() == counted


def test_a_csv_cell_over_the_reader_limit_is_a_refused_file(world, office):
    data = ("事项编号,事项名称\nIM-01," + "x" * 140_000 + "\n").encode()
    job = services.import_job_create(
        initiative=world, actor=office, file_name="清单.csv", data=data
    )
    assert job.status == JobStatus.REFUSED
    assert job.finished_at is not None
    assert "quotation marks" in job.problems[0]["en"]
    with translation.override("zh-hans"):
        assert "CSV" in job.problems[0]["zh"]


def broken_plan(**kwargs):
    raise RuntimeError("the planner broke")


@pytest.mark.parametrize("commit", [False, True])
def test_an_unexpected_error_in_the_worker_fails_the_job(
    world, office, settings, monkeypatch, commit
):
    if not commit:
        settings.IMPORTS_INLINE_ROWS = 0  # the dry run is the worker's
    job = upload(world, office, workbook_bytes(good_sheets()))
    if commit:
        services.import_job_claim(job=job)
    assert job.status in (JobStatus.QUEUED, JobStatus.COMMITTING)
    monkeypatch.setattr(services, "plan_build", broken_plan)

    assert run_import(job.pk, commit) == "failed"

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.finished_at is not None
    assert "unexpected error" in job.problems[0]["en"]
    assert not Task.objects.filter(initiative=world).exists()
