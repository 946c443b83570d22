"""Tampering with history by someone who owns the tables, each kind named at
its position by plain ``audit_verify``: the digests kept outside the database
(the anchor file, the reports) are found without anyone passing them."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from audit import sealing
from audit.models import (
    AuditSeal,
    MilestoneEvent,
    RefusedEvent,
    SealRun,
    SecurityEvent,
    TaskEvent,
)
from reports.models import Report
from tests.audit.chain import (
    connect_as,
    cut_ledger,
    execute,
    forge_event,
    middle_task_event,
    named,
    seal,
    seal_of,
    tampering,
    verify_error,
    verify_output,
)
from tracker.models import Task

# Tampering is done as the owner would, after the fact, in transactions of its
# own; the sealer judges what they left in transactions of its own too.
pytestmark = pytest.mark.django_db(transaction=True)


def first_run() -> SealRun:
    return SealRun.objects.order_by("number").first()


def test_an_intact_history_verifies_against_the_anchor_file(anchor_file, history):
    lines = anchor_file.read_text().splitlines()
    assert len(lines) == 2  # one line per run, appended once it committed
    head = SealRun.objects.order_by("-number").first()
    assert lines[-1].endswith(
        f"\tposition {head.last_position}\tchain {head.chain_digest}\trun {head.number}"
    )
    assert "4 digests kept outside agree" in verify_output()  # file and runs


def test_an_edited_event_is_named(anchor_file, history):
    event = middle_task_event()
    position = seal_of(event).position
    tampering(
        "audit_taskevent",
        "UPDATE audit_taskevent SET title = %s WHERE pgh_id = %s",
        ["伪造的标题", event.pgh_id],
    )
    result = sealing.verify_chain()
    assert named(result) == [(position, "audit.taskevent", event.pgh_id, "changed")]
    assert result.intact == position - 1
    error = verify_error()
    assert "FAILED: 1 findings (1 changed)" in error
    assert f"position {position} (audit.taskevent #{event.pgh_id}): changed:" in error


def test_a_deleted_event_is_named(anchor_file, history):
    event = MilestoneEvent.objects.order_by("pgh_id").first()
    position = seal_of(event).position
    tampering(
        "audit_milestoneevent",
        "DELETE FROM audit_milestoneevent WHERE pgh_id = %s",
        [event.pgh_id],
    )
    assert named(sealing.verify_chain()) == [
        (position, "audit.milestoneevent", event.pgh_id, "missing")
    ]


def test_swapped_times_are_named_at_both_positions(anchor_file, history):
    a, b = list(TaskEvent.objects.order_by("pgh_id"))[1:3]
    execute("ALTER TABLE audit_taskevent DISABLE TRIGGER USER")
    for event, other in ((a, b), (b, a)):
        execute(
            "UPDATE audit_taskevent SET pgh_created_at = %s WHERE pgh_id = %s",
            [other.pgh_created_at, event.pgh_id],
        )
    execute("ALTER TABLE audit_taskevent ENABLE TRIGGER USER")
    assert named(sealing.verify_chain()) == sorted(
        [
            (seal_of(a).position, "audit.taskevent", a.pgh_id, "changed"),
            (seal_of(b).position, "audit.taskevent", b.pgh_id, "changed"),
        ]
    )


def test_an_emptied_event_table_is_named_row_by_row(anchor_file, history):
    positions = {e: seal_of(e).position for e in MilestoneEvent.objects.all()}
    assert len(positions) >= 2
    execute("TRUNCATE audit_milestoneevent")
    result = sealing.verify_chain()
    assert named(result) == [
        (position, "audit.milestoneevent", e.pgh_id, "missing")
        for e, position in sorted(positions.items(), key=lambda item: item[1])
    ]


@pytest.mark.parametrize("claims", ["a year ago", "an old transaction"])
def test_a_forged_event_is_refused_by_the_sealer_and_named(
    anchor_file, history, claims
):
    """Inserted straight into the table as the owner: dated back a year, or
    dated now but naming the transaction of a genuine (sealed) event."""
    if claims == "a year ago":
        forged = forge_event(written_at=timezone.now() - dt.timedelta(days=365))
        reason = RefusedEvent.Reason.BACK_DATED
        position = 1  # it claims a time before the first run
    else:
        genuine = TaskEvent.objects.order_by("pgh_id").first()
        forged = forge_event(written_at=timezone.now(), copy_session_of=genuine)
        reason = RefusedEvent.Reason.ALREADY_VISIBLE
        position = history.position + 1  # after every run
    before = sealing.verify_chain()
    assert named(before) == [(position, "audit.taskevent", forged, "inserted")]
    assert "the next run will refuse it" in before.findings[0].detail

    result = seal()
    assert (result.sealed, result.refused) == (0, 1)
    refusal = RefusedEvent.objects.get()
    assert (refusal.event_table, refusal.event_pgh_id, refusal.reason) == (
        "audit.taskevent",
        forged,
        reason,
    )
    alarm = SecurityEvent.objects.get(kind=SecurityEvent.Kind.HISTORY_REFUSED)
    assert f"audit.taskevent #{forged}" in alarm.detail
    assert not AuditSeal.objects.filter(
        event_table="audit.taskevent", event_pgh_id=forged
    ).exists()

    # The alarm itself is sealed by the next run; the forgery stays named.
    assert seal().sealed == 1
    assert seal_of(alarm).event_table == "audit.securityevent"
    after = sealing.verify_chain()
    assert named(after) == [(position, "audit.taskevent", forged, "inserted")]
    assert "refused by sealing run" in after.findings[0].detail
    assert f"(audit.taskevent #{forged}): inserted: refused by" in verify_error()


def test_a_cut_ledger_is_named(anchor_file, history):
    first = first_run()
    cut_ledger(first.last_position)
    result = sealing.verify_chain()
    assert [(f.position, f.last_position, f.kind) for f in result.findings] == [
        (first.last_position + 1, history.position, "ledger cut")
    ]
    assert f"{anchor_file}:2" in result.findings[0].detail
    assert (
        f"positions {first.last_position + 1}–{history.position}:"
        " ledger cut:" in verify_error()
    )


def _rewrite_ledger_from(position: int) -> None:
    """Recompute every ledger entry from `position` on, and the runs' heads,
    from the event rows as they now are: a consistent chain again."""
    tables = sealing.digests.tables()
    entries = list(
        AuditSeal.objects.filter(position__gte=position).order_by("position")
    )
    chain = AuditSeal.objects.get(position=position - 1).chain_digest
    execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
    execute("ALTER TABLE audit_sealrun DISABLE TRIGGER USER")
    for entry in entries:
        table = tables[entry.event_table]
        with connection.cursor() as cursor:
            cursor.execute(
                f"{table.select()} WHERE e.pgh_id = %s", [entry.event_pgh_id]
            )
            digest = sealing.event_digest(table.record(cursor.fetchone()))
        chain = sealing.chain_link(chain, digest)
        execute(
            "UPDATE audit_auditseal SET event_digest = %s, chain_digest = %s"
            " WHERE position = %s",
            [digest, chain, entry.position],
        )
        execute(
            "UPDATE audit_sealrun SET chain_digest = %s WHERE last_position = %s",
            [chain, entry.position],
        )
    execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")
    execute("ALTER TABLE audit_sealrun ENABLE TRIGGER USER")


def test_a_ledger_rewritten_consistently_is_named(anchor_file, history):
    event = middle_task_event()
    position = seal_of(event).position
    assert position <= first_run().last_position
    tampering(
        "audit_taskevent",
        "UPDATE audit_taskevent SET title = %s WHERE pgh_id = %s",
        ["改写的标题", event.pgh_id],
    )
    _rewrite_ledger_from(position)
    # Inside the database everything agrees now ...
    result = sealing.verify_chain()
    kinds = {f.kind for f in result.findings}
    assert kinds == {"ledger rewritten"}
    # ... but not with the anchor file: named from the start of the first run
    # whose kept head differs (no earlier head matched) up to that head.
    (finding,) = result.findings
    assert finding.position <= position <= finding.last_position
    assert finding.last_position == first_run().last_position
    assert f"{anchor_file}:1" in finding.detail


def test_an_emptied_and_resealed_ledger_is_named(anchor_file, history):
    first = first_run()
    execute("TRUNCATE audit_auditseal, audit_sealrun, audit_refusedevent")
    again = seal()
    assert again.position == history.position
    # The same rows in the same order: the same digests, sealed at another time.
    (finding,) = sealing.verify_chain().findings
    assert (finding.kind, finding.position, finding.last_position) == (
        "sealed anew",
        1,
        first.last_position,
    )
    assert "1 later heads disagree too" in finding.detail
    assert f"{anchor_file}:1" in finding.detail
    assert f"positions 1–{first.last_position}: sealed anew: " in verify_error()


def test_four_tamperings_at_once_are_all_listed(anchor_file, history):
    edited = middle_task_event()
    deleted = MilestoneEvent.objects.order_by("pgh_id").first()
    first = first_run()
    assert seal_of(edited).position <= first.last_position
    assert seal_of(deleted).position <= first.last_position
    edited_at, deleted_at = seal_of(edited).position, seal_of(deleted).position
    tampering(
        "audit_taskevent",
        "UPDATE audit_taskevent SET title = %s WHERE pgh_id = %s",
        ["伪造的标题", edited.pgh_id],
    )
    tampering(
        "audit_milestoneevent",
        "DELETE FROM audit_milestoneevent WHERE pgh_id = %s",
        [deleted.pgh_id],
    )
    forged = forge_event(written_at=timezone.now() - dt.timedelta(days=30))
    cut_ledger(first.last_position, runs_too=False)

    result = sealing.verify_chain()
    found = {(f.position, f.pgh_id, f.kind) for f in result.findings}
    assert {
        (edited_at, edited.pgh_id, "changed"),
        (deleted_at, deleted.pgh_id, "missing"),
        (1, forged, "inserted"),
        (first.last_position + 1, None, "ledger cut"),
    } <= found
    error = verify_error()
    for text in ("changed", "missing", "inserted", "ledger cut"):
        assert f": {text}:" in error


def test_the_digests_printed_in_reports_are_checked(history, initiative, settings):
    settings.AUDIT_ANCHOR_PATH = None  # the reports alone
    head = sealing.latest_seal()
    report = Report.objects.create(
        initiative=initiative,
        kind="weekly",
        # A stored report's period is data here: only its printed digest is checked.
        period_start=dt.date(2026, 11, 23),
        period_end=dt.date(2026, 11, 29),
        snapshot={
            "audit_seal": {
                "position": head.position,
                "chain_digest": head.chain_digest,
                "sealed_at": head.sealed_at.isoformat(),
            }
        },
    )
    assert "3 digests kept outside agree" in verify_output()  # report and runs
    # The owner cuts the ledger's last run, and the run itself.
    first = first_run()
    cut_ledger(first.last_position)
    (finding,) = sealing.verify_chain().findings
    assert finding.kind == "ledger cut"
    assert f"report #{report.pk}" in finding.detail


def test_a_context_naming_someone_set_by_hand_is_named(history, granted, task):
    with connect_as(granted) as conn, conn.transaction():
        conn.execute(
            "SELECT set_config('pghistory.context_metadata', %s, true)",
            ['{"user": 1, "source": "web"}'],
        )
        conn.execute(
            "UPDATE tracker_task SET description = '冒名修改' WHERE id = %s", [task.pk]
        )
    forged = TaskEvent.objects.get(description="冒名修改")
    seal()
    assert named(sealing.verify_chain()) == [
        (
            seal_of(forged).position,
            "audit.taskevent",
            forged.pgh_id,
            "context not the application's",
        )
    ]


def test_reordering_in_the_ledger_is_named_at_both_positions(anchor_file, history):
    p, q = 5, history.position - 3
    a = AuditSeal.objects.get(position=p)
    b = AuditSeal.objects.get(position=q)
    sql = (
        "UPDATE audit_auditseal SET event_table = %s, event_pgh_id = %s"
        " WHERE position = %s"
    )
    execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
    execute(sql, ["parked", -1, p])
    execute(sql, [a.event_table, a.event_pgh_id, q])
    execute(sql, [b.event_table, b.event_pgh_id, p])
    execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")
    assert named(sealing.verify_chain()) == [
        (p, b.event_table, b.event_pgh_id, "reordered"),
        (q, a.event_table, a.event_pgh_id, "reordered"),
    ]


def test_a_security_event_is_sealed_and_its_edit_named(anchor_file, history):
    alarm = SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOGIN_FAILED, username="wang", ip="10.1.2.3"
    )
    assert seal().sealed == 1
    position = seal_of(alarm).position
    assert position == history.position + 1
    tampering(
        "audit_securityevent",
        "UPDATE audit_securityevent SET username = 'someone_else' WHERE id = %s",
        [alarm.pk],
    )
    assert named(sealing.verify_chain()) == [
        (position, "audit.securityevent", alarm.pk, "changed")
    ]


def test_a_digest_passed_by_hand_is_checked_too(history):
    kept = sealing.latest_seal()
    assert "agree" in verify_output("--expect", f"{kept.position}:{kept.chain_digest}")
    error = verify_error("--expect", f"{kept.position}:{'0' * 64}")
    assert f"position {kept.position} is " in error and "(from --expect)" in error
    error = verify_error("--expect", f"{kept.position + 1}:{kept.chain_digest}")
    assert f"the ledger ends at position {kept.position}" in error


def test_writes_of_the_service_itself_verify(history, task, sc_coord):
    Task.objects.filter(pk=task.pk).update(description="日常修改")
    seal()
    assert sealing.verify_chain().ok
