"""A real Celery worker process, on the configured broker, runs a task that
reads the test database."""

import os

import pytest
from django.conf import settings

from config.tasks import ping
from tests.celery_worker import Worker, new_queue


@pytest.fixture
def worker_queue():
    worker = Worker(new_queue()).start()
    try:
        yield worker.queue
    finally:
        worker.stop()
        if worker.proc.returncode not in (0, -15):
            print(worker.output)


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
