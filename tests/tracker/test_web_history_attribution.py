"""The task page's history names how a change was written, as the auditors'
admin does: a change made straight in the database is no one's in the service,
and a context the service did not sign names its actor only with a warning."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import make_task

pytestmark = pytest.mark.django_db


def _history(user, task) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("tracker:task_detail", args=[task.pk]) + "?tab=history"
    )
    assert response.status_code == 200
    return response.content.decode()


def _first_meta(html: str) -> str:
    """The newest entry's who-and-when line."""
    return re.search(r'<p class="history-meta">(.*?)</p>', html, re.S).group(1)


def test_a_direct_database_change_and_a_hand_set_context(initiative, sc_coord):
    task = make_task(initiative, code="NY-09", title="川渝特高压配套工程")
    with connection.cursor() as cursor:
        # Raw SQL in this session, with no application context.
        cursor.execute(
            "UPDATE tracker_task SET description = '运维直接修改' WHERE id = %s",
            [task.pk],
        )
    meta = _first_meta(_history(sc_coord, task))
    assert "直接数据库修改" in meta and "⚠" not in meta

    with connection.cursor() as cursor:
        # A context naming the coordinator, set by hand: no signature.
        cursor.execute(
            "SELECT set_config('pghistory.context_metadata', %s, false)",
            [f'{{"user": {sc_coord.pk}, "source": "web"}}'],
        )
        cursor.execute(
            "UPDATE tracker_task SET description = '冒名修改' WHERE id = %s",
            [task.pk],
        )
        cursor.execute("SELECT set_config('pghistory.context_metadata', '', false)")
    meta = _first_meta(_history(sc_coord, task))
    assert "sc_coord" in meta
    assert '<strong class="history-warning">⚠ 上下文未经应用签名</strong>' in meta
