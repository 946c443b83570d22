"""A private PostgreSQL server on a spare loopback port, for tests that stop
and start a database under a running process. Never the shared server.

Debian's PostgreSQL 15 binaries, run as the `postgres` system user when the
tests run as root (initdb refuses root), in a temporary directory that is
removed when the server is done with."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.processes import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def _require_binaries() -> None:
    # A drill that cannot run must say so, never pass by skipping.
    if not (BIN / "initdb").exists():
        raise AssertionError(
            f"no PostgreSQL 15 server binaries in {BIN}: install the Debian "
            "package postgresql-15 (make test installs it where apt is available)"
        )


class PrivatePostgres:
    def __init__(self):
        _require_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._user = None
        if os.geteuid() == 0:
            self._user = pwd.getpwnam("postgres")
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)

    def _run(self, *args: str) -> str:
        command = [str(BIN / args[0]), *args[1:]]
        if self._user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def init(self) -> PrivatePostgres:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync",
        )  # fmt: skip
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-k {self.root} -c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def copy_database(self, source_url: str, dbname: str) -> None:
        """Create `dbname` here as a copy of the database at `source_url`
        (schema, data, triggers), faster than migrating from nothing."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), dbname)
        dump = subprocess.run(
            [str(BIN / "pg_dump"), "--no-owner", "--no-privileges", source_url],
            capture_output=True,
            timeout=120,
            check=True,
        )
        subprocess.run(
            [
                str(BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-X",
                self.url(dbname),
            ],
            input=dump.stdout,
            capture_output=True,
            timeout=120,
            check=True,
        )  # fmt: skip

    def destroy(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
