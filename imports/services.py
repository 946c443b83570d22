"""The import's jobs: upload, dry run, import. Every write to the task list
goes through tracker.services (imports.apply); these functions only keep the
job row, run the plan and choose where it runs (here, or the worker for a
large file)."""

from __future__ import annotations

import hashlib
import json
import logging

import pghistory
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import grants
from config.exceptions import InvalidInput, PermissionDenied
from tracker.models import Initiative, Milestone, Task

from .apply import plan_apply
from .columns import SHEETS
from .models import ImportJob, JobStatus
from .plan import Plan, plan_build
from .problems import FileRefused, Problem
from .reader import Book, read

log = logging.getLogger(__name__)
SHEET_ORDER = {name: index for index, name in enumerate(SHEETS)}


class _Rollback(Exception):
    pass


def may_import(user: User) -> bool:
    """The joint office (administrators) imports; it is the one that keeps the
    task list."""
    return grants(user).administrator


def audit_reason(job: ImportJob) -> str:
    return f"导入任务清单：{job.file_name}（SHA-256：{job.sha256}）"


@transaction.atomic
def import_job_create(
    *, initiative: Initiative, actor: User, file_name: str, data: bytes
) -> ImportJob:
    """Keep the upload and check it: here for a small file, in the worker for
    a large one. A refused file is a job with its one problem."""
    if not may_import(actor):
        raise PermissionDenied()
    if len(data) > settings.IMPORTS_MAX_BYTES:
        # Not even stored.
        raise InvalidInput(
            _("The file is larger than %(limit)s MB.")
            % {"limit": settings.IMPORTS_MAX_BYTES // (1024 * 1024)}
        )
    job = ImportJob(
        initiative=initiative,
        uploaded_by=actor,
        file_name=file_name[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    job.file.save("upload", ContentFile(data), save=False)
    job.save()
    if job.in_worker:
        # Judged by its size alone: a large workbook is opened by the worker.
        _enqueue(job, commit=False)
        return job
    try:
        book = read(data, file_name)
    except FileRefused as refused:
        _refuse(job, refused)
        return job
    job.rows_total = book.row_count
    job.save(update_fields=["rows_total"])
    if job.in_worker:
        _enqueue(job, commit=False)
    else:
        import_job_run(job_id=job.pk, commit=False, book=book)
        job.refresh_from_db()
    return job


def import_job_commit(*, job: ImportJob, actor: User) -> ImportJob:
    """Import a checked file: all or nothing."""
    if not may_import(actor) or job.uploaded_by_id != actor.pk:
        raise PermissionDenied()
    import_job_claim(job=job)
    if job.in_worker:
        transaction.on_commit(lambda: _enqueue(job, commit=True))
    else:
        import_job_run(job_id=job.pk, commit=True)
        job.refresh_from_db()
    return job


def import_job_claim(*, job: ImportJob) -> None:
    """Mark a checked job as being imported. One conditional UPDATE: of two
    requests to import the same file, only one finds it still checked."""
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=JobStatus.CHECKED, problems=[]
    ).update(status=JobStatus.COMMITTING, commit_requested=True, rows_done=0)
    if not claimed:
        raise InvalidInput(_("Only a file checked without problems can be imported."))
    job.refresh_from_db()


def import_job_fail(*, job_id: int) -> None:
    """An unexpected error: the job is over (failed), not checking forever."""
    ImportJob.objects.filter(
        pk=job_id,
        status__in=[JobStatus.QUEUED, JobStatus.CHECKING, JobStatus.COMMITTING],
    ).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        problems=[_whole_file_problem(FAILED_TEXT)],
    )


def _enqueue(job: ImportJob, *, commit: bool) -> None:
    from config.celery import publish

    from .tasks import run_import

    def send():
        try:
            publish(run_import, args=[job.pk, commit], queue=settings.REPORTS_QUEUE)
        except Exception:
            log.warning("import %s could not be queued", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, finished_at=timezone.now()
            )

    transaction.on_commit(send)


FAILED_TEXT = _(
    "The file could not be processed because of an unexpected error; nothing was "
    "imported. Upload it again, or tell the service's administrators."
)
STALE_TEXT = _(
    "The task list has changed since this file's dry run: upload it again for a "
    "new dry run."
)


def _whole_file_problem(message) -> dict:
    return _problem_of(FileRefused(message))


def _problem_of(refused: FileRefused) -> dict:
    texts = refused.texts()
    return {
        "sheet": "",
        "sheet_en": "",
        "row": None,
        "column": None,
        "column_zh": "",
        "column_en": "",
        "zh": texts["zh-hans"],
        "en": texts["en"],
    }


def _refuse(job: ImportJob, refused: FileRefused) -> None:
    job.status = JobStatus.REFUSED
    job.problems = [_problem_of(refused)]
    job.finished_at = timezone.now()
    # A refused file is of no further use; its SHA-256 stays on the row.
    job.file.delete(save=False)
    job.save(update_fields=["status", "problems", "finished_at", "file"])


def _sorted(problems: list[Problem]) -> list[dict]:
    def key(p: Problem):
        columns = [c.key for c in SHEETS.get(p.sheet, [])]
        col = columns.index(p.column) if p.column in columns else -1
        return (SHEET_ORDER.get(p.sheet, -1), p.row or 0, col)

    return [p.as_dict() for p in sorted(problems, key=key)]


def import_job_run(*, job_id: int, commit: bool, book=None) -> ImportJob | None:
    """The dry run (`commit=False`: everything is done, then rolled back) or
    the import (kept only when nothing at all was refused)."""
    if commit:
        return _commit(job_id=job_id)
    job = ImportJob.objects.select_related("initiative", "uploaded_by").get(pk=job_id)
    if book is None:
        book = _reread(job)
        if book is None:
            return job
        job.rows_total = book.row_count
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.CHECKING, rows_total=job.rows_total
    )
    plan = plan_build(initiative=job.initiative, book=book, progress=_progress(job))
    plan = _apply(job, plan, commit=False)
    return _finish(job, plan, kept=False)


