"""The import's jobs: upload, dry run, import. Every write to the task list
goes through tracker.services (imports.apply); these functions only keep the
job row, run the plan and choose where it runs (here, or the worker for a
large file)."""

from __future__ import annotations

import hashlib
import logging

import pghistory
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import grants
from config.exceptions import InvalidInput, PermissionDenied
from tracker.models import Initiative

from .apply import plan_apply
from .columns import SHEETS
from .models import ImportJob, JobStatus
from .plan import Plan, plan_build
from .problems import FileRefused, Problem
from .reader import read

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
    if job.status != JobStatus.CHECKED or job.problems:
        raise InvalidInput(_("Only a file checked without problems can be imported."))
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.COMMITTING, commit_requested=True, rows_done=0
    )
    job.refresh_from_db()
    if job.in_worker:
        transaction.on_commit(lambda: _enqueue(job, commit=True))
    else:
        import_job_run(job_id=job.pk, commit=True)
        job.refresh_from_db()
    return job


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


def _refuse(job: ImportJob, refused: FileRefused) -> None:
    texts = refused.texts()
    job.status = JobStatus.REFUSED
    job.problems = [
        {
            "sheet": "",
            "sheet_en": "",
            "row": None,
            "column": None,
            "column_zh": "",
            "column_en": "",
            "zh": texts["zh-hans"],
            "en": texts["en"],
        }
    ]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "problems", "finished_at"])


def _sorted(problems: list[Problem]) -> list[dict]:
    def key(p: Problem):
        columns = [c.key for c in SHEETS.get(p.sheet, [])]
        col = columns.index(p.column) if p.column in columns else -1
        return (SHEET_ORDER.get(p.sheet, -1), p.row or 0, col)

    return [p.as_dict() for p in sorted(problems, key=key)]


def import_job_run(*, job_id: int, commit: bool, book=None) -> ImportJob | None:
    """The dry run (`commit=False`: everything is done, then rolled back) or
    the import (kept only when nothing at all was refused)."""
    job = ImportJob.objects.select_related("initiative", "uploaded_by").get(pk=job_id)
    if commit and job.status == JobStatus.DONE:
        return job  # safe to run twice
    if book is None:
        data = job.file.open("rb").read()
        job.file.close()
        if hashlib.sha256(data).hexdigest() != job.sha256:
            raise InvalidInput(_("The stored file has changed since it was checked."))
        try:
            book = read(data, job.file_name)
        except FileRefused as refused:
            _refuse(job, refused)
            return job
    if not commit:
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKING)

    def progress(done):
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done)

    plan = plan_build(initiative=job.initiative, book=book, progress=progress)
    plan = _apply(job, plan, commit=commit and not plan.problems)
    kept = commit and not plan.problems
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
