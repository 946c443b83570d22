"""Start a real Celery worker process on the configured broker, reading the
test database, for tests that need one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    cfg = connection.settings_dict
    host = quote(cfg["HOST"] or "localhost", safe="")
    port = f":{cfg['PORT']}" if cfg["PORT"] else ""
    auth = quote(cfg["USER"] or "", safe="")
    if cfg["PASSWORD"]:
        auth += ":" + quote(cfg["PASSWORD"], safe="")
    return f"postgres://{auth}@{host}{port}/{cfg['NAME']}"


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


class Worker:
    """One worker process consuming `queue`: the solo pool, or `concurrency`
    prefork children as in production."""

    def __init__(
        self, queue: str, *, concurrency: int = 0, cwd: Path | None = None, **env: str
    ):
        self.queue = queue
        # A working directory of its own, as on another machine (the code is
        # found through PYTHONPATH).
        self.cwd = cwd or ROOT
        self.pool = (
            ["--concurrency", str(concurrency)] if concurrency else ["--pool", "solo"]
        )
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "REPORTS_QUEUE": queue,
            # The files the test process reads are where the worker writes.
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **({"PYTHONPATH": str(ROOT)} if cwd else {}),
            **env,
        }
        self.proc: subprocess.Popen | None = None
        self.output = ""
        # A file for the process's output instead of a pipe: a long-running
        # process whose pipe nobody reads blocks once the pipe is full.
        self.log: Path | None = None

    def start(self) -> Worker:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                *self.pool,
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}-{uuid.uuid4().hex[:6]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "warning",
            ],
            cwd=self.cwd,
            env=self.env,
            stdout=open(self.log, "a") if self.log else subprocess.PIPE,  # noqa: SIM115
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL, no goodbye: as when the machine or the OOM killer stops it."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.output = self._output(self.proc.communicate(timeout=30)[0])

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None and not self.output:
                self.output = self._output(self.proc.communicate()[0])
            return
        self.proc.terminate()
        try:
            self.output = self._output(self.proc.communicate(timeout=20)[0])
        except subprocess.TimeoutExpired:
            self.kill()

    def _output(self, piped: str | None) -> str:
        if self.log is not None and self.log.exists():
            return self.log.read_text(errors="replace")
        return piped or ""
