"""The hash chain over the audit events: sealing, verification, tampering."""

import datetime as dt
import hashlib
import importlib
import io
import time
from decimal import Decimal

import pghistory
import psycopg
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django_celery_beat.models import PeriodicTask

from accounts import services as account_services
from audit import sealing
from audit.models import AuditSeal, GroupEvent, MilestoneEvent, TaskEvent
from audit.tasks import seal_events
from tests.factories import make_task
from tracker import services
from tracker.models import Task

pytestmark = pytest.mark.django_db


def event_count() -> int:
    return sum(model.objects.count() for model in sealing.event_models())


def verify_output(*args) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def verify_error(*args) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", *args, stdout=io.StringIO())
    return str(failure.value)


def execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tampering(table: str, sql: str, params=()) -> None:
    """What someone who owns the tables can do: switch the protecting triggers
    off, write, switch them on again (inside the test's transaction)."""
    execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    execute(sql, params)
    execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def seal_of(event) -> AuditSeal:
    return AuditSeal.objects.get(
        event_table=event._meta.label_lower, event_pgh_id=event.pgh_id
    )


@pytest.fixture
def other_connection(db):
    """A second session, as a concurrent writer or sealer would have. What it
    commits outlives the test's transaction, so it is removed afterwards, with
    the history triggers off for that session only."""
    cfg = connection.settings_dict
    with psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        dbname=cfg["NAME"],
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
    ) as other:
        yield other
        other.rollback()
        other.execute("SET session_replication_role = replica")
        other.execute(
            "DELETE FROM audit_groupevent WHERE name = '迟到的权限组';"
            "DELETE FROM auth_group WHERE name = '迟到的权限组'"
        )
        other.commit()


@pytest.fixture
def history(task, sichuan, sc_coord):
    """Events in several tables (parties, agencies, users, memberships,
    initiative, task, owners, milestones, progress updates), all sealed."""
    services.task_start(task=task, actor=sc_coord)
    milestone = services.milestone_create(
        task=task, title="四川段投运", due_date=dt.date(2025, 6, 30), party=sichuan
    )
    for progress in (10, 20, 30):
        # As the API would record it: who, from where, why.
        with pghistory.context(source="api", user=sc_coord.pk, reason="季度报送"):
            services.progress_update_post(
                task=Task.objects.get(pk=task.pk),
                actor=sc_coord,
                narrative=f"完成{progress}%",
                progress=progress,
            )
    Task.objects.filter(pk=task.pk).update(description="批量修改")
    services.milestone_update(
        milestone=milestone, actor=sc_coord, expected_version=None, status="done"
    )
    result = sealing.seal_new_events()
    assert result.sealed == event_count() > 20
    return result


