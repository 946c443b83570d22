"""The REST API: plumbing only. Each view checks who is asking, validates the
input, reads through a selector (404 for what the caller may not see), makes
one service call and serialises the result."""

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts.serializers import MeSerializer
from config.api.concurrency import ETagMixin, expected_version
from config.api.idempotency import idempotent
from config.api.inputs import validated
from config.api.pagination import PageNumberPagination
from config.api.schema import conditional, creating, etag
from config.api.uploads import KINDS, evidence_response
from config.exceptions import NotFound

from .. import selectors, services
from ..exports.data import API_ORDERING
from ..models import Task
from ..selectors import task_rows
from . import filters, inputs
from .serializers import (
    AgencySerializer,
    AttentionItemSerializer,
    ExtensionRequestSerializer,
    IndicatorSerializer,
    InitiativeSerializer,
    MilestoneSerializer,
    OwnerSerializer,
    PartySerializer,
    PostedProgressUpdateSerializer,
    ProgressUpdateSerializer,
    ReadingSerializer,
    TaskDetailSerializer,
    TaskSerializer,
    WorkStreamSerializer,
)


def _task_version(request, task_id: int) -> int:
    """The task version named in If-Match, for writes under a task whose rows
    have no version of their own; the service compares it under the row lock."""
    return expected_version(request, Task.objects.only("pk", "version").get(pk=task_id))


def _transition_action(name: str, service, input_class):
    """The POST action `name` of the task view set: validate `input_class`,
    call `service` on the task with the version from If-Match, answer with the
    task's detail."""

    def view(self, request, pk=None):
        return self._transition(request, service, input_class)

    view.__name__ = view.__qualname__ = name
    view.__doc__ = service.__doc__
    return extend_schema(
        request=input_class,
        responses=TaskDetailSerializer,
        parameters=creating("task", (200,)),
    )(
        action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(
            idempotent(view)
        )
    )


