"""History written by the audit owner role, with the writing session recorded.

- The audit owner role exists and the migrating role may act as it
  (audit/roles.py); the history triggers, installed after migrate, run as it.
- ``audit_session()`` describes the session that calls it, as JSON; every event
  table gets a ``pgh_session`` column filled by it as the column's default, so
  PostgreSQL, not the application, says who wrote each event. The column is
  added empty first: events recorded before now keep null rather than this
  migration's session.
"""

from django.db import migrations, models

import audit.models

EVENT_MODELS = [
    "agencyevent",
    "claimdecisionevent",
    "clockedscheduleevent",
    "completionclaimevent",
    "crontabscheduleevent",
    "extensionrequestevent",
    "groupevent",
    "grouppermissionevent",
    "indicatorevent",
    "indicatorreadingevent",
    "industrialparkevent",
    "initiativeevent",
    "intervalscheduleevent",
    "lightoverrideevent",
    "membershipevent",
    "milestoneevent",
    "parkevaluationevent",
    "parkpairevent",
    "participationevent",
    "partyevent",
    "periodictaskevent",
    "progressupdateevent",
    "reportevent",
    "reportsubscriptionevent",
    "taskevent",
    "taskownerevent",
    "usergroupevent",
    "userevent",
    "userpermissionevent",
    "workstreamevent",
]

AUDIT_SESSION_SQL = """
CREATE OR REPLACE FUNCTION public.audit_session() RETURNS jsonb
LANGUAGE sql VOLATILE AS $$
SELECT pg_catalog.jsonb_build_object(
    'session_user', session_user::text,
    -- Inside the SECURITY DEFINER trigger current_user is the audit owner; the
    -- role setting still says which role the writer had taken (SET ROLE).
    'current_user', CASE pg_catalog.current_setting('role')
        WHEN 'none' THEN session_user::text
        ELSE pg_catalog.current_setting('role') END,
    'application_name', pg_catalog.current_setting('application_name'),
    'client_addr', pg_catalog.host(pg_catalog.inet_client_addr()),
    'client_port', pg_catalog.inet_client_port(),
    'pid', pg_catalog.pg_backend_pid(),
    'backend_start_us', (
        SELECT (extract(epoch FROM a.backend_start) * 1000000)::bigint
        FROM pg_catalog.pg_stat_get_activity(pg_catalog.pg_backend_pid()) a
    ),
    'xid', pg_catalog.pg_current_xact_id()::text::bigint
)
$$;
"""


def ensure_audit_owner(apps, schema_editor):
    from audit.roles import ensure_audit_owner

    ensure_audit_owner(schema_editor.connection)


def _field(**kwargs):
    return models.JSONField(
        editable=False, null=True, verbose_name="database session", **kwargs
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_report_events")]

    operations = [
        migrations.RunPython(ensure_audit_owner, migrations.RunPython.noop),
        migrations.RunSQL(
            AUDIT_SESSION_SQL, "DROP FUNCTION IF EXISTS public.audit_session()"
        ),
        *[
            migrations.AddField(model_name=name, name="pgh_session", field=_field())
            for name in EVENT_MODELS
        ],
        *[
            migrations.AlterField(
                model_name=name,
                name="pgh_session",
                field=_field(db_default=audit.models.AuditSession()),
            )
            for name in EVENT_MODELS
        ],
    ]
