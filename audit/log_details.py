"""The aggregated audit log's page details: each listed event's snapshot, its
change from the object's previous event, the session that wrote it and the
sealer's refusal, read for one page at a time (the admin's log and the
exports)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.db import connection, models

from .history import model_from_label
from .models import RefusedEvent

_DETAILS_SQL = (
    "SELECT %s::text, cur.pgh_id, to_jsonb(cur), ("
    " SELECT to_jsonb(prev) FROM {table} prev"
    " WHERE prev.pgh_obj_id = cur.pgh_obj_id AND prev.pgh_id < cur.pgh_id"
    " ORDER BY prev.pgh_id DESC LIMIT 1"
    "), refused.reason, refused.run FROM {table} cur"
    " LEFT JOIN {refused} refused"
    " ON refused.event_table = %s AND refused.event_pgh_id = cur.pgh_id"
    " WHERE cur.pgh_id = ANY(%s)"
)


def load_details(events: list[Any]) -> None:
    """Fill in the snapshot (``pgh_data``) and the change from the object's
    previous event (``pgh_diff``) of a page of the aggregated log, with the
    database session that wrote each event (``pgh_session``, which the union of
    event tables does not carry) and, when the sealer refused the row, its
    refusal (``refusal``: a RefusedEvent, not saved).

    The log itself is listed with those two columns deferred: computed in SQL
    for every event before sorting, they would make each page cost a pass over
    all history. Here they cost one query for the page, by primary key."""
    by_table: dict[type[models.Model], list[int]] = defaultdict(list)
    for event in events:
        event_model = model_from_label(event.pgh_model)
        if event_model is not None:
            by_table[event_model].append(event.pgh_id)
    if not by_table:
        return
    quote = connection.ops.quote_name
    refused_table = quote(RefusedEvent._meta.db_table)
    parts, params = [], []
    for event_model, ids in by_table.items():
        table = quote(event_model._meta.db_table)
        # Table names come from the model registry, values are parameters.
        parts.append(_DETAILS_SQL.format(table=table, refused=refused_table))
        params += [event_model._meta.label, event_model._meta.label_lower, ids]
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for label, pgh_id, current, prev, reason, run in cursor.fetchall():
            refusal = (
                RefusedEvent(
                    event_table=label.lower(),
                    event_pgh_id=pgh_id,
                    reason=reason,
                    run=run,
                )
                if reason
                else None
            )
            found[label, pgh_id] = (_loads(current), _loads(prev), refusal)
    for event in events:
        current, prev, refusal = found.get(
            (event.pgh_model, event.pgh_id), (None, None, None)
        )
        data = {k: v for k, v in (current or {}).items() if not k.startswith("pgh_")}
        event.pgh_data = data
        event.pgh_session = (current or {}).get("pgh_session")
        event.refusal = refusal
        event.pgh_diff = (
            {
                key: [prev.get(key), value]
                for key, value in data.items()
                if key in prev and prev[key] != value
            }
            if prev
            else None
        )


def _loads(value: Any) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    return json.loads(value)
