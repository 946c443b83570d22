"""How well the forecast (tracker.forecast.RULE) names the items that later
slip: replayed as of past dates on the demo history and on a generated
history with known slips.

    make bench                     # or: python -m bench.forecast_backtest

For each replay date D, every item open at D gets the forecast the service
would have shown then (tracker.selectors.forecast.forecasts_as_of: only the
reports, milestones and extensions before D). An item "slipped" when it
finished more than RISK_DAYS after its due date as of D. Printed: how many
items the forecast flagged, precision (flagged items that slipped) and recall
(slipped items that were flagged), and the median absolute error in days of
the forecast finish date against the real one.

- demo: the demo data set (tracker/demo), loaded as of today; an open item's
  outcome is known only once its due date plus RISK_DAYS has passed (then it
  slipped), so the others are left out.
- generated: SEEDED items owned by both parties, each party with its own
  pace (a third of the items with a party at 50–80 % of the planned pace: the
  known slips), reports every two weeks with noise, three milestones
  completed when the slower party passes them; the true finish is known for
  every item, also those still open at the end.

Everything runs in a throwaway database (``test_bench_forecast``), created
with Django's test-runner utilities and dropped at the end. Rounds and
seconds mean nothing here: `--seconds` is accepted and ignored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Agency, Party, User  # noqa: E402
from tracker import services  # noqa: E402
from tracker.choices import MilestoneStatus, TaskList, TaskStatus  # noqa: E402
from tracker.demo import load_demo  # noqa: E402
from tracker.forecast import RISK_DAYS  # noqa: E402
from tracker.models import (  # noqa: E402
    ExtensionRequest,
    Initiative,
    Milestone,
    ProgressUpdate,
    Task,
    TaskOwner,
)
from tracker.selectors.forecast import forecasts_as_of  # noqa: E402

DB_NAME = "test_bench_forecast"
SEED = 19
ITEMS = 300
REPLAYS = [180, 150, 120, 90, 60, 30]  # days before today
# The demo's items finished years ago or finish after today: its replays
# reach back three years.
DEMO_REPLAYS = list(range(1080, 0, -60))


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _due_as_of(task_ids, as_of: dt.datetime) -> dict[int, dt.date]:
    due = dict(
        Task.objects.filter(pk__in=task_ids).values_list("pk", "original_due_date")
    )
    granted = (
        ExtensionRequest.objects.filter(
            task__in=task_ids, decided_at__lte=as_of, granted_due_date__isnull=False
        )
        .order_by("decided_at")
        .values_list("task", "granted_due_date")
    )
    for pk, day in granted:
        due[pk] = day
    return due


def score(rows: list[tuple[bool, bool, int | None]]) -> str:
    """rows: (flagged, slipped, error in days or None)."""
    flagged = sum(1 for f, _s, _e in rows if f)
    slipped = sum(1 for _f, s, _e in rows if s)
    hits = sum(1 for f, s, _e in rows if f and s)
    errors = [e for _f, _s, e in rows if e is not None]
    precision = f"{hits / flagged:.2f}" if flagged else "n/a"
    recall = f"{hits / slipped:.2f}" if slipped else "n/a"
    error = f"{statistics.median(errors):.0f}" if errors else "n/a"
    return (
        f"{len(rows)} forecasts, {flagged} flagged, {slipped} slipped; "
        f"precision {precision}, recall {recall}, "
        f"median error {error} days (of {len(errors)} with a known finish)"
    )


def replay(
    task_ids, finish: dict[int, dt.date | None], today: dt.date, replays=REPLAYS
) -> list:
    """Forecasts of `task_ids` as of each replay date against what happened.
    `finish`: the real finish day, or None when not known by today."""
    rows = []
    for back in replays:
        as_of = _at(today - dt.timedelta(days=back))
        due = _due_as_of(task_ids, as_of)
        for pk, f in forecasts_as_of(task_ids, as_of=as_of).items():
            real = finish.get(pk)
            limit = due[pk] + dt.timedelta(days=RISK_DAYS)
            if real is not None:
                slipped, error = real > limit, abs((f.forecast_date - real).days)
            elif today > limit:
                slipped, error = True, None  # still open well past its date
            else:
                continue  # not known yet
            rows.append((f.at_risk, slipped, error))
    return rows


def demo(today: dt.date) -> str:
    load_demo(today=today)
    tasks = Task.objects.filter(initiative__code=Initiative.objects.get().code)
    finish = {
        pk: timezone.localdate(at) if at else None
        for pk, at in tasks.values_list("pk", "completed_at")
    }
    return score(replay(list(finish), finish, today, DEMO_REPLAYS))


def generate(today: dt.date, items: int) -> tuple[list[int], dict]:
    """SEEDED items in the demo's initiative with known paces and finishes."""
    rng = random.Random(SEED)
    initiative = Initiative.objects.get()
    stream = services.work_stream_create(
        initiative=initiative, code="bt", name="回测事项"
    )
    parties = list(Party.objects.filter(code__in=["SC", "CQ"]).order_by("code"))
    authors = {
        p.pk: User.objects.get(username=f"{p.code.lower()}_coord") for p in parties
    }
    finish: dict[int, dt.date] = {}
    updates, milestones = [], []
    ids = []
    for n in range(items):
        start = today - dt.timedelta(days=rng.randint(200, 520))
        planned = rng.randint(200, 420)
        due = start + dt.timedelta(days=planned)
        task = services.task_create(
            initiative=initiative,
            code=f"BT-{n:03d}",
            title=f"回测事项{n}",
            work_stream=stream,
            task_list=TaskList.RECIPROCAL,
            status=TaskStatus.IN_PROGRESS,
            planned_start=start,
            due_date=due,
            owners=[
                services.OwnerSpec(
                    party=p,
                    agency=Agency.objects.get(party=p, is_lead=True),
                    contact_name="联络人",
                )
                for p in parties
            ],
        )
        ids.append(task.pk)
        slow = rng.random() < 1 / 3
        paces = {
            p.pk: (rng.uniform(0.5, 0.8) if slow and i == 0 else rng.uniform(0.9, 1.3))
            for i, p in enumerate(rng.sample(parties, len(parties)))
        }
        ends = {
            pk: start + dt.timedelta(days=planned / pace) for pk, pace in paces.items()
        }
        end = max(ends.values())
        finish[task.pk] = end
        parts = {}
        for party_id, pace in paces.items():
            day, last = start + dt.timedelta(days=rng.randint(10, 20)), 0
            while day < today and last < 100:
                ideal = 100 * (day - start).days * pace / planned
                last = max(last, min(100, round(ideal + rng.gauss(0, 3))))
                updates.append(
                    ProgressUpdate(
                        task=task,
                        party_id=party_id,
                        author=authors[party_id],
                        narrative="按计划推进",
                        progress=last,
                        reported_at=_at(day),
                    )
                )
                day += dt.timedelta(days=rng.randint(11, 17))
            parts[party_id] = last
        slowest = min(paces.values())
        for k in (1, 2, 3):
            m_due = start + dt.timedelta(days=planned * k // 4)
            done = start + dt.timedelta(days=planned * k / 4 / slowest)
            milestones.append(
                Milestone(
                    task=task,
                    title=f"节点{k}",
                    due_date=m_due,
                    status=MilestoneStatus.DONE if done < today else "pending",
                    completed_at=_at(done) if done < today else None,
                    sort_order=k,
                )
            )
        for party_id, progress in parts.items():
            TaskOwner.objects.filter(task=task, party_id=party_id).update(
                progress=progress
            )
        if end < today:
            Task.objects.filter(pk=task.pk).update(
                status=TaskStatus.COMPLETED, completed_at=_at(end), progress=100
            )
        else:
            Task.objects.filter(pk=task.pk).update(
                progress=sum(parts.values()) // len(parts)
            )
    ProgressUpdate.objects.bulk_create(updates)
    Milestone.objects.bulk_create(milestones)
    return ids, finish


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=0, help="ignored")
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--quick", action="store_true", help="a quarter of the items")
    args = parser.parse_args(argv)
    if args.quick:
        args.items = max(20, args.items // 4)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = DB_NAME
    old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        today = timezone.localdate()
        replays = ", ".join(str(d) for d in REPLAYS)
        print(
            f"forecast back-test: replays {replays} days before {today}, "
            f"at risk = forecast more than {RISK_DAYS} days late"
        )
        print(f"demo history (replays every 60 days over 3 years): {demo(today)}")
        ids, finish = generate(today, args.items)
        print(
            f"generated history ({args.items} items, seed {SEED}): "
            + score(replay(ids, finish, today))
        )
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
