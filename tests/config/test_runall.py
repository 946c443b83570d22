"""`manage.py runall` (what `make run` starts): a worker that dies is started
again, loudly, while the web server and beat stay up."""

import os
import signal
import subprocess
import sys

import psutil
import pytest
import requests

from tests.celery_worker import ROOT, database_url, new_queue
from tests.processes import RedisServer, free_port, wait_for


def _child(runall: psutil.Process, role: str) -> psutil.Process | None:
    for child in runall.children():
        try:
            if role in child.cmdline():
                return child
        except psutil.NoSuchProcess:
            continue
    return None


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_dead_worker_is_started_again_and_the_web_stays_up(tmp_path):
    redis = RedisServer(tmp_path / "redis").start()
    port = free_port()
    login = f"http://127.0.0.1:{port}/accounts/login/"
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runall", "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis.url,
            "REPORTS_QUEUE": new_queue(),
            "MEDIA_ROOT": str(tmp_path / "media"),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        runall = psutil.Process(proc.pid)
        wait_for(lambda: _answers(login), 60, "the web server")
        worker = wait_for(lambda: _child(runall, "worker"), 30, "the worker")
        beat = wait_for(lambda: _child(runall, "beat"), 30, "beat")

        worker.send_signal(signal.SIGKILL)
        again = wait_for(
            lambda: (w := _child(runall, "worker")) and w.pid != worker.pid and w,
            30,
            "a new worker",
        )

        assert proc.poll() is None, "runall stopped"
        assert _answers(login)
        assert beat.is_running() and again.is_running()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            output, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
        redis.stop()
    assert "The Celery worker exited with -9" in output, output[-3000:]
    assert "Web, worker and beat stopped." in output
