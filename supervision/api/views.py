"""The API of the joint office's workbench and of 催办 by hand: plumbing only.
Each view reads through a selector scoped to the caller (404 for what it may
not see, 403 for the workbench to anyone but the office), validates a strict
body and makes one service call."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.concurrency import ETagMixin, expected_version
from config.api.idempotency import idempotent
from config.api.inputs import validated
from config.api.schema import creating, etag
from tracker.selectors import task_visible_for_user

from ..selectors.office import office_workbench_for_user
from ..selectors.urges import (
    urge_list_for_user,
    urge_target_get_for_user,
    urge_target_list_for_user,
)
from ..services.urges import urge_answer, urge_send
from . import inputs
from .serializers import OfficeSerializer, UrgeSerializer, UrgeTargetSerializer


class OfficeView(APIView):
    """What waits for the joint office (督办工作台): extension requests to
    decide, overdue items not urged lately, completion claims the
    counterpart has left waiting, light overrides ending soon; each section
    with its count. The joint office's only: anyone else gets 403."""

    @extend_schema(responses=OfficeSerializer)
    def get(self, request):
        bench = office_workbench_for_user(user=request.user, today=timezone.localdate())
        return Response(OfficeSerializer(bench).data)


class TaskUrgesView(ETagMixin, generics.GenericAPIView):
    """The 催办记录 of a task: its urges, reminders and notices, newest first,
    each party addressed with its answer. A POST sends a 催办 (the joint
    office; leadership where the task force allows it) to the owner parties
    that still owe something on the item, conditioned on the task's version."""

    serializer_class = UrgeSerializer

    def get_queryset(self):
        return urge_list_for_user(user=self.request.user)

    def _task(self):
        task = task_visible_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self._etag_read_object = task
        return task

    @extend_schema(
        responses=UrgeSerializer(many=True), request=None, parameters=[etag("task")]
    )
    def get(self, request, pk):
        """The 催办记录 of a task: its urges, reminders and notices, newest
        first, each owner party addressed with its answer and how long it
        took. Carries the task's ETag, which a 催办 sends as If-Match."""
        task = self._task()
        page = self.paginate_queryset(self.get_queryset().filter(task=task))
        return self.get_paginated_response(UrgeSerializer(page, many=True).data)

    @extend_schema(
        request=inputs.UrgeInput,
        responses={201: UrgeSerializer},
        parameters=creating("task", (201,)),
    )
    @idempotent
    def post(self, request, pk):
        """催办: the joint office (leadership too, where the task force allows
        it) urges the owner parties that still owe something on the item, or
        the party of the milestone named; their coordinators are told. Only
        while the item is worked on; conditioned on the task's version."""
        task = self._task()
        data = validated(inputs.UrgeInput, request)
        urge = urge_send(
            task=task,
            actor=request.user,
            message=data["message"],
            milestone=data.get("milestone"),
            expected_version=expected_version(request, task),
        )
        # The task's version is as it was: the ETag the client sent still holds.
        self.etag_object = task
        urge = self.get_queryset().get(pk=urge.pk)
        return Response(UrgeSerializer(urge).data, status=status.HTTP_201_CREATED)


class UrgeTargetViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One owner party addressed by an urge, and its answer. A coordinator of
    that party answers it, once (a progress update of the party answers it
    too); anyone else is refused."""

    serializer_class = UrgeTargetSerializer

    def get_queryset(self):
        return urge_target_list_for_user(user=self.request.user)

    def get_object(self):
        return urge_target_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request=inputs.UrgeAnswerInput,
        responses=UrgeTargetSerializer,
        parameters=creating(None, (200,)),
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def answer(self, request, pk=None):
        """A coordinator of the party addressed answers, once; the sender of
        the 催办 is told. Notices (通报) are not answered (409)."""
        target = self.get_object()
        data = validated(inputs.UrgeAnswerInput, request)
        urge_answer(target=target, actor=request.user, reply=data["reply"])
        # Read again through the selector: the answer with its answerer.
        return Response(UrgeTargetSerializer(self.get_object()).data)
