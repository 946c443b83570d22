"""The task page's history tab, and the number of queries the detail page
and its history cost as the task grows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.clock import days
from tests.tracker.pages import PDF
from tests.tracker.pages import body as _body
from tests.tracker.pages import page_url as _url
from tests.tracker.pages import signed_in as _client
from tests.tracker.pages import update_form as _update
from tracker import services

pytestmark = pytest.mark.django_db


# --- history ------------------------------------------------------------------------


def test_history_tab_shows_a_change(w, sc_coord, cq_auditor):
    client = _client(sc_coord)
    client.post(
        _url("milestone_edit", w.ms_sc.pk),
        {
            f"ms-{w.ms_sc.pk}-version": w.ms_sc.version,
            f"ms-{w.ms_sc.pk}-status": "done",
        },
    )
    client.post(_url("progress_update_post", w.task.pk), _update(w.task))
    for user in (sc_coord, cq_auditor):
        response = _client(user).get(_url("task_detail", w.task.pk) + "?tab=history")
        assert response.status_code == 200
        html = _body(response)
        assert 'aria-current="page"' in html and 'data-testid="history"' in html
        entries = re.findall(r'data-testid="history-entry"', html)
        assert len(entries) >= 3
        assert "sc_coord" in html and "四川段完工" in html
        assert "45" in html  # progress 0 → 45
        assert 'data-testid="form-update"' not in html


# --- query counts -------------------------------------------------------------------


def _grow(w, sc_coord, cq_coord, start, stop):
    for i in range(start, stop):
        services.milestone_create(
            task=w.task,
            title=f"节点{i}",
            due_date=w.today + dt.timedelta(days=i),
            party=w.sichuan if i % 2 else w.chongqing,
        )
        services.progress_update_post(
            task=w.task,
            actor=sc_coord if i % 2 else cq_coord,
            narrative=f"进展{i}",
            progress=i,
        )
        services.indicator_reading_record(
            indicator=w.ind_sc,
            actor=sc_coord,
            period=days(-100) + dt.timedelta(days=i),
            value=i,
            evidence=SimpleUploadedFile(f"{i}.pdf", PDF),
        )


def test_detail_query_count_is_constant(w, sc_coord, cq_coord):
    """The detail page costs the same number of queries with a dozen more
    milestones, progress updates and readings."""
    client = _client(sc_coord)
    url = _url("task_detail", w.task.pk)
    _grow(w, sc_coord, cq_coord, 0, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(w, sc_coord, cq_coord, 2, 14)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
    # With the 催办记录's urges, the header's count, the item's dependencies and
    # (for a coordinator of its owners) the dependency form's two lists.
    assert len(small) <= 17


# Session, user, grants, the task and its owners; one query per event table
# (10, and the 督办 ledger's urges and their parties: 12); at most one per kind
# of related object named on a page (party, indicator, milestone, agency,
# initiative, work stream, user, urge, progress update) and two for the
# actors. However long the history.
HISTORY_MAX_QUERIES = 5 + 12 + 9 + 2


def test_history_query_count_is_bounded(
    w, sc_coord, cq_coord, django_assert_max_num_queries
):
    client = _client(sc_coord)
    url = _url("task_detail", w.task.pk) + "?tab=history"
    for start, stop in ((0, 2), (2, 14), (14, 40)):
        _grow(w, sc_coord, cq_coord, start, stop)
        with django_assert_max_num_queries(HISTORY_MAX_QUERIES):
            assert client.get(url).status_code == 200
