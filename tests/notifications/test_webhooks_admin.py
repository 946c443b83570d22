"""Administrators set up webhooks in the admin, in Chinese; the signing secret
and the robot's key never come back to a page, to an auditor, or into the
history; beat's sweeper is a schedule named in Chinese."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from audit.models import ChatWebhookEvent
from audit.security import auditor_group_sync
from notifications.choices import Event
from notifications.webhooks import services
from notifications.webhooks.choices import DeliveryStatus, WebhookKind
from notifications.webhooks.models import ChatWebhook, WebhookDelivery
from tests.config.test_admin_chinese import untranslated
from tests.factories import UserFactory

from .webhooks_receiver import Receiver

pytestmark = pytest.mark.django_db

SECRET = "SECd41d8cd98f00b204e9800998ecf8427e"
TOKEN = "f00dfacecafe1234"
URL = f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}"


def zh_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def admin_user(db):
    return UserFactory(username="office_admin", is_staff=True, is_superuser=True)


@pytest.fixture
def auditor(chongqing):
    from accounts.services import membership_grant

    user = UserFactory(username="cq_audit", is_staff=True)
    membership_grant(user=user, party=chongqing, role="auditor")
    auditor_group_sync()
    return user


@pytest.fixture
def dingtalk(chongqing):
    hook = ChatWebhook.objects.create(
        name="川渝专班钉钉群",
        kind=WebhookKind.DINGTALK,
        url=URL,
        secret=SECRET,
        events=[Event.URGE, Event.ESCALATION],
    )
    hook.parties.set([chongqing])
    return hook


def form_data(hook: ChatWebhook | None = None, **changes) -> dict:
    data = {
        "name": hook.name if hook else "川渝专班群",
        "kind": hook.kind if hook else WebhookKind.GENERIC,
        "url": hook.url if hook else "https://hooks.example.com/tracker",
        "secret": "",
        "events": list(hook.events) if hook else [Event.URGE],
        "parties": [p.pk for p in hook.parties.all()] if hook else [],
        "is_active": "on",
        "allowed_addresses": "",
        "change_reason": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_list_shows_neither_the_secret_nor_the_robots_key(admin_user, dingtalk):
    html = (
        zh_client(admin_user)
        .get(reverse("admin:notifications_chatwebhook_changelist"))
        .content.decode()
    )
    assert "川渝专班钉钉群" in html
    assert "钉钉自定义机器人" in html
    assert "oapi.dingtalk.com …" in html
    assert "SECd******" in html
    assert SECRET not in html and TOKEN not in html
    assert "重庆市" in html and "催办" in html


def test_the_form_never_shows_the_secret_and_keeps_it_when_left_empty(
    admin_user, dingtalk
):
    client = zh_client(admin_user)
    url = reverse("admin:notifications_chatwebhook_change", args=[dingtalk.pk])
    html = client.get(url).content.decode()
    assert SECRET not in html
    assert "已保存密钥（SECd******）。留空则保留原密钥。" in html

    response = client.post(url, form_data(dingtalk, name="专班钉钉群"))
    assert response.status_code == 302, response.content.decode()
    dingtalk.refresh_from_db()
    assert (dingtalk.name, dingtalk.secret) == ("专班钉钉群", SECRET)

    client.post(url, form_data(dingtalk, secret="SECnew-one"))
    dingtalk.refresh_from_db()
    assert dingtalk.secret == "SECnew-one"

    client.post(url, form_data(dingtalk, clear_secret="on"))
    dingtalk.refresh_from_db()
    assert dingtalk.secret == ""


def test_adding_a_webhook_with_events_parties_and_allowed_addresses(
    admin_user, sichuan, chongqing
):
    client = zh_client(admin_user)
    response = client.post(
        reverse("admin:notifications_chatwebhook_add"),
        form_data(
            url="http://10.20.0.5:8080/hook",
            secret="hmac-key",
            events=[Event.URGE, Event.REPORT_READY],
            parties=[sichuan.pk],
            allowed_addresses="10.20.0.5\n10.30.0.0/24，192.168.8.8",
            change_reason="接入省大数据中心消息网关",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    hook = ChatWebhook.objects.get()
    assert hook.events == [Event.URGE, Event.REPORT_READY]
    assert list(hook.parties.all()) == [sichuan]
    assert hook.allowed_addresses == ["10.20.0.5", "10.30.0.0/24", "192.168.8.8"]
    (created,) = ChatWebhookEvent.objects.filter(pgh_obj_id=hook.pk)
    assert created.pgh_context["reason"] == "接入省大数据中心消息网关"
    # The history keeps where it sends, not the secret.
    assert not hasattr(created, "secret")
    assert created.url == "http://10.20.0.5:8080/hook"


def test_an_internal_address_not_allowed_is_refused_in_chinese(admin_user):
    response = zh_client(admin_user).post(
        reverse("admin:notifications_chatwebhook_add"),
        form_data(url="http://169.254.169.254/latest/meta-data/", secret="k"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "不能使用此地址：地址169.254.169.254属于链路本地地址" in html
    assert not ChatWebhook.objects.exists()


def test_an_auditor_reads_the_webhook_without_its_secret_or_key(auditor, dingtalk):
    client = zh_client(auditor)
    html = client.get(
        reverse("admin:notifications_chatwebhook_change", args=[dingtalk.pk])
    ).content.decode()
    assert "川渝专班钉钉群" in html and "SECd******" in html
    assert SECRET not in html and TOKEN not in html
    assert 'name="secret"' not in html
    response = client.post(
        reverse("admin:notifications_chatwebhook_change", args=[dingtalk.pk]),
        form_data(dingtalk, name="改名"),
    )
    assert response.status_code == 403
    dingtalk.refresh_from_db()
    assert dingtalk.name == "川渝专班钉钉群"


def test_the_pages_read_in_chinese(admin_user, auditor, dingtalk, task):
    services.webhook_queue(event=Event.URGE, title="请加快推进", task=task)
    delivery = WebhookDelivery.objects.get()
    pages = [
        reverse("admin:notifications_chatwebhook_changelist"),
        reverse("admin:notifications_chatwebhook_change", args=[dingtalk.pk]),
        reverse("admin:notifications_webhookdelivery_changelist"),
        reverse("admin:notifications_webhookdelivery_change", args=[delivery.pk]),
    ]
    names = {"office_admin", "cq_audit", "cq", "sc"}
    for user, extra in [
        (admin_user, [reverse("admin:notifications_chatwebhook_add")]),
        (auditor, []),
    ]:
        client = zh_client(user)
        for page in [*pages, *extra]:
            response = client.get(page)
            assert response.status_code == 200, (user, page)
            assert untranslated(response.content.decode(), names) == set(), page


def test_a_test_message_from_the_admin_reaches_the_robot(admin_user):
    with Receiver() as receiver:
        hook = ChatWebhook.objects.create(
            name="测试群",
            kind=WebhookKind.WECOM,
            url=receiver.url("/send?key=k"),
            events=[Event.URGE],
            allowed_addresses=["127.0.0.1"],
        )
        response = zh_client(admin_user).post(
            reverse("admin:notifications_chatwebhook_changelist"),
            {"action": "send_test", "_selected_action": [hook.pk]},
            follow=True,
        )
        assert (
            "已将1条测试消息交给后台发送，结果见推送记录。" in response.content.decode()
        )
        # The page only queued it: nothing was sent from the request.
        assert receiver.connections == 0
        delivery = WebhookDelivery.objects.get()
        assert delivery.event_label == "测试消息"
        services.webhook_delivery_attempt(delivery_id=delivery.pk)
    content = receiver.requests[0].json["markdown"]["content"]
    assert content.startswith("**【督办】测试消息**")


def test_failed_deliveries_are_sent_again_from_the_admin(admin_user, dingtalk):
    delivery = WebhookDelivery.objects.create(
        webhook=dingtalk,
        occurrence="00000000-0000-0000-0000-000000000001",
        event=Event.URGE,
        title="请加快推进",
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_error="HTTP 503",
    )
    response = zh_client(admin_user).post(
        reverse("admin:notifications_webhookdelivery_changelist"),
        {"action": "send_again", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "已重新排队1条推送。" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.PENDING,
        0,
        "",
    )


def test_an_auditor_cannot_send_again(auditor, dingtalk):
    response = zh_client(auditor).get(
        reverse("admin:notifications_webhookdelivery_changelist")
    )
    assert response.status_code == 200
    assert "send_again" not in response.content.decode()


def test_the_sweepers_schedule_is_named_in_chinese_and_made_once():
    migration = importlib.import_module("notifications.migrations.0004_chat_webhooks")
    # As migrate made it (an earlier transactional test may have flushed it).
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)
    (row,) = PeriodicTask.objects.filter(task="notifications.sweep_webhooks")
    assert row.name == "重发到期的群机器人推送（每分钟）"
    assert (row.interval.every, row.interval.period) == (1, "minutes")
    assert row.enabled
