"""The reusable API plumbing, exercised through tiny throwaway views routed by
tests/config/api_test_urls.py: problem+json errors, ETag/If-Match,
Idempotency-Key, evidence uploads, request ids, pagination and django-axes."""

from __future__ import annotations

import datetime as dt
import io
import struct
import threading
import time
import uuid
import zipfile
import zlib

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone, translation
from rest_framework import exceptions as drf
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts.models import Party
from accounts.services import party_create
from config.api.concurrency import (
    ETagMixin,
    etag_for,
    expected_version,
    parse_if_match,
)
from config.api.idempotency import IdempotentCreateMixin, idempotent
from config.api.pagination import PageNumberPagination
from config.api.uploads import EvidenceFileField, evidence_response, validate_evidence
from config.exceptions import (
    InvalidInput,
    PreconditionFailed,
    PreconditionRequired,
    TransitionNotAllowed,
)
from config.models import IdempotencyRecord
from config.tasks import purge_idempotency_records
from tests.factories import UserFactory
from tracker.models import Task

PROBLEM = "application/problem+json"
TYPE_BASE = "https://tracker.invalid/problems/"
URLS = pytest.mark.urls("tests.config.api_test_urls")


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


# --- helpers -----------------------------------------------------------------


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == TYPE_BASE + code
    assert body["title"]
    assert body["detail"]
    return body


def en(client: APIClient) -> APIClient:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def api():
    return en(APIClient())


@pytest.fixture
def user(db):
    return UserFactory(username="coordinator")


@pytest.fixture
def member(api, user):
    api.force_authenticate(user=user)
    return api


# --- problem+json ------------------------------------------------------------


@URLS
@pytest.mark.parametrize(
    ("kind", "status", "code", "detail", "errors"),
    [
        (
            "transition",
            409,
            "transition_not_allowed",
            "This action is not allowed in the task's current state.",
            None,
        ),
        (
            "domain-fields",
            400,
            "invalid",
            "Some of the input is not valid.",
            {"due_date": ["Must be later."], "title": ["Too short.", "Odd."]},
        ),
        (
            "django-validation",
            400,
            "invalid",
            "Some of the input is not valid.",
            {
                "name": ["Too long."],
                "non_field_errors": ["The whole object is wrong."],
            },
        ),
        (
            "django-validation-plain",
            400,
            "invalid",
            "Some of the input is not valid.",
            {"non_field_errors": ["Just wrong."]},
        ),
        (
            "drf-validation",
            400,
            "invalid",
            "Some of the input is not valid.",
            {"owners.1.party": ["Not yours."], "title": ["Required."]},
        ),
        (
            "permission",
            403,
            "permission_denied",
            "You do not have permission to perform this action.",
            None,
        ),
        (
            "django-permission",
            403,
            "permission_denied",
            "You do not have permission to perform this action.",
            None,
        ),
        ("http404", 404, "not_found", "Not found.", None),
        ("not-found", 404, "not_found", "Not found.", None),
        (
            "integrity",
            409,
            "conflict",
            "This conflicts with data that was saved meanwhile; reload and try again.",
            None,
        ),
    ],
)
def test_each_mapped_exception_is_a_problem(api, kind, status, code, detail, errors):
    response = api.get(f"/problems/{kind}/")
    body = problem(response, status, code)
    assert body["detail"] == detail
    assert body["instance"] == f"/problems/{kind}/"
    assert body.get("errors") == errors
    assert body["request_id"] == response["X-Request-ID"]


@URLS
def test_not_found_does_not_name_the_model(api):
    body = api.get("/problems/http404/").json()
    assert "Task" not in str(body)


@URLS
def test_integrity_error_is_logged_but_not_shown(api, caplog):
    body = problem(api.get("/problems/integrity/"), 409, "conflict")
    assert "secret_idx" not in str(body)
    assert any(
        r.levelname == "WARNING" and r.exc_info and "secret_idx" in str(r.exc_info[1])
        for r in caplog.records
    )


