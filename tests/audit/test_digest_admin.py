"""The auditors' page of the daily chain digest mail, in the admin: linked from
the index for those who read the audit trail, where each subscribes and
unsubscribes only themselves."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import sealing
from audit.models import DigestDelivery, DigestSubscription, SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/audit/digestsubscription/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_url_is_the_one_the_mail_links_to():
    assert reverse("admin:audit_digestsubscription_changelist") == URL


def test_auditors_find_the_page_on_the_admin_index(auditor_client):
    index = auditor_client.get("/admin/").content.decode()
    assert f'href="{URL}"' in index
    assert "每日链摘要邮件" in index


def test_an_auditor_subscribes_and_unsubscribes_themselves(
    auditor, auditor_client, task
):
    auditor.email = "cq_audit@audit.gov.cn"
    auditor.save()
    sealing.seal_new_events()
    head = sealing.latest_seal()

    page = auditor_client.get(URL).content.decode()
    assert "您尚未订阅。" in page
    assert head.chain_digest in page and f"第{head.position}条" in page
    assert "每天北京时间08:30" in page
    assert 'value="subscribe"' in page and 'name="action"' not in page

    response = auditor_client.post(URL, {"subscription": "subscribe"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    page = response.content.decode()
    assert "已订阅：链摘要将每天发送至cq_audit@audit.gov.cn。" in page
    assert "您已订阅。" in page and 'value="unsubscribe"' in page
    assert DigestSubscription.objects.filter(user=auditor).exists()

    response = auditor_client.post(URL, {"subscription": "unsubscribe"}, follow=True)
    assert "已退订" in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_without_an_address_the_page_says_no_mail_can_come(auditor, auditor_client):
    response = auditor_client.post(URL, {"subscription": "subscribe"}, follow=True)
    page = response.content.decode()
    assert "未登记电子邮箱" in page
    assert DigestSubscription.objects.filter(user=auditor).exists()
    assert "审计日志尚未封存。" in page


def test_the_page_lists_the_readers_own_latest_mails(auditor, auditor_client):
    other = UserFactory(username="other", is_staff=True, email="o@audit.gov.cn")
    # Delivery days are data: the page orders and counts them, never against the clock.
    for n in range(3):
        DigestDelivery.objects.create(
            user=auditor,
            day=dt.date(2026, 12, 1 + n),
            email="a@audit.gov.cn",
            position=10 + n,
            chain_digest=f"{n}" * 64,
        )
    DigestDelivery.objects.create(
        user=other, day=dt.date(2026, 12, 1), email=other.email, chain_digest="e" * 64
    )
    page = auditor_client.get(URL).content.decode()
    assert "2" * 64 in page and "e" * 64 not in page
    assert page.index("2026-12-03") < page.index("2026-12-01")

    with CaptureQueriesContext(connection) as few:
        auditor_client.get(URL)
    for n in range(3, 15):
        DigestDelivery.objects.create(
            user=auditor, day=dt.date(2026, 12, 1 + n), email="a@audit.gov.cn"
        )
    with CaptureQueriesContext(connection) as many:
        page = auditor_client.get(URL).content.decode()
    assert len(many) == len(few)
    assert page.count("2026-12-") == 10  # the latest ten


def test_others_are_refused_and_their_attempt_recorded(superuser, cq_coord):
    staff = UserFactory(username="staff_only", is_staff=True)
    client = client_for(staff)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"subscription": "subscribe"}).status_code == 403
    assert not DigestSubscription.objects.exists()
    refused = SecurityEvent.objects.get(kind=SecurityEvent.Kind.WRITE_REFUSED)
    assert refused.username == "staff_only" and refused.path == URL
    assert f'href="{URL}"' not in client.get("/admin/").content.decode()

    # Not staff at all: the admin's sign-in page.
    response = client_for(cq_coord).get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    # A superuser reads the audit trail, so may subscribe too.
    client_for(superuser).post(URL, {"subscription": "subscribe"})
    assert DigestSubscription.objects.filter(user=superuser).exists()


def test_nobody_edits_subscriptions_through_the_admins_forms(superuser, auditor):
    client = client_for(superuser)
    DigestSubscription.objects.create(user=auditor)
    row = DigestSubscription.objects.get()
    assert client.get(f"{URL}add/").status_code == 403
    change = client.post(f"{URL}{row.pk}/change/", {"user": superuser.pk})
    assert change.status_code == 403
    assert client.post(f"{URL}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DigestSubscription.objects.get().user == auditor