def middle_task_event() -> TaskEvent:
    """A task event with sealed events on both sides of it."""
    events = list(TaskEvent.objects.order_by("pgh_id"))
    assert len(events) >= 3
    event = events[len(events) // 2]
    assert 1 < seal_of(event).position < AuditSeal.objects.count()
    return event


# --- sealing ----------------------------------------------------------------------


def test_clean_chain_verifies_and_sealing_twice_seals_nothing_new(history):
    total = event_count()
    ledger = list(AuditSeal.objects.order_by("position"))
    assert [s.position for s in ledger] == list(range(1, total + 1))
    assert {"audit.taskevent", "audit.partyevent", "audit.userevent"} <= {
        s.event_table for s in ledger
    }
    # The chain, recomputed here from the genesis with the documented recipe.
    chain = sealing.GENESIS
    for entry in ledger:
        chain = hashlib.sha256((chain + entry.event_digest).encode()).hexdigest()
        assert entry.chain_digest == chain
    assert history.chain_digest == chain
    # One run seals in one global order across all tables.
    keys = [
        (
            django_apps.get_model(s.event_table).objects.get(pgh_id=s.event_pgh_id),
            s.event_table,
            s.event_pgh_id,
        )
        for s in ledger
    ]
    keys = [(event.pgh_created_at, label, pgh_id) for event, label, pgh_id in keys]
    assert keys == sorted(keys)

    again = sealing.seal_new_events()
    assert (again.sealed, again.position, again.chain_digest) == (
        0,
        total,
        history.chain_digest,
    )
    assert AuditSeal.objects.count() == total

    result = sealing.verify_chain()
    assert result.ok
    assert (result.verified, result.chain_digest, result.unsealed) == (
        total,
        chain,
        0,
    )
    assert verify_output() == (
        f"Verified {total} events; latest chain digest {chain} at position {total}.\n"
    )
    assert verify_output("--quiet") == ""
    assert sealing.latest_seal() == (total, chain, ledger[-1].sealed_at)


def test_new_events_are_sealed_at_the_next_run_and_the_chain_continues(
    history, task, sc_coord
):
    services.progress_update_post(
        task=Task.objects.get(pk=task.pk), actor=sc_coord, narrative="过半", progress=55
    )
    new = event_count() - history.position
    assert new >= 2  # the progress update and the task's new state

    result = sealing.verify_chain()
    assert result.ok and result.verified == history.position
    assert result.unsealed == new
    assert f"{new} events are not sealed yet" in verify_output()

    sealed = sealing.seal_new_events()
    assert (sealed.sealed, sealed.position) == (new, history.position + new)
    link = AuditSeal.objects.get(position=history.position + 1)
    assert link.chain_digest == sealing.chain_link(
        history.chain_digest, link.event_digest
    )
    result = sealing.verify_chain()
    assert result.ok and result.unsealed == 0
    assert (result.verified, result.chain_digest) == (
        sealed.position,
        sealed.chain_digest,
    )


def test_an_event_that_commits_after_a_seal_with_an_older_id_is_sealed_next(
    history, other_connection
):
    """Sealing looks for events not in the ledger, not for ids above the last
    sealed one: a transaction can commit its events after a seal that took
    later ones."""
    other_connection.execute("INSERT INTO auth_group (name) VALUES ('迟到的权限组')")
    (late_id,) = other_connection.execute(
        "SELECT max(pgh_id) FROM audit_groupevent"
    ).fetchone()
    account_services.group_create(name="先提交的权限组")
    later = GroupEvent.objects.get(name="先提交的权限组")
    assert later.pgh_id > late_id
    assert sealing.seal_new_events().sealed == 1  # the other is not committed yet
    other_connection.commit()

    result = sealing.seal_new_events()
    assert result.sealed == 1
    late = GroupEvent.objects.get(pgh_id=late_id)
    assert seal_of(late).position == result.position == seal_of(later).position + 1
    assert sealing.verify_chain().ok


def test_the_celery_task_is_safe_to_run_twice(task):
    first = seal_events.apply().get()
    assert first["sealed"] == event_count() > 0
    second = seal_events.apply().get()
    assert second == {**first, "sealed": 0}


def test_an_event_is_sealed_once(history):
    entry = AuditSeal.objects.get(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSeal.objects.create(
            position=history.position + 1,
            event_table=entry.event_table,
            event_pgh_id=entry.event_pgh_id,
            event_digest=entry.event_digest,
            chain_digest="0" * 64,
            sealed_at=entry.sealed_at,
        )


def test_a_sealer_waits_for_the_one_holding_the_lock(task, other_connection):
    other_connection.execute("SELECT pg_advisory_lock(%s)", [sealing.LOCK_KEY])
    with pytest.raises(DatabaseError, match="lock timeout"), transaction.atomic():
        execute("SET LOCAL lock_timeout = '200ms'")
        sealing.seal_new_events()
    assert not AuditSeal.objects.exists()
    other_connection.execute("SELECT pg_advisory_unlock(%s)", [sealing.LOCK_KEY])
    assert sealing.seal_new_events().sealed == event_count()


# --- tampering --------------------------------------------------------------------


def test_an_edited_event_is_named(history):
    event = middle_task_event()
    position = seal_of(event).position
    tampering(
        "audit_taskevent",
        "UPDATE audit_taskevent SET title = %s WHERE pgh_id = %s",
        ["伪造的标题", event.pgh_id],
    )
    result = sealing.verify_chain()
    assert result.mismatch == sealing.Mismatch(
        position,
        "audit.taskevent",
        event.pgh_id,
        sealing.EVENT_CHANGED,
        result.mismatch.detail,
    )
    assert result.verified == position - 1
    assert (
        f"FAILED at position {position} (audit.taskevent, pgh_id {event.pgh_id}): "
        "event row changed (" in verify_error()
    )


def test_an_edited_context_is_named(history, sc_coord):
    """The who and why are sealed with the row: forging the actor shows."""
    event = TaskEvent.objects.filter(pgh_context__user=sc_coord.pk).first()
    tampering(
        "audit_taskevent",
        "UPDATE audit_taskevent SET pgh_context = pgh_context || %s WHERE pgh_id = %s",
        ['{"user": 1}', event.pgh_id],
    )
    mismatch = sealing.verify_chain().mismatch
    assert (mismatch.position, mismatch.pgh_id, mismatch.problem) == (
        seal_of(event).position,
        event.pgh_id,
        sealing.EVENT_CHANGED,
    )


def test_a_deleted_event_is_named(history):
    event = MilestoneEvent.objects.order_by("pgh_id").first()
    position = seal_of(event).position
    tampering(
        "audit_milestoneevent",
        "DELETE FROM audit_milestoneevent WHERE pgh_id = %s",
        [event.pgh_id],
    )
    result = sealing.verify_chain()
    assert (
        result.mismatch.position,
        result.mismatch.table,
        result.mismatch.pgh_id,
        result.mismatch.problem,
    ) == (position, "audit.milestoneevent", event.pgh_id, sealing.EVENT_MISSING)
    assert result.verified == position - 1
    assert (
        f"FAILED at position {position} (audit.milestoneevent, pgh_id {event.pgh_id}):"
        " event row missing (" in verify_error()
    )


def _swap_positions(p: int, q: int) -> None:
    # The primary key is checked row by row, so a swap needs a parking place.
    parked = 10**12
    for old, new in ((p, parked), (q, p), (parked, q)):
        execute(
            "UPDATE audit_auditseal SET position = %s WHERE position = %s", [new, old]
        )


def _swap_events(p: int, q: int) -> None:
    a = AuditSeal.objects.get(position=p)
    b = AuditSeal.objects.get(position=q)
    sql = "UPDATE audit_auditseal SET event_table = %s, event_pgh_id = %s WHERE position = %s"
    execute(sql, ["parked", -1, p])
    execute(sql, [a.event_table, a.event_pgh_id, q])
    execute(sql, [b.event_table, b.event_pgh_id, p])


@pytest.mark.parametrize("swap", [_swap_positions, _swap_events])
def test_reordering_is_named_at_the_first_moved_position(history, swap):
    p, q = 5, history.position - 3
    moved = AuditSeal.objects.get(position=q)
    execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
    swap(p, q)
    execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")
    result = sealing.verify_chain()
    assert (
        result.mismatch.position,
        result.mismatch.table,
        result.mismatch.pgh_id,
        result.mismatch.problem,
    ) == (p, moved.event_table, moved.event_pgh_id, sealing.CHAIN_BROKEN)
    assert result.verified == p - 1
    assert (
        f"FAILED at position {p} ({moved.event_table}, pgh_id {moved.event_pgh_id}):"
        " chain broken / reordered (" in verify_error()
    )


def test_a_reordering_with_the_chain_recomputed_is_still_caught(history):
    """A forger who knows the recipe swaps two entries of one run and
    recomputes every later chain digest: the chain is consistent again, but
    one run seals in strict order, and the digest kept outside differs."""
    kept = sealing.latest_seal()
    p = 5
    entries = list(AuditSeal.objects.filter(position__gte=p).order_by("position"))
    entries[0], entries[1] = entries[1], entries[0]
    chain = AuditSeal.objects.get(position=p - 1).chain_digest
    execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
    execute("DELETE FROM audit_auditseal WHERE position >= %s", [p])
    for position, entry in enumerate(entries, start=p):
        chain = sealing.chain_link(chain, entry.event_digest)
        entry.position, entry.chain_digest = position, chain
    AuditSeal.objects.bulk_create(entries)
    execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")

    mismatch = sealing.verify_chain().mismatch
    assert (mismatch.position, mismatch.problem) == (p + 1, sealing.CHAIN_BROKEN)
    assert "out of order" in mismatch.detail
    error = verify_error("--expect", f"{kept.position}:{kept.chain_digest}")
    assert f"FAILED at position {p + 1} " in error


def test_the_digest_kept_outside_is_checked(history):
    kept = sealing.latest_seal()
    assert "Verified" in verify_output(
        "--expect", f"{kept.position}:{kept.chain_digest}"
    )
    error = verify_error("--expect", f"{kept.position}:{'0' * 64}")
    assert f"FAILED at position {kept.position} " in error
    assert "the kept seal says" in error
    error = verify_error("--expect", f"{kept.position + 1}:{kept.chain_digest}")
    assert f"ledger ends at position {kept.position}" in error


# --- the ledger itself ------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditseal SET chain_digest = 'forged'",
        "DELETE FROM audit_auditseal",
    ],
)
def test_the_ledger_refuses_update_and_delete(history, sql):
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditSeal.objects.count() == history.position
    assert sealing.verify_chain().ok


