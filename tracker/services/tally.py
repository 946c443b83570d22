"""The initiatives' stored task counts (tracker.models.tally): their check
against counts from scratch, their rebuild after a load that ran with the
triggers off, and the nightly folding of the light counts' rows."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Sum

from ..models import Task, TaskLight, TaskLightTally, TaskTally


def tally_check() -> list[tuple[str, int, int]]:
    """(what, stored, counted) for every stored count that is not the number
    it stands for: "initiative 3" (its tasks) or "initiative 3 red" (its
    tasks of that light). A missing row stores 0."""
    counted = {
        f"initiative {pk}": n
        for pk, n in Task.objects.order_by()
        .values("initiative_id")
        .annotate(n=Count("id"))
        .values_list("initiative_id", "n")
    }
    stored = {
        f"initiative {pk}": n
        for pk, n in TaskTally.objects.values_list("initiative_id", "n")
    }
    counted |= {
        f"initiative {pk} {light}": n
        for pk, light, n in TaskLight.objects.order_by()
        .values("task__initiative_id", "light")
        .annotate(n=Count("task_id"))
        .values_list("task__initiative_id", "light", "n")
    }
    stored |= {
        f"initiative {pk} {light}": n
        for pk, light, n in TaskLightTally.objects.order_by()
        .values("initiative_id", "light")
        .annotate(total=Sum("n"))
        .values_list("initiative_id", "light", "total")
    }
    return [
        (what, stored.get(what, 0), counted.get(what, 0))
        for what in sorted(counted.keys() | stored.keys())
        if stored.get(what, 0) != counted.get(what, 0)
    ]


@transaction.atomic
def tally_rebuild() -> None:
    """Count every initiative's tasks and lights again, holding off the
    writes the triggers would count while it does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "LOCK TABLE tracker_task, tracker_tasklight IN SHARE ROW EXCLUSIVE MODE"
        )
        cursor.execute("DELETE FROM tracker_tasktally")
        cursor.execute(
            "INSERT INTO tracker_tasktally (initiative_id, n)"
            " SELECT initiative_id, count(*) FROM tracker_task GROUP BY initiative_id"
        )
        cursor.execute("DELETE FROM tracker_tasklighttally")
        cursor.execute(
            "INSERT INTO tracker_tasklighttally (initiative_id, light, n)"
            " SELECT t.initiative_id, l.light, count(*) FROM tracker_tasklight l"
            " JOIN tracker_task t ON t.id = l.task_id GROUP BY 1, 2"
        )


def tally_compact() -> int:
    """Fold the light counts' rows into one per initiative and light (none
    where they add up to 0), in one statement: rows that writes insert
    meanwhile stay as they are, for the next time. Returns the rows left."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM tracker_tasklighttally"
            " RETURNING initiative_id, light, n)"
            " INSERT INTO tracker_tasklighttally (initiative_id, light, n)"
            " SELECT initiative_id, light, sum(n) FROM gone"
            " GROUP BY initiative_id, light HAVING sum(n) <> 0"
        )
        return cursor.rowcount
