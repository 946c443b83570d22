"""The joint office's import page (/imports/): the template, an upload, its
dry run, the import. Plumbing only: imports.services does the work."""

from __future__ import annotations

import contextlib
import io

from django import forms
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.exceptions import DomainError
from supervision.views import office_only
from tracker.models import Initiative

from . import services
from .models import ImportJob, JobStatus
from .template import template_build

PREVIEW_ROWS = 200


class UploadForm(forms.Form):
    initiative = forms.ModelChoiceField(
        label=gettext_lazy("Initiative"),
        queryset=Initiative.objects.all(),
        to_field_name="code",
        empty_label=None,
    )
    file = forms.FileField(
        label=gettext_lazy("Task list file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def job_for_user(user, pk: int) -> ImportJob:
    """A job of the user's own; anyone else's is not found."""
    job = (
        ImportJob.objects.select_related("initiative")
        .filter(pk=pk, uploaded_by=user)
        .first()
    )
    if job is None:
        raise Http404()
    return job


@office_only
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                initiative=form.cleaned_data["initiative"],
                actor=request.user,
                file_name=upload.name,
                data=upload.read(),
            )
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            return redirect("imports:job", pk=job.pk)
    jobs = ImportJob.objects.filter(uploaded_by=request.user).select_related(
        "initiative"
    )[:10]
    status = 400 if form.errors else 200
    return render(
        request, "imports/upload.html", {"form": form, "jobs": jobs}, status=status
    )


@office_only
@require_GET
def template(request):
    code = request.GET.get("initiative")
    initiative = (
        Initiative.objects.filter(code=code).first()
        if code
        else Initiative.objects.first()
    )
    if initiative is None:
        raise Http404()
    data = template_build(initiative=initiative)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"合作事项清单导入模板-{initiative.code}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _problem_rows(job: ImportJob) -> list[dict]:
    english = (get_language() or "").startswith("en")
    return [
        {
            "sheet": p["sheet_en"] if english else p["sheet"],
            "row": p["row"],
            "column": p["column_en"] if english else p["column_zh"],
            "message": p["en"] if english else p["zh"],
        }
        for p in job.problems
    ]


def _preview(job: ImportJob) -> dict:
    english = (get_language() or "").startswith("en")
    out = {}
    for action in ("create", "change", "unchanged"):
        rows = []
        for entry in (job.preview or {}).get(action, [])[:PREVIEW_ROWS]:
            rows.append(
                {
                    **entry,
                    "changes": [
                        {
                            "column": c["column_en"] if english else c["column_zh"],
                            "old": c["old"],
                            "new": c["new"],
                        }
                        for c in entry["changes"]
                    ],
                }
            )
        out[action] = rows
    return out


@office_only
@require_GET
def job(request, pk: int):
    job = job_for_user(request.user, pk)
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "problems": _problem_rows(job),
            "preview": _preview(job),
            "summary": (job.preview or {}).get("summary", {}),
            "running": job.status
            in (JobStatus.QUEUED, JobStatus.CHECKING, JobStatus.COMMITTING),
            "can_commit": job.status == JobStatus.CHECKED and not job.problems,
            "preview_rows": PREVIEW_ROWS,
        },
    )


@office_only
@require_POST
def commit(request, pk: int):
    job = job_for_user(request.user, pk)
    # Refused, the job page says what the job's state is.
    with contextlib.suppress(DomainError):
        services.import_job_commit(job=job, actor=request.user)
    return redirect("imports:job", pk=job.pk)


@office_only
@require_GET
def status(request, pk: int):
    job = job_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": str(job.get_status_display()),
            "percent": job.percent,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "finished": job.finished_at is not None
            and job.status not in (JobStatus.COMMITTING, JobStatus.CHECKING),
            "url": reverse("imports:job", args=[job.pk]),
        }
    )


urlpatterns = [
    path("", upload, name="upload"),
    path("template.xlsx", template, name="template"),
    path("<int:pk>/", job, name="job"),
    path("<int:pk>/commit/", commit, name="commit"),
    path("<int:pk>/status/", status, name="status"),
]
