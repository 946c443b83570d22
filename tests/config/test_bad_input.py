"""Hostile or oversized input gets a 400 in the one error contract (a problem
on the API, the form's own error on the pages) and changes nothing; never a
500, never an HTML error page on the API."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from audit.models import SecurityEvent
from reports.models import Report
from tests.clock import iso
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
REPORTS = "/api/v1/reports/"
A_REPORT = {"kind": "weekly", "period_start": iso(-30), "scope": "initiative"}


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["title"] and body["detail"]
    return body


@pytest.fixture
def api(office):
    client = APIClient()
    client.force_authenticate(user=office)
    return client


def nested(depth: int) -> str:
    return '{"kind": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [100, 1_000, 100_000])
def test_deeply_nested_json_is_a_parse_error(api, depth):
    response = api.post(REPORTS, nested(depth), content_type="application/json")
    body = problem(response, 400, "parse_error")
    assert "nest" in body["detail"] or "嵌套" in body["detail"]
    assert not Report.objects.exists()


def test_deeply_nested_json_with_an_idempotency_key_is_a_parse_error(api):
    response = api.post(
        REPORTS,
        nested(1_000),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="deep-1",
    )
    problem(response, 400, "parse_error")


def test_ordinary_nesting_is_still_parsed(api):
    # A real request is a few levels deep; it still reaches the serializer.
    body = dict(A_REPORT, kind=[[["weekly"]]])
    response = api.post(REPORTS, json.dumps(body), content_type="application/json")
    problem(response, 400, "invalid")


def test_a_json_body_over_the_size_limit_is_a_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps(dict(A_REPORT, note="川" * 2_000))
    response = api.post(REPORTS, body, content_type="application/json")
    problem(response, 400, "request_too_large")
    assert not Report.objects.exists()


def test_a_form_body_over_the_size_limit_is_a_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = "kind=weekly&note=" + "x" * 2_000
    response = api.post(REPORTS, body, content_type="application/x-www-form-urlencoded")
    problem(response, 400, "request_too_large")


def test_too_many_form_fields_is_a_problem(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(50))
    response = api.post(REPORTS, body, content_type="application/x-www-form-urlencoded")
    problem(response, 400, "too_many_fields")


def test_too_many_multipart_fields_is_a_problem(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = api.post(REPORTS, {f"f{i}": "1" for i in range(50)}, format="multipart")
    problem(response, 400, "too_many_fields")


def test_too_many_files_is_a_problem(api, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = {f"f{i}": SimpleUploadedFile(f"{i}.txt", b"x") for i in range(5)}
    response = api.post(REPORTS, files, format="multipart")
    problem(response, 400, "too_many_files")


def test_too_many_query_parameters_is_a_problem(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"f{i}=1" for i in range(50))
    response = api.get(f"{REPORTS}?{query}")
    problem(response, 400, "too_many_fields")


def test_the_problems_speak_the_default_language(api, settings):
    response = api.post(REPORTS, nested(1_000), content_type="application/json")
    assert "嵌套" in problem(response, 400, "parse_error")["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = api.post(
        REPORTS, json.dumps({"note": "x" * 2_000}), content_type="application/json"
    )
    body = problem(response, 400, "request_too_large")
    assert "请求内容超过" in body["detail"] and body["title"] == "请求内容过大"


# --- sign-in with an absurd username ------------------------------------------------

LONG_NAMES = ["x" * 151, "x" * 256, "川" * 300, "y" * 10_000]


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("username", LONG_NAMES)
def test_an_overlong_username_is_the_forms_own_error(path, username):
    client = Client()
    response = client.post(path, {"username": username, "password": "whatever-1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "150" in text  # the limit, said in the form's error
    assert not AccessAttempt.objects.exists()


def test_an_overlong_username_error_in_english():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/accounts/login/", {"username": "x" * 256, "password": "whatever-1"}
    )
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()


def test_a_long_but_possible_username_still_counts_as_a_failed_attempt():
    UserFactory(username="u" * 150)
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "u" * 150, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert AccessAttempt.objects.filter(username="u" * 150).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).exists()


def test_axes_never_gets_a_username_it_cannot_store(rf):
    """Any other sign-in path (a future API login, a management command) that
    hands axes an overlong name is cut to what its table holds."""
    from django.contrib.auth import authenticate

    request = rf.post("/accounts/login/")
    request.user = None
    assert authenticate(request, username="z" * 1_000, password="nope-nope") is None
    attempt = AccessAttempt.objects.get()
    assert len(attempt.username) <= 255


# --- a page form over a limit -----------------------------------------------------


def test_a_page_form_over_a_limit_gets_the_sites_own_page(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client = Client()
    body = "&".join(f"f{i}=1" for i in range(50))
    response = client.post(
        "/accounts/login/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>请求无效</h1>" in page
    assert "请求包含的字段超过本系统允许的数量（最多10个）" in page
    assert "未保存任何内容" in page
    assert 'lang="zh-hans"' in page.lower()
