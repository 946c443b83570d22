"""The initiatives' stored task counts (tracker.models.tally): their check
against a count from scratch, and their rebuild after a load that ran with
the table's triggers off."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count

from ..models import Task, TaskTally


def tally_check() -> list[tuple[int, int, int]]:
    """(initiative id, stored, counted) for every initiative whose stored
    count is not its number of tasks (a missing row stores 0)."""
    counted = dict(
        Task.objects.order_by()
        .values("initiative_id")
        .annotate(n=Count("id"))
        .values_list("initiative_id", "n")
    )
    stored = dict(TaskTally.objects.values_list("initiative_id", "n"))
    return [
        (pk, stored.get(pk, 0), counted.get(pk, 0))
        for pk in sorted(counted.keys() | stored.keys())
        if stored.get(pk, 0) != counted.get(pk, 0)
    ]


@transaction.atomic
def tally_rebuild() -> None:
    """Count every initiative's tasks again, holding off task inserts and
    deletes (which the triggers would count) while it does."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE tracker_task IN SHARE MODE")
        cursor.execute("DELETE FROM tracker_tasktally")
        cursor.execute(
            "INSERT INTO tracker_tasktally (initiative_id, n)"
            " SELECT initiative_id, count(*) FROM tracker_task GROUP BY initiative_id"
        )
