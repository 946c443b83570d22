"""A real Celery worker process, on the configured broker, runs a task that
reads the test database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    cfg = connection.settings_dict
    host = quote(cfg["HOST"] or "localhost", safe="")
    port = f":{cfg['PORT']}" if cfg["PORT"] else ""
    auth = quote(cfg["USER"] or "", safe="")
    if cfg["PASSWORD"]:
        auth += ":" + quote(cfg["PASSWORD"], safe="")
    return f"postgres://{auth}@{host}{port}/{cfg['NAME']}"


@pytest.fixture
def worker_queue():
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        if proc.returncode not in (0, -15):
            print(output)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_process_runs_task_against_test_database(
    sichuan, chongqing, worker_queue
):
    result = ping.apply_async(queue=worker_queue)
    assert result.get(timeout=90) == {"pong": True, "parties": 2}


def test_broker_is_what_the_environment_says():
    if os.environ.get("REDIS_URL"):
        assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"


def test_celery_settings_are_safe_defaults():
    from config.celery import app

    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert conf.timezone == "Asia/Shanghai"
