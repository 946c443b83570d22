"""Plain text stays the default; LOG_FORMAT=json gives one JSON object per
line with the request's id, user and route (the real processes are in
test_processes.py)."""

from __future__ import annotations

import io
import json
import logging
from logging.config import dictConfig

import pytest
from django.conf import settings
from django.test import Client

from config.observability import logs


def test_plain_text_is_the_default():
    assert settings.LOG_FORMAT == "plain"
    formatter = settings.LOGGING["formatters"]["main"]
    assert formatter["format"].startswith("%(asctime)s %(levelname)s")


@pytest.fixture
def json_lines():
    """The JSON configuration on a captured stream, the test's own restored
    afterwards."""
    stream = io.StringIO()
    config = logs.logging_config(fmt="json", level="INFO")
    config["handlers"]["console"]["stream"] = stream
    dictConfig(config)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_each_line_of_a_request_carries_its_id_user_and_route(json_lines, sc_coord):
    client = Client()
    client.force_login(sc_coord)
    response = client.get("/", HTTP_X_REQUEST_ID="edge-2.home")
    assert response.status_code == 200
    client.get("/no/such/page/", HTTP_X_REQUEST_ID="edge-2.missing")
    lines = json_lines()
    home = [line for line in lines if line.get("request_id") == "edge-2.home"]
    assert home and all(line["route"] == "home" for line in home)
    assert all(line["user_id"] == sc_coord.pk for line in home)
    missing = [line for line in lines if line.get("request_id") == "edge-2.missing"]
    # Django's own warning and the request's line, both JSON with the id.
    assert {line["logger"] for line in missing} >= {"django.request", "tracker.request"}
    for line in lines:
        assert line["time"].endswith("+00:00")
        assert {"level", "logger", "message"} <= set(line)


def test_a_traceback_stays_inside_its_line(json_lines):
    try:
        raise ValueError("出错了")
    except ValueError:
        logging.getLogger("tracker.test").exception("步骤失败")
    (line,) = json_lines()
    assert line["message"] == "步骤失败"
    assert "ValueError: 出错了" in line["exception"]
