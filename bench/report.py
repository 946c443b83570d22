"""How long a monthly report of a big initiative takes: the data stage as the
generator runs it (`reports.snapshot.take_snapshot`) against hand-written SQL
for the same sections (bench/report_sql.py) under the same session settings,
then each format's renderer on that snapshot.

    make bench                     # or: python -m bench.report [--rounds N]

The raw baseline is written independently of the ORM: one statement per
section (the lights as of the period's end in a CTE, milestones folded with
GROUP BY, the latest progress and override by LATERAL), run on a bare cursor and
only fetched. Key figures of both must agree before anything is timed. The
ratio snapshot/raw (target <= 2) is what the ORM, its query shapes and the
snapshot's shaping of rows into JSON cost on top of the SQL.

For information, both are timed again with the server's own JIT setting: the
snapshot's big plans' estimated costs buy them a compilation that takes longer
than running them, which is why the data stage turns JIT off.

Rounds, not a time, bound this bench: `--seconds` (which `make bench` passes to
every bench) is accepted and ignored. A renderer stops early once its rounds
after the first have taken RENDER_BUDGET seconds; its line says how many ran.

Everything runs in a throwaway database (``test_bench_report``), created with
Django's test-runner utilities, dropped at the end. Parties, agencies, the
initiative, work streams and users come from the services; the bulk is made by
INSERT … SELECT from a seeded random(), with the tables' user triggers
(pghistory's, the joint-milestone constraint trigger) off while it loads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from unittest import mock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.choices import Role  # noqa: E402
from bench.world import two_party_world  # noqa: E402
from reports import services as report_services  # noqa: E402
from reports import snapshot as rs  # noqa: E402
from reports import snapshot_lists as rl  # noqa: E402
from reports.models import Report  # noqa: E402
from reports.periods import recent_periods  # noqa: E402
from reports.render import FORMATS, render  # noqa: E402
from tracker import services  # noqa: E402

DB_NAME = "test_bench_report"
TARGET = 2.0
RENDER_BUDGET = 60.0  # seconds per format, for the rounds after the first
PHRASES = [
    *("项目前期手续已全部办结，", "两地牵头部门召开联席会议，协调解决用地问题；"),
    *("完成年度投资计划的阶段目标，", "设备采购合同已签订，进入安装调试阶段。"),
    *("受汛期影响，部分施工节点顺延，已制定赶工方案；", "联合调研组赴现场核查，"),
    *("配套资金到位率提高，", "对接两地产业链上下游企业二十余家，形成合作清单。"),
]
LOADED = (
    *("task", "taskowner", "milestone", "progressupdate", "indicator"),
    *("indicatorreading", "extensionrequest", "completionclaim", "claimdecision"),
    *("lightoverride", "industrialpark", "parkpair", "parkpairmember"),
    *("parks_evaluationcycle", "parks_parkassessment"),
)

# The bulk, in order; `%%` is a literal %. Statuses: 15% not started, 45% in
# progress, 5% claimed, 25% completed (over the past year), 5% suspended, 5%
# cancelled; every seventh task's due date moved 90 days by an extension.
LOAD = [
    """INSERT INTO tracker_task (initiative_id, code, title, description, work_stream_id,
    task_list, lead_party_id, status, priority, planned_start, due_date,
    original_due_date, progress, completed_at, version, created_at, updated_at)
    SELECT %(ini)s, 'T-' || lpad(i::text, 5, '0'), '川渝合作事项第' || i || '项：重大项目联合推进',
    '', (%(streams)s::int[])[1 + i %% 5],
    (ARRAY['co_build', 'reciprocal', 'joint_application'])[1 + i %% 3],
    (%(parties)s::int[])[1 + i %% 2], st, 1 + i %% 3, start,
    start + span + CASE WHEN i %% 7 = 0 THEN 90 ELSE 0 END, start + span,
    CASE st WHEN 'not_started' THEN 0 WHEN 'completed' THEN 100 ELSE 5 + i * 37 %% 91 END,
    CASE WHEN st = 'completed' THEN %(now)s - random() * interval '365 days' END,
    1, %(now)s, %(now)s
    FROM (SELECT i, %(today)s - (30 + random() * 670)::int AS start,
    (120 + random() * 1280)::int AS span, CASE WHEN r < .15 THEN 'not_started'
    WHEN r < .6 THEN 'in_progress' WHEN r < .65 THEN 'completion_claimed'
    WHEN r < .9 THEN 'completed' WHEN r < .95 THEN 'suspended' ELSE 'cancelled' END st
    FROM (SELECT i, random() AS r FROM generate_series(0, %(tasks)s - 1) i) a) b""",
    """INSERT INTO tracker_taskowner (task_id, party_id, agency_id, contact_name,
    contact_phone, progress, narrative, version) SELECT t.id, x.party_id,
    x.lead_agency_id, '联络人', '023-60000000', t.progress, '', 1
    FROM tracker_task t JOIN tracker_participation x USING (initiative_id)""",
    # Milestones in fives: a joint one, one part per party, one of each party's own.
    """INSERT INTO tracker_milestone (task_id, party_id, parent_id, title, description,
    due_date, status, completed_at, weight, sort_order, version)
    SELECT id, NULL, NULL, '联合节点', '', planned_start + ((g + random())
    * (due_date - planned_start) / %(groups)s)::int, 'pending', NULL, 1, 5 * g, 1
    FROM tracker_task, generate_series(0, %(groups)s - 1) g""",
    """INSERT INTO tracker_milestone (task_id, party_id, parent_id, title, description,
    due_date, status, completed_at, weight, sort_order, version)
    SELECT task_id, party_id, CASE WHEN NOT own THEN joint END, title, '', due,
    CASE WHEN done IS NOT NULL THEN 'done' WHEN due < %(today)s + 60 THEN 'in_progress'
    ELSE 'pending' END, done, 1, sort_order, 1 FROM (SELECT m.task_id, x.party_id,
    m.id AS joint, own, CASE WHEN own THEN '本方节点' ELSE '分解节点' END AS title, due,
    m.sort_order + 1 + x.sort_order + CASE WHEN own THEN 2 ELSE 0 END AS sort_order,
    CASE WHEN t.status = 'completed' THEN LEAST(t.completed_at, late)
    WHEN t.status <> 'not_started' AND random() < CASE WHEN due < %(today)s THEN .95
    ELSE .1 END THEN LEAST(%(now)s, late) END AS done
    FROM tracker_milestone m JOIN tracker_task t ON t.id = m.task_id
    JOIN tracker_participation x USING (initiative_id), (VALUES (false), (true)) o (own),
    LATERAL (SELECT m.due_date - (random() * 60)::int AS due) d,
    LATERAL (SELECT due::timestamptz + (random() * 40 - 30) * interval '1 day' AS late) l
    ) s""",
    # A joint milestone is done when both its parts are.
    """UPDATE tracker_milestone j SET status = 'done', completed_at = p.done
    FROM (SELECT parent_id, max(completed_at) AS done FROM tracker_milestone
    WHERE parent_id IS NOT NULL GROUP BY parent_id HAVING bool_and(status = 'done')) p
    WHERE j.id = p.parent_id""",
    # Updates over the last two years, the parties in turn, progress rising.
    """INSERT INTO tracker_progressupdate (task_id, party_id, author_id, narrative,
    progress, reported_at) SELECT t.id, (%(parties)s::int[])[1 + k %% 2],
    (%(authors)s::int[])[1 + k %% 6], t.code || '：' || array_to_string(
    (%(phrases)s::text[])[1 + k %% 8 : 1 + k %% 8 + (random() * 4)::int], ''),
    t.progress * k / %(per)s,
    %(now)s - (%(per)s - k + random()) * interval '730 days' / %(per)s
    FROM tracker_task t, generate_series(1, %(per)s) k""",
    """INSERT INTO tracker_indicator (task_id, party_id, name, unit, baseline, target,
    direction, description, sort_order) SELECT id, (ARRAY[%(sc)s, %(cq)s, NULL])[1 +
    id %% 3], '完成投资', '亿元', id %% 50, 100 + id %% 50, 'higher', '', 0
    FROM tracker_task WHERE id %% 5 = 0""",
    """INSERT INTO tracker_indicatorreading (indicator_id, period, value, note, evidence,
    party_id, reported_by_id, reported_at, verification_status, qualifier)
    SELECT i.id, q.period, i.baseline + 80 - 10 * q.k + (i.id * q.k) %% 9, '', '',
    COALESCE(i.party_id, %(sc)s), %(user)s, LEAST(%(now)s, q.period + 10), 'pending',
    'exact'
    FROM tracker_indicator i, (SELECT k, (date_trunc('quarter', %(now)s) - k *
    interval '3 months' - interval '1 day')::date AS period
    FROM generate_series(0, 7) k) q""",
    # Approved for every task whose due date moved; pending for some open ones.
    """INSERT INTO tracker_extensionrequest (task_id, party_id, requested_by_id,
    current_due_date, requested_due_date, days_overdue, reason, status, requested_at,
    decided_by_id, decided_at, decision_note, granted_due_date)
    SELECT id, %(sc)s, %(user)s, original_due_date, original_due_date + 90,
    GREATEST(0, asked::date - original_due_date), '征地延误',
    CASE WHEN moved THEN 'approved' ELSE 'pending' END, asked,
    CASE WHEN moved THEN %(user)s END,
    CASE WHEN moved THEN LEAST(%(now)s, asked + interval '5 days') END,
    CASE WHEN moved THEN '同意延期' ELSE '' END,
    CASE WHEN moved THEN original_due_date + 90 END
    FROM (SELECT id, original_due_date, due_date > original_due_date AS moved,
    %(now)s - random() * interval '365 days' AS asked FROM tracker_task
    WHERE due_date > original_due_date
    OR (id %% 7 = 3 AND status IN ('not_started', 'in_progress'))) x""",
    """INSERT INTO tracker_completionclaim (task_id, party_id, claimed_by_id,
    explanation, status, claimed_at, closed_at) SELECT id, lead_party_id, %(user)s, '',
    CASE WHEN status = 'completed' THEN 'confirmed' ELSE 'open' END,
    COALESCE(completed_at, %(now)s) - interval '3 days', completed_at
    FROM tracker_task WHERE status IN ('completed', 'completion_claimed')""",
    """INSERT INTO tracker_claimdecision (claim_id, party_id, decided_by_id, decision,
    reason, decided_at) SELECT c.id, x.party_id, %(user)s, 'confirm', '', c.closed_at
    FROM tracker_completionclaim c JOIN tracker_task t ON t.id = c.task_id
    JOIN tracker_participation x ON x.initiative_id = t.initiative_id
    AND x.party_id <> c.party_id WHERE c.status = 'confirmed'""",
    """INSERT INTO tracker_lightoverride (task_id, light, reason, expires_at, set_by_id,
    created_at, cleared_at) SELECT id, (ARRAY['red', 'amber', 'green'])[1 + id %% 3],
    '专班研判', %(now)s + interval '30 days', %(user)s, %(now)s - interval '90 days',
    CASE WHEN id %% 2 = 0 THEN %(now)s - interval '10 days' END
    FROM tracker_task WHERE id %% 97 = 0""",
    # 20 parks in 10 pairs, evaluated in three rounds.
    """INSERT INTO tracker_industrialpark (party_id, name, city_county, batch)
    SELECT p.id, p.short_name || '合作园区' || i, '区县' || i, 2021
    FROM accounts_party p, generate_series(0, 9) i WHERE p.id IN (%(sc)s, %(cq)s)""",
    """INSERT INTO tracker_parkpair (initiative_id, batch, name)
    SELECT %(ini)s, 2021, city_county FROM tracker_industrialpark
    WHERE party_id = %(sc)s""",
    """INSERT INTO tracker_parkpairmember (pair_id, park_id, batch)
    SELECT pp.id, p.id, 2021 FROM tracker_parkpair pp
    JOIN tracker_industrialpark p ON p.city_county = pp.name
    WHERE pp.initiative_id = %(ini)s""",
    # Three published evaluation cycles of the batch, one a year.
    """INSERT INTO parks_evaluationcycle (initiative_id, name, batch, period_start,
    period_end, submit_due, review_due, score_due, publish_due, pass_score, state,
    announced_on, published_at, version) SELECT %(ini)s, y || '年度绩效评价', 2021,
    make_date(y, 1, 1), make_date(y, 12, 31), make_date(y + 1, 2, 1),
    make_date(y + 1, 2, 15), make_date(y + 1, 3, 1), make_date(y + 1, 3, 15), 60,
    'published', make_date(y + 1, 3, 15), make_date(y + 1, 3, 15), 2
    FROM generate_series(2023, 2025) y""",
    """INSERT INTO parks_parkassessment (cycle_id, park_id, pair_id, state, version,
    computed_score, score, adjustment_reason, outcome, rank, updated_at)
    SELECT c.id, p.id, m.pair_id, 'published', 6, s, s, '',
    CASE WHEN s >= 60 THEN 'met' ELSE 'not_met' END, 1, c.published_at
    FROM parks_evaluationcycle c CROSS JOIN tracker_industrialpark p
    JOIN tracker_parkpairmember m ON m.park_id = p.id AND m.batch = 2021
    CROSS JOIN LATERAL (SELECT round((40 + random() * 60)::numeric, 2) AS s) r
    WHERE c.initiative_id = %(ini)s""",
]
# What the disabled constraint trigger would have refused.
JOINT_RULE = """SELECT count(*) FROM tracker_milestone m JOIN tracker_milestone j
ON j.id = m.parent_id WHERE j.party_id IS NOT NULL
OR (j.status = 'done' AND m.status <> 'done')"""


def build(n_tasks: int, n_milestones: int, n_history: int):
    world = two_party_world()
    sc, cq, ini = world.sc, world.cq, world.initiative
    streams = [
        services.work_stream_create(
            initiative=ini, code=f"ws{i}", name=f"工作领域{i}", sort_order=i
        ).pk
        for i in range(5)
    ]
    authors = []  # Sichuan's and Chongqing's in turn
    for i, party in [(i, p) for i in range(3) for p in (sc, cq)]:
        user = account_services.user_create(
            username=f"{party.code}{i}", password="bench-pw-1", full_name=f"联络员{i}"
        )
        account_services.membership_grant(user=user, party=party, role=Role.COORDINATOR)
        authors.append(user.pk)
    now = timezone.now()
    params = dict(
        ini=ini.pk, sc=sc.pk, cq=cq.pk, parties=[sc.pk, cq.pk], streams=streams,
        authors=authors, user=world.coordinator.pk, phrases=PHRASES, now=now,
        today=timezone.localdate(now), tasks=n_tasks, per=n_history // n_tasks,
        groups=n_milestones // n_tasks // 5,
    )  # fmt: skip
    with connection.cursor() as cursor:
        for table in LOADED:  # a throwaway database: no audit trail for the load
            cursor.execute(f"ALTER TABLE {_table(table)} DISABLE TRIGGER USER")
        try:
            cursor.execute("SELECT setseed(0.2025)")
            for sql in LOAD:
                cursor.execute(sql, params)
        finally:
            for table in LOADED:
                cursor.execute(f"ALTER TABLE {_table(table)} ENABLE TRIGGER USER")
        cursor.execute(JOINT_RULE)
        assert cursor.fetchone()[0] == 0, "a milestone breaks the joint-milestone rule"
    services.tally_rebuild()  # the tasks were loaded with its triggers off
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return world


def _table(name: str) -> str:
    return name if name.startswith("parks_") else f"tracker_{name}"


def monthly_report(initiative) -> tuple[Report, float]:
    """The last complete month's report, and the ones before it done with their
    real snapshots (the trend `_history` reads). Never queued: a bench's report
    must not reach a worker."""
    started, today = time.perf_counter(), timezone.localdate()
    periods = recent_periods("monthly", today, rs.TREND_REPORTS)
    with mock.patch("reports.services.report_enqueue"):
        for start, end in periods:
            report, _ = report_services.report_request(
                initiative=initiative, kind="monthly", period_start=start, today=today
            )
            if end != periods[-1][1]:
                snapshot = rs.report_snapshot(report)
                Report.objects.filter(pk=report.pk).update(
                    status="done", snapshot=snapshot
                )
    return report, time.perf_counter() - started


# --- the raw SQL baseline -------------------------------------------------------

from bench.report_sql import RAW  # noqa: E402


def raw_params(report, now) -> dict:
    """As of the start of the day after the period (Asia/Shanghai), or now; the
    lights' and the lists' "today" is the period's last day."""
    start, after = (
        timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        for day in (report.period_start, report.period_end + dt.timedelta(days=1))
    )
    as_of = min(after, now)
    today = timezone.localdate(as_of - dt.timedelta(microseconds=1))
    return {
        "ini": report.initiative_id,
        "as_of": as_of,
        "start": start,
        "today": today,
        "end": report.period_end,
        "soon": today + dt.timedelta(days=settings.TRACKER_AMBER_WINDOW_DAYS),
        "up_end": today + dt.timedelta(days=rl.UPCOMING_DAYS),
        "margin": settings.TRACKER_PROGRESS_LAG_MARGIN,
        "updates": rl.UPDATES_LIMIT,
        "history": rs.TREND_REPORTS - 1,
        "readings": rl.TREND_READINGS,
    }


