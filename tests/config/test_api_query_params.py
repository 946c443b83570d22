"""Query parameters the schema types strictly are refused when they do not fit,
never silently replaced: page, page size, id filters and empty filters."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tracker import services


@pytest.fixture
def api(sc_coord, task):
    client = APIClient()
    client.force_authenticate(sc_coord)
    return client


def problem(response, field):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "invalid", body
    assert any(name.startswith(field) for name in body["errors"]), body
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["null", "", "0", "-1", "1.5", "2e3", "ten"])
def test_a_page_size_that_is_not_a_whole_number_is_refused(api, value):
    body = problem(api.get(f"/api/v1/tasks/?page_size={value}"), "page_size")
    assert body["errors"]["page_size"] == ["请填写不小于1的整数。"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "0", "x", "last"])
def test_a_page_that_is_not_a_whole_number_is_refused(api, value):
    problem(api.get(f"/api/v1/tasks/?page={value}"), "page")


@pytest.mark.django_db
def test_good_pages_still_page_and_a_big_page_size_is_cut(api):
    assert api.get("/api/v1/tasks/?page=1&page_size=1000").status_code == 200
    assert api.get("/api/v1/tasks/?page=99").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1.7976931348623157e308", "0", "-3", "1.5", "x"])
def test_an_id_filter_takes_only_a_row_id(api, value):
    problem(api.get(f"/api/v1/extension-requests/?task={value}"), "task")


@pytest.mark.django_db
def test_an_id_filter_with_a_real_id_filters(api, task):
    response = api.get(f"/api/v1/milestones/?task={task.pk}")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/readings/?verification_status=",
        "/api/v1/tasks/?status=",
        "/api/v1/milestones/?task=",
        "/api/v1/reports/?kind=",
    ],
)
def test_an_empty_filter_is_refused(api, url):
    name = url.rsplit("?", 1)[1].removesuffix("=")
    problem(api.get(url), name)


@pytest.mark.django_db
def test_an_empty_filter_is_told_how_to_mend_it(api):
    body = problem(api.get("/api/v1/readings/?verification_status="), "v")
    assert body["errors"]["verification_status"] == [
        "该筛选条件为空：请填写取值，或不传此参数。"
    ]


@pytest.mark.django_db
def test_an_override_that_expires_in_the_past_names_the_field(office, task):
    from config.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        services.light_override_set(
            task=task,
            actor=office,
            light="red",
            reason="领导批示",
            expires_at=timezone.now() - dt.timedelta(days=1),
        )
    assert "expires_at" in refused.value.field_errors
    assert not task.light_overrides.exists()
