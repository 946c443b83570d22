"""Columns added to a sealed table: the events sealed before still verify,
and a changed event is still named (audit/sealing/schema.py)."""

import pytest
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField, CreateModel

from audit import sealing
from audit.models import AuditSeal, TaskOwnerEvent
from audit.sealing import digests
from audit.sealing.schema import ADDED_COLUMNS, sealed_forms
from tests.audit.chain import named, seal, tampering
from tracker import services

pytestmark = pytest.mark.django_db

# The migration that made the ledger: columns added before it never changed a
# sealed row. Migrations that complete a table made by the one before them (its
# links, split off by makemigrations) are part of making it.
LEDGER = "0002_auditseal"
MADE_WITH = {"0020_park_cycle_event_links": "0019_park_cycle_events"}


def _column(operation: AddField) -> str:
    field = operation.field
    if field.db_column:
        return field.db_column
    return f"{operation.name}_id" if field.is_relation else operation.name


def test_every_column_added_to_a_sealed_table_is_listed_with_its_first_value():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaf = next(node for node in loader.graph.leaf_nodes() if node[0] == "audit")
    plan = [name for app, name in loader.graph.forwards_plan(leaf) if app == "audit"]
    sealed = {model._meta.model_name for model in sealing.sealed_models()}
    made: dict[str, str] = {}
    added: dict[str, list[tuple[str, dict]]] = {}
    for name in plan:
        for operation in loader.get_migration("audit", name).operations:
            if isinstance(operation, CreateModel):
                made[operation.name_lower] = name
            elif (
                isinstance(operation, AddField)
                and operation.model_name_lower in sealed
                and plan.index(name) > plan.index(LEDGER)
                and MADE_WITH.get(name, name) != made.get(operation.model_name_lower)
            ):
                groups = added.setdefault(f"audit.{operation.model_name_lower}", [])
                if not groups or groups[-1][0] != name:
                    groups.append((name, {}))
                value = BaseDatabaseSchemaEditor._effective_default(operation.field)
                groups[-1][1][_column(operation)] = value
    assert added, "the scan found no added column at all: it is looking wrong"
    assert added == ADDED_COLUMNS


def _without_0012_columns(record):
    """The digest a ledger sealed before owners had progress columns holds."""
    forms = sealed_forms("audit.taskownerevent", record)
    if "progress_reported_at" in record and len(forms) > 1:
        return digests.event_digest(forms[1])
    return digests.event_digest(record)


def test_events_sealed_before_a_column_was_added_verify_and_a_change_is_named(
    monkeypatch, task, sc_coord
):
    services.task_start(task=task, actor=sc_coord)
    monkeypatch.setattr(sealing.sealer, "event_digest", _without_0012_columns)
    seal()
    monkeypatch.undo()
    owner_events = TaskOwnerEvent.objects.filter(progress=0, version=1)
    assert owner_events.exists()
    sealed = AuditSeal.objects.filter(
        event_table="audit.taskownerevent",
        event_pgh_id__in=owner_events.values("pgh_id"),
    )
    # Those owners' rows were sealed without the later columns ...
    event = owner_events.first()
    record = {
        f.column: getattr(event, f.attname)
        for f in TaskOwnerEvent._meta.concrete_fields
    }
    assert sealed.get(event_pgh_id=event.pk).event_digest != digests.event_digest(
        record
    )
    # ... and the chain verifies all the same.
    assert sealing.verify_chain().findings == []

    position = sealed.get(event_pgh_id=event.pk).position
    tampering(
        "audit_taskownerevent",
        "UPDATE audit_taskownerevent SET version = 2 WHERE pgh_id = %s",
        [event.pk],
    )
    assert (position, "audit.taskownerevent", event.pk, sealing.CHANGED) in named(
        sealing.verify_chain()
    )


def test_a_later_column_is_left_out_only_while_it_holds_its_first_value():
    record = {"pgh_id": 1, "pgh_session": None, "batch": None, "name": "结对"}
    assert sealed_forms("audit.parkpairevent", record) == [
        record,
        {"pgh_id": 1, "pgh_session": None, "name": "结对"},
        {"pgh_id": 1, "name": "结对"},
    ]
    paired = {**record, "batch": 2021}
    assert sealed_forms("audit.parkpairevent", paired) == [paired]