def raw_sections(params: dict, times: dict | None = None) -> dict[str, list]:
    """Every statement of RAW, run and fetched; `times` collects seconds by name."""
    rows = {}
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        for name, sql in RAW.items():
            started = time.perf_counter()
            raw.execute(sql, params)
            rows[name] = raw.fetchall()
            if times is not None:
                times.setdefault(name, []).append(time.perf_counter() - started)
    return rows


# --- checks and measuring ---------------------------------------------------------


def agree(snap: dict, raw: dict) -> None:
    """Key figures of the snapshot, recomputed from the raw rows."""

    def same(what, ours, theirs):
        assert ours == theirs, f"{what}: snapshot {theirs!r}, raw SQL {ours!r}"

    summary, fig = snap["summary"], {"overdue": 0}
    for dim, key, status, light, late, n in raw["counts"]:
        for k in [(dim, key)] + ([status, light] if dim == "ws" else []):
            fig[k] = fig.get(k, 0) + n
        fig["overdue"] += n * (dim == "ws" and late)
    for name in ("by_status", "by_light"):
        same(name, {k: fig.get(k, 0) for k in summary[name]}, summary[name])
    same("overdue", fig["overdue"], summary["overdue"])
    for dim, rows in (("ws", snap["by_work_stream"]), ("party", snap["by_party"])):
        same(
            dim, [fig.get((dim, r["id"]), 0) for r in rows], [r["total"] for r in rows]
        )
    names = ("milestones_total", "milestones_done", "milestones_overdue")
    same("milestones", list(raw["milestones"][0]), [summary[k] for k in names])
    same(
        "overdue", [r[1] for r in raw["overdue"]], [r["code"] for r in snap["overdue"]]
    )
    same(
        "lights",
        [(r[1], r[7], r[8], r[9]) for r in raw["tasks"]],
        [(r["code"], r["status"], r["progress"], r["light"]) for r in snap["tasks"]],
    )
    same("upcoming", len(raw["upcoming"]), len(snap["upcoming_milestones"]))
    same(
        "completed",
        [(r[1], r[6] or []) for r in raw["completed"]],
        [(r["code"], r["confirmed_by"]) for r in snap["completed"]],
    )
    same(
        "extensions",
        [r[8] for r in raw["extensions"]],
        [r["status"] for r in snap["extensions"]],
    )
    readings = sum(r[9] is not None for r in raw["indicators"])
    same("readings", readings, sum(len(i["trend"]) for i in snap["indicators"]))
    met = sum(r[5] == "met" for r in raw["parks"])
    same("parks met", met, snap["parks_summary"]["met"])
    same("updates", raw["updates_total"][0][0], snap["updates_total"])
    same(
        "update rows",
        [r[0] for r in raw["updates"]],
        [u["task_code"] for u in snap["updates"]],
    )
    same("history", len(raw["history"]), len(snap["trend"]) - 1)


