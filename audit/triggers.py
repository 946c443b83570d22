"""History triggers that the application's database role cannot get around.

pghistory's triggers, as pgtrigger installs them, run with the rights of
whoever writes the row and first ask ``_pgtrigger_should_ignore``, which
honours a session setting anyone may change (``SET pgtrigger.ignore = …``).
So the role that writes the rows would need INSERT on the event tables, and
could switch history off for its own session.

The history triggers here are compiled differently; everything else about them
(the columns, the conditions, the event row) stays pghistory's:

- no ignore check: no session setting switches history off;
- the trigger function is ``SECURITY DEFINER``, owned by the audit owner role
  (``AUDIT_OWNER_ROLE``, a role nobody logs in as), with a fixed
  ``search_path`` (``pg_temp`` last, so a temporary table cannot stand in for an
  event table) and no EXECUTE for anyone else (a trigger fires whatever its
  function's rights; attaching it to another table needs EXECUTE);
- the audit owner gets INSERT on the event table and nothing else there, so
  the application's role needs only SELECT on history.

The statements run at every install (after each migrate), since pgtrigger's
``CREATE OR REPLACE FUNCTION`` resets a function's attributes.
"""

from __future__ import annotations

import pghistory
import pghistory.trigger
import pgtrigger
from django.conf import settings
from pgtrigger import compiler
from pgtrigger import utils as pgtrigger_utils


def audit_owner_role() -> str:
    return settings.AUDIT_OWNER_ROLE


class HistoryTriggerSql(compiler.UpsertTriggerSql):
    """pgtrigger's installation SQL, as above. Its hash covers the whole text,
    so a change here (or of the role) reinstalls every history trigger."""

    def __init__(self, *, owner: str, event_table: str, **kwargs):
        self.owner = owner
        self.event_table = event_table
        super().__init__(**kwargs)

    def get_template(self) -> str:
        owner = pgtrigger_utils.quote(self.owner)
        event_table = pgtrigger_utils.quote(self.event_table)
        # Doubled braces survive the .format() of the remaining placeholders.
        return f"""
            CREATE OR REPLACE FUNCTION {{pgid}}()
            RETURNS TRIGGER
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = pg_catalog, public, pg_temp
            AS $$
                {{declare}}
                BEGIN
                    {{func}}
                END;
            $$;
            ALTER FUNCTION {{pgid}}() OWNER TO {owner};
            REVOKE ALL ON FUNCTION {{pgid}}() FROM PUBLIC;
            GRANT INSERT ON {event_table} TO {owner};

            DROP TRIGGER IF EXISTS {{pgid}} ON {{table}};
            CREATE {{constraint}} TRIGGER {{pgid}}
                {{when}} {{operation}} ON {{table}}
                {{timing}}
                {{referencing}}
                FOR EACH {{level}} {{condition}}
                EXECUTE PROCEDURE {{execute}};

            COMMENT ON TRIGGER {{pgid}} ON {{table}} IS '{{hash}}';
        """


class HistoryTrigger(pghistory.trigger.Event):
    def compile(self, model) -> compiler.Trigger:
        compiled = super().compile(model)
        return compiler.Trigger(
            name=compiled.name,
            sql=HistoryTriggerSql(
                owner=audit_owner_role(),
                event_table=self.event_model._meta.db_table,
                **compiled.sql.kwargs,
            ),
        )


class _HistoryEvent:
    """A pghistory row event whose trigger is a :class:`HistoryTrigger`."""

    def add_event_trigger(self, event_model):
        pgtrigger.register(
            HistoryTrigger(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=self.level,
            )
        )(event_model.pgh_tracked_model)


class InsertEvent(_HistoryEvent, pghistory.InsertEvent):
    pass


class UpdateEvent(_HistoryEvent, pghistory.UpdateEvent):
    pass


class DeleteEvent(_HistoryEvent, pghistory.DeleteEvent):
    pass
