"""How many tasks each initiative has, kept by PostgreSQL itself.

The task list's length for a user who filters nothing is the sum of these
counts over the initiatives the user takes part in: one indexed read of a
few rows, where counting the tasks reads every one of them and grows with
the list (issue 17's growth target). Statement-level triggers on
`tracker_task` (`tally_triggers`) add each statement's inserted, deleted and
moved rows in the same transaction, so the count is exact whatever writes
the tasks: the services, the admin, an import or raw SQL. `manage.py
lights_check` compares it with a count from scratch, as it does the lights.

Derived state, like the stored light: not audited."""

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

TABLE = "tracker_tasktally"


class TaskTally(models.Model):
    # No foreign key constraint: the triggers may write an initiative's row
    # while its deletion removes its tasks, and a row of 0 left behind is
    # harmless.
    initiative = models.OneToOneField(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    n = models.IntegerField(_("number of tasks"))

    class Meta:
        verbose_name = _("task count")
        verbose_name_plural = _("task counts")
        # Kept by the triggers alone: nobody adds or changes a count.
        default_permissions = ()

    def __str__(self):
        return f"{self.initiative_id}: {self.n}"


def _add(deltas: str) -> str:
    # Rows locked in initiative order, so that two statements touching the
    # same initiatives wait for each other instead of deadlocking.
    return f"""
        INSERT INTO {TABLE} (initiative_id, n)
        SELECT initiative_id, sum(d) FROM ({deltas}) AS deltas
        GROUP BY initiative_id ORDER BY initiative_id
        ON CONFLICT (initiative_id) DO UPDATE SET n = {TABLE}.n + EXCLUDED.n;
        RETURN NULL;
    """  # noqa: S608 (this module's constants, no input)


def tally_triggers() -> list[pgtrigger.Trigger]:
    """The triggers on `tracker_task` that keep TaskTally (Task.Meta)."""

    def statement(name, operation, referencing, deltas):
        return pgtrigger.Trigger(
            name=name,
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=referencing,
            func=_add(deltas),
        )

    return [
        statement(
            "task_tally_insert",
            pgtrigger.Insert,
            pgtrigger.Referencing(new="new_rows"),
            "SELECT initiative_id, 1 AS d FROM new_rows",
        ),
        statement(
            "task_tally_delete",
            pgtrigger.Delete,
            pgtrigger.Referencing(old="old_rows"),
            "SELECT initiative_id, -1 AS d FROM old_rows",
        ),
        statement(
            "task_tally_move",
            pgtrigger.Update,
            pgtrigger.Referencing(old="old_rows", new="new_rows"),
            "SELECT o.initiative_id, -1 AS d FROM old_rows o"
            " JOIN new_rows n USING (id) WHERE o.initiative_id <> n.initiative_id"
            " UNION ALL SELECT n.initiative_id, 1 FROM old_rows o"
            " JOIN new_rows n USING (id) WHERE o.initiative_id <> n.initiative_id",
        ),
    ]
