"""Real server processes for tests that break them: a private redis-server on a
spare loopback port (stopped and started again by the test, never the shared
one) and the web application under gunicorn, both for one test's lifetime."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.celery_worker import ROOT, database_url


def manage(
    *args: str,
    env: dict[str, str] | None = None,
    database: bool = True,
    timeout: float = 300,
) -> subprocess.CompletedProcess:
    """`python manage.py …` as an operator runs it (inside the audit context
    manage.py gives every command). Its environment is this one with test
    settings and the test database (unless `database` is False), then `env`
    on top; or exactly `env` when `database` is False and `env` is given
    whole (a test of what happens without some variable). Output is text."""
    if env is not None and not database:
        environment = dict(env)
    else:
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        if database:
            environment["DATABASE_URL"] = database_url()
        environment.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_for(predicate, timeout: float, what: str, every: float = 0.1):
    """Poll `predicate` until it returns something true (returned), or fail
    naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, what: str, up: bool = True):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if up and proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not {'start' if up else 'stop'} in 30 s")


class RedisServer:
    """redis-server without persistence: stopping it loses every queued and
    unacknowledged message, the harshest kind of restart."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.proc, "redis-server")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            _wait_for_port(self.port, self.proc, "redis-server", up=False)


class WebServer:
    """The WSGI application under gunicorn, as in production."""

    workers = 1
    threads = 4

    def __init__(self, *, cwd: Path | None = None, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A working directory of its own, as on another machine.
        self.cwd = cwd or ROOT
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            **({"PYTHONPATH": str(ROOT)} if cwd else {}),
            **env,
        }
        self.proc: subprocess.Popen | None = None
        self.output = ""
        # A file for the process's output instead of a pipe: a long-running
        # process whose pipe nobody reads blocks once the pipe is full.
        self.log: Path | None = None

    def start(self) -> WebServer:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
            ],
            cwd=self.cwd,
            env=self.env,
            stdout=open(self.log, "a") if self.log else subprocess.PIPE,  # noqa: SIM115
            stderr=subprocess.STDOUT,
            text=True,
        )
        _wait_for_port(self.port, self.proc, "gunicorn")
        # The first request loads the application.
        requests.get(self.url + "/accounts/login/", timeout=60)
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.output = self._output(self.proc.communicate(timeout=30)[0])
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.output = self._output(self.proc.communicate()[0])

    def _output(self, piped: str | None) -> str:
        if self.log is not None and self.log.exists():
            return self.log.read_text(errors="replace")
        return piped or ""