@URLS
def test_unmapped_exceptions_are_left_to_django(api):
    with pytest.raises(RuntimeError, match="a bug"):
        api.get("/problems/unmapped/")


@URLS
def test_not_authenticated_is_401_with_a_challenge(api, db):
    body = problem(api.get("/private/"), 401, "not_authenticated")
    assert body["detail"] == "Authentication credentials were not provided."
    assert api.get("/private/")["WWW-Authenticate"] == "Token"


@URLS
def test_a_bad_token_is_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    body = problem(api.get("/private/"), 401, "not_authenticated")
    assert body["detail"] == "Invalid token."


@URLS
def test_a_real_token_authenticates(api, user):
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/private/").json() == {"user": "coordinator"}


@URLS
def test_method_not_allowed(api):
    response = api.delete("/problems/ok/")
    problem(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


@URLS
def test_unsupported_media_type(api):
    response = api.post("/problems/ok/", b"x=1", content_type="text/plain")
    problem(response, 415, "unsupported_media_type")


@URLS
def test_malformed_json_is_a_parse_error(api):
    response = api.post("/problems/ok/", b"{not json", content_type="application/json")
    problem(response, 400, "parse_error")


@URLS
def test_not_acceptable_still_answers_problem_json(api):
    response = api.get("/problems/ok/", HTTP_ACCEPT="text/csv")
    problem(response, 406, "not_acceptable")


@URLS
def test_throttled_has_retry_after(api):
    response = api.get("/throttled/")
    problem(response, 429, "throttled")
    assert response["Retry-After"] == "42"


@URLS
def test_success_keeps_plain_json(api):
    response = api.get("/problems/ok/")
    assert response["Content-Type"] == "application/json"


@URLS
def test_language_follows_the_request(db):
    english = APIClient().get("/problems/permission/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = APIClient().get("/problems/permission/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    default = APIClient().get("/problems/permission/")
    english_body = problem(english, 403, "permission_denied")
    assert english_body["title"] == "Not allowed"
    assert english["Content-Language"] == "en"
    for response in (chinese, default):
        body = problem(response, 403, "permission_denied")
        assert response["Content-Language"] == "zh-hans"
        # DRF ships its own Chinese catalogue; ours is added with the locale.
        assert body["detail"] != english_body["detail"]


# --- ETag / If-Match ---------------------------------------------------------


@pytest.fixture
def things():
    THINGS.clear()
    THINGS.update({7: 1, 8: 1})
    yield THINGS
    THINGS.clear()


def test_etag_names_model_object_and_version():
    assert etag_for(Task(pk=7, version=3)) == '"tracker.task-7-v3"'


@URLS
def test_get_carries_the_etag(api, things):
    response = api.get("/things/7/")
    assert response["ETag"] == '"tracker.task-7-v1"'


@URLS
def test_write_without_if_match_is_428(api, things):
    problem(api.patch("/things/7/", {}), 428, "precondition_required")
    assert things[7] == 1


@URLS
def test_write_with_a_stale_etag_is_412(api, things):
    etag = api.get("/things/7/")["ETag"]
    assert api.patch("/things/7/", {}, HTTP_IF_MATCH=etag).status_code == 200
    problem(api.patch("/things/7/", {}, HTTP_IF_MATCH=etag), 412, "precondition_failed")
    assert things[7] == 2


@URLS
def test_write_with_the_current_etag_passes_and_returns_the_new_one(api, things):
    etag = api.get("/things/7/")["ETag"]
    response = api.patch("/things/7/", {}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] == '"tracker.task-7-v2"'
    assert api.get("/things/7/")["ETag"] == response["ETag"]


@URLS
def test_surrounding_space_is_ignored(api, things):
    response = api.patch("/things/7/", {}, HTTP_IF_MATCH=' "tracker.task-7-v1" ')
    assert response.status_code == 200
    assert things[7] == 2


@URLS
def test_star_names_no_version_428(api, things):
    problem(
        api.patch("/things/7/", {}, HTTP_IF_MATCH="*"), 428, "precondition_required"
    )
    assert things[7] == 1


@URLS
def test_a_weak_tag_never_matches_412(api, things):
    response = api.patch("/things/7/", {}, HTTP_IF_MATCH='W/"tracker.task-7-v1"')
    problem(response, 412, "precondition_failed")
    assert things[7] == 1


@URLS
@pytest.mark.parametrize(
    "header",
    [
        '"tracker.task-8-v1"',  # another object's tag
        '"accounts.party-7-v1"',  # another model's
        '"tracker.task-7-v"',
        '"tracker.task-7-vx"',
        "tracker.task-7-v1",  # unquoted
        'W/ "tracker.task-7-v1"',
        "",
    ],
)
def test_a_tag_of_something_else_or_malformed_is_412(api, things, header):
    problem(
        api.patch("/things/7/", {}, HTTP_IF_MATCH=header), 412, "precondition_failed"
    )
    assert things[7] == 1


def _drf_request(**headers):
    return Request(RequestFactory().patch("/", **headers))


def test_parse_if_match_reads_lists():
    task = Task(pk=7, version=3)
    header = '"tracker.task-7-v2", "tracker.task-7-v3", "tracker.task-9-v3"'
    assert parse_if_match(_drf_request(HTTP_IF_MATCH=header), task) == 3
    assert parse_if_match(_drf_request(HTTP_IF_MATCH='"tracker.task-7-v2"'), task) == 2
    # Strong comparison: the weak v3 is skipped, the strong v2 is what counts.
    header = '"tracker.task-7-v2", W/"tracker.task-7-v3"'
    assert expected_version(_drf_request(HTTP_IF_MATCH=header), task) == 2
    with pytest.raises(PreconditionRequired):
        parse_if_match(_drf_request(), task)
    with pytest.raises(PreconditionRequired):
        parse_if_match(_drf_request(HTTP_IF_MATCH="*"), task)
    with pytest.raises(PreconditionFailed):
        parse_if_match(_drf_request(HTTP_IF_MATCH='"tracker.task-17-v3"'), task)


# --- Idempotency-Key ---------------------------------------------------------


def created_parties():
    return Party.objects.filter(code__startswith="t").count()


@URLS
def test_a_replay_returns_the_first_response_and_creates_nothing(member):
    first = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert created_parties() == 1


@URLS
def test_without_a_key_every_post_creates(member):
    member.post("/parties/", {"name": "重庆"})
    member.post("/parties/", {"name": "重庆"})
    assert created_parties() == 2
    assert IdempotencyRecord.objects.count() == 0


@URLS
def test_keys_belong_to_a_user(member):
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    other = en(APIClient())
    other.force_authenticate(user=UserFactory())
    response = other.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert not response.has_header("Idempotent-Replayed")
    assert created_parties() == 2


@URLS
def test_the_same_key_with_another_body_is_422(member):
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    response = member.post("/parties/", {"name": "四川"}, HTTP_IDEMPOTENCY_KEY="k-1")
    problem(response, 422, "idempotency_key_reused")
    assert created_parties() == 1


@URLS
def test_the_same_key_on_another_path_is_422(member):
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    response = member.post(
        "/problems/ok/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    # /problems/ok/ is not idempotent at all: the key means nothing there.
    assert response.status_code == 200
    files = {"file": SimpleUploadedFile("a.pdf", PDF)}
    response = member.post(
        "/evidence/", files, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    problem(response, 422, "idempotency_key_reused")


@URLS
@pytest.mark.parametrize("key", ["", "x" * 201, "中文", "tab\there", "nl\x7f"])
def test_an_invalid_key_is_400(member, key):
    response = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY=key)
    problem(response, 400, "invalid_idempotency_key")
    assert created_parties() == 0


@URLS
def test_longest_key_and_printable_punctuation_are_fine(member):
    for key in ("x" * 200, "a b~!@#$%^&*()"):
        response = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201


@URLS
def test_a_failed_request_stores_nothing_and_the_key_can_be_retried(member):
    failed = member.post("/parties/", {"name": ""}, HTTP_IDEMPOTENCY_KEY="k-1")
    problem(failed, 400, "invalid")
    assert IdempotencyRecord.objects.count() == 0
    fixed = member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert fixed.status_code == 201
    assert not fixed.has_header("Idempotent-Replayed")
    assert created_parties() == 1


@URLS
def test_an_expired_record_is_ignored_and_purged(member, settings):
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="old")
    member.post("/parties/", {"name": "重庆"}, HTTP_IDEMPOTENCY_KEY="fresh")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now()
        - dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS, minutes=1)
    )
    again = member.post("/parties/", {"name": "四川"}, HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201
    assert not again.has_header("Idempotent-Replayed")
    assert created_parties() == 3

    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    assert purge_idempotency_records() == {"deleted": 1}
    assert purge_idempotency_records() == {"deleted": 0}
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


@URLS
def test_multipart_retries_replay_and_another_file_is_422(member):
    def send(content):
        files = {"file": SimpleUploadedFile("评估.pdf", content), "note": "x"}
        return member.post(
            "/evidence/", files, format="multipart", HTTP_IDEMPOTENCY_KEY="up-1"
        )

    first, again = send(PDF), send(PDF)
    assert first.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    problem(send(PDF + b"%changed"), 422, "idempotency_key_reused")


@URLS
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_with_one_key_create_one_row():
    user = UserFactory()
    SLOW_CREATE["seconds"] = 0.3
    barrier = threading.Barrier(2)
    responses = []

    def post():
        try:
            client = en(APIClient())
            client.force_authenticate(user=user)
            barrier.wait()
            responses.append(
                client.post("/parties/", {"name": "并发"}, HTTP_IDEMPOTENCY_KEY="race")
            )
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=post) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        SLOW_CREATE["seconds"] = 0.0

    assert [r.status_code for r in responses] == [201, 201]
    replayed = [r.has_header("Idempotent-Replayed") for r in responses]
    assert sorted(replayed) == [False, True]
    assert responses[0].json() == responses[1].json()
    assert created_parties() == 1