def _section() -> str:
    """The section of the snapshot running a query: the function that
    report_snapshot called (in reports/snapshot.py or snapshot_lists.py)."""
    paths = tuple(
        os.path.join("reports", name) for name in ("snapshot.py", "snapshot_lists.py")
    )
    names = [f.name for f in traceback.extract_stack() if f.filename.endswith(paths)]
    return (names[1:] or names or ["?"])[0]


def raw_stage(params, raw_times) -> None:
    """The baseline under the data stage's session settings (reports.snapshot.
    take_snapshot): one transaction, JIT off."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        raw_sections(params, raw_times)


def timed(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - started


def measure_data(report, rounds: int) -> dict:
    now = timezone.now()
    params = raw_params(report, now)
    snap = rs.report_snapshot(report, now=now)
    agree(snap, raw_sections(params))
    s = snap["summary"]
    print(
        f"agreement: snapshot and raw SQL agree (tasks {s['total']}, overdue "
        f"{s['overdue']}, lights {s['by_light']}, updates in the month "
        f"{snap['updates_total']}, upcoming milestones "
        f"{len(snap['upcoming_milestones'])}, completed {len(snap['completed'])}, "
        f"extensions {len(snap['extensions'])})"
    )
    sections = []

    def named(execute, *args):
        sections.append(_section())
        return execute(*args)

    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(named):
        rs.report_snapshot(report, now=now)
    queries = zip(ctx.captured_queries, sections, strict=True)
    slow = sorted((float(q["time"]), name) for q, name in queries)[::-1]
    slow = [f"{t * 1000:.0f} ms ({name})" for t, name in slow]
    print(f"snapshot queries: {len(sections)}; slowest: {', '.join(slow[:4])}")
    spent, raw_times = {"snapshot": [], "raw": []}, {}
    for r in range(rounds):  # alternating, so that drift hits both alike
        for side in ("snapshot", "raw") if r % 2 else ("raw", "snapshot"):
            if side == "snapshot":
                spent[side].append(timed(rs.take_snapshot, report, now=now))
            else:
                spent[side].append(timed(raw_stage, params, raw_times))
    slow = sorted(((statistics.median(v), k) for k, v in raw_times.items()))[::-1]
    slow = [f"{t * 1000:.0f} ms ({name})" for t, name in slow]
    print(f"raw SQL statements: {len(RAW)}; slowest: {', '.join(slow[:4])}")
    snap_s, raw_s = (statistics.median(spent[k]) for k in ("snapshot", "raw"))
    print(f"data stage, take_snapshot: {snap_s:.2f} s (median of {rounds})")
    print(f"data stage, raw SQL: {raw_s:.2f} s (median of {rounds})")
    print(f"ratio snapshot/raw: {snap_s / raw_s:.2f} (target <= {TARGET})")
    print("result: " + ("meets target" if snap_s / raw_s <= TARGET else "ABOVE TARGET"))
    # For information: both sides with the server's own JIT setting.
    jit_snap = statistics.median(
        timed(rs.report_snapshot, report, now=now) for _ in range(rounds)
    )
    jit_raw = statistics.median(timed(raw_sections, params, {}) for _ in range(rounds))
    print(
        f"for information, with the server's jit setting: snapshot {jit_snap:.2f} s,"
        f" raw {jit_raw:.2f} s (ratio {jit_snap / jit_raw:.2f})"
    )
    size = len(json.dumps(snap, ensure_ascii=False).encode())
    print(f"snapshot: {size / 1024:.0f} KB of JSON")
    return snap


def _pages(pdf: bytes) -> str:
    if not shutil.which("pdfinfo"):
        return ""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True)
    found = re.search(r"Pages:\s+(\d+)", info.stdout)
    return f", {found.group(1)} pages" if found else ""


def measure_render(snap: dict, rounds: int) -> None:
    for fmt in FORMATS:
        times, out = [], b""
        while len(times) < rounds and sum(times[1:]) < RENDER_BUDGET:
            started = time.perf_counter()
            out = render(fmt, snap)
            times.append(time.perf_counter() - started)
        print(
            f"render {fmt}: {statistics.median(times):.2f} s (median of {len(times)}; "
            f"first {times[0]:.2f} s), {len(out) / 1024:.0f} KB"
            + (_pages(out) if fmt == "pdf" else "")
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--milestones", type=int, default=100_000, help="in fives")
    parser.add_argument("--history", type=int, default=1_000_000, help="updates")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, help="accepted, ignored")
    args = parser.parse_args(argv)

    connection.settings_dict.setdefault("TEST", {})["NAME"] = DB_NAME
    started = time.perf_counter()
    old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        world = build(args.tasks, args.milestones, args.history)
        print(
            f"data: {args.tasks} tasks, {args.milestones} milestones, {args.history} "
            f"progress updates; built in {time.perf_counter() - started:.1f} s"
        )
        report, spent = monthly_report(world.initiative)
        print(
            f"report: monthly, {report.period_start} – {report.period_end}; "
            f"{rs.TREND_REPORTS - 1} earlier months snapshotted in {spent:.1f} s"
        )
        snap = measure_data(report, args.rounds)
        measure_render(snap, args.rounds)
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
