"""Exports as downloads: small ones written in the request, large ones as a
job row the worker fills (the page and the API show its status and offer the
file when it is done).

Up to `SYNC_LIMIT` tasks the file is written during the request; above it
the request only writes the row (house rule 11). Measured: 500 tasks take
about 1 s as XLSX and 0.3 s as CSV on the development machine, so the line is
drawn there rather than at the issue's example of 2,000 (about 4 s).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation

from config.exceptions import NotFound

from ..models import ExportJob
from .csv import export_csv
from .data import export_data, filtered_tasks
from .xlsx import export_xlsx

log = logging.getLogger(__name__)

# More tasks than this and the export is a job for the worker.
SYNC_LIMIT = 500
CONTENT_TYPES = {
    ExportJob.Format.XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    ExportJob.Format.CSV: "text/csv; charset=utf-8",
}
WRITERS = {ExportJob.Format.XLSX: export_xlsx, ExportJob.Format.CSV: export_csv}


def file_name(fmt: str, today) -> str:
    return f"tasks-{today:%Y%m%d}.{fmt}"


def export_render(*, user, tasks, fmt: str, today) -> bytes:
    """The file for these filtered, scoped tasks, in the active language."""
    return WRITERS[fmt](export_data(user=user, tasks=tasks, today=today))


@transaction.atomic
def export_job_request(*, user, fmt: str, source: str, query: str) -> ExportJob:
    """The row of a large export, handed to the worker when it commits."""
    job = ExportJob.objects.create(
        user=user,
        format=fmt,
        source=source,
        query=query,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: _publish(job.pk))
    return job


def _publish(job_id: int) -> None:
    from config.celery import publish

    from .tasks import run_export_job

    try:
        publish(run_export_job, args=[job_id], queue=settings.REPORTS_QUEUE)
    except Exception:
        # The row stays queued: the worker's sweep on (re)connecting publishes it.
        log.warning("export job %s could not be queued", job_id)


def export_job_sweep() -> int:
    """Publish again the jobs still queued (the broker was away when they were
    asked for, or their worker died mid-file: its transaction rolled back to
    queued). A job published twice is written once (`export_job_run`).
    Jobs older than a day are left: nobody is waiting for them any more."""
    since = timezone.now() - dt.timedelta(days=1)
    pending = list(
        ExportJob.objects.filter(
            status=ExportJob.Status.QUEUED, requested_at__gte=since
        ).values_list("pk", flat=True)
    )
    for pk in pending:
        _publish(pk)
    return len(pending)


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's file; safe to run twice (a finished job is left alone,
    and a second worker waits for the first's row lock)."""
    from reports.storage import write_atomically

    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update().select_related("user").get(pk=job_id)
        )
        if job.status == ExportJob.Status.DONE:
            return job
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
        today = timezone.localdate(job.requested_at)
        try:
            with translation.override(job.language):
                tasks = filtered_tasks(
                    user=job.user,
                    query=QueryDict(job.query),
                    source=job.source,
                    today=today,
                )
                data = export_data(user=job.user, tasks=tasks, today=today)
                content = WRITERS[job.format](data)
        except Exception as error:
            job.status = ExportJob.Status.FAILED
            job.error = str(error)[:2000]
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            log.exception("export job %s failed", job_id)
            return job
        name = (
            f"exports/{today:%Y}/{job.pk}-{secrets.token_hex(8)}/"
            f"{file_name(job.format, today)}"
        )
        job.size, _digest = write_atomically(name, content)
        job.file = name
        job.task_count = len(data.tasks)
        job.status = ExportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["size", "file", "task_count", "status", "finished_at"])
    return job


def export_job_get_for_user(*, user, pk) -> ExportJob:
    """The user's own job; another's is the same 404 as none."""
    try:
        return ExportJob.objects.get(pk=pk, user=user)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
