"""The application's database role can neither change history nor get around
the triggers that write it; whoever writes is recorded by PostgreSQL itself."""

import json
from pathlib import Path

import pghistory
import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from audit.context import is_signed_for, session_of
from audit.management.commands.grant_app_role import audit_tables, event_tables
from audit.models import TaskEvent
from tests.audit.chain import connect_as
from tests.processes import manage
from tracker.models import Task

ROOT = Path(__file__).resolve().parents[2]
REFUSED = (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedFunction)


def _task_events(task):
    return list(TaskEvent.objects.filter(pgh_obj_id=task.pk).order_by("pgh_id"))


def _history_triggers(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass"
            " AND tgname LIKE 'pgtrigger\\_%%' AND tgname NOT LIKE '%%append_only%%'"
            # The initiatives' task counts (tracker.models.tally): not history.
            " AND tgname NOT LIKE '%%task\\_tally%%'",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_grant_app_role_as_the_migrate_service_runs_it(app_role, task):
    # Through manage.py, inside the audit context every command gets.
    result = manage("grant_app_role", app_role)
    assert result.returncode == 0, result.stderr
    assert f"read only on {len(event_tables())} event tables" in result.stdout
    assert "audit_taskevent" in event_tables()
    assert {"audit_auditseal", "audit_securityevent"} <= set(audit_tables())
    with connect_as(app_role) as conn:
        conn.execute(
            "UPDATE tracker_task SET description = 'app wrote' WHERE id = %s", [task.pk]
        )
    assert Task.objects.get(pk=task.pk).description == "app wrote"
    events = _task_events(task)
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[-1].description == "app wrote"
    assert events[-1].pgh_session["session_user"] == app_role


@pytest.mark.django_db(transaction=True)
def test_a_session_setting_cannot_switch_history_off(granted, task):
    names = _history_triggers("tracker_task")
    assert len(names) == 3  # insert, update, delete
    with connect_as(granted) as conn:
        ignore = "{" + ",".join(names) + "}"
        conn.execute(sql.SQL("SET pgtrigger.ignore = {}").format(sql.Literal(ignore)))
        conn.execute(
            "UPDATE tracker_task SET description = 'unseen?' WHERE id = %s", [task.pk]
        )
    assert _task_events(task)[-1].description == "unseen?"


@pytest.mark.django_db(transaction=True)
def test_the_app_role_cannot_write_or_unmake_history(granted, task):
    (history_function,) = [
        name for name in _history_triggers("tracker_task") if "update" in name
    ]
    refused = [
        "INSERT INTO audit_taskevent (pgh_created_at, pgh_label, pgh_obj_id, id,"
        " code, title) SELECT now() - interval '1 year', 'update', id, id, code,"
        " 'forged' FROM tracker_task",
        "UPDATE audit_taskevent SET title = 'forged'",
        "DELETE FROM audit_taskevent",
        "TRUNCATE audit_taskevent",
        "UPDATE audit_auditseal SET chain_digest = 'x'",
        "DELETE FROM audit_auditseal",
        "TRUNCATE audit_auditseal",
        "TRUNCATE audit_securityevent",
        "ALTER TABLE audit_taskevent DISABLE TRIGGER USER",
        "ALTER TABLE tracker_task DISABLE TRIGGER USER",
        f"ALTER FUNCTION {history_function}() SECURITY INVOKER",
        "CREATE OR REPLACE FUNCTION public.audit_session() RETURNS jsonb"
        " LANGUAGE sql AS $$ SELECT '{}'::jsonb $$",
        "CREATE TABLE public.audit_taskevent_copy (id int)",
        "SET session_replication_role = replica",
    ]
    with connect_as(granted) as conn:
        for statement in refused:
            with pytest.raises(REFUSED):
                conn.execute(statement)
        # Nor can it borrow the trigger function for a table of its own.
        conn.execute("CREATE TEMPORARY TABLE mine (id int)")
        with pytest.raises(REFUSED):
            conn.execute(
                "CREATE TRIGGER borrowed AFTER INSERT ON mine FOR EACH ROW"
                f" EXECUTE FUNCTION public.{history_function}()"
            )
    assert [e.pgh_label for e in _task_events(task)] == ["insert"]


@pytest.mark.django_db(transaction=True)
def test_the_app_role_keeps_what_the_service_needs(granted):
    """Appending to the ledger and the security events, reading history, and
    the mutable rows of the audit app (digest subscriptions and deliveries)."""
    with connect_as(granted) as conn:
        conn.execute(
            "INSERT INTO audit_securityevent (kind, username, method, path,"
            " request_id, detail) VALUES ('login_failed', 'x', '', '', '', '')"
        )
        conn.execute("SELECT count(*) FROM audit_taskevent, audit_auditseal")
        conn.execute("UPDATE audit_digestdelivery SET sent_at = now() WHERE false")
        conn.execute("DELETE FROM audit_digestsubscription WHERE false")
        (session,) = conn.execute(
            "SELECT session FROM audit_securityevent WHERE username = 'x'"
        ).fetchone()
    assert session["session_user"] == granted


@pytest.mark.django_db(transaction=True)
def test_a_temporary_table_cannot_stand_in_for_an_event_table(granted, task):
    with connect_as(granted) as conn:
        conn.execute(
            "CREATE TEMPORARY TABLE audit_taskevent"
            " (LIKE public.audit_taskevent INCLUDING DEFAULTS)"
        )
        conn.execute(
            "UPDATE tracker_task SET description = 'still seen' WHERE id = %s",
            [task.pk],
        )
        (in_temp,) = conn.execute(
            "SELECT count(*) FROM pg_temp.audit_taskevent"
        ).fetchone()
    assert in_temp == 0
    assert _task_events(task)[-1].description == "still seen"


@pytest.mark.django_db(transaction=True)
def test_a_raw_sql_change_by_the_owner_names_its_session(task):
    owner = connection.settings_dict["USER"]
    with (
        connect_as(owner, application_name="psql-ops") as conn,
        conn.transaction(),
    ):
        conn.execute(
            "UPDATE tracker_task SET description = 'by hand' WHERE id = %s",
            [task.pk],
        )
        xid, pid, start, address, port = conn.execute(
            "SELECT pg_current_xact_id()::text::bigint, pg_backend_pid(),"
            " (SELECT (extract(epoch FROM backend_start) * 1000000)::bigint"
            "  FROM pg_stat_activity WHERE pid = pg_backend_pid()),"
            " host(inet_client_addr()), inet_client_port()"
        ).fetchone()
    event = _task_events(task)[-1]
    assert event.description == "by hand"
    assert event.pgh_context is None  # no application context: a direct change
    assert event.pgh_session == {
        "session_user": owner,
        "current_user": owner,
        "application_name": "psql-ops",
        "client_addr": address,  # null over a Unix socket
        "client_port": port,
        "pid": pid,
        "backend_start_us": start,
        "xid": xid,
    }


@pytest.mark.django_db(transaction=True)
def test_a_role_taken_with_set_role_is_recorded(granted, task):
    owner = connection.settings_dict["USER"]
    with connect_as(owner) as conn:
        conn.execute(f'SET ROLE "{granted}"')
        conn.execute(
            "UPDATE tracker_task SET description = 'as app' WHERE id = %s", [task.pk]
        )
    session = _task_events(task)[-1].pgh_session
    assert (session["session_user"], session["current_user"]) == (owner, granted)


@pytest.mark.django_db(transaction=True)
def test_context_set_by_hand_or_copied_is_not_the_applications(granted, task):
    # The application's own write: signed for the session that wrote it.
    with pghistory.context(user=1, source="web"):
        Task.objects.filter(pk=task.pk).update(description="by the app")
    genuine = _task_events(task)[-1]
    assert genuine.pgh_context["user"] == 1
    assert is_signed_for(genuine.pgh_context, session_of(genuine.pgh_session))

    # With the app role's password, naming user 1 by hand, or replaying the
    # genuine context (signature and all) from another session.
    forged = '{"user": 1, "source": "web"}'
    with connect_as(granted) as conn:
        for context in (forged, json.dumps(genuine.pgh_context)):
            with conn.transaction():
                conn.execute(
                    "SELECT set_config('pghistory.context_metadata', %s, true)",
                    [context],
                )
                conn.execute(
                    "UPDATE tracker_task SET description = %s WHERE id = %s",
                    [context[:20], task.pk],
                )
    hand, replayed = _task_events(task)[-2:]
    assert hand.pgh_context["user"] == replayed.pgh_context["user"] == 1
    assert replayed.pgh_context["sig"] == genuine.pgh_context["sig"]
    for event in (hand, replayed):
        assert not is_signed_for(event.pgh_context, session_of(event.pgh_session))


def test_unknown_role_is_a_clear_error(db):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", "no_such_role_here")
