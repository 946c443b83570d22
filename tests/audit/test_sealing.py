"""The hash chain over the audit events: sealing, the ledger, the recipe."""

import datetime as dt
import hashlib
import importlib
import time
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import DatabaseError, IntegrityError, connection, transaction
from django_celery_beat.models import PeriodicTask

from accounts import services as account_services
from audit import sealing
from audit.models import AuditSeal, GroupEvent
from audit.tasks import seal_events
from tests.audit.chain import event_count, execute, seal_of, verify_output
from tests.factories import make_task
from tracker import services
from tracker.models import Task

pytestmark = pytest.mark.django_db


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
    direct = sum(
        1
        for model in sealing.event_models()
        for context in model.objects.values_list("pgh_context", flat=True)
        if context is None
    )
    assert direct > 0  # the fixtures write through the services, outside requests
    assert verify_output() == (
        f"Verified {total} events; latest chain digest {chain} at position {total}; "
        "2 digests kept outside agree.\n"  # the two sealing runs' heads
        f"{direct} events are direct database changes (no application context): "
        "the admin shows who made them.\n"
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
        # Fixed values: the canonical form of a record, compared byte for byte.
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
