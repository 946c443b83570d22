"""Throwaway views exercising the reusable API plumbing, and their URLs; used
with @pytest.mark.urls("tests.config.api_test_urls") by the tests/config/test_api_*
modules, so that the project's URLconf stays untouched."""

from __future__ import annotations

import time
import uuid

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.urls import include, path
from rest_framework import exceptions as drf
from rest_framework import mixins, serializers, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts.models import Party
from accounts.services import party_create
from config.api.concurrency import ETagMixin, expected_version
from config.api.idempotency import IdempotentCreateMixin, idempotent
from config.api.uploads import EvidenceFileField
from config.exceptions import InvalidInput, PreconditionFailed, TransitionNotAllowed
from tracker.models import Task

# --- throwaway views ---------------------------------------------------------

RAISERS = {
    "transition": lambda: TransitionNotAllowed(),
    "domain-fields": lambda: InvalidInput(
        field_errors={"due_date": "Must be later.", "title": ["Too short.", "Odd."]}
    ),
    "django-validation": lambda: DjangoValidationError(
        {"name": ["Too long."], "__all__": ["The whole object is wrong."]}
    ),
    "django-validation-plain": lambda: DjangoValidationError("Just wrong."),
    "drf-validation": lambda: serializers.ValidationError(
        {"owners": [{}, {"party": ["Not yours."]}], "title": ["Required."]}
    ),
    "permission": lambda: drf.PermissionDenied(),
    "django-permission": lambda: DjangoPermissionDenied(),
    "http404": lambda: Http404("No Task matches the given query."),
    "not-found": lambda: drf.NotFound(),
    "integrity": lambda: IntegrityError('duplicate key value violates "secret_idx"'),
    "unmapped": lambda: RuntimeError("a bug"),
}


class ProblemView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, kind):
        if kind == "ok":
            return Response({"ok": True})
        raise RAISERS[kind]()

    def post(self, request, kind):
        return Response({"received": request.data})


class PrivateView(APIView):  # the default: IsAuthenticated
    def get(self, request):
        return Response({"user": request.user.username})


class AlwaysThrottle(BaseThrottle):
    def allow_request(self, request, view):
        return False

    def wait(self):
        return 41.2


class ThrottledView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AlwaysThrottle]

    def get(self, request):
        return Response({})


# The "database" of ThingView: pk → current version. The conditional write
# below is what a domain service does with UPDATE … WHERE version = expected.
THINGS: dict[int, int] = {}


class _ThingLookup(GenericAPIView):
    permission_classes = [AllowAny]

    def get_object(self):
        return Task(pk=self.kwargs["pk"], version=THINGS[self.kwargs["pk"]])


class ThingView(ETagMixin, _ThingLookup):
    def get(self, request, pk):
        return Response({"id": pk, "version": self.get_object().version})

    def patch(self, request, pk):
        thing = self.get_object()
        expected = expected_version(request, thing)
        if THINGS[pk] != expected:
            raise PreconditionFailed()
        THINGS[pk] += 1
        self.etag_object = Task(pk=pk, version=THINGS[pk])
        return Response({"id": pk, "version": THINGS[pk]})


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "code", "name"]
        read_only_fields = ["id", "code"]


# Seconds the create below holds its transaction open, so that racing requests
# really overlap.
SLOW_CREATE = {"seconds": 0.0}


class PartyViewSet(
    IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PartySerializer
    queryset = Party.objects.all()

    def perform_create(self, serializer):
        # A fresh code and name every time: without idempotency a retry would
        # create a second row rather than hit a unique constraint.
        suffix = uuid.uuid4().hex[:8]
        serializer.instance = party_create(
            code=f"t{suffix}",
            name=f"{serializer.validated_data['name']}-{suffix}",
            short_name=suffix,
        )
        time.sleep(SLOW_CREATE["seconds"])

    def get_success_headers(self, data):
        return {"Location": f"/parties/{data['id']}/"}


class EvidenceInput(serializers.Serializer):
    file = EvidenceFileField()
    note = serializers.CharField(required=False)


class EvidenceView(APIView):
    @idempotent
    def post(self, request):
        data = EvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        body = {"kind": upload.evidence_kind, "id": uuid.uuid4().hex}
        return Response(body, status=201)


router = SimpleRouter()
router.register("parties", PartyViewSet, basename="test-party")

urlpatterns = [
    path("problems/<str:kind>/", ProblemView.as_view()),
    path("private/", PrivateView.as_view()),
    path("throttled/", ThrottledView.as_view()),
    path("things/<int:pk>/", ThingView.as_view()),
    path("evidence/", EvidenceView.as_view()),
    path("", include(router.urls)),
]