# --- evidence uploads --------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def png_1x1() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit grey
    pixels = zlib.compress(b"\x00\x00")  # filter byte + one pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def ooxml(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")

MSG_TYPE = "Only PDF, JPG, PNG, DOCX and XLSX files are accepted."
MSG_CONTENT = "The file's content does not match its type."


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("报告.pdf", PDF, "pdf"),
        ("photo.JPG", JPEG, "jpg"),
        ("photo.jpeg", JPEG, "jpg"),
        ("chart.png", png_1x1(), "png"),
        ("说明.docx", DOCX, "docx"),
        ("指标.xlsx", XLSX, "xlsx"),
    ],
)
def test_each_allowed_kind_is_accepted(name, content, kind):
    upload = SimpleUploadedFile(name, content, content_type="application/x-anything")
    assert validate_evidence(upload) == kind
    assert upload.read() == content  # left at the start for storage


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", MSG_TYPE),
        ("page.html", b"<html><script>alert(1)</script>", MSG_TYPE),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", MSG_TYPE),
        ("noextension", PDF, MSG_TYPE),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00", MSG_CONTENT),
        ("page.pdf", b"<html><script>alert(1)</script>", MSG_CONTENT),
        ("chart.pdf", png_1x1(), MSG_CONTENT),
        ("scan.png", JPEG, MSG_CONTENT),
        ("table.xlsx", DOCX, MSG_CONTENT),
        ("text.docx", XLSX, MSG_CONTENT),
        ("archive.docx", ooxml("readme.txt"), MSG_CONTENT),
        ("macro.docx", ooxml("word/document.xml", "word/vbaProject.bin"), MSG_CONTENT),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", MSG_CONTENT),
    ],
)
def test_wrong_or_disguised_files_are_refused(name, content, message):
    with translation.override("en"), pytest.raises(DjangoValidationError) as raised:
        validate_evidence(
            SimpleUploadedFile(name, content, content_type="application/pdf")
        )
    assert raised.value.messages == [message]


