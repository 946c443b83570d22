"""Group-chat robots and webhooks: each platform's message arrives at a real
receiver on 127.0.0.1 that checks its signature; failures are retried with
backoff and end as failed; a delivery is sent once however often its job
runs; notify() queues one delivery per webhook per act, in the act's
transaction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.models import Party
from notifications.choices import Event
from notifications.services import notify
from notifications.webhooks import services
from notifications.webhooks.choices import DeliveryStatus, WebhookKind
from notifications.webhooks.models import ChatWebhook, WebhookDelivery
from notifications.webhooks.tasks import deliver_webhook
from tests.factories import make_task

from .webhooks_receiver import Answer, Receiver

pytestmark = pytest.mark.django_db

SECRETS = {
    WebhookKind.WECOM: "",
    WebhookKind.DINGTALK: "SEC0123456789abcdef0123456789abcdef0123456789abcdef",
    WebhookKind.FEISHU: "feishu-secret-9f8e7d",
    WebhookKind.GENERIC: "generic-hmac-key-42",
}


def hook(
    url: str,
    kind: str = WebhookKind.GENERIC,
    *,
    events=(Event.URGE,),
    parties: list[Party] = (),
    secret: str | None = None,
    allowed=("127.0.0.1",),
    **extra,
) -> ChatWebhook:
    webhook = ChatWebhook.objects.create(
        name=f"{kind}群",
        kind=kind,
        url=url,
        secret=SECRETS[kind] if secret is None else secret,
        events=list(events),
        allowed_addresses=list(allowed),
        **extra,
    )
    webhook.parties.set(parties)
    return webhook


def urge(task, *, recipients=(), actor=None):
    return notify(
        event=Event.URGE,
        recipients=recipients,
        title=f"请加快推进{task.code}",
        body="本月底前报送环评批复进展。\n逾期将通报。",
        task=task,
        actor=actor,
    )


def only_delivery() -> WebhookDelivery:
    (delivery,) = WebhookDelivery.objects.all()
    return delivery


def attempt(delivery: WebhookDelivery) -> str | None:
    return services.webhook_delivery_attempt(delivery_id=delivery.pk)


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://dubang.example.gov.cn/"


# --- each platform's format and signature --------------------------------------------


def test_wecom_robot_gets_markdown_in_chinese_with_the_items_link(task, site):
    with Receiver(platform="wecom") as receiver:
        hook(receiver.url("/cgi-bin/webhook/send?key=693a91f6-7xxx"), WebhookKind.WECOM)
        urge(task)
        assert attempt(only_delivery()) == DeliveryStatus.SENT
    (request,) = receiver.requests
    assert request.query == {"key": ["693a91f6-7xxx"]}
    assert request.headers["content-type"].startswith("application/json")
    assert request.json["msgtype"] == "markdown"
    content = request.json["markdown"]["content"]
    assert content.startswith("**【督办】请加快推进NY-01**\n")
    assert "本月底前报送环评批复进展。\n逾期将通报。" in content
    assert f"[查看合作事项](https://dubang.example.gov.cn/tasks/{task.pk}/)" in content
    assert len(content.encode()) <= 4096


def test_dingtalk_robot_is_signed_as_dingtalk_checks_it(task, site):
    secret = SECRETS[WebhookKind.DINGTALK]
    with Receiver(platform="dingtalk", secret=secret) as receiver:
        hook(receiver.url("/robot/send?access_token=abc123"), WebhookKind.DINGTALK)
        urge(task)
        assert attempt(only_delivery()) == DeliveryStatus.SENT
    (request,) = receiver.requests
    assert receiver.signatures == [True]
    assert request.query["access_token"] == ["abc123"]
    assert len(request.query["timestamp"][0]) == 13  # milliseconds
    markdown = request.json["markdown"]
    assert request.json["msgtype"] == "markdown"
    assert markdown["title"] == "【督办】请加快推进NY-01"
    assert markdown["text"].startswith("#### 【督办】请加快推进NY-01\n\n")
    assert f"(https://dubang.example.gov.cn/tasks/{task.pk}/)" in markdown["text"]


def test_feishu_bot_is_signed_in_the_body_as_feishu_checks_it(task, site):
    secret = SECRETS[WebhookKind.FEISHU]
    with Receiver(platform="feishu", secret=secret) as receiver:
        receiver.default = Answer(body={"code": 0, "msg": "success", "data": {}})
        hook(receiver.url("/open-apis/bot/v2/hook/5e3d587e"), WebhookKind.FEISHU)
        urge(task)
        assert attempt(only_delivery()) == DeliveryStatus.SENT
    (request,) = receiver.requests
    assert receiver.signatures == [True]
    data = request.json
    assert len(data["timestamp"]) == 10  # seconds
    assert data["msg_type"] == "post"
    post = data["content"]["post"]["zh_cn"]
    assert post["title"] == "【督办】请加快推进NY-01"
    assert post["content"] == [
        [{"tag": "text", "text": "本月底前报送环评批复进展。"}],
        [{"tag": "text", "text": "逾期将通报。"}],
        [
            {
                "tag": "a",
                "text": "查看合作事项",
                "href": f"https://dubang.example.gov.cn/tasks/{task.pk}/",
            }
        ],
    ]


def test_generic_webhook_is_json_signed_with_hmac(task, site):
    secret = SECRETS[WebhookKind.GENERIC]
    with Receiver(platform="generic", secret=secret) as receiver:
        hook(receiver.url("/tracker-events"))
        urge(task)
        delivery = only_delivery()
        assert attempt(delivery) == DeliveryStatus.SENT
    (request,) = receiver.requests
    assert receiver.signatures == [True]
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-tracker-delivery"] == str(delivery.delivery_id)
    data = request.json
    sent_at = dt.datetime.fromisoformat(data.pop("sent_at"))
    assert abs(sent_at - timezone.now()) < dt.timedelta(minutes=1)
    assert data == {
        "id": str(delivery.delivery_id),
        "event": "urge",
        "title": "请加快推进NY-01",
        "body": "本月底前报送环评批复进展。\n逾期将通报。",
        "link": f"https://dubang.example.gov.cn/tasks/{task.pk}/",
        "task": {"id": task.pk, "code": "NY-01", "title": task.title},
    }


def test_a_wrong_secret_fails_the_receivers_check(task):
    """The receiver's check can fail: signed with another secret, the message
    is refused as the platform refuses it, and recorded so."""
    with Receiver(platform="dingtalk", secret="SECthe-robots-own") as receiver:
        hook(receiver.url("/robot/send?access_token=t"), WebhookKind.DINGTALK)
        urge(task)
        delivery = only_delivery()
        assert attempt(delivery) == DeliveryStatus.PENDING
    assert receiver.signatures == [False]
    delivery.refresh_from_db()
    assert delivery.last_error == "errcode 310000: sign not match"


# --- retries ----------------------------------------------------------------------------


def test_a_500_and_an_errcode_are_retried_with_backoff_then_sent(task, today):
    with Receiver() as receiver:
        receiver.answer(
            Answer(500, b"upstream down"),
            Answer(200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
            Answer(200, {"errcode": 0, "errmsg": "ok"}),
        )
        hook(receiver.url("/cgi-bin/webhook/send?key=k"), WebhookKind.WECOM)
        urge(task)
        delivery = only_delivery()
        start = timezone.now()

        assert attempt(delivery) == DeliveryStatus.PENDING
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.response_code) == (1, 500)
        assert delivery.last_error == "HTTP 500 upstream down"
        assert delivery.next_attempt_at - start == pytest.approx(
            dt.timedelta(minutes=1), abs=dt.timedelta(seconds=5)
        )
        # Not due yet: the job run early does nothing.
        assert attempt(delivery) is None
        assert len(receiver.requests) == 1

        with time_machine.travel(start + dt.timedelta(minutes=1, seconds=5)):
            assert attempt(delivery) == DeliveryStatus.PENDING
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.last_error == "errcode 45009: api freq out of limit"
        assert delivery.next_attempt_at - start == pytest.approx(
            dt.timedelta(minutes=6), abs=dt.timedelta(seconds=10)
        )

        with time_machine.travel(start + dt.timedelta(minutes=6, seconds=10)):
            assert attempt(delivery) == DeliveryStatus.SENT
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        3,
        "",
    )
    assert delivery.sent_at is not None
    assert len(receiver.requests) == 3


def test_after_the_last_attempt_the_delivery_has_failed(task, today):
    waits = [dt.timedelta(0), *services.BACKOFF]
    with Receiver() as receiver:
        receiver.default = Answer(503, b"busy")
        hook(receiver.url())
        urge(task)
        delivery = only_delivery()
        moment = timezone.now()
        outcomes = []
        for wait in waits:
            moment += wait + dt.timedelta(seconds=5)
            with time_machine.travel(moment):
                outcomes.append(attempt(delivery))
        # Nothing more, however long one waits.
        with time_machine.travel(moment + dt.timedelta(days=2)):
            assert attempt(delivery) is None
            assert services.webhook_delivery_sweep()["due"] == 0
    assert outcomes == [DeliveryStatus.PENDING] * 5 + [DeliveryStatus.FAILED]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS == 6
    assert delivery.last_error == "HTTP 503 busy"
    assert len(receiver.requests) == 6


def test_the_sweeper_publishes_due_retries_and_gives_up_on_silent_last_attempts(
    task, today
):
    webhook = hook("http://127.0.0.1:9/")
    now = timezone.now()
    common = {"webhook": webhook, "event": "urge", "title": "t"}
    fresh = WebhookDelivery.objects.create(occurrence=_uuid(1), **common)
    retry_due = WebhookDelivery.objects.create(
        occurrence=_uuid(2), attempts=2, next_attempt_at=now, **common
    )
    five_minutes_ago = now - dt.timedelta(minutes=5)
    lost = WebhookDelivery.objects.create(  # its job never reached the broker
        occurrence=_uuid(3),
        created_at=five_minutes_ago,
        next_attempt_at=five_minutes_ago,
        **common,
    )
    WebhookDelivery.objects.create(
        occurrence=_uuid(4),
        attempts=1,
        next_attempt_at=now + dt.timedelta(minutes=1),
        **common,
    )
    silent = WebhookDelivery.objects.create(
        occurrence=_uuid(5),
        attempts=services.MAX_ATTEMPTS,
        next_attempt_at=now - dt.timedelta(seconds=1),
        **common,
    )
    due = list(
        services.selectors.deliveries_due(
            now=now,
            fresh_before=now - services.FRESH_GRACE,
            max_attempts=services.MAX_ATTEMPTS,
        )
    )
    assert sorted(due) == sorted([retry_due.pk, lost.pk])
    assert fresh.pk not in due  # its own job is still on its way
    result = services.webhook_delivery_sweep(now=now)
    assert (result["due"], result["abandoned"]) == (2, 1)
    silent.refresh_from_db()
    assert silent.status == DeliveryStatus.FAILED
    assert silent.last_error == "最后一次发送没有返回结果"


def _uuid(n: int):
    import uuid

    return uuid.UUID(int=n)


# --- exactly once ---------------------------------------------------------------------


def test_the_job_run_twice_sends_once(task):
    with Receiver() as receiver:
        hook(receiver.url())
        urge(task)
        delivery = only_delivery()
        first = deliver_webhook.apply(args=[delivery.pk]).get()
        second = deliver_webhook.apply(args=[delivery.pk]).get()
    assert (first, second) == (DeliveryStatus.SENT, None)
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_send_once(initiative):
    """Two workers take the same job at the same moment: the receiver answers
    slowly, so both are in flight together; PostgreSQL lets one claim it."""
    import threading

    from django.db import connection

    task = make_task(initiative, code="NY-02")
    with Receiver() as receiver:
        receiver.default = Answer(delay=0.5)
        hook(receiver.url())
        urge(task)
        delivery = only_delivery()
        outcomes = []
        barrier = threading.Barrier(2)

        def run():
            barrier.wait()
            try:
                outcomes.append(attempt(delivery))
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(outcomes, key=str) == sorted([DeliveryStatus.SENT, None], key=str)
    assert len(receiver.requests) == 1


# --- queued with the act -----------------------------------------------------------------


def test_notify_queues_one_delivery_per_webhook_not_per_recipient(
    task, sc_coord, cq_coord, office, django_capture_on_commit_callbacks
):
    first = hook("http://127.0.0.1:9/a")
    second = hook("http://127.0.0.1:9/b", WebhookKind.WECOM)
    hook("http://127.0.0.1:9/c", events=[Event.REPORT_READY])  # not this event
    hook("http://127.0.0.1:9/d", is_active=False)  # switched off
    with django_capture_on_commit_callbacks() as callbacks:
        notifications = urge(task, recipients=[sc_coord, cq_coord, office])
    assert len(notifications) == 3
    rows = list(WebhookDelivery.objects.order_by("webhook_id"))
    assert [row.webhook for row in rows] == [first, second]
    assert len({row.occurrence for row in rows}) == 1
    assert all(row.status == DeliveryStatus.PENDING for row in rows)
    # One publish for the act, after it commits.
    assert len(callbacks) == 1


def test_a_webhook_limited_to_parties_hears_only_of_their_items(
    initiative, sichuan, chongqing
):
    joint = make_task(initiative, code="NY-03")
    sichuan_only = make_task(initiative, parties=[sichuan], code="NY-04")
    chongqing_hook = hook("http://127.0.0.1:9/cq", parties=[chongqing])
    everything = hook("http://127.0.0.1:9/all")
    urge(joint)
    urge(sichuan_only)
    notify(event=Event.URGE, recipients=[], title="无事项的通知")
    heard = {(row.webhook_id, row.task_id) for row in WebhookDelivery.objects.all()}
    assert heard == {
        (chongqing_hook.pk, joint.pk),
        (everything.pk, joint.pk),
        (everything.pk, sichuan_only.pk),
        (everything.pk, None),
    }


@pytest.mark.django_db(transaction=True)
def test_an_act_rolled_back_sends_nothing(initiative):
    task = make_task(initiative, code="NY-05")
    with Receiver() as receiver:
        hook(receiver.url())

        class Abandoned(Exception):
            pass

        with pytest.raises(Abandoned), transaction.atomic():
            urge(task)
            assert WebhookDelivery.objects.count() == 1
            raise Abandoned
        assert WebhookDelivery.objects.count() == 0
        later = timezone.now() + dt.timedelta(hours=1)
        assert services.webhook_delivery_sweep(now=later)["due"] == 0
    assert receiver.connections == 0


def test_a_switched_off_webhook_sends_nothing_already_queued(task):
    with Receiver() as receiver:
        webhook = hook(receiver.url())
        urge(task)
        ChatWebhook.objects.filter(pk=webhook.pk).update(is_active=False)
        delivery = only_delivery()
        assert attempt(delivery) == DeliveryStatus.FAILED
    assert receiver.connections == 0
    delivery.refresh_from_db()
    assert delivery.last_error == "推送目标已停用"


def test_the_body_is_cut_to_what_a_group_chat_takes(task):
    with Receiver() as receiver:
        hook(receiver.url("/send?key=k"), WebhookKind.WECOM)
        notify(
            event=Event.URGE, recipients=[], title="长", body="进展" * 3000, task=task
        )
        assert attempt(only_delivery()) == DeliveryStatus.SENT
    content = receiver.requests[0].json["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert "…" in content
    json.dumps(content)  # still whole characters
