"""Notifications in the admin: read only, for administrators and auditors, in
Chinese; every row's history is kept."""

import pytest
from django.test import Client

from audit.models import (
    MailSettingsEvent,
    NotificationEvent,
    NotificationPreferenceEvent,
)
from audit.security import auditor_group_sync
from notifications.models import Notification
from notifications.services import notification_mark_read, notification_preferences_set
from tests.config.test_admin_chinese import untranslated

from .conftest import _person, claim

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/notifications/",
    "/admin/notifications/notification/",
    "/admin/notifications/notificationpreference/",
    "/admin/notifications/mailsettings/",
    "/admin/notifications/digestmail/",
]


def test_auditors_read_notifications_in_chinese_and_change_nothing(
    joint, people, chongqing
):
    claim(joint, people["cq"])
    notification_preferences_set(
        user=people["sc"], events={"reminder": {"email": True}}, daily_digest=True
    )
    auditor = _person("cq_audit", chongqing, "auditor")
    auditor.is_staff = True
    auditor.save()
    auditor_group_sync()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(auditor)
    names = {"sc_coord", "sc_coord2", "cq_coord", "cq_audit", "office", "sc_leader"}
    note = Notification.objects.first()
    for url in [*PAGES, f"/admin/notifications/notification/{note.pk}/change/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert untranslated(response.content.decode(), names) == set(), url
    html = client.get("/admin/notifications/notification/").content.decode()
    assert "消息" in html and "重庆市申请销号" in html
    assert client.get("/admin/notifications/notification/add/").status_code == 403
    response = client.post(
        f"/admin/notifications/notification/{note.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Notification.objects.filter(pk=note.pk).exists()


def test_every_change_is_in_the_history(joint, people):
    claim(joint, people["cq"])
    note = Notification.objects.get(recipient=people["sc"])
    notification_mark_read(user=people["sc"], notification=note)
    notification_preferences_set(
        user=people["sc"], events={"reminder": {"email": True}}, daily_digest=True
    )
    labels = list(
        NotificationEvent.objects.filter(pgh_obj_id=note.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "read_at")
    )
    assert [label for label, _ in labels] == ["insert", "update"]
    assert labels[-1][1] is not None
    assert NotificationPreferenceEvent.objects.filter(event="reminder").count() == 1
    assert MailSettingsEvent.objects.filter(daily_digest=True).count() == 1
    # Handing the mail to the broker is plumbing, not history.
    Notification.objects.filter(pk=note.pk).update(email_queued_at=note.created_at)
    assert NotificationEvent.objects.filter(pgh_obj_id=note.pk).count() == 2
