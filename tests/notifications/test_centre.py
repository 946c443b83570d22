"""The notification centre: the page and the API show a person their own
notifications, newest first, unread marked; opening one marks it read and goes
on to its item; all can be marked read at once; another person's is a 404.
The header shows the unread count beside 消息 on every page, for one COUNT."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from notifications.choices import Event
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def _urges(people, n, task=None, start=0):
    for i in range(start, start + n):
        notify(
            event=Event.URGE,
            recipients=[people["sc"]],
            title=f"专班催办第{i + 1}次",
            body="请于本周五前报送进展。",
            task=task,
            link=f"/tasks/{task.pk}/" if task else "",
            actor=people["office"],
        )


def _page(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _titles(html: str) -> list[str]:
    return re.findall(r'class="notification-title" href="[^"]+">([^<]+)</a>', html)


# --- the page ---------------------------------------------------------------------


def test_the_centre_lists_newest_first_with_unread_marked(joint, people):
    _urges(people, 3, task=joint)
    first = Notification.objects.order_by("pk").first()
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    html = _page(people["sc"]).get("/notifications/").content.decode()
    assert _titles(html) == ["专班催办第3次", "专班催办第2次", "专班催办第1次"]
    assert html.count('data-read="false"') == 2
    assert html.count('<span class="unread-mark">未读</span>') == 2
    assert "全部标为已读" in html and "消息设置" in html
    assert "发送人：" in html


def test_opening_a_notification_marks_it_read_and_goes_to_its_item(joint, people):
    _urges(people, 1, task=joint)
    note = Notification.objects.get()
    client = _page(people["sc"])
    response = client.get(f"/notifications/{note.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{joint.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    # Opening it again changes nothing.
    read_at = note.read_at
    client.get(f"/notifications/{note.pk}/")
    note.refresh_from_db()
    assert note.read_at == read_at


def test_a_link_that_leaves_the_site_is_not_followed(joint, people):
    for link in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        [note] = notify(
            event=Event.URGE, recipients=[people["sc"]], title="催办", link=link
        )
        response = _page(people["sc"]).get(f"/notifications/{note.pk}/")
        assert response["Location"] == "/notifications/", link


def test_mark_all_read(joint, people):
    _urges(people, 3, task=joint)
    client = _page(people["sc"])
    response = client.post("/notifications/read-all/", follow=True)
    assert "全部消息已标为已读。" in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.get("/notifications/read-all/").status_code == 405


def test_the_unread_tab_and_the_pages(joint, people):
    _urges(people, 25, task=joint)
    client = _page(people["sc"])
    first = client.get("/notifications/").content.decode()
    assert len(_titles(first)) == 20
    assert "第1页，共2页" in first
    second = client.get("/notifications/?page=2").content.decode()
    assert _titles(second) == [f"专班催办第{i}次" for i in range(5, 0, -1)]
    client.post("/notifications/read-all/")
    _urges(people, 1, task=joint, start=25)
    unread = client.get("/notifications/?show=unread").content.decode()
    assert _titles(unread) == ["专班催办第26次"]


def test_another_persons_notification_is_not_found(joint, people):
    _urges(people, 1, task=joint)
    note = Notification.objects.get()
    assert _page(people["cq"]).get(f"/notifications/{note.pk}/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert (
        _page(people["cq"])
        .get("/notifications/")
        .content.decode()
        .count('data-testid="notification"')
        == 0
    )


def test_signing_in_is_needed(db):
    for url in ("/notifications/", "/notifications/1/"):
        response = Client().get(url)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )


# --- the header -------------------------------------------------------------------


def _badge(html: str) -> str | None:
    found = re.search(
        r'data-testid="unread-badge"><span aria-hidden="true">(\S+?)<', html
    )
    return found.group(1) if found else None


def test_the_header_shows_the_unread_count_on_every_page(joint, people):
    client = _page(people["sc"])
    for url in ("/", "/tasks/", f"/tasks/{joint.pk}/", "/reports/", "/notifications/"):
        html = client.get(url).content.decode()
        assert 'data-testid="nav-inbox"' in html and ">消息" in html, url
        assert _badge(html) is None, url  # hidden at 0
    _urges(people, 3, task=joint)
    html = client.get("/tasks/").content.decode()
    assert _badge(html) == "3"
    assert "3条未读" in html  # for screen readers
    Notification.objects.update(read_at=None)
    _urges(people, 100, task=joint, start=3)
    assert _badge(client.get("/tasks/").content.decode()) == "99+"
    client.post("/notifications/read-all/")
    assert _badge(client.get("/tasks/").content.decode()) is None


def test_the_badge_costs_one_indexed_count_however_many_rows(joint, people):
    client = _page(people["sc"])

    def header_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/tasks/").status_code == 200
        table = 'FROM "notifications_notification" '
        return [q["sql"] for q in captured.captured_queries if table in q["sql"]]

    _urges(people, 2, task=joint)
    few = header_queries()
    _urges(people, 60, task=joint, start=2)
    many = header_queries()
    counts = [q for q in many if q.startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and len(few) == len(many) == 1


def test_the_header_count_is_read_through_a_recipient_index(joint, people):
    from notifications.selectors import unread_count

    _urges(people, 5, task=joint)
    qs = Notification.objects.filter(
        recipient=people["sc"], in_app=True, read_at__isnull=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    # An index on the recipient answers it: the unread one, or (with so few
    # rows the planner may prefer it) the inbox one, filtering the read.
    assert "notification_unread" in plan or "notification_inbox" in plan
    assert "Index Cond: (recipient_id" in plan
    assert unread_count(user=people["sc"]) == 5


def test_the_centre_costs_the_same_however_many_rows(joint, people):
    client = _page(people["sc"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/notifications/").status_code == 200
        return len(captured)

    _urges(people, 2, task=joint)
    few = count()
    _urges(people, 40, task=joint, start=2)
    assert count() == few


# --- the API ----------------------------------------------------------------------


def test_the_api_lists_reads_and_counts(joint, people):
    _urges(people, 3, task=joint)
    api = _api(people["sc"])
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 3
    newest = body["results"][0]
    assert newest["title"] == "专班催办第3次"
    assert newest["event"] == "urge" and newest["event_display"] == "催办"
    assert newest["task"] == joint.pk and newest["link"] == f"/tasks/{joint.pk}/"
    assert newest["url"] == f"/notifications/{newest['id']}/"
    assert newest["actor_name"] == str(people["office"])
    assert newest["is_read"] is False and newest["read_at"] is None
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 3}

    read = api.post(f"/api/v1/notifications/{newest['id']}/read/")
    assert read.status_code == 200 and read.json()["is_read"] is True
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    unread = api.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert [n["title"] for n in unread["results"]] == ["专班催办第2次", "专班催办第1次"]
    assert api.get("/api/v1/notifications/", {"unread": "false"}).json()["count"] == 1
    assert api.get("/api/v1/notifications/", {"unread": "maybe"}).status_code == 400

    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_the_api_hides_another_persons_notifications(joint, people):
    _urges(people, 1, task=joint)
    note = Notification.objects.get()
    api = _api(people["cq"])
    assert api.get("/api/v1/notifications/").json()["count"] == 0
    for response in (
        api.get(f"/api/v1/notifications/{note.pk}/"),
        api.post(f"/api/v1/notifications/{note.pk}/read/"),
        api.get(f"/api/v1/notifications/{2**70}/"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    note.refresh_from_db()
    assert note.read_at is None


def test_the_api_needs_a_sign_in(db):
    for url in ("/api/v1/notifications/", "/api/v1/notifications/unread-count/"):
        assert APIClient().get(url).status_code == 401


def test_the_api_list_costs_the_same_however_many_rows(joint, people):
    api = _api(people["sc"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/notifications/").status_code == 200
        return len(captured)

    _urges(people, 2, task=joint)
    few = count()
    _urges(people, 40, task=joint, start=2)
    assert count() == few