@transaction.atomic
def _commit(*, job_id: int) -> ImportJob:
    """The import applies the plan the office saw at the dry run, or nothing:
    the plan is built again with the job and the tasks it touches locked, and
    if it differs from the stored preview the import is refused."""
    job = (
        ImportJob.objects.select_for_update(of=("self",))
        .select_related("initiative", "uploaded_by")
        .get(pk=job_id)
    )
    if job.status != JobStatus.COMMITTING:
        return job  # done already, or claimed by no one: safe to run twice
    book = _reread(job)
    if book is None:
        return job
    _lock_tasks(job, book)
    plan = plan_build(initiative=job.initiative, book=book, progress=_progress(job))
    if plan.problems or _entries(plan.preview()) != _entries(job.preview):
        job.problems = _sorted(plan.problems) or [_whole_file_problem(STALE_TEXT)]
        job.status = JobStatus.CHECKED
        job.finished_at = timezone.now()
        job.save(update_fields=["problems", "status", "finished_at"])
        return job
    plan = _apply(job, plan, commit=True)
    return _finish(job, plan, kept=not plan.problems)


def _reread(job: ImportJob) -> Book | None:
    data = job.file.open("rb").read()
    job.file.close()
    if hashlib.sha256(data).hexdigest() != job.sha256:
        raise InvalidInput(_("The stored file has changed since it was checked."))
    try:
        return read(data, job.file_name)
    except FileRefused as refused:
        _refuse(job, refused)
        return None


def _lock_tasks(job: ImportJob, book: Book) -> None:
    codes = {
        str(r.cells.get("code") or r.cells.get("task") or "").strip()
        for rows in book.sheets.values()
        for r in rows
    }
    tasks = list(
        Task.objects.select_for_update()
        .filter(initiative=job.initiative, code__in=codes)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # A milestone is edited under its own lock, not its task's.
    list(
        Milestone.objects.select_for_update()
        .filter(task_id__in=tasks)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _entries(preview: dict) -> dict:
    """The creates, changes (old → new) and unchanged rows of a preview, as
    stored (JSON) so a fresh plan compares with the one kept on the job."""
    keys = ("create", "change", "unchanged")
    return json.loads(
        json.dumps({k: preview.get(k, []) for k in keys}, cls=DjangoJSONEncoder)
    )


def _progress(job: ImportJob):
    def progress(done):
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done)

    return progress


def _finish(job: ImportJob, plan: Plan, *, kept: bool) -> ImportJob:
    job.preview = plan.preview()
    job.preview["summary"] = plan.summary()
    job.problems = _sorted(plan.problems)
    job.rows_done = job.rows_total
    job.status = JobStatus.DONE if kept else JobStatus.CHECKED
    job.finished_at = timezone.now()
    job.save(
        update_fields=["preview", "problems", "rows_done", "status", "finished_at"]
    )
    return job


def _apply(job: ImportJob, plan: Plan, *, commit: bool) -> Plan:
    if plan.problems:
        # Nothing to try: the rows already refused would refuse the lot.
        return plan
    actor = job.uploaded_by
    try:
        with (
            transaction.atomic(),
            pghistory.context(
                user=actor.pk, reason=audit_reason(job), import_job=job.pk
            ),
        ):
            plan_apply(plan=plan, initiative=job.initiative, actor=actor)
            if plan.problems or not commit:
                raise _Rollback()
    except _Rollback:
        pass
    return plan
