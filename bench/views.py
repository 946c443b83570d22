"""The baselines the list endpoints and pages are measured against.

- one query: a single indexed ``SELECT … LIMIT 25`` on the task table,
  serialised with ``json.dumps``: about the least a list can cost.
- same SQL: the very statements an endpoint sent (captured by the benchmark
  from one of its requests, SELECTs only), replayed on a bare cursor and their
  rows serialised with ``json.dumps``: what the endpoint costs on top of its
  SQL is the ratio against it.

Wired only by bench/urls.py (the bench's URLconf), never by config.urls."""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpResponse

ONE_QUERY = (
    "SELECT id, code, title, status, due_date, progress FROM tracker_task "
    "ORDER BY id LIMIT 25"
)

# key → the statements to replay; filled by the benchmark before it measures.
REPLAY: dict[str, list[str]] = {}


def _json(payload) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, default=str, ensure_ascii=False),
        content_type="application/json",
    )


def one_query(request):
    with connection.cursor() as cursor:
        cursor.execute(ONE_QUERY)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return _json({"count": len(rows), "results": rows})


def same_sql(request, key: str):
    results = []
    with connection.cursor() as cursor:
        for sql in REPLAY[key]:
            cursor.execute(sql)
            results.append(cursor.fetchall())
    return _json({"results": results})
