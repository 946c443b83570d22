"""Which task states take reports, readings and other work, and which periods a
reading may name: refused the same way by the services, the API and the pages,
in the user's language, with nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_initiative, make_task
from tracker import services
from tracker.models import (
    ExtensionRequest,
    IndicatorReading,
    LightOverride,
    Milestone,
    ProgressUpdate,
    Task,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def world(initiative, sichuan, chongqing, sc_coord, cq_coord):
    """A joint task in progress with a Sichuan indicator, a joint milestone and
    a pending extension request."""
    today = timezone.localdate()
    task = make_task(initiative, code="NY-01", due_date=today + dt.timedelta(days=90))
    services.task_start(task=task, actor=sc_coord)
    indicator = services.indicator_create(
        task=task, name="四川段投资", unit="亿元", target=Decimal(50), party=sichuan
    )
    milestone = services.milestone_create(
        task=task, title="联合验收", due_date=today + dt.timedelta(days=60)
    )
    extension = services.task_request_extension(
        task=task,
        actor=cq_coord,
        requested_due_date=task.due_date + dt.timedelta(days=30),
        reason="征地拆迁滞后",
    )
    return task, indicator, milestone, extension


def _complete(task, sc_coord, cq_coord) -> Task:
    services.task_claim_completion(task=task, actor=sc_coord)
    services.task_confirm_completion(task=task, actor=cq_coord)
    return Task.objects.get(pk=task.pk)


def _cancel(task, office) -> Task:
    services.task_cancel(task=task, actor=office, reason="专班研究决定撤销")
    return Task.objects.get(pk=task.pk)


def _footprint(task) -> tuple:
    task = Task.objects.get(pk=task.pk)
    return (
        task.status,
        task.version,
        task.due_date,
        ProgressUpdate.objects.count(),
        IndicatorReading.objects.count(),
        tuple(Milestone.objects.values_list("status", "version")),
        tuple(ExtensionRequest.objects.values_list("status", flat=True)),
        LightOverride.objects.count(),
    )


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _etag(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


def _part_etag(client, task_url, party_code) -> str:
    owners = client.get(task_url).json()["owners"]
    return next(o["etag"] for o in owners if o["party"]["code"] == party_code)


# --- reading periods ----------------------------------------------------------------


def test_reading_period_bounds(world, sc_coord):
    _task, indicator, *_ = world
    today = timezone.localdate()
    for period in (
        dt.date(1, 1, 1),
        dt.date(1999, 12, 31),
        today + dt.timedelta(days=8),
        dt.date(9999, 12, 31),
    ):
        with pytest.raises(ValidationError) as refused:
            services.indicator_reading_record(
                indicator=indicator, actor=sc_coord, period=period, value=1
            )
        assert list(refused.value.message_dict) == ["period"]
    assert not IndicatorReading.objects.exists()
    # A week's or a month's figure may be filed a few days before its last day.
    for period in (dt.date(2000, 1, 1), today, today + dt.timedelta(days=7)):
        services.indicator_reading_record(
            indicator=indicator, actor=sc_coord, period=period, value=1
        )
    assert IndicatorReading.objects.count() == 3


def test_no_reading_before_the_initiative_was_launched(sichuan, chongqing, sc_coord):
    initiative = make_initiative([sichuan, chongqing])
    initiative.launched_on = dt.date(2020, 1, 3)
    initiative.save()
    task = make_task(initiative, code="ZB-02")
    indicator = services.indicator_create(
        task=task, name="铝合金车体交付量", unit="辆", party=sichuan
    )
    with pytest.raises(ValidationError) as refused:
        services.indicator_reading_record(
            indicator=indicator, actor=sc_coord, period=dt.date(2019, 12, 31), value=1
        )
    assert refused.value.message_dict["period"] == [
        f"报告期末不能早于2020年1月3日（{initiative.name}启动之日）。"
    ]
    services.indicator_reading_record(
        indicator=indicator, actor=sc_coord, period=dt.date(2020, 1, 31), value=1
    )


def test_api_refuses_an_impossible_period_with_a_field_error(world, sc_coord):
    task, indicator, *_ = world
    client = _api(sc_coord)
    url = f"/api/v1/indicators/{indicator.pk}/readings/"
    before = _footprint(task)
    latest = timezone.localdate() + dt.timedelta(days=7)
    for period, lang, message in (
        ("9999-12-31", ZH, f"报告期末不能晚于{latest.year}年{latest.month}月"),
        ("0001-01-01", ZH, "报告期末不能早于2000年1月1日。"),
        ("9999-12-31", EN, "The end of the reporting period cannot be later than"),
    ):
        response = client.post(
            url,
            {"period": period, "value": "1"},
            format="json",
            HTTP_IF_MATCH=_etag(client, f"/api/v1/tasks/{task.pk}/"),
            **lang,
        )
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "invalid"
        assert list(body["errors"]) == ["period"]
        assert body["errors"]["period"][0].startswith(message)
    assert _footprint(task) == before


# --- the API: closed tasks take nothing ---------------------------------------------


@pytest.mark.parametrize("close", ["completed", "cancelled"])
def test_api_refuses_work_on_a_closed_task(world, sc_coord, cq_coord, office, close):
    task, indicator, milestone, extension = world
    sc, admin = _api(sc_coord), _api(office)
    waiting = {
        (i["kind"], i["object_id"])
        for i in admin.get("/api/v1/attention/").json()["results"]
    }
    assert ("extension_pending", extension.pk) in waiting
    if close == "completed":
        task = _complete(task, sc_coord, cq_coord)
        label = ("已销号", "completed")
    else:
        task = _cancel(task, office)
        label = ("已取消", "cancelled")
    # The request stays pending on record, but nobody is asked to decide it.
    waiting = {
        (i["kind"], i["object_id"])
        for i in admin.get("/api/v1/attention/").json()["results"]
    }
    assert ("extension_pending", extension.pk) not in waiting
    assert ExtensionRequest.objects.get(pk=extension.pk).status == "pending"
    task_url = f"/api/v1/tasks/{task.pk}/"
    today = timezone.localdate().isoformat()
    attempts = [
        (
            sc,
            f"/api/v1/indicators/{indicator.pk}/readings/",
            "post",
            {"period": today, "value": "12.5"},
            task_url,
            "暂不能填报指标完成值",
        ),
        (
            sc,
            task_url + "progress-updates/",
            "post",
            {"narrative": "补报进展", "progress": 100},
            # A progress update names the party's part: its entry in the task.
            lambda client: _part_etag(client, task_url, "sc"),
            "暂不能报送进展",
        ),
        (
            sc,
            f"/api/v1/milestones/{milestone.pk}/",
            "patch",
            {"status": "done"},
            f"/api/v1/milestones/{milestone.pk}/",
            "暂不能修改其节点",
        ),
        (
            sc,
            task_url + "request-extension/",
            "post",
            {"requested_due_date": "2030-12-31", "reason": "再延期"},
            task_url,
            "暂不能申请延期",
        ),
        (
            admin,
            f"/api/v1/extension-requests/{extension.pk}/decide/",
            "post",
            {"approve": True, "opinion": "同意延期"},
            task_url,
            "暂不能审批其延期申请",
        ),
        (
            admin,
            task_url + "light-override/",
            "post",
            {
                "light": "red",
                "reason": "征地受阻",
                "expires_at": (timezone.now() + dt.timedelta(days=3)).isoformat(),
            },
            task_url,
            "不参与亮灯，不能人工调整亮灯",
        ),
    ]
    before = _footprint(task)
    for client, url, method, body, etag_url, message in attempts:
        tag = etag_url(client) if callable(etag_url) else _etag(client, etag_url)
        response = getattr(client, method)(
            url, body, format="json", HTTP_IF_MATCH=tag, **ZH
        )
        assert response.status_code == 409, (url, response.content)
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "transition_not_allowed"
        assert problem["detail"] == (f"该事项当前状态为“{label[0]}”，{message}。"), url
    english = sc.post(
        f"/api/v1/indicators/{indicator.pk}/readings/",
        {"period": today, "value": "12.5"},
        format="json",
        HTTP_IF_MATCH=_etag(sc, task_url),
        **EN,
    )
    assert english.status_code == 409
    assert english.json()["detail"] == (
        f"The task is {label[1]}; indicator values cannot be reported on it now."
    )
    assert _footprint(task) == before


# --- the pages ----------------------------------------------------------------------


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_completed_task_offers_no_work(world, sc_coord, cq_coord):
    task, indicator, milestone, _extension = world
    open_html = _page(sc_coord).get(reverse("tracker:task_detail", args=[task.pk]))
    assert f'data-testid="form-reading-{indicator.pk}"' in open_html.content.decode()
    task = _complete(task, sc_coord, cq_coord)
    html = (
        _page(sc_coord)
        .get(reverse("tracker:task_detail", args=[task.pk]))
        .content.decode()
    )
    for testid in (
        "form-update",
        f"form-reading-{indicator.pk}",
        f"form-ms-{milestone.pk}",
        "form-extension",
        "form-claim",
    ):
        assert f'data-testid="{testid}"' not in html, testid


def test_pages_refuse_work_on_a_completed_task(world, sc_coord, cq_coord):
    task, indicator, _milestone, _extension = world
    task = _complete(task, sc_coord, cq_coord)
    client = _page(sc_coord)
    before = _footprint(task)
    today = timezone.localdate().isoformat()
    reading = client.post(
        reverse("tracker:reading_record", args=[indicator.pk]),
        {f"reading-{indicator.pk}-period": today, f"reading-{indicator.pk}-value": "3"},
    )
    assert reading.status_code == 409
    assert (
        "该事项当前状态为“已销号”，暂不能填报指标完成值。" in reading.content.decode()
    )
    update = client.post(
        reverse("tracker:progress_update_post", args=[task.pk]),
        {
            "update-version": task.version,
            "update-narrative": "补报进展",
            "update-progress": "100",
            "update-indicator": indicator.pk,
            "update-period": today,
            "update-value": "3",
        },
        **EN,
    )
    assert update.status_code == 409
    assert (
        "The task is completed; progress cannot be reported on it now."
        in update.content.decode()
    )
    assert _footprint(task) == before


def test_pages_refuse_an_impossible_period(world, sc_coord):
    task, indicator, *_ = world
    before = _footprint(task)
    response = _page(sc_coord).post(
        reverse("tracker:reading_record", args=[indicator.pk]),
        {
            f"reading-{indicator.pk}-period": "9999-12-31",
            f"reading-{indicator.pk}-value": "3",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "报告期末不能晚于" in html
    assert 'value="9999-12-31"' in html  # the input is kept to be corrected
    assert _footprint(task) == before
