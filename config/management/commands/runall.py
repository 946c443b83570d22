"""Run the web server, a Celery worker and Celery beat together in the foreground.

Ctrl-C (or SIGTERM) stops all three and then the embedded PostgreSQL, if that is
the database in use. A worker or beat that dies is started again (after a pause
that grows while it keeps dying) and the console says so loudly: the pages stay
up, and reports wait as rows until a worker takes them. If the web server dies,
everything stops, since that is what the developer is looking at.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from config import devdb

# What is started again when it dies, and how long to wait first (seconds,
# doubling while it keeps dying, so a broken configuration does not spin).
RESTARTED = ("worker", "beat")
RESTART_DELAY_MIN = 1
RESTART_DELAY_MAX = 60


def _died(name: str, proc: subprocess.Popen, delay: float) -> str:
    line = "!" * 72
    what = {
        "worker": "reports are not generated until it is back",
        "beat": "scheduled reports and sweeps do not run until it is back",
    }[name]
    return (
        f"{line}\n!! The Celery {name} exited with {proc.returncode}: {what}.\n"
        f"!! The web server stays up. Starting the {name} again in {delay:g} s.\n"
        f"{line}"
    )


class Command(BaseCommand):
    help = "Run web, Celery worker and Celery beat together (what `make run` starts)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--keep-db",
            action="store_true",
            help="Leave the embedded PostgreSQL running on exit.",
        )

    def handle(self, *args, host, port, keep_db, **options):
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "config"]
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [*celery, "worker", "-l", "info", "--concurrency", "2"],
            "beat": [
                *celery,
                "beat",
                "-l",
                "info",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
            ],
        }
        self._banner(host, port)
        procs = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        started = dict.fromkeys(procs, time.monotonic())
        restart_at: dict[str, float] = {}
        delays = dict.fromkeys(RESTARTED, RESTART_DELAY_MIN)
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                now = time.monotonic()
                for name, proc in procs.items():
                    if name in restart_at:
                        if now >= restart_at[name]:
                            del restart_at[name]
                            procs[name] = subprocess.Popen(commands[name])  # noqa: S603
                            started[name] = now
                            self.stderr.write(f"!! {name} started again.")
                        continue
                    if proc.poll() is None:
                        continue
                    if name not in RESTARTED:
                        self.stderr.write(
                            f"{name} exited with {proc.returncode}; stopping."
                        )
                        exit_code = proc.returncode or 1
                        stopping = True
                        break
                    if now - started[name] > RESTART_DELAY_MAX:
                        delays[name] = RESTART_DELAY_MIN  # it had been running well
                    self.stderr.write(self.style.ERROR(_died(name, proc, delays[name])))
                    restart_at[name] = now + delays[name]
                    delays[name] = min(delays[name] * 2, RESTART_DELAY_MAX)
                time.sleep(0.5)
        finally:
            self._stop(procs)
            if not keep_db and not os.environ.get("DATABASE_URL"):
                from django.db import connections

                connections.close_all()
                if devdb.embedded_stop():
                    self.stdout.write("Embedded PostgreSQL stopped.")
        sys.exit(exit_code)

    def _stop(self, procs):
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, proc in procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it.")
                proc.kill()
                proc.wait()
        self.stdout.write("Web, worker and beat stopped.")

    def _banner(self, host, port):
        """What a first run needs, printed last before the three processes'
        own logs start: where to go and how to sign in."""
        self.stdout.write(banner(host, port))


def banner(host: str, port: str | int) -> str:
    from tracker.demo import DEMO_LOGINS, DEMO_PASSWORD

    db = settings.DATABASES["default"]
    broker = "Redis" if settings.REDIS_URL else f"filesystem ({devdb.VAR_DIR}/celery)"
    url = f"http://{host}:{port}/"
    rule = "=" * 72
    width = max(len("user name"), *(len(login[0]) for login in DEMO_LOGINS))
    return "\n".join(
        [
            "",
            rule,
            "  成渝地区双城经济圈合作事项清单 · joint task tracker is starting",
            "",
            f"  Open      {url}",
            f"  Reports   {url}reports/",
            f"  Admin     {url}admin/",
            f"  API docs  {url}api/docs/",
            "",
            "  Demo logins:",
            f"    {'user name':<{width}}  {'password':<{len(DEMO_PASSWORD)}}  role",
            *(
                f"    {username:<{width}}  {DEMO_PASSWORD}  {role}（{party}）"
                for username, role, party in DEMO_LOGINS
            ),
            "",
            f"  Database {db['NAME']} on {db['HOST'] or 'localhost'}; broker {broker}.",
            "  Ctrl-C stops the web server, the worker and beat.",
            rule,
            "",
        ]
    )
