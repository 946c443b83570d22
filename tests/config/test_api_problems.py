"""The API's one error contract (problem+json), request ids, pagination, django-axes
and throttling, through the throwaway views of tests/config/api_test_urls.py."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIClient

from config.api.pagination import PageNumberPagination
from tests.config.api_plumbing import URLS, problem
from tests.factories import UserFactory

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
