"""The task list's page statement at 10,000 tasks, with the light computed per
row (as before it was stored) and read from the stored light: EXPLAIN ANALYZE
of the default order, the light sort and the light filter, and whether the
plan scans every task.

    .venv/bin/python -m bench.light_plans [--tasks 10000] [--full]

Builds the world of bench/api_list.py in a throwaway database and drops it."""

from __future__ import annotations

import argparse
import os
import re
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import api_list  # noqa: E402
from tracker.selectors import (  # noqa: E402
    _approved_extensions,
    _visible_tasks,
    task_list_for_user,
)
from tracker.selectors.dashboards import TASK_SORTS  # noqa: E402
from tracker.selectors.lights import order_tasks, with_computed_light  # noqa: E402

DB_NAME = "test_bench_light_plans"
PAGE = 25


def computed_list(user):
    """The task list as it was: the light computed in the page statement."""
    return (
        with_computed_light(_visible_tasks(user), today=timezone.localdate())
        .select_related("work_stream", "lead_party", "initiative")
        .annotate(extension_count=_approved_extensions())
    )


def statements(tasks):
    return {
        "default (work stream, code)": tasks.order_by(
            "work_stream__sort_order", "code"
        )[:PAGE],
        "page default (code)": tasks.order_by(*TASK_SORTS["code"])[:PAGE],
        "light sort": order_tasks(tasks, TASK_SORTS["light"])[:PAGE],
        "light filter (red, by code)": tasks.filter(light="red").order_by("code")[
            :PAGE
        ],
    }


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING ON) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=api_list.TASKS)
    parser.add_argument("--full", action="store_true", help="print whole plans")
    args = parser.parse_args(argv)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = DB_NAME
    old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        api_list.build(args.tasks)
        user = User.objects.get(username="sc_coord")
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        for label, tasks in (
            ("computed per row", computed_list(user)),
            ("stored", task_list_for_user(user=user)),
        ):
            for name, queryset in statements(tasks).items():
                explain(queryset)  # warm the cache
                plan = explain(queryset)
                seq = re.findall(r"Seq Scan on (tracker_\w+)", plan)
                top = plan.splitlines()[0]
                rows = re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", top)
                time = re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)
                print(
                    f"{label:17} | {name:28} | {time:>9} ms | rows {rows.group(1)}"
                    f" | seq scans: {', '.join(seq) or 'none'}"
                )
                if args.full:
                    print(plan + "\n")
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
