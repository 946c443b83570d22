"""`make bench`: one table of ratios, each against a baseline measured in the
same run (bench/README.md).

    python -m bench                 # full: 1,000 / 10,000 / 50,000 tasks
    python -m bench --quick         # small: 1,000 / 5,000 tasks, under two minutes
    python -m bench --seed 7 --markdown var/bench/latest.md

Every part builds its own throwaway database on the configured server
(Django's `setup_databases`, names test_bench_*) and drops it at the end."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from bench import generator, lists, report_stage, serve, writes  # noqa: E402
from bench.measure import Row, ms, ratio_text, render  # noqa: E402
from reports.render import FORMATS  # noqa: E402

LIST_TARGET, PAGE_TARGET, SAME_SQL_TARGET = 0.2, 0.1, 0.75
GROWTH_TARGET, WRITE_TARGET, REPORT_TARGET = 1.5, 0.85, 2.0


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    reference: int  # the size the ratio targets are read at
    rounds: int
    per_round: int
    serve_keys: tuple[str, ...]
    serve_rounds: int
    per_client: int
    write_rounds: int
    writes_per_round: int
    report: tuple[int, int, int]  # tasks, milestones, progress updates
    report_rounds: int
    render_rounds: int


QUICK = Plan(
    sizes=(1_000, 5_000),
    reference=5_000,
    rounds=3,
    per_round=1,
    serve_keys=("list25", "tasks"),
    serve_rounds=2,
    per_client=1,
    write_rounds=4,
    writes_per_round=4,
    report=(500, 5_000, 20_000),
    report_rounds=2,
    render_rounds=1,
)
FULL = Plan(
    sizes=(1_000, 10_000, 50_000),
    reference=10_000,
    rounds=5,
    per_round=1,
    serve_keys=tuple(e.key for e in lists.ENDPOINTS),
    serve_rounds=3,
    per_client=1,
    write_rounds=10,
    writes_per_round=10,
    report=(10_000, 100_000, 1_000_000),
    report_rounds=3,
    render_rounds=3,
)


def _n(size: int) -> str:
    return f"{size:,}"


def _met(value: float, target: float, at_least: bool = True) -> bool:
    return value >= target if at_least else value <= target


class Databases:
    """Throwaway databases on the configured server: one migrated with
    Django's `setup_databases` (test_bench_lists), and a copy of it made
    before anything is loaded (test_bench_report), so the migrations run once.
    Both are dropped at the end."""

    LISTS, REPORT = "test_bench_lists", "test_bench_report"

    def __enter__(self) -> Databases:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = self.LISTS
        self.old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        self._admin(f'DROP DATABASE IF EXISTS "{self.REPORT}"')
        self._admin(f'CREATE DATABASE "{self.REPORT}" TEMPLATE "{self.LISTS}"')
        return self

    def _admin(self, sql: str) -> None:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql)

    def use(self, name: str) -> None:
        connection.close()
        connection.settings_dict["NAME"] = name

    def __exit__(self, *exc) -> None:
        self.use(self.LISTS)
        self._admin(f'DROP DATABASE IF EXISTS "{self.REPORT}"')
        teardown_databases(self.old, verbosity=0)


def list_rows(plan: Plan, seed: int, rows: list[Row], log) -> None:
    by_size: dict[int, dict] = {}
    world = generator.seed_world(seed)
    for size in plan.sizes:
        started = time.perf_counter()
        generator.grow(world, size)
        log(f"world: {_n(size)} tasks in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        measured = lists.measure(world, plan.rounds, plan.per_round, log)
        seq, brief = lists.plan_summary(lists.page_statement(world))
        seq_sort, brief_sort = lists.plan_summary(lists.page_statement(world, "sort"))
        by_size[size] = {"m": measured, "plan": [(seq, brief), (seq_sort, brief_sort)]}
        log(f"lists at {_n(size)}: {time.perf_counter() - started:.0f} s")
        if size == plan.reference:
            started = time.perf_counter()
            add_list_rows(plan, measured, rows)
            served = serve.concurrent(
                world,
                [e for e in lists.ENDPOINTS if e.key in plan.serve_keys],
                plan.serve_rounds,
                plan.per_client,
                log,
            )
            add_serve_rows(plan, served, rows)
            log(f"gunicorn: {time.perf_counter() - started:.0f} s")
            started = time.perf_counter()
            add_write_rows(
                writes.measure(world, plan.write_rounds, plan.writes_per_round), rows
            )
            log(f"writes: {time.perf_counter() - started:.0f} s")
    add_growth_rows(plan, by_size, rows)


def add_list_rows(plan: Plan, measured: dict, rows: list[Row]) -> None:
    section = f"lists at {_n(plan.reference)} tasks (test client)"
    for key, m in measured.items():
        target = LIST_TARGET if key in lists.LIST_KEYS else PAGE_TARGET
        vs_one = m.timed.ratios("endpoint", "one query")
        rows.append(
            Row(
                section,
                m.endpoint.label,
                f"p50 {ms(m.timed.p50('endpoint'))}, {m.queries} queries, "
                f"{m.bytes / 1024:.0f} KB",
                ratio_text(vs_one),
                f"one query ({ms(m.timed.p50('one query'))})",
                f"≥ {target}",
                _met(statistics.median(vs_one), target),
            )
        )
        vs_same = m.timed.ratios("endpoint", "same SQL")
        listed = key in lists.LIST_KEYS
        rows.append(
            Row(
                section,
                "    the same, against its own SQL",
                "",
                ratio_text(vs_same),
                f"same SQL ({ms(m.timed.p50('same SQL'))})",
                f"≥ {SAME_SQL_TARGET}" if listed else "",
                _met(statistics.median(vs_same), SAME_SQL_TARGET) if listed else None,
            )
        )


def add_serve_rows(plan: Plan, served: dict, rows: list[Row]) -> None:
    section = (
        f"gunicorn ({serve.WORKERS} sync workers, DEBUG off), "
        f"{serve.CLIENTS} clients, {_n(plan.reference)} tasks"
    )
    labels = {e.key: e.label for e in lists.ENDPOINTS}
    for key, s in served.items():
        target = LIST_TARGET if key in lists.LIST_KEYS else PAGE_TARGET
        rows.append(
            Row(
                section,
                labels[key],
                f"p50 {ms(s['p50'])}, p95 {ms(s['p95'])}, {s['rps']:.1f} req/s",
                ratio_text(s["ratios"]),
                f"one query ({s['base_rps']:.0f} req/s)",
                f"≥ {target}",
                _met(statistics.median(s["ratios"]), target),
            )
        )


def add_write_rows(measured: dict, rows: list[Row]) -> None:
    for name, (timed, events) in measured.items():
        ratios = timed.ratios(writes.HISTORY, writes.OFF)
        rows.append(
            Row(
                "writes through the API",
                name,
                f"p50 {ms(timed.p50(writes.HISTORY))} with history "
                f"({events:g} events each), {ms(timed.p50(writes.OFF))} without",
                ratio_text(ratios),
                "history triggers off",
                f"≥ {WRITE_TARGET}",
                _met(statistics.median(ratios), WRITE_TARGET),
            )
        )


def add_growth_rows(plan: Plan, by_size: dict, rows: list[Row]) -> None:
    first, last = plan.sizes[0], plan.sizes[-1]
    section = f"growth, p50 {_n(first)} → {_n(last)} tasks"
    for e in lists.ENDPOINTS:
        p50s = [by_size[s]["m"][e.key].timed.p50("endpoint") for s in plan.sizes]
        ratio = p50s[-1] / p50s[0]
        rows.append(
            Row(
                section,
                e.label,
                " → ".join(ms(p) for p in p50s),
                f"{ratio:.2f}",
                f"p50 at {_n(first)}",
                f"≤ {GROWTH_TARGET}",
                _met(ratio, GROWTH_TARGET, at_least=False),
            )
        )
    for size in plan.sizes:
        for (seq, brief), what in zip(
            by_size[size]["plan"], ("list page", "light sort"), strict=True
        ):
            rows.append(
                Row(
                    "page statement's plan",
                    f"{what} at {_n(size)} tasks",
                    brief,
                    "Seq Scan on tracker_task"
                    if seq
                    else "no Seq Scan on tracker_task",
                    "",
                    "no Seq Scan",
                    not seq,
                )
            )


def report_rows(plan: Plan, rows: list[Row], log) -> None:
    tasks, milestones, updates = plan.report
    section = (
        f"monthly report, {_n(tasks)} tasks, {_n(milestones)} milestones, "
        f"{_n(updates)} updates"
    )
    started = time.perf_counter()
    report = report_stage.build(tasks, milestones, updates)
    log(f"report world: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    timed, snap, queries, disagree = report_stage.data_stage(report, plan.report_rounds)
    rows.append(
        Row(
            section,
            "snapshot and raw SQL agree (key figures)",
            disagree[:160] or "yes",
            target="agree",
            met=not disagree,
        )
    )
    times = [
        s / r
        for s, r in zip(timed.rounds["snapshot"], timed.rounds["raw SQL"], strict=True)
    ]
    rows.append(
        Row(
            section,
            "data stage (take_snapshot), time ratio",
            f"{timed.p50('snapshot'):.2f} s, {queries} queries",
            ratio_text(times),
            f"raw SQL ({timed.p50('raw SQL'):.2f} s)",
            f"≤ {REPORT_TARGET}",
            _met(statistics.median(times), REPORT_TARGET, at_least=False),
        )
    )
    for fmt, (seconds, size) in report_stage.formats(snap, plan.render_rounds).items():
        rows.append(
            Row(section, f"render {fmt}", f"{seconds:.2f} s, {size / 1024:.0f} KB")
        )
    log(f"report stage and formats: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    idle, peak, spent = report_stage.worker_peak_rss(report)
    rows.append(
        Row(
            section,
            "Celery worker generating it (solo pool)",
            f"peak RSS {peak / 1024:.0f} MB (idle {idle / 1024:.0f} MB), "
            f"{spent:.1f} s from queue to its {len(FORMATS)} files",
        )
    )
    log(f"worker: {time.perf_counter() - started:.0f} s")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds")
    parser.add_argument("--seed", type=int, default=20251128)
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    parser.add_argument(
        "--only", choices=("lists", "report"), help="one part of the table"
    )
    parser.add_argument("--seconds", help="accepted for old BENCH_ARGS, ignored")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()

    def log(line: str) -> None:
        print(
            f"[{time.perf_counter() - started:5.0f} s] {line}",
            file=sys.stderr,
            flush=True,
        )

    rows: list[Row] = []
    with Databases() as databases:
        log("databases migrated")
        for part, name, run in (
            ("lists", databases.LISTS, lambda: list_rows(plan, args.seed, rows, log)),
            ("report", databases.REPORT, lambda: report_rows(plan, rows, log)),
        ):
            if args.only in (None, part):
                databases.use(name)
                try:
                    run()
                except Exception as exc:  # the table shows what failed, and the rest
                    traceback.print_exc()
                    failed = f"{type(exc).__name__}: {exc}"[:300]
                    rows.append(Row(part, "FAILED", failed, met=False))
    spent = time.perf_counter() - started
    table = render(rows)
    missed = sum(r.met is False for r in rows)
    footer = (
        f"{'QUICK' if args.quick else 'full'} run, seed {args.seed}, "
        f"{spent / 60:.1f} min; ratios are speed against the baseline (1 = as fast) "
        f"except the report's time ratio; median of the rounds (lowest–highest); "
        f"targets: issue 17; {missed} not met"
    )
    print(table)
    print(footer)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table + "\n\n" + footer + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
