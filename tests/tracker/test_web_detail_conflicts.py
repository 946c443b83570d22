"""Two people change the same task or milestone from pages opened at the
same version: the second is told whose change came first, keeps its input
and can submit again."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from accounts.services import membership_grant
from tests.factories import UserFactory
from tests.tracker.pages import body as _body
from tests.tracker.pages import hidden_version as _hidden_version
from tests.tracker.pages import page_url as _url
from tests.tracker.pages import signed_in as _client
from tracker.choices import MilestoneStatus
from tracker.models import (
    Milestone,
    ProgressUpdate,
)

pytestmark = pytest.mark.django_db


# --- concurrent changes -------------------------------------------------------------


def test_two_stale_progress_updates(w, sc_coord):
    """Two Sichuan clerks open the page at the same version of their party's
    part; one posts first; the other's submission is refused with the first's
    change named, its input kept, and the form ready to go again over the new
    version. (Sichuan and Chongqing report on parts of their own: see
    test_party_progress.py.)"""
    second_clerk = UserFactory(username="sc_coord2")
    membership_grant(user=second_clerk, party=w.sichuan, role="coordinator")
    sc, cq = _client(sc_coord), _client(second_clerk)
    sc_version = _hidden_version(
        _body(sc.get(_url("task_detail", w.task.pk))), "update"
    )
    cq_version = _hidden_version(
        _body(cq.get(_url("task_detail", w.task.pk))), "update"
    )
    assert sc_version == cq_version
    first = sc.post(
        _url("progress_update_post", w.task.pk),
        {
            "update-version": sc_version,
            "update-narrative": "四川段完成",
            "update-progress": "60",
        },
    )
    assert first.status_code == 302
    second = cq.post(
        _url("progress_update_post", w.task.pk),
        {
            "update-version": cq_version,
            "update-narrative": "重庆段进展顺利的说明",
            "update-progress": "30",
        },
    )
    assert second.status_code == 409
    html = _body(second)
    assert 'data-testid="conflict"' in html and 'role="alert"' in html
    summary = re.search(r'data-testid="conflict-summary">([^<]*)<', html).group(1)
    assert "sc_coord" in summary and "四川省" in summary
    assert "60" in summary  # what Sichuan changed: the progress, to 60
    assert "重庆段进展顺利的说明" in html and 'value="30"' in html
    assert 'data-testid="conflict-current">60<' in html  # current beside yours
    assert 'data-testid="conflict-yours">30<' in html
    assert 'data-testid="conflict-reload"' in html
    current = w.task.owners.get(party=w.sichuan).version
    assert _hidden_version(html, "update") == current
    assert ProgressUpdate.objects.count() == 1
    # Submitting again over the new version goes through.
    again = cq.post(
        _url("progress_update_post", w.task.pk),
        {
            "update-version": current,
            "update-narrative": "重庆段进展顺利的说明",
            "update-progress": "30",
        },
    )
    assert again.status_code == 302
    assert ProgressUpdate.objects.count() == 2


def test_two_stale_milestone_edits(w, sc_coord, office):
    """The joint office and Sichuan's coordinator edit the same milestone."""
    prefix = f"ms-{w.ms_sc.pk}"
    office_client, sc = _client(office), _client(sc_coord)
    version = _hidden_version(_body(sc.get(_url("milestone_edit", w.ms_sc.pk))), prefix)
    first = office_client.post(
        _url("milestone_edit", w.ms_sc.pk),
        {
            f"{prefix}-version": version,
            f"{prefix}-status": "in_progress",
            f"{prefix}-title": "四川段完工",
            f"{prefix}-due_date": (w.today + dt.timedelta(days=10)).isoformat(),
        },
    )
    assert first.status_code == 302
    second = sc.post(
        _url("milestone_edit", w.ms_sc.pk),
        {f"{prefix}-version": version, f"{prefix}-status": "done"},
    )
    assert second.status_code == 409
    html = _body(second)
    summary = re.search(r'data-testid="conflict-summary">([^<]*)<', html).group(1)
    assert "office" in summary
    assert 'data-testid="conflict-yours">' in html
    assert re.search(r'<option value="done"[^>]*selected', html)  # input kept
    assert _hidden_version(html, prefix) == Milestone.objects.get(pk=w.ms_sc.pk).version
    assert Milestone.objects.get(pk=w.ms_sc.pk).status == MilestoneStatus.IN_PROGRESS
