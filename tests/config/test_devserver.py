"""The development server of `make run` (`runserver`, local settings, DEBUG on),
as a real process on its own database.

runserver handles each request in a thread of its own; with persistent
connections (CONN_MAX_AGE) every finished thread used to leave its PostgreSQL
connection open, until the server ran out of connections. And with DEBUG on
it must still answer the API's errors as problems and unknown pages with the
site's own 404."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
PARALLEL = 25
ROUNDS = 4


def _server_params() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }


def _admin_connection():
    return psycopg.connect(dbname="postgres", autocommit=True, **_server_params())


@pytest.fixture(scope="module")
def devserver_database():
    """A database of its own, so that its connections can be counted."""
    name = f"{settings.DATABASES['default']['NAME']}_devserver"[:63]
    with _admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with _admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def connections_to(name: str) -> int:
    with _admin_connection() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]
        ).fetchone()[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def devserver(devserver_database, tmp_path_factory):
    """`manage.py runserver --noreload` as `make run` starts it."""
    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
        f"/{devserver_database}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"REDIS_URL", "CONN_MAX_AGE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=url,
        TRACKER_VAR_DIR=str(tmp_path_factory.mktemp("var")),
        PYTHONUNBUFFERED="1",
    )
    port = _free_port()
    log = tmp_path_factory.mktemp("log") / "runserver.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"runserver exited:\n{log.read_text()[-3000:]}")
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"runserver did not answer:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def get(url: str, **headers) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_finished_server_threads_hold_no_database_connection(
    devserver, devserver_database
):
    baseline = connections_to(devserver_database)
    counts = []
    with ThreadPoolExecutor(PARALLEL) as pool:
        for _ in range(ROUNDS):
            statuses = list(
                pool.map(lambda _: get(devserver + "/healthz")[0], range(PARALLEL))
            )
            assert statuses == [200] * PARALLEL
            time.sleep(0.5)  # let the last threads finish their clean-up
            counts.append(connections_to(devserver_database))
            print(f"connections after {PARALLEL} parallel requests: {counts[-1]}")
            # Checked after every round, so that a leak stops the test long
            # before it can fill the shared server's connection slots.
            assert counts[-1] <= baseline + 1, (baseline, counts)


def test_the_api_answers_problems_with_debug_on(devserver):
    for path in ("/api/v1/no-such-thing/", "/api/nope"):
        status, content_type, body = get(devserver + path)
        assert (status, content_type) == (404, "application/problem+json"), body[:300]
        assert json.loads(body)["code"] == "not_found"
    status, content_type, body = get(devserver + "/api/v1/tasks/")
    assert (status, content_type) == (401, "application/problem+json"), body[:300]


def test_an_unknown_page_is_the_sites_own_404_with_debug_on(devserver):
    status, content_type, body = get(devserver + "/no-such-page/")
    assert status == 404 and content_type.startswith("text/html")
    text = body.decode()
    assert "该页面不存在，或您无权查看。" in text
    assert "DEBUG = True" not in text
