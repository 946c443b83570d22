"""What an item waits for, in the API: `/api/v1/tasks/{id}/dependencies/`
lists both sides and records a new one (If-Match of the task,
Idempotency-Key); `/api/v1/dependencies/{id}/` reads or removes one (If-Match
of its dependent task)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from config.api.concurrency import ETagMixin, expected_version
from config.api.idempotency import idempotent
from config.api.inputs import ScopedIdField, StrictSerializer, validated
from config.api.schema import conditional, creating, etag
from config.exceptions import InvalidInput, NotFound

from .. import selectors, services
from ..choices import DependencyCause
from ..models import Milestone, Task, TaskDependency
from ..selectors.dependencies import dependency_list_for_task, task_ref_list_for_user


class _TaskRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class _MilestoneRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_date = serializers.DateField()


class _AlertSerializer(serializers.Serializer):
    cause = serializers.ChoiceField(choices=DependencyCause.choices)
    blocker_due = serializers.DateField()
    dependent_due = serializers.DateField()
    opened_at = serializers.DateTimeField()


class DependencySerializer(serializers.ModelSerializer):
    task = _TaskRef(read_only=True)
    milestone = _MilestoneRef(read_only=True, allow_null=True)
    blocker_task = _TaskRef(read_only=True)
    blocker_milestone = _MilestoneRef(read_only=True, allow_null=True)
    alert = serializers.SerializerMethodField(
        help_text=_("The open slip of the blocker holding the item up, if any.")
    )

    class Meta:
        model = TaskDependency
        fields = [
            "id",
            "task",
            "milestone",
            "blocker_task",
            "blocker_milestone",
            "note",
            "created_at",
            "alert",
        ]

    @extend_schema_field(_AlertSerializer(allow_null=True))
    def get_alert(self, dependency) -> dict | None:
        alert = self.context.get("alerts", {}).get(dependency.pk)
        return _AlertSerializer(alert).data if alert is not None else None


class DependencyInput(StrictSerializer):
    blocker_task = ScopedIdField(Task, scope=task_ref_list_for_user)
    milestone = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("A milestone of this item that waits (empty: the whole item)."),
    )
    blocker_milestone = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("A milestone of the blocking item (empty: the whole item)."),
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, data):
        task = self.context["task"]
        errors = {}
        for field, owner in (
            ("milestone", task),
            ("blocker_milestone", data["blocker_task"]),
        ):
            pk = data.get(field)
            if pk is None:
                data[field] = None
                continue
            data[field] = Milestone.objects.filter(pk=pk, task=owner).first()
            if data[field] is None:
                errors[field] = [_("Not a milestone of that item.")]
        if errors:
            raise InvalidInput(field_errors=errors)
        return data


def _alerts(dependencies) -> dict:
    from ..models import DependencyAlert

    return {
        a.dependency_id: a
        for a in DependencyAlert.objects.filter(
            dependency__in=dependencies, closed_at__isnull=True
        )
    }


@extend_schema_view(
    list=extend_schema(
        responses=DependencySerializer(many=True), parameters=[etag("task")]
    ),
    create=extend_schema(
        request=DependencyInput,
        responses={201: DependencySerializer},
        parameters=creating("task", (201,)),
    ),
)
class TaskDependencyViewSet(ETagMixin, viewsets.GenericViewSet):
    """The dependencies of one item, both ways: what it waits for (its
    `task` is the item) and what waits for it (its `blocker_task` is)."""

    serializer_class = DependencySerializer
    filter_backends: list = []
    pagination_class = None

    def _task(self) -> Task:
        task = selectors.task_visible_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self._etag_read_object = task
        return task

    def list(self, request, pk=None):
        task = self._task()
        self.etag_object = task
        rows = list(dependency_list_for_task(task=task))
        context = {**self.get_serializer_context(), "alerts": _alerts(rows)}
        return Response(DependencySerializer(rows, many=True, context=context).data)

    @idempotent
    def create(self, request, pk=None):
        task = self._task()
        data = validated(DependencyInput, request, task=task)
        dependency = services.dependency_add(
            task=task,
            actor=request.user,
            expected_version=expected_version(request, task),
            **data,
        )
        self.etag_object = Task.objects.get(pk=task.pk)
        row = dependency_list_for_task(task=task).get(pk=dependency.pk)
        context = {**self.get_serializer_context(), "alerts": _alerts([row])}
        return Response(
            DependencySerializer(row, context=context).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    retrieve=extend_schema(parameters=[etag("task")]),
    destroy=extend_schema(
        responses={204: None}, parameters=conditional("task", (204,))
    ),
)
class DependencyViewSet(ETagMixin, viewsets.GenericViewSet):
    """One dependency; removing it takes the If-Match of its dependent task."""

    serializer_class = DependencySerializer
    # The model of the path's id for the schema; the rows are get_object's.
    queryset = TaskDependency.objects.none()
    # Anything but a number of up to 19 digits is no dependency: 404 from
    # the router.
    lookup_value_regex = "[0-9]{1,19}"

    def get_object(self):
        dependency = (
            TaskDependency.objects.filter(
                task__in=task_ref_list_for_user(user=self.request.user)
            )
            .select_related("task", "blocker_task", "milestone", "blocker_milestone")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if dependency is None:
            raise NotFound()
        self._etag_read_object = dependency.task
        return dependency

    def retrieve(self, request, pk=None):
        dependency = self.get_object()
        self.etag_object = dependency.task
        context = {**self.get_serializer_context(), "alerts": _alerts([dependency])}
        return Response(DependencySerializer(dependency, context=context).data)

    def destroy(self, request, pk=None):
        dependency = self.get_object()
        services.dependency_remove(
            dependency=dependency,
            actor=request.user,
            expected_version=expected_version(request, dependency.task),
        )
        self.etag_object = Task.objects.get(pk=dependency.task_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
