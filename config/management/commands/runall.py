"""Run the web server, a Celery worker and Celery beat together in the foreground.

Ctrl-C (or SIGTERM) stops all three and then the embedded PostgreSQL, if that is
the database in use. If any of the three dies, the others are stopped too, so
nobody is left looking at a half-running service.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from config import devdb


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
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        self.stderr.write(
                            f"{name} exited with {proc.returncode}; stopping."
                        )
                        exit_code = proc.returncode or 1
                        stopping = True
                        break
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
        from tracker.demo import DEMO_LOGINS, DEMO_PASSWORD

        db = settings.DATABASES["default"]
        broker = (
            "Redis" if settings.REDIS_URL else f"filesystem ({devdb.VAR_DIR}/celery)"
        )
        lines = [
            "",
            "成渝地区双城经济圈合作事项清单 — joint task tracker",
            f"  URL:      http://{host}:{port}/",
            f"  Reports:  http://{host}:{port}/reports/",
            f"  Admin:    http://{host}:{port}/admin/",
            f"  API docs: http://{host}:{port}/api/docs/",
            f"  Database: {db['NAME']} on {db['HOST'] or 'localhost'}",
            f"  Broker:   {broker}",
            f"  Demo logins (password {DEMO_PASSWORD}):",
            *(f"    {u:<12} {role} · {party}" for u, role, party in DEMO_LOGINS),
            "  Ctrl-C stops everything.",
            "",
        ]
        self.stdout.write("\n".join(lines))
