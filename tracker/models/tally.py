"""How many tasks each initiative has, and how many of each light, kept by
PostgreSQL itself.

The task list's length for a user who filters nothing (or only by light) is
the sum of these counts over the initiatives the user takes part in: one
indexed read of a few rows, where counting the tasks reads every one of them
and grows with the list (issue 17's growth target). Statement-level triggers
add each statement's inserted, deleted and changed rows in the same
transaction, so the counts are exact whatever writes the rows: the services,
the admin, an import or raw SQL. `manage.py lights_check` compares them with
counts from scratch, as it does the lights, and `--fix` counts again (after
a load with the triggers off, or a session that set `pgtrigger.ignore`).

- TaskTally: one row per initiative (`tally_triggers` on `tracker_task`).
  Tasks are created and deleted seldom, so the upsert of the row is cheap.
- TaskLightTally: rows of changes (+n, −n) per initiative and light, only
  ever inserted (`light_tally_triggers` on `tracker_tasklight`): lights
  change with most writes and all at once each night, and an upserted row
  would make every write wait for the nightly refresh's transaction. The
  nightly job folds the rows into one per initiative and light
  (services.tally_compact).

Derived state, like the stored light: not audited."""

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

TABLE = "tracker_tasktally"
LIGHT_TABLE = "tracker_tasklighttally"


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


class TaskLightTally(models.Model):
    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    light = models.CharField(_("light"), max_length=8)
    n = models.IntegerField(_("number of tasks"))

    class Meta:
        verbose_name = _("task count by light")
        verbose_name_plural = _("task counts by light")
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["initiative", "light"], include=["n"], name="lighttally_key"
            )
        ]

    def __str__(self):
        return f"{self.initiative_id} {self.light}: {self.n:+d}"


# The light rows' changes of one statement, by initiative (their task's).
_LIGHT_CHANGES = f"""
    INSERT INTO {LIGHT_TABLE} (initiative_id, light, n)
    SELECT initiative_id, light, sum(d) FROM ({{}}) AS deltas
    GROUP BY initiative_id, light HAVING sum(d) <> 0;
"""  # noqa: S608 (this module's constants, no input)

# A moved task's light leaves the initiative it was in for the new one.
_MOVED_LIGHTS = _LIGHT_CHANGES.format(
    "SELECT o.initiative_id, l.light, -1 AS d FROM old_rows o"
    " JOIN new_rows n USING (id) JOIN tracker_tasklight l ON l.task_id = o.id"
    " WHERE o.initiative_id <> n.initiative_id"
    " UNION ALL SELECT n.initiative_id, l.light, 1 FROM old_rows o"
    " JOIN new_rows n USING (id) JOIN tracker_tasklight l ON l.task_id = o.id"
    " WHERE o.initiative_id <> n.initiative_id"
)


def _add(deltas: str, then: str = "") -> str:
    # Rows locked in initiative order, so that two statements touching the
    # same initiatives wait for each other instead of deadlocking.
    return f"""
        INSERT INTO {TABLE} (initiative_id, n)
        SELECT initiative_id, sum(d) FROM ({deltas}) AS deltas
        GROUP BY initiative_id ORDER BY initiative_id
        ON CONFLICT (initiative_id) DO UPDATE SET n = {TABLE}.n + EXCLUDED.n;
        {then}
        RETURN NULL;
    """  # noqa: S608 (this module's constants, no input)


def _statement(name, operation, referencing, func) -> pgtrigger.Trigger:
    """A trigger run once per statement, after it, with its rows' tables."""
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=referencing,
        func=func,
    )


def tally_triggers() -> list[pgtrigger.Trigger]:
    """The triggers on `tracker_task` that keep TaskTally (Task.Meta)."""

    def statement(name, operation, referencing, deltas, then=""):
        return _statement(name, operation, referencing, _add(deltas, then))

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
            then=_MOVED_LIGHTS,
        ),
    ]


def light_tally_triggers() -> list[pgtrigger.Trigger]:
    """The triggers on `tracker_tasklight` that keep TaskLightTally
    (TaskLight.Meta). A stored light belongs to its task's initiative."""

    def statement(name, operation, referencing, deltas):
        func = _LIGHT_CHANGES.format(deltas) + "RETURN NULL;"
        return _statement(name, operation, referencing, func)

    return [
        statement(
            "light_tally_insert",
            pgtrigger.Insert,
            pgtrigger.Referencing(new="new_rows"),
            "SELECT t.initiative_id, r.light, 1 AS d FROM new_rows r"
            " JOIN tracker_task t ON t.id = r.task_id",
        ),
        statement(
            "light_tally_delete",
            pgtrigger.Delete,
            pgtrigger.Referencing(old="old_rows"),
            "SELECT t.initiative_id, r.light, -1 AS d FROM old_rows r"
            " JOIN tracker_task t ON t.id = r.task_id",
        ),
        statement(
            "light_tally_update",
            pgtrigger.Update,
            pgtrigger.Referencing(old="old_rows", new="new_rows"),
            "SELECT t.initiative_id, o.light, -1 AS d FROM old_rows o"
            " JOIN new_rows n USING (task_id) JOIN tracker_task t ON t.id = o.task_id"
            " WHERE o.light <> n.light"
            " UNION ALL SELECT t.initiative_id, n.light, 1 FROM old_rows o"
            " JOIN new_rows n USING (task_id) JOIN tracker_task t ON t.id = o.task_id"
            " WHERE o.light <> n.light",
        ),
    ]