class MeView(APIView):
    """Who am I: my roles and my parties."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = account_selectors.user_with_memberships(user=request.user)
        return Response(MeSerializer(user).data)


class InitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InitiativeSerializer
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return (
            selectors.initiative_list_for_user(user=self.request.user)
            .prefetch_related("parties")
            .order_by("code")
        )


class PartyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PartySerializer
    search_fields = ["name", "code"]

    def get_queryset(self):
        return selectors.party_list_for_user(user=self.request.user)


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    search_fields = ["name", "short_name"]
    filterset_class = filters.AgencyFilter

    def get_queryset(self):
        return selectors.agency_list_for_user(user=self.request.user)


class WorkStreamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkStreamSerializer
    filterset_class = filters.WorkStreamFilter

    def get_queryset(self):
        return selectors.work_stream_list_for_user(user=self.request.user)


@extend_schema_view(retrieve=extend_schema(parameters=[etag("task")]))
class TaskViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    # The search is the task list's filter's own (tracker/filters.py), as on
    # the page, so DRF's search backend is not used here.
    filter_backends = [DjangoFilterBackend, filters.TaskOrdering]
    filterset_class = filters.TaskFilter
    # `light` sorts the most severe first; `light`, `overdue_days` and
    # `next_due` are the stored light's columns (filters.ORDERING_TERMS).
    # The same as the list's export (tracker.api.exports).
    ordering_fields = list(API_ORDERING)
    # Unless asked otherwise, by code (the id breaks ties between
    # initiatives): read through the code's index and stopped after a page,
    # where the pages' order by work stream would sort every visible task.
    ordering = ["code", "id"]

    def get_queryset(self):
        if self.action == "list":
            return task_rows.task_rows_for_user(user=self.request.user)
        return selectors.task_list_for_user(user=self.request.user)

    # What may come with a list request without narrowing it.
    NOT_FILTERS = frozenset({"page", "page_size", "ordering", "format"})

    def list(self, request, *args, **kwargs):
        tasks = self.filter_queryset(self.get_queryset())  # 400 on a bad filter
        # Nothing filtered, or only the light: every task the user sees (of
        # those lights), whose number the initiatives' stored counts give
        # without counting the rows.
        filters = request.query_params.keys() - self.NOT_FILTERS
        known = None
        if not filters:
            known = task_rows.visible_task_count(user=request.user)
        elif filters == {"light"}:
            lights = request.query_params.getlist("light")
            known = task_rows.visible_task_count(user=request.user, lights=lights)
        self.paginator.known_count = known
        page = self.paginate_queryset(tasks)
        # The page's owners in one query of plain rows (selectors.task_rows.owner_rows).
        owners = task_rows.owner_rows([task.pk for task in page])
        for task in page:
            task.owner_rows = owners[task.pk]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_serializer_class(self):
        return TaskDetailSerializer if self.action == "retrieve" else TaskSerializer

    def get_object(self):
        # The full detail only for GET; actions need just the row and its version.
        if self.action == "retrieve":
            task = selectors.task_get_for_user(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        else:
            task = selectors.task_visible_for_user(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        self._etag_read_object = task
        return task

    def _respond(self, task_pk, status_code=status.HTTP_200_OK):
        task = selectors.task_get_for_user(user=self.request.user, pk=task_pk)
        self.etag_object = task
        serializer = TaskDetailSerializer(task, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    @extend_schema(
        request=inputs.TaskPatchInput,
        responses=TaskDetailSerializer,
        parameters=conditional("task"),
    )
    def partial_update(self, request, pk=None):
        task = self.get_object()
        data = validated(inputs.TaskPatchInput, request)
        services.task_update(
            task=task,
            actor=request.user,
            expected_version=expected_version(request, task),
            **data,
        )
        return self._respond(task.pk)

    def _transition(self, request, service, input_class, **extra):
        task = self.get_object()
        data = validated(input_class, request)
        service(
            task=task,
            actor=request.user,
            expected_version=expected_version(request, task),
            **data,
            **extra,
        )
        return self._respond(task.pk)

    # A task's state changes, one line each: the action's name (its URL is the
    # name with dashes), its service and its input. Each is a POST that takes
    # If-Match and Idempotency-Key and answers with the task's detail.
    start = _transition_action("start", services.task_start, inputs.StartInput)
    claim_completion = _transition_action(
        "claim_completion", services.task_claim_completion, inputs.ClaimInput
    )
    confirm_completion = _transition_action(
        "confirm_completion", services.task_confirm_completion, inputs.ConfirmInput
    )
    reject_completion = _transition_action(
        "reject_completion", services.task_reject_completion, inputs.RejectInput
    )
    suspend = _transition_action("suspend", services.task_suspend, inputs.ReasonInput)
    resume = _transition_action("resume", services.task_resume, inputs.ResumeInput)
    cancel = _transition_action("cancel", services.task_cancel, inputs.ReasonInput)
    reopen = _transition_action("reopen", services.task_reopen, inputs.ReasonInput)

    @extend_schema(
        request=inputs.ExtensionInput,
        responses={201: ExtensionRequestSerializer},
        parameters=creating("task", (201,)),
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    @idempotent
    def request_extension(self, request, pk=None):
        task = self.get_object()
        data = validated(inputs.ExtensionInput, request)
        extension = services.task_request_extension(
            task=task,
            actor=request.user,
            expected_version=expected_version(request, task),
            **data,
        )
        self.etag_object = selectors.task_visible_for_user(
            user=request.user, pk=task.pk
        )
        return Response(
            ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=inputs.LightOverrideInput,
        responses=TaskDetailSerializer,
        parameters=creating("task", (200,)),
    )
    @action(detail=True, methods=["post"], url_path="light-override")
    @idempotent
    def light_override(self, request, pk=None):
        return self._transition(
            request, services.light_override_set, inputs.LightOverrideInput
        )

    @extend_schema(
        request=None,
        responses={200: TaskDetailSerializer},
        parameters=conditional("task"),
    )
    @light_override.mapping.delete
    def clear_light_override(self, request, pk=None):
        task = self.get_object()
        services.light_override_clear(
            task=task,
            actor=request.user,
            expected_version=expected_version(request, task),
        )
        return self._respond(task.pk)

    @extend_schema(
        methods=["get"],
        responses=ProgressUpdateSerializer(many=True),
        request=None,
        parameters=[etag("task")],
    )
    @extend_schema(
        methods=["post"],
        request={
            "application/json": inputs.ProgressUpdateInput,
            "multipart/form-data": inputs.ProgressUpdateInput,
        },
        responses={201: PostedProgressUpdateSerializer},
        parameters=creating("part", (201,)),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="progress-updates",
        filter_backends=[],
    )
    def progress_updates(self, request, pk=None):
        if request.method == "GET":
            task = self.get_object()
            updates = selectors.progress_update_list_for_user(user=request.user).filter(
                task=task
            )
            page = self.paginate_queryset(updates)
            return self.get_paginated_response(
                ProgressUpdateSerializer(page, many=True).data
            )
        return self._post_progress_update(request, pk)

    @idempotent
    def _post_progress_update(self, request, pk):
        task = self.get_object()
        data = validated(inputs.ProgressUpdateInput, request, task=task)
        # The If-Match names the reporting party's part, which has its own
        # version: parties never make each other's updates stale.
        part = selectors.reporting_part_for_user(
            user=request.user, task=task, party=data.get("party")
        )
        update = services.progress_update_post(
            task=task,
            actor=request.user,
            **data,
            expected_version=expected_version(request, part),
        )
        self.etag_object = update.part
        return Response(
            PostedProgressUpdateSerializer(update).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(retrieve=extend_schema(parameters=[etag("milestone")]))
class MilestoneViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MilestoneSerializer
    filterset_class = filters.MilestoneFilter
    search_fields = ["title"]
    ordering_fields = ["due_date", "title", "status"]

    def get_queryset(self):
        return selectors.milestone_list_for_user(user=self.request.user)

    def get_object(self):
        milestone = selectors.milestone_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self._etag_read_object = milestone
        return milestone

    @extend_schema(
        request=inputs.MilestonePatchInput,
        responses=MilestoneSerializer,
        parameters=conditional("milestone"),
    )
    def partial_update(self, request, pk=None):
        milestone = self.get_object()
        data = validated(inputs.MilestonePatchInput, request)
        updated = services.milestone_update(
            milestone=milestone,
            actor=request.user,
            expected_version=expected_version(request, milestone),
            **data,
        )
        self.etag_object = updated
        return Response(MilestoneSerializer(updated).data)


def _task_of(obj):
    return obj.task


@extend_schema_view(retrieve=extend_schema(parameters=[etag("task")]))
class IndicatorViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    """An indicator has no version of its own: a reading moves its task's, so
    a read of the indicator carries the task's ETag for the next reading."""

    serializer_class = IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    search_fields = ["name"]
    etag_source = staticmethod(_task_of)

    def get_queryset(self):
        return selectors.indicator_list_for_user(user=self.request.user)

    def get_object(self):
        indicator = selectors.indicator_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self._etag_read_object = indicator
        return indicator

    @extend_schema(
        methods=["get"],
        responses=ReadingSerializer(many=True),
        request=None,
        parameters=[etag("task")],
    )
    @extend_schema(
        methods=["post"],
        request={
            "multipart/form-data": inputs.ReadingInput,
            "application/json": inputs.ReadingInput,
        },
        responses={201: ReadingSerializer},
        parameters=creating("task", (201,)),
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def readings(self, request, pk=None):
        indicator = self.get_object()
        if request.method == "GET":
            readings = selectors.reading_list_for_user(user=request.user).filter(
                indicator=indicator
            )
            page = self.paginate_queryset(readings)
            return self.get_paginated_response(ReadingSerializer(page, many=True).data)
        return self._record(request, indicator)

    @idempotent
    def _record(self, request, indicator):
        data = validated(inputs.ReadingInput, request)
        reading = services.indicator_reading_record(
            indicator=indicator,
            actor=request.user,
            **data,
            expected_version=_task_version(request, indicator.task_id),
        )
        self.etag_object = selectors.task_visible_for_user(
            user=request.user, pk=indicator.task_id
        )
        return Response(ReadingSerializer(reading).data, status=status.HTTP_201_CREATED)


class ReadingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReadingSerializer
    filterset_class = filters.ReadingFilter

    def get_queryset(self):
        return selectors.reading_list_for_user(user=self.request.user)

    def get_object(self):
        return selectors.reading_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )

    @extend_schema(
        responses={
            (200, media_type): OpenApiTypes.BINARY
            for _extensions, media_type in KINDS.values()
        }
    )
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        reading = self.get_object()
        if not reading.evidence:
            raise NotFound()
        return evidence_response(reading.evidence, filename=reading.evidence.name)


class ProgressUpdateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgressUpdateSerializer
    filterset_class = filters.ProgressUpdateFilter
    search_fields = ["narrative"]

    def get_queryset(self):
        return selectors.progress_update_list_for_user(user=self.request.user)


@extend_schema_view(retrieve=extend_schema(parameters=[etag("task")]))
class ExtensionRequestViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    """A decision moves the task's due date, so it is conditioned on the task's
    version, and a read of the request carries the task's ETag."""

    serializer_class = ExtensionRequestSerializer
    filterset_class = filters.ExtensionRequestFilter
    etag_source = staticmethod(_task_of)

    def get_queryset(self):
        return selectors.extension_request_list_for_user(user=self.request.user)

    def get_object(self):
        extension = selectors.extension_request_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self._etag_read_object = extension
        return extension

    @extend_schema(
        request=inputs.ExtensionDecisionInput,
        responses=ExtensionRequestSerializer,
        parameters=creating("task", (200,)),
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def decide(self, request, pk=None):
        extension = self.get_object()
        data = validated(inputs.ExtensionDecisionInput, request)
        decided = services.extension_request_decide(
            request=extension,
            actor=request.user,
            **data,
            expected_version=_task_version(request, extension.task_id),
        )
        self.etag_object = selectors.task_visible_for_user(
            user=request.user, pk=extension.task_id
        )
        return Response(ExtensionRequestSerializer(decided).data)


@extend_schema_view(retrieve=extend_schema(parameters=[etag("task")]))
class OwnerViewSet(ETagMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A change of an owner's contact or agency moves its task's version, so
    those writes are conditioned on the task's and reads carry its ETag. The
    row's own `version` (and `etag` field) is its party's part of the item:
    what the party's progress updates name."""

    serializer_class = OwnerSerializer
    etag_source = staticmethod(_task_of)

    def get_object(self):
        owner = selectors.owner_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self._etag_read_object = owner
        return owner

    def get_queryset(self):  # only for the schema; objects come from get_object
        return selectors.owner_list_for_user(user=self.request.user)

    @extend_schema(
        request=inputs.OwnerPatchInput,
        responses=OwnerSerializer,
        parameters=conditional("task"),
    )
    def partial_update(self, request, pk=None):
        owner = self.get_object()
        data = validated(inputs.OwnerPatchInput, request)
        updated = services.task_owner_update(
            owner=owner,
            actor=request.user,
            **data,
            expected_version=_task_version(request, owner.task_id),
        )
        self.etag_object = selectors.task_visible_for_user(
            user=request.user, pk=owner.task_id
        )
        return Response(OwnerSerializer(updated).data)


class AttentionPagination(PageNumberPagination):
    """The API's pages, with how many items of each kind wait in all."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["counts"] = self.page.paginator.object_list.counts
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["counts"] = {
            "type": "object",
            "description": "How many items of each kind wait, on all pages.",
            "properties": {
                kind: {"type": "integer"} for kind in selectors.ATTENTION_KINDS
            },
            "required": list(selectors.ATTENTION_KINDS),
        }
        schema["required"] = [*schema.get("required", []), "counts"]
        return schema


class AttentionView(generics.ListAPIView):
    """What needs the caller's attention now, a page at a time: claims to
    confirm, milestones overdue and due soon, extension requests to decide
    (in that order), with the count of each kind."""

    serializer_class = AttentionItemSerializer
    pagination_class = AttentionPagination
    filter_backends: list = []

    def get_queryset(self):
        return selectors.attention_list_for_user(
            user=self.request.user, today=timezone.localdate()
        )
