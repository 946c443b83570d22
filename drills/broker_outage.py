"""Redis stopped for a minute under mixed API load: every answer comes within
a second (the web never waits on the broker), every acknowledged write is in
the database, and the reports asked for while Redis was away are generated
once it is back, with no beat and no sweep interval to wait for."""

from __future__ import annotations

import time

from .api import lost_writes
from .harness import Stage, expect
from .outages import request_report, service, wait_done
from .reports import check_done_once

LIMIT = 1.0  # seconds: the longest any answer may take


def run(stage: Stage, *, quick: bool, trials: int, rng) -> str:
    outage = 10 if quick else 60
    redis = stage.servers.redis
    _web, worker, load = service(stage)
    time.sleep(5)  # load with Redis up
    down = time.monotonic()
    redis.stop()
    asked = []
    kinds = ["weekly", "monthly", "quarterly"]
    for n, kind in enumerate(kinds):
        time.sleep(outage / (len(kinds) + 1) if n else 1)
        asked.append((kind, *request_report(load, kind)))
    time.sleep(max(0.0, down + outage - time.monotonic()))
    redis.start()
    up = time.monotonic()
    generated = [
        wait_done(report_id, worker) for _, report_id, _, _ in asked if report_id
    ]
    time.sleep(3)  # load once Redis is back
    load.stop()

    during = load.between(down, up)
    slow = [a for a in load.answers if a.seconds > LIMIT]
    failed = [a for a in during if not 200 <= a.status < 300]
    expect(
        all(code == 202 for _, _, _, code in asked),
        f"report requests answered {[(code, round(s, 2)) for *_, s, code in asked]}"
        f"; web: {_web.proc.poll()}",
    )
    expect(
        not slow,
        f"{len(slow)} answers over {LIMIT} s, the slowest "
        f"{max(a.seconds for a in slow):.2f} s"
        if slow
        else "",
    )
    expect(
        not failed,
        f"{len(failed)} errors with Redis down: "
        f"{sorted({(a.method, a.status, a.code) for a in failed})}",
    )
    lost = lost_writes(load.acknowledged)
    expect(lost == 0, f"{lost} acknowledged writes not in the database")
    for _, report_id, _, _ in asked:
        check_done_once(report_id, stage.media)
    writes = sum(len(v) for v in load.acknowledged.values())
    slowest = max(a.seconds for a in during)
    return (
        f"Redis down {up - down:.0f} s: {len(during)} answers meanwhile, 0 errors,"
        f" slowest {slowest:.2f} s (all {len(load.answers)} within {LIMIT:.0f} s);"
        f" {writes} acknowledged writes, 0 lost; {len(asked)} reports asked for"
        f" during it (202 in max {max(s for _, _, s, _ in asked):.2f} s) done once"
        f" after it, last {max(generated):.1f} s after Redis returned"
    )
