"""The task detail page: who may open it, what each role sees of the task
and of its controls, and where a GET on an action URL goes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PartyFactory, make_initiative, make_task
from tests.tracker.pages import body as _body
from tests.tracker.pages import page_url as _url
from tests.tracker.pages import signed_in as _client
from tests.tracker.pages import start as _start
from tracker import services
from tracker.models import (
    ProgressUpdate,
)

pytestmark = pytest.mark.django_db


# --- access --------------------------------------------------------------------------


def test_url_names():
    assert _url("task_detail", 7) == "/tasks/7/"
    assert _url("progress_update_post", 7) == "/tasks/7/updates/"
    assert _url("reading_record", 7) == "/indicators/7/readings/"
    assert _url("milestone_edit", 7) == "/milestones/7/edit/"
    for name in ("task_claim", "task_confirm", "task_reject", "task_extension"):
        assert _url(name, 7).startswith("/tasks/7/")


def test_anonymous_users_are_sent_to_log_in(w):
    for url in (
        _url("task_detail", w.task.pk),
        _url("progress_update_post", w.task.pk),
        _url("milestone_edit", w.ms_sc.pk),
    ):
        response = Client().post(url) if "updates" in url else Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_task_of_another_initiative_is_404(w, sc_coord):
    shaanxi = PartyFactory(code="sx", name="陕西省")
    other = make_task(make_initiative([shaanxi]), code="SX-1")
    milestone = services.milestone_create(
        task=other, title="陕西段", due_date=w.today, party=shaanxi
    )
    client = _client(sc_coord)
    assert client.get(_url("task_detail", other.pk)).status_code == 404
    assert client.get(_url("task_detail", 999999)).status_code == 404
    assert client.get(_url("milestone_edit", milestone.pk)).status_code == 404
    response = client.post(
        _url("progress_update_post", other.pk),
        {
            "update-version": other.version,
            "update-narrative": "x",
            "update-progress": 5,
        },
    )
    assert response.status_code == 404
    assert not ProgressUpdate.objects.filter(task=other).exists()


def test_detail_shows_the_task(w, sc_coord, cq_coord):
    _start(w.task, sc_coord)
    services.task_request_extension(
        task=w.task,
        actor=cq_coord,
        requested_due_date=w.task.due_date + dt.timedelta(days=30),
        reason="环评批复延迟",
    )
    response = _client(sc_coord).get(_url("task_detail", w.task.pk))
    assert response.status_code == 200
    html = _body(response)
    assert "<h1" in html and html.count("<h1") == 1
    assert "川渝1000千伏特高压交流工程" in html
    assert 'data-light="' in html  # the light badge, with its text
    # owners per party
    assert html.count('data-testid="owner"') == 2
    assert "联络人" in html
    # milestones by due date, the part under its joint milestone
    order = [html.index(t) for t in ("四川段完工", "重庆段完工", "联合验收")]
    assert order == sorted(order)
    assert html.index("联合验收") < html.index("四川侧验收材料")
    assert 'data-state="due-soon"' in html  # 四川段完工 in 3 days
    # indicators, the feed, extension history
    assert html.count('data-testid="indicator"') == 2
    assert "<meter" not in html or "四川段投资" in html
    assert html.count('data-testid="feed-item"') == 1 and "开工" in html
    assert 'data-testid="extension"' in html and "环评批复延迟" in html
    assert "style=" not in html and "<script>" not in html


def test_light_override_reason_is_shown(w, office, sc_leader):
    services.light_override_set(
        task=w.task,
        actor=office,
        light="red",
        reason="征地协调受阻，专班研判为逾期风险",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    html = _body(_client(sc_leader).get(_url("task_detail", w.task.pk)))
    assert 'data-light="red"' in html
    assert 'data-testid="light-override"' in html
    assert "征地协调受阻，专班研判为逾期风险" in html


def test_leadership_and_auditors_see_no_controls(w, sc_leader, cq_auditor, sc_coord):
    _start(w.task, sc_coord)
    for user in (sc_leader, cq_auditor):
        html = _body(_client(user).get(_url("task_detail", w.task.pk)))
        assert "川渝1000千伏特高压交流工程" in html
        assert '<form method="post" action="/tasks/' not in html
        assert 'data-testid="form-' not in html


def test_coordinators_see_only_their_controls(w, sc_coord, cq_coord):
    _start(w.task, sc_coord)
    html = _body(_client(sc_coord).get(_url("task_detail", w.task.pk)))
    for testid in ("form-update", "form-claim", "form-extension"):
        assert f'data-testid="{testid}"' in html
    assert f'data-testid="form-ms-{w.ms_sc.pk}"' in html
    assert f'data-testid="form-ms-{w.ms_joint.pk}"' in html  # joint: either party
    assert f'data-testid="form-ms-{w.ms_cq.pk}"' not in html
    assert f'data-testid="form-reading-{w.ind_sc.pk}"' in html
    assert f'data-testid="form-reading-{w.ind_cq.pk}"' not in html
    assert 'data-testid="form-confirm"' not in html  # nothing claimed yet
    # the progress form offers only the indicators the user reports
    form = html[html.index('id="form-update"') :]
    form = form[: form.index("</form>")]
    assert "四川段投资" in form and "重庆段投资" not in form


def test_get_on_an_action_url_goes_back_to_the_task(w, sc_coord):
    client = _client(sc_coord)
    for url in (
        _url("progress_update_post", w.task.pk),
        _url("task_claim", w.task.pk),
        _url("reading_record", w.ind_sc.pk),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(_url("task_detail", w.task.pk))
