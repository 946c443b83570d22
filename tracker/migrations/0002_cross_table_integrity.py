"""Rules that span two tables, enforced by PostgreSQL itself.

Model validation gives users the friendly message first; these make sure that no
write path (admin, API, bulk update, raw SQL) can store a contradiction.

Composite foreign keys (Django has none yet):
- an owner's, a park's and a lead agency's agency belongs to the same party;
- a task's work stream belongs to the task's initiative;
- a task's lead party takes part in the task's initiative;
- a party's milestone, indicator or progress update belongs to an owner party of
  the task (deferred, so a task and its owners can be written in one transaction);
- a milestone's joint milestone belongs to the same task.
A constraint trigger keeps joint milestones honest: a part can only hang under a
joint milestone, and a joint milestone is done only when all its parts are.
"""

from django.db import migrations

FOREIGN_KEYS = [
    # (table, name, columns, target, target columns, deferred)
    (
        "tracker_participation",
        "participation_lead_agency_in_party",
        "lead_agency_id, party_id",
        "accounts_agency",
        "id, party_id",
        False,
    ),
    (
        "tracker_task",
        "task_work_stream_in_initiative",
        "work_stream_id, initiative_id",
        "tracker_workstream",
        "id, initiative_id",
        False,
    ),
    (
        "tracker_task",
        "task_lead_party_participates",
        "initiative_id, lead_party_id",
        "tracker_participation",
        "initiative_id, party_id",
        False,
    ),
    (
        "tracker_taskowner",
        "taskowner_agency_in_party",
        "agency_id, party_id",
        "accounts_agency",
        "id, party_id",
        False,
    ),
    (
        "tracker_industrialpark",
        "park_agency_in_party",
        "agency_id, party_id",
        "accounts_agency",
        "id, party_id",
        False,
    ),
    (
        "tracker_milestone",
        "milestone_party_owns_task",
        "task_id, party_id",
        "tracker_taskowner",
        "task_id, party_id",
        True,
    ),
    (
        "tracker_milestone",
        "milestone_parent_same_task",
        "parent_id, task_id",
        "tracker_milestone",
        "id, task_id",
        True,
    ),
    (
        "tracker_indicator",
        "indicator_party_owns_task",
        "task_id, party_id",
        "tracker_taskowner",
        "task_id, party_id",
        True,
    ),
    (
        "tracker_progressupdate",
        "progress_update_party_owns_task",
        "task_id, party_id",
        "tracker_taskowner",
        "task_id, party_id",
        True,
    ),
]


def _fk_sql(table, name, cols, target, target_cols, deferred):
    when = " DEFERRABLE INITIALLY DEFERRED" if deferred else ""
    return (
        f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({cols}) "
        f"REFERENCES {target} ({target_cols}){when};"
    )


MILESTONE_TRIGGER = """
CREATE FUNCTION tracker_milestone_joint_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cur tracker_milestone%ROWTYPE;
    parent_row tracker_milestone%ROWTYPE;
BEGIN
    -- Deferred: judge the row as it is at commit, not as this event saw it.
    SELECT * INTO cur FROM tracker_milestone WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF cur.parent_id IS NOT NULL THEN
        SELECT * INTO parent_row FROM tracker_milestone WHERE id = cur.parent_id;
        IF parent_row.party_id IS NOT NULL THEN
            RAISE EXCEPTION 'milestone % is part of milestone %, which is not joint',
                cur.id, cur.parent_id
                USING ERRCODE = 'integrity_constraint_violation',
                      CONSTRAINT = 'milestone_parent_is_joint';
        END IF;
        IF parent_row.status = 'done' AND cur.status <> 'done' THEN
            RAISE EXCEPTION 'joint milestone % is done but its part % is not',
                cur.parent_id, cur.id
                USING ERRCODE = 'integrity_constraint_violation',
                      CONSTRAINT = 'milestone_joint_done_needs_parts';
        END IF;
    END IF;
    IF cur.status = 'done' AND cur.party_id IS NULL AND EXISTS (
        SELECT 1 FROM tracker_milestone
        WHERE parent_id = cur.id AND status <> 'done'
    ) THEN
        RAISE EXCEPTION 'joint milestone % is done but not all of its parts are', cur.id
            USING ERRCODE = 'integrity_constraint_violation',
                  CONSTRAINT = 'milestone_joint_done_needs_parts';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER milestone_joint_check
    AFTER INSERT OR UPDATE OF status, parent_id, party_id ON tracker_milestone
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION tracker_milestone_joint_check();
"""

MILESTONE_TRIGGER_REVERSE = """
DROP TRIGGER milestone_joint_check ON tracker_milestone;
DROP FUNCTION tracker_milestone_joint_check();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership_agency_in_party"),
        ("tracker", "0001_initial"),
    ]

    operations = [
        *[
            migrations.RunSQL(
                _fk_sql(*fk), f"ALTER TABLE {fk[0]} DROP CONSTRAINT {fk[1]};"
            )
            for fk in FOREIGN_KEYS
        ],
        migrations.RunSQL(MILESTONE_TRIGGER, MILESTONE_TRIGGER_REVERSE),
    ]