def test_too_large_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    just_fits = SimpleUploadedFile("a.pdf", PDF.ljust(1024 * 1024, b" "))
    assert validate_evidence(just_fits) == "pdf"
    too_big = SimpleUploadedFile("a.pdf", PDF.ljust(1024 * 1024 + 1, b" "))
    with translation.override("en"), pytest.raises(DjangoValidationError) as raised:
        validate_evidence(too_big)
    assert raised.value.messages == ["The file is larger than 1 MB."]


@URLS
def test_the_serializer_field_answers_a_problem(member):
    accepted = member.post(
        "/evidence/",
        {"file": SimpleUploadedFile("图.png", png_1x1())},
        format="multipart",
    )
    assert accepted.status_code == 201
    assert accepted.json()["kind"] == "png"

    refused = member.post(
        "/evidence/",
        {"file": SimpleUploadedFile("x.pdf", b"<html>")},
        format="multipart",
    )
    body = problem(refused, 400, "invalid")
    assert body["errors"] == {"file": [MSG_CONTENT]}


def test_download_is_an_attachment_typed_by_content(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("evidence/abc", io.BytesIO(PDF))
    response = evidence_response(storage.open(name), filename="../../川渝评估.html")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # The name keeps its Chinese (RFC 5987) but loses the path and the lie.
    assert "filename*=utf-8''%E5%B7%9D%E6%B8%9D%E8%AF%84%E4%BC%B0.pdf" in disposition
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_download_of_unrecognised_content_is_octet_stream(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("evidence/abc", io.BytesIO(b"<html>"))
    response = evidence_response(storage.open(name), filename="a.pdf")
    assert response["Content-Type"] == "application/octet-stream"
    assert 'filename="a.bin"' in response["Content-Disposition"]
    response.close()


# --- request id, pagination --------------------------------------------------


@pytest.mark.django_db
def test_a_valid_request_id_is_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-1.a_B")
    assert response["X-Request-ID"] == "edge-1.a_B"


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", [None, "", "x" * 65, "a b", "<script>", "中"])
def test_a_missing_or_odd_request_id_is_replaced(client, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    response = client.get("/healthz", **headers)
    generated = response["X-Request-ID"]
    assert generated != incoming
    assert len(generated) == 32 and int(generated, 16) >= 0


def test_page_size_is_capped():
    paginator = PageNumberPagination()
    request = Request(RequestFactory().get("/", {"page_size": "1000"}))
    assert paginator.get_page_size(request) == 100
    assert paginator.get_page_size(Request(RequestFactory().get("/"))) == 20


# --- django-axes -------------------------------------------------------------


def login(client, password):
    return client.post("/accounts/login/", {"username": "alice", "password": password})


@pytest.mark.django_db
def test_five_failed_logins_lock_out_even_the_right_password(client):
    UserFactory(username="alice")
    for _attempt in range(4):
        assert login(client, "wrong").status_code == 200  # the form again
    assert login(client, "wrong").status_code == 429  # the fifth locks
    response = login(client, "pw-for-tests-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in(client):
    UserFactory(username="alice")
    for _attempt in range(4):
        login(client, "wrong")
    assert login(client, "pw-for-tests-1").status_code == 302
    assert "_auth_user_id" in client.session


def test_throttle_lets_requests_through_when_the_cache_is_down(rf):
    """A real Redis client pointed at a port where nothing listens."""
    from django.core.cache.backends.redis import RedisCache

    from config.api.throttling import UserRateThrottle

    request = rf.get("/api/v1/tasks/")
    request.user = type("U", (), {"is_authenticated": True, "pk": 1})()
    throttle = UserRateThrottle()
    throttle.cache = RedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )
    assert throttle.allow_request(request, view=None) is True