def test_beat_seals_hourly_at_minute_five_shanghai_time():
    # Transactional tests flush what migrations wrote, so run the migration's
    # function here: twice, as a re-applied migration would.
    migration = importlib.import_module("audit.migrations.0003_seal_schedule")
    migration.create_schedule(django_apps, None)
    migration.create_schedule(django_apps, None)
    task = PeriodicTask.objects.get(task="audit.seal_events")
    cron = task.crontab
    assert (
        cron.minute,
        cron.hour,
        cron.day_of_month,
        cron.month_of_year,
        cron.day_of_week,
        str(cron.timezone),
    ) == ("5", "*", "*", "*", "*", "Asia/Shanghai")
    assert task.enabled


# --- the canonical form -----------------------------------------------------------


def test_canonical_json_follows_the_documented_recipe():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    record = {
        "title": "川渝合作",
        "pgh_created_at": dt.datetime(2025, 6, 30, 8, 0, tzinfo=shanghai),
        "value": Decimal("12.50"),
        "due_date": dt.date(2025, 12, 31),
        "pgh_context": {"user": 7, "reason": "现场验收", "a": [1, None]},
        "pgh_obj_id": None,
    }
    assert sealing.canonical_json(record) == (
        '{"due_date":"2025-12-31","pgh_context":{"a":[1,null],"reason":"现场验收",'
        '"user":7},"pgh_created_at":"2025-06-30T00:00:00.000000+00:00",'
        '"pgh_obj_id":null,"title":"川渝合作","value":"12.50"}'
    )
    with pytest.raises(TypeError):
        sealing.canonical_json({"x": object()})


# --- size -------------------------------------------------------------------------


def test_a_clean_chain_of_ten_thousand_events_verifies(initiative, capsys):
    tasks = [make_task(initiative, code=f"BULK-{i}") for i in range(10)]
    ids = [t.pk for t in tasks]
    started = time.perf_counter()
    # Each UPDATE changes ten rows; the row triggers write ten events.
    for round_ in range(1000):
        Task.objects.filter(pk__in=ids).update(description=f"第{round_}轮")
    made = time.perf_counter() - started
    total = event_count()
    assert total >= 10_000

    started = time.perf_counter()
    result = sealing.seal_new_events()
    seal_time = time.perf_counter() - started
    assert result.sealed == total

    started = time.perf_counter()
    verified = sealing.verify_chain()
    verify_time = time.perf_counter() - started
    assert verified.ok, verified.mismatch
    assert (verified.verified, verified.chain_digest) == (total, result.chain_digest)
    with capsys.disabled():
        print(
            f"\n{total} events: made in {made:.1f}s, sealed in {seal_time:.2f}s, "
            f"verified in {verify_time:.2f}s"
        )
