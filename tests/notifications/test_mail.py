"""E-mail of notifications: queued when the act commits, sent only by the
worker (the task), once, in Chinese, plain text with an HTML alternative;
nothing when the act rolls back; what the broker lost is queued again by the
sweeper; a refusing mail server is recorded and tried again."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail as outbox
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from notifications import mail
from notifications.choices import EmailMode, Event
from notifications.models import Notification
from notifications.services import notification_preferences_set, notify
from notifications.tasks import send_mail, sweep_mail
from tests.factories import make_task

from .conftest import claim

pytestmark = pytest.mark.django_db

TITLE = "重庆市申请销号：川渝1000千伏特高压交流工程"


def _owed():
    return list(
        Notification.objects.filter(email_mode=EmailMode.NOW)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_a_claim_is_mailed_by_the_worker_after_commit_in_chinese(
    joint, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        claim(joint, people["cq"], explanation="重庆段已全部完工。")
    # The act is done; nothing is sent, not even queued, before it commits.
    assert outbox.outbox == []
    assert Notification.objects.filter(email_queued_at__isnull=False).count() == 0
    for callback in queued:
        callback()  # the commit: the ids go to the broker (a real one)
    assert outbox.outbox == []  # still nothing sent: that is the worker's
    owed = _owed()
    assert len(owed) == 2
    assert Notification.objects.filter(email_queued_at__isnull=True).count() == 0

    assert send_mail.apply(args=[owed]).get() == 2

    by_address = {m.to[0]: m for m in outbox.outbox}
    assert set(by_address) == {"sc_coord@example.gov.cn", "sc_coord2@example.gov.cn"}
    message = by_address["sc_coord@example.gov.cn"]
    assert message.subject == f"【督办】{TITLE}"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    note = Notification.objects.get(recipient=people["sc"])
    link = f"{settings.SITE_URL.rstrip('/')}/notifications/{note.pk}/"
    assert message.body.startswith("用户")  # the recipient's name
    assert "您好：" in message.body
    assert TITLE in message.body and "重庆段已全部完工。" in message.body
    assert f"查看详情：{link}" in message.body
    assert "消息设置" not in message.body  # plain text: the settings URL itself
    assert f"{settings.SITE_URL.rstrip('/')}/notifications/preferences/" in (
        message.body
    )
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert f'href="{link}"' in html and TITLE in html and "查看详情" in html
    assert "<!doctype html>" in html.lower()
    assert note.emailed_at is not None and note.email_error == ""


def test_each_mail_is_sent_once_however_often_the_task_runs(joint, people):
    claim(joint, people["cq"])
    owed = _owed()
    assert mail.mail_send(notification_ids=owed) == 2
    assert send_mail.apply(args=[owed]).get() == 0
    assert mail.mail_send(notification_ids=owed) == 0
    assert len(outbox.outbox) == 2


def test_nothing_is_queued_or_mailed_when_the_act_rolls_back(
    joint, people, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        claim(joint, people["cq"])
        raise RuntimeError("the request failed after the claim")
    assert queued == []
    assert not Notification.objects.exists()
    assert sweep_mail.apply().get() == {"mail_owed": 0}
    assert outbox.outbox == []


def test_the_actors_own_address_gets_nothing(joint, people):
    claim(joint, people["sc"])
    mail.mail_send(notification_ids=_owed())
    assert [m.to for m in outbox.outbox] == [["cq_coord@example.gov.cn"]]


def test_the_sweeper_queues_what_the_broker_lost(joint, people, today):
    claim(joint, people["cq"])  # its on-commit publishing never ran: lost
    now = timezone.now()
    assert mail.mail_sweep(now=now) == {"mail_owed": 0}  # the publish may still come
    later = now + mail.SWEEP_GRACE + dt.timedelta(seconds=1)
    assert mail.mail_sweep(now=later) == {"mail_owed": 2}
    # Just handed over: not again until REQUEUE_AFTER.
    assert mail.mail_sweep(now=later) == {"mail_owed": 0}
    assert mail.mail_sweep(now=later + mail.REQUEUE_AFTER) == {"mail_owed": 2}
    # Two days on, it is no longer news.
    assert mail.mail_sweep(now=now + mail.SWEEP_WINDOW + dt.timedelta(minutes=1)) == {
        "mail_owed": 0
    }
    mail.mail_send(notification_ids=_owed())
    assert mail.mail_sweep(now=later + 2 * mail.REQUEUE_AFTER) == {"mail_owed": 0}


def test_a_refusing_mail_server_is_recorded_and_tried_again(joint, people, today):
    claim(joint, people["cq"])
    owed = _owed()
    nowhere = {  # a port where nothing listens: the connection is refused
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": 9,
        "EMAIL_TIMEOUT": 2,
    }
    with override_settings(**nowhere), pytest.raises(OSError):
        mail.mail_send(notification_ids=owed)
    first = Notification.objects.get(pk=owed[0])
    assert (first.email_attempts, first.emailed_at) == (1, None)
    assert first.email_error
    later = timezone.now() + mail.SWEEP_GRACE + mail.REQUEUE_AFTER
    assert mail.mail_sweep(now=later) == {"mail_owed": 2}
    assert mail.mail_send(notification_ids=owed) == 2  # the server is back
    # Given up on after MAX_ATTEMPTS refusals: the sweeper stops asking.
    Notification.objects.filter(pk=owed[0]).update(
        emailed_at=None, email_attempts=mail.MAX_ATTEMPTS
    )
    assert mail.mail_sweep(now=later + mail.REQUEUE_AFTER) == {"mail_owed": 0}


def test_preferences_decide_whether_and_how_each_person_is_mailed(joint, people):
    notification_preferences_set(
        user=people["sc"], events={Event.CLAIM_FILED: {"email": False}}
    )
    notification_preferences_set(user=people["sc2"], daily_digest=True)
    claim(joint, people["cq"])
    modes = {
        n.recipient.username: n.email_mode
        for n in Notification.objects.select_related("recipient")
    }
    assert modes == {"sc_coord": EmailMode.NONE, "sc_coord2": EmailMode.DIGEST}
    assert _owed() == []


def test_someone_without_an_address_is_told_in_the_centre_only(joint, people):
    people["sc2"].email = ""
    people["sc2"].save()
    claim(joint, people["cq"])
    row = Notification.objects.get(recipient=people["sc2"])
    assert (row.in_app, row.email_mode) == (True, EmailMode.NONE)


def test_an_address_removed_after_the_notification_is_given_up(joint, people):
    claim(joint, people["cq"])
    people["sc2"].email = ""
    people["sc2"].save()
    assert mail.mail_send(notification_ids=_owed()) == 1
    row = Notification.objects.get(recipient=people["sc2"])
    assert (row.email_mode, row.emailed_at) == (EmailMode.NONE, None)


# --- the daily digest -------------------------------------------------------------------


def _urge(task, people, text):
    return notify(
        event=Event.URGE,
        recipients=[people["sc"]],
        title=f"专班催办：{text}",
        body="请于本周五前报送进展。",
        task=task,
        link=f"/tasks/{task.pk}/",
        actor=people["office"],
    )


def test_the_digest_goes_once_a_day_with_everything_not_yet_mailed(
    initiative, joint, people, today
):
    notification_preferences_set(user=people["sc"], daily_digest=True)
    other = make_task(
        initiative, code="NY-02", title="国家天然气(页岩气)千亿立方米产能基地"
    )
    _urge(joint, people, "特高压")
    _urge(other, people, "页岩气")
    assert outbox.outbox == []  # the digest's, not now
    assert mail.digest_send() == 1
    [message] = outbox.outbox
    assert message.to == ["sc_coord@example.gov.cn"]
    assert message.subject == "【督办】2026年6月15日消息汇总（共2条）".replace(
        "2026年6月15日", f"{today.year}年{today.month}月{today.day}日"
    )
    assert "专班催办：特高压" in message.body and "专班催办：页岩气" in message.body
    assert "请于本周五前报送进展。" in message.body
    [(html, _kind)] = message.alternatives
    assert "专班催办：页岩气" in html
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    # Later the same day: nothing again, and what came since waits for tomorrow.
    _urge(joint, people, "再次")
    assert mail.digest_send() == 0
    assert len(outbox.outbox) == 1
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert mail.digest_send(now=tomorrow) == 1
    assert "专班催办：再次" in outbox.outbox[1].body
    assert "特高压" not in outbox.outbox[1].body


def test_no_digest_for_someone_with_nothing_owed(joint, people, today):
    notification_preferences_set(user=people["sc"], daily_digest=True)
    assert mail.digest_send() == 0
    assert outbox.outbox == []


def test_the_digest_task_runs_the_same(joint, people, today):
    from notifications.tasks import send_digests

    notification_preferences_set(user=people["sc"], daily_digest=True)
    _urge(joint, people, "特高压")
    assert send_digests.apply(args=[today.isoformat()]).get() == 1
    assert send_digests.apply(args=[today.isoformat()]).get() == 0
    assert len(outbox.outbox) == 1
