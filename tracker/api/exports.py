"""The task list's exports in the API: `GET /api/v1/tasks/export.xlsx` and
`…/export.csv` take the task list's own query parameters (filters and
`ordering`, strict as the list is) and answer the file; a larger export than
`SYNC_LIMIT` tasks answers 202 with the job the worker fills, whose status is
at `/api/v1/export-jobs/{id}/` and whose file, once done, at its `download/`."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.reverse import reverse

from config.exceptions import NotFound

from ..exports import jobs
from ..exports.data import API_ORDERING, api_tasks
from ..models import ExportJob
from ..selectors import task_list_for_user
from ..views.exports import file_response
from . import filters


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "format",
            "status",
            "task_count",
            "size",
            "requested_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        return reverse(
            "api:export-job-download", args=[job.pk], request=self.context["request"]
        )


class _TaskExportView(generics.GenericAPIView):
    # The list's filter and ordering, declared for the schema; the export reads
    # them through `api_tasks`, which the worker uses too.
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = filters.TaskFilter
    ordering_fields = list(API_ORDERING)
    serializer_class = ExportJobSerializer
    pagination_class = None
    fmt = ""

    def get_queryset(self):
        return task_list_for_user(user=self.request.user)

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        tasks = api_tasks(user=request.user, query=request.query_params, today=today)
        if tasks.count() > jobs.SYNC_LIMIT:
            job = jobs.export_job_request(
                user=request.user,
                fmt=self.fmt,
                source=ExportJob.Source.API,
                query=request.query_params.urlencode(),
            )
            location = reverse("api:export-job", args=[job.pk], request=request)
            data = ExportJobSerializer(job, context={"request": request}).data
            return Response(
                data, status=status.HTTP_202_ACCEPTED, headers={"Location": location}
            )
        content = jobs.export_render(
            user=request.user, tasks=tasks, fmt=self.fmt, today=today
        )
        return file_response(content, self.fmt, jobs.file_name(self.fmt, today))


_ACCEPTED = {
    (202, "application/json"): OpenApiResponse(
        ExportJobSerializer,
        description=(
            "More tasks than are written during the request: the job the "
            "worker fills. Poll the Location, then download the file."
        ),
    ),
}
_XLSX = jobs.CONTENT_TYPES[ExportJob.Format.XLSX]
_CSV = jobs.CONTENT_TYPES[ExportJob.Format.CSV].split(";")[0]


class TaskExportXlsxView(_TaskExportView):
    fmt = ExportJob.Format.XLSX

    @extend_schema(
        operation_id="tasks_export_xlsx",
        summary="The filtered task list as an XLSX workbook",
        description="Sheets 事项 (tasks), 节点 (milestones) and 指标 (indicators).",
        responses={(200, _XLSX): OpenApiTypes.BINARY, **_ACCEPTED},
        filters=True,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TaskExportCsvView(_TaskExportView):
    fmt = ExportJob.Format.CSV

    @extend_schema(
        operation_id="tasks_export_csv",
        summary="The filtered task list as CSV (UTF-8 with a byte-order mark)",
        responses={(200, _CSV): OpenApiTypes.BINARY, **_ACCEPTED},
        filters=True,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ExportJobView(generics.GenericAPIView):
    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()  # for the schema; jobs come from get_object

    def get_object(self):
        return jobs.export_job_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )

    def get(self, request, pk):
        job = self.get_object()
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class ExportJobDownloadView(ExportJobView):
    @extend_schema(
        responses={(200, _XLSX): OpenApiTypes.BINARY, (200, _CSV): OpenApiTypes.BINARY}
    )
    def get(self, request, pk):
        job = self.get_object()
        if job.status != ExportJob.Status.DONE:
            raise NotFound()
        return FileResponse(
            default_storage.open(job.file, "rb"),
            as_attachment=True,
            filename=jobs.file_name(job.format, timezone.localdate(job.requested_at)),
            content_type=jobs.CONTENT_TYPES[job.format],
        )
