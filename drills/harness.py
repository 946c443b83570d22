"""What every drill stands on: the private servers, a throwaway database per
drill copied from one migrated template with the demo data, the processes it
starts (stopped at the end whatever happened) and its time limit."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.celery_worker import ROOT

TEMPLATE = "drill_template"


class DrillFailed(AssertionError):
    """An expectation of the drill was not met."""


class DrillTimeout(BaseException):
    """The drill ran past its hard limit. A BaseException, so that no `except
    Exception` inside the drill swallows it on its way out."""


def expect(condition, message: str) -> None:
    if not condition:
        raise DrillFailed(message)


@contextlib.contextmanager
def time_limit(seconds: float, what: str):
    """Raise DrillTimeout in this (the main) thread after `seconds`."""

    def expired(signum, frame):
        raise DrillTimeout(f"{what}: past its limit of {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def seconds(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"p50 {statistics.median(values):.1f} s max {max(values):.1f} s"


@dataclass
class Servers:
    """The run's private PostgreSQL cluster and redis-server."""

    postgres: object
    redis: object
    root: Path

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.postgres.url("postgres"), autocommit=True)


def start_servers(root: Path) -> Servers:
    from tests.private_postgres import PrivatePostgres
    from tests.processes import RedisServer

    postgres = PrivatePostgres().init()
    servers = Servers(postgres=postgres, redis=None, root=root)
    postgres.start()
    servers.redis = RedisServer(root / "redis").start()
    return servers


def configure_django(servers: Servers) -> None:
    """This process's settings: test settings on the private servers. The
    variables are read when Django's settings load, so before django.setup."""
    os.environ.pop("PYTEST_XDIST_WORKER", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=servers.postgres.url(TEMPLATE),
        REDIS_URL=servers.redis.url,
        MEDIA_ROOT=str(servers.root / "media"),
        REPORTS_QUEUE="drills",
    )
    import django

    django.setup()


def build_template(servers: Servers) -> float:
    """Migrate an empty database and load the demo data into it: the copy
    every drill starts from. Returns the seconds it took."""
    from tests.processes import manage

    started = time.monotonic()
    with servers.admin() as conn:
        conn.execute(f"CREATE DATABASE {TEMPLATE}")
    url = {"DATABASE_URL": servers.postgres.url(TEMPLATE)}
    for command in (("migrate", "--noinput", "-v", "0"), ("load_demo",)):
        done = manage(*command, env=url, timeout=900)
        if done.returncode:
            raise DrillFailed(
                f"manage.py {' '.join(command)} failed:\n{done.stdout}{done.stderr}"
            )
    return time.monotonic() - started


def use_database(name: str) -> None:
    """Point this process's Django connection (and so the processes the
    drill starts, which take it from tests.celery_worker.database_url) at
    database `name`."""
    from django.conf import settings
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES["default"]["NAME"] = name


@dataclass
class Stage:
    """One drill's world: its database (a copy of the template), its media
    directory and queue, and every process it started."""

    servers: Servers
    name: str
    directory: Path = field(init=False)
    database: str = field(init=False)
    queue: str = field(init=False)
    processes: list = field(default_factory=list)

    def __post_init__(self):
        self.directory = Path(
            tempfile.mkdtemp(prefix=f"{self.name}-", dir=self.servers.root)
        )
        self.database = f"drill_{self.name.replace('-', '_')}"
        self.queue = f"drill-{self.name}"

    @property
    def media(self) -> Path:
        return self.directory / "media"

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "MEDIA_ROOT": str(self.media),
            "REPORTS_QUEUE": self.queue,
            "REDIS_URL": self.servers.redis.url,
            **extra,
        }

    def __enter__(self) -> Stage:
        from django.conf import settings

        with self.servers.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {self.database} TEMPLATE {TEMPLATE}")
        use_database(self.database)
        self.media.mkdir(parents=True)
        # Through override_settings, so that the file storage (which caches
        # its location) moves to this drill's media directory too.
        from django.test import override_settings

        self._settings = override_settings(
            MEDIA_ROOT=str(self.media), REPORTS_QUEUE=self.queue
        )
        self._settings.enable()
        assert str(self.media) == settings.MEDIA_ROOT
        return self

    def start(self, process):
        """Start `process` (a Worker, WebServer or Beat) and stop it with the
        stage."""
        self.processes.append(process)
        if hasattr(process, "log"):
            process.log = self.directory / f"process-{len(self.processes)}.log"
        return process.start()

    def __exit__(self, *exc_info) -> None:
        from django.db import connections

        for process in reversed(self.processes):
            with contextlib.suppress(BaseException):
                stop(process)
        connections.close_all()
        with contextlib.suppress(BaseException):
            self._settings.disable()
        with contextlib.suppress(BaseException):
            if not self.servers.postgres.running():
                self.servers.postgres.start()
            if (
                self.servers.redis.proc is None
                or self.servers.redis.proc.poll() is not None
            ):
                self.servers.redis.start()
            with self.servers.admin() as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        shutil.rmtree(self.directory, ignore_errors=True)


def stop(process) -> None:
    """Stop a process the drill started, and whatever it left in its group
    (a prefork child that outlived its killed parent)."""
    proc = getattr(process, "proc", None)
    pgid = None
    if proc is not None:
        with contextlib.suppress(ProcessLookupError):
            pgid = os.getpgid(proc.pid)
    with contextlib.suppress(BaseException):
        process.stop()
    if pgid is not None and pgid != os.getpgrp():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)


class Beat:
    """`celery beat` with the database scheduler, as deployed."""

    def __init__(self, env: dict[str, str], directory: Path):
        from tests.celery_worker import database_url

        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            **env,
        }
        self.directory = directory
        self.proc: subprocess.Popen | None = None
        self.output = ""

    def start(self) -> Beat:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "beat",
                "-S", "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile", str(self.directory / "beat.pid"),
                "-l", "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )  # fmt: skip
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.output, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.output, _ = self.proc.communicate()
