"""Web pages: the task list's exports (XLSX and CSV of the filtered list) and
the status page of a large export the worker writes. Plumbing only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from config.exceptions import NotFound

from ..exports import jobs
from ..exports.data import page_tasks
from ..models import ExportJob


def _query(request) -> str:
    # The page number is the list's, not the export's: every page's tasks.
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=jobs.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=name
    )
    return response


@login_required
@require_GET
def task_export(request, fmt: str):
    user, today = request.user, timezone.localdate()
    tasks = page_tasks(user=user, query=request.GET, today=today)
    if tasks.count() > jobs.SYNC_LIMIT:
        job = jobs.export_job_request(
            user=user, fmt=fmt, source=ExportJob.Source.PAGE, query=_query(request)
        )
        return redirect("tracker:export_job", pk=job.pk)
    content = jobs.export_render(user=user, tasks=tasks, fmt=fmt, today=today)
    return file_response(content, fmt, jobs.file_name(fmt, today))


def _job(request, pk) -> ExportJob:
    try:
        return jobs.export_job_get_for_user(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def export_job(request, pk: int):
    job = _job(request, pk)
    return render(request, "tracker/export_job.html", {"job": job})


@login_required
@require_GET
def export_job_download(request, pk: int):
    job = _job(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    return FileResponse(
        default_storage.open(job.file, "rb"),
        as_attachment=True,
        filename=jobs.file_name(job.format, timezone.localdate(job.requested_at)),
        content_type=jobs.CONTENT_TYPES[job.format],
    )


urlpatterns: list = [
    re_path(r"^tasks/export\.(?P<fmt>xlsx|csv)$", task_export, name="task_export"),
    path("tasks/exports/<int:pk>/", export_job, name="export_job"),
    path(
        "tasks/exports/<int:pk>/download/",
        export_job_download,
        name="export_job_download",
    ),
]
