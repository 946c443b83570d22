"""The API answers problem+json in every mode, DEBUG included: an unknown URL,
a server error, a refused host, any status; it never answers HTML. The pages
show the site's own 404 with DEBUG on too. (tests/config/test_devserver.py
checks the same against a real `runserver` under the local settings.)"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
DEBUG_PAGE_MARKERS = ("DEBUG = True", "Traceback", "technical_500", "Using the URLconf")


@pytest.fixture(params=[True, False], ids=["debug", "no-debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def client(sc_coord):
    client = Client(raise_request_exception=False)
    client.force_login(sc_coord)
    return client


def problem(response, status: int, code: str) -> dict:
    text = response.content.decode()
    assert not any(marker in text for marker in DEBUG_PAGE_MARKERS), text[:300]
    assert response.status_code == status, text[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["detail"] and body["title"]
    assert body["request_id"] == response["X-Request-ID"]
    return body


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/nope", "/api/", "/api/v1/tasks/x/y/"]
)
def test_an_unknown_api_url_is_a_problem(debug, client, path):
    body = problem(client.get(path), 404, "not_found")
    assert body["detail"] == "未找到。"


def test_an_unknown_api_url_is_a_problem_in_english(debug, client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert problem(response, 404, "not_found")["detail"] == "Not found."


def test_a_crash_in_an_api_view_is_a_problem(debug, client, monkeypatch, caplog):
    from tracker.api import views

    def crash(*args, **kwargs):
        raise RuntimeError("boom in a selector")

    monkeypatch.setattr(views.task_rows, "task_rows_for_user", crash)
    body = problem(client.get("/api/v1/tasks/"), 500, "server_error")
    assert "boom" not in body["detail"]
    assert "boom in a selector" in caplog.text  # logged for us, not shown


def test_a_crash_in_a_middleware_is_a_problem(debug, client, monkeypatch):
    from audit.middleware import AuditContextMiddleware

    def crash(self, request):
        raise RuntimeError("boom in a middleware")

    monkeypatch.setattr(AuditContextMiddleware, "__call__", crash)
    problem(client.get("/api/v1/tasks/"), 500, "server_error")


def test_a_refused_host_is_a_problem(debug, client):
    problem(client.get("/api/v1/tasks/", HTTP_HOST="evil.example"), 400, "bad_request")


def test_a_plain_response_error_is_a_problem(debug, client, monkeypatch):
    """A view that answers an error without raising it, as HTML."""
    from django.http import HttpResponse

    from tracker.api import views

    def teapot(self, request, *args, **kwargs):
        return HttpResponse("<p>nope</p>", status=418)

    monkeypatch.setattr(views.TaskViewSet, "list", teapot)
    body = problem(client.get("/api/v1/tasks/"), 418, "i'm_a_teapot")
    assert body["status"] == 418


def test_api_successes_and_json_errors_are_left_alone(debug, client):
    response = client.get("/api/v1/tasks/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    problem(client.get("/api/v1/tasks/987654/"), 404, "not_found")


# --- pages ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/no-such-page/", "/tasks/987654/", "/reports/x/"])
def test_an_unknown_page_is_the_sites_own_404(debug, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "该页面不存在，或您无权查看。" in text
    assert not any(marker in text for marker in DEBUG_PAGE_MARKERS)


def test_a_missing_slash_still_redirects(debug, client):
    response = client.get("/reports")
    assert response.status_code == 301
    assert response["Location"] == "/reports/"
