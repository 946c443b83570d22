"""ETag and If-Match on the throwaway views of tests/config/api_test_urls.py."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from config.api.concurrency import etag_for, expected_version, parse_if_match
from config.exceptions import PreconditionFailed, PreconditionRequired
from tests.config.api_plumbing import URLS, problem
from tests.config.api_test_urls import THINGS
from tracker.models import Task

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
