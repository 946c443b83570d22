"""PostgreSQL restarted under mixed API load, with a report in the middle of
its generation: the only errors are answers to requests made while the
server was down, each a problem+json 503; the service answers again as soon
as the server is back; nothing acknowledged is lost and no report is left
stuck."""

from __future__ import annotations

import time

from django.db import connections

from reports.choices import ReportStatus
from reports.models import Report

from .api import lost_writes
from .harness import Stage, expect
from .outages import request_report, service, wait_done
from .reports import check_done_once, status


def run(stage: Stage, *, quick: bool, trials: int, rng) -> str:
    outage = 5 if quick else 15
    postgres = stage.servers.postgres
    _web, worker, load = service(stage, pause="1.0")
    report_id, _, code = request_report(load, "monthly")
    expect(code == 202, f"asking for a report answered {code}")
    while status(report_id) != ReportStatus.RUNNING:
        time.sleep(0.1)
    time.sleep(3)
    down = time.monotonic()
    postgres.stop("fast")
    connections.close_all()
    time.sleep(outage)
    postgres.start()
    up = time.monotonic()
    time.sleep(10)  # load once the server is back
    load.stop()
    finished = wait_done(report_id, worker)

    errors = [a for a in load.answers if not 200 <= a.status < 300]
    # In flight at some moment while the server was down (stopping, stopped
    # or starting), as seen by the client.
    outside = [a for a in errors if a.started + a.seconds < down or a.started > up]
    wrong = [a for a in errors if not (a.status == 503 and a.problem)]
    after = [a for a in load.answers if a.started >= up and 200 <= a.status < 300]
    recovery = min(a.started + a.seconds for a in after) - up if after else None
    expect(
        not outside,
        f"{len(outside)} errors while the server was up: "
        f"{sorted({(a.method, a.status, a.code) for a in outside})}"
        f" at {[(round(a.started - down, 1), round(a.seconds, 1)) for a in outside]}"
        f" (down at 0, up at {up - down:.1f})",
    )
    expect(
        not wrong,
        f"{len(wrong)} errors not problem+json 503: "
        f"{sorted({(a.method, a.status, a.code) for a in wrong})}",
    )
    expect(recovery is not None, "no successful answer after the restart")
    lost = lost_writes(load.acknowledged)
    expect(lost == 0, f"{lost} acknowledged writes not in the database")
    check_done_once(report_id, stage.media)
    stuck = Report.objects.exclude(status=ReportStatus.DONE).count()
    expect(stuck == 0, f"{stuck} reports not done")
    codes = sorted({a.code for a in errors})
    writes = sum(len(v) for v in load.acknowledged.values())
    return (
        f"PostgreSQL down {up - down:.0f} s: {len(errors)} errors, all while down,"
        f" all problem+json 503 ({', '.join(codes) or 'none'}); first answer"
        f" {recovery:.1f} s after it was back; {writes} acknowledged writes, 0 lost;"
        f" report interrupted mid-way done once {finished:.1f} s after, none stuck"
    )
