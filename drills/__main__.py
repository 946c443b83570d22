"""`python -m drills [name …]`: run the fault drills, one line each.

Environment (what `make drills` passes on): DRILL a name or a comma-separated
list (default all), QUICK=1 a short version of each, DRILL_TRIALS kills per
way of killing the worker (default 10, QUICK 1), DRILL_SEED the random
moments' seed (default 17). The exit status is 1 when any drill's
expectation was not met, or it ran past its limit."""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import harness

# name → (module, hard limit in seconds for the full and the QUICK version)
DRILLS = {
    "worker-kill": ("worker_kill", 1500, 300),
    "redis-outage": ("broker_outage", 420, 180),
    "postgres-restart": ("database_restart", 420, 180),
    "two-beats": ("two_beats", 300, 180),
    "etag-race": ("etag_race", 300, 180),
    "schemathesis": ("schema", 2400, 600),
}


def _options(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m drills", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"drills to run: {', '.join(DRILLS)}")
    parser.add_argument("--quick", action="store_true", default=_flag("QUICK"))
    parser.add_argument("--trials", type=int, default=_int("DRILL_TRIALS"))
    parser.add_argument("--seed", type=int, default=_int("DRILL_SEED") or 17)
    options = parser.parse_args(argv)
    chosen = options.names or [
        n.strip() for n in os.environ.get("DRILL", "").split(",") if n.strip()
    ]
    unknown = [n for n in chosen if n not in DRILLS]
    if unknown:
        parser.error(f"unknown drill {', '.join(unknown)}; known: {', '.join(DRILLS)}")
    options.names = chosen or list(DRILLS)
    if options.trials is None:
        options.trials = 1 if options.quick else 10
    return options


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() not in ("", "0", "false", "no")


def _int(name: str) -> int | None:
    value = os.environ.get(name, "")
    return int(value) if value else None


def main(argv=None) -> int:
    options = _options(argv)
    root = Path(tempfile.mkdtemp(prefix="drills-"))
    servers = None
    failed = []
    began = time.monotonic()
    try:
        servers = harness.start_servers(root)
        harness.configure_django(servers)
        built = harness.build_template(servers)
        print(
            f"drills: seed {options.seed}, {'QUICK, ' if options.quick else ''}"
            f"private PostgreSQL on :{servers.postgres.port}, Redis on "
            f":{servers.redis.port}; template database (migrate + demo) {built:.0f} s",
            flush=True,
        )
        for name in options.names:
            module_name, limit, quick_limit = DRILLS[name]
            limit = quick_limit if options.quick else limit
            started = time.monotonic()
            try:
                module = __import__(f"drills.{module_name}", fromlist=["run"])
                with (
                    harness.time_limit(limit, name),
                    harness.Stage(servers, name) as stage,
                ):
                    line = module.run(
                        stage,
                        quick=options.quick,
                        trials=options.trials,
                        rng=random.Random(f"{options.seed}-{name}"),
                    )
            except (harness.DrillFailed, harness.DrillTimeout, Exception) as exc:
                failed.append(name)
                detail = (
                    str(exc)
                    if isinstance(exc, harness.DrillFailed | harness.DrillTimeout)
                    else traceback.format_exc()
                )
                line = f"FAILED: {detail}"
            print(f"{name:<17} {line} [{time.monotonic() - started:.0f} s]", flush=True)
    finally:
        if servers is not None:
            with contextlib.suppress(BaseException):
                servers.redis.stop()
            servers.postgres.destroy()
        shutil.rmtree(root, ignore_errors=True)
    print(
        f"drills: {len(options.names) - len(failed)}/{len(options.names)} met their"
        f" expectations in {time.monotonic() - began:.0f} s"
        + (f"; failed: {', '.join(failed)}" if failed else ""),
        flush=True,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
