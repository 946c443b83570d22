"""Each person's choices: the defaults, "receive" off (no row at all), the
centre and e-mail per event, the daily digest; 催办 and 通报 always in the
centre. The page and the API set the same choices through one service."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from config.exceptions import InvalidInput
from notifications import preferences
from notifications.choices import EmailMode, Event
from notifications.models import MailSettings, Notification, NotificationPreference
from notifications.services import notification_preferences_set, notify

from .conftest import claim

pytestmark = pytest.mark.django_db

EMAIL_BY_DEFAULT = {
    "claim_filed",
    "claim_confirmed",
    "claim_rejected",
    "extension_decided",
    "urge",
    "escalation",
}


def test_the_defaults(people):
    choices = preferences.choices_for(people["sc"])
    assert [c.event for c in choices] == list(Event.values)
    assert all(c.enabled and c.in_app for c in choices)
    assert {c.event for c in choices if c.email} == EMAIL_BY_DEFAULT
    # A report's own mail (with the PDF) already reaches its subscribers.
    assert not next(c for c in choices if c.event == Event.REPORT_READY).email
    assert {c.event for c in choices if c.required} == {"urge", "escalation"}
    assert preferences.daily_digest_for(people["sc"]) is False


def _tell(people, event=Event.CLAIM_FILED):
    return notify(
        event=event,
        recipients=[people["sc"], people["sc2"]],
        title="重庆市申请销号：川渝1000千伏特高压交流工程",
        actor=people["cq"],
    )


def test_not_receiving_an_event_means_no_row(people):
    notification_preferences_set(
        user=people["sc"], events={Event.CLAIM_FILED: {"enabled": False}}
    )
    rows = _tell(people)
    assert [r.recipient for r in rows] == [people["sc2"]]
    assert not Notification.objects.filter(recipient=people["sc"]).exists()
    # Other events still reach them.
    assert len(_tell(people, Event.CLAIM_REJECTED)) == 2


def test_both_channels_off_is_not_receiving(people):
    notification_preferences_set(
        user=people["sc"],
        events={Event.CLAIM_FILED: {"in_app": False, "email": False}},
    )
    assert [r.recipient for r in _tell(people)] == [people["sc2"]]


def test_e_mail_only_keeps_the_row_out_of_the_centre(people, client):
    notification_preferences_set(
        user=people["sc"], events={Event.CLAIM_FILED: {"in_app": False}}
    )
    [row, _other] = sorted(_tell(people), key=lambda r: r.recipient.username)
    assert (row.in_app, row.email_mode) == (False, EmailMode.NOW)
    client.force_login(people["sc"])
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    assert client.get("/api/v1/notifications/").json()["count"] == 0


def test_urges_always_show_in_the_centre(people):
    with pytest.raises(InvalidInput) as refused:
        notification_preferences_set(
            user=people["sc"], events={Event.URGE: {"in_app": False}}
        )
    assert refused.value.field_errors == {
        "events": ["催办和通报始终在消息中心显示，不能关闭。"]
    }
    with pytest.raises(InvalidInput):
        notification_preferences_set(
            user=people["sc"], events={Event.ESCALATION: {"enabled": False}}
        )
    assert not NotificationPreference.objects.exists()  # all or nothing
    # The e-mail may go.
    notification_preferences_set(
        user=people["sc"], events={Event.URGE: {"email": False}}
    )
    [row] = notify(event=Event.URGE, recipients=[people["sc"]], title="专班催办")
    assert (row.in_app, row.email_mode) == (True, EmailMode.NONE)


def test_unknown_events_and_channels_are_refused(people):
    with pytest.raises(InvalidInput):
        notification_preferences_set(user=people["sc"], events={"lunch": {}})
    with pytest.raises(InvalidInput):
        notification_preferences_set(
            user=people["sc"], events={Event.URGE: {"sms": True}}
        )


def test_routing_costs_two_queries_however_many_people(
    people, django_assert_num_queries
):
    users = list(people.values())
    with django_assert_num_queries(2):
        routes = preferences.routing(event=Event.URGE, users=users)
    assert len(routes) == len(users)


# --- the page ---------------------------------------------------------------------


def _page_client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _form(response) -> dict:
    """The form as the page renders it, every box as it stands."""
    import re

    html = response.content.decode()
    data = {"daily_digest": "each"}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        if 'type="checkbox"' in tag and " checked" in tag and " disabled" not in tag:
            data[name] = "on"
    return data


def test_the_page_shows_every_event_in_chinese(people):
    response = _page_client(people["sc"]).get("/notifications/preferences/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "消息设置",
        "接收",
        "站内消息",
        "邮件",
        "对方申请销号",
        "通报",
        "催办",
    ):
        assert text in html, text
    assert html.count('data-event="') == len(Event.values)
    assert "每天汇总发送一封邮件" in html
    assert "没有登记邮箱" not in html


def test_the_page_saves_choices(people):
    client = _page_client(people["sc"])
    data = _form(client.get("/notifications/preferences/"))
    del data["report_ready-enabled"]  # untick "receive" for reports
    data["reminder-email"] = "on"
    data["daily_digest"] = "digest"
    response = client.post("/notifications/preferences/", data, follow=True)
    assert response.status_code == 200
    assert "消息设置已保存。" in response.content.decode()
    choices = {c.event: c for c in preferences.choices_for(people["sc"])}
    assert not choices["report_ready"].enabled
    assert choices["reminder"].email
    assert choices["urge"].in_app and choices["urge"].email
    assert MailSettings.objects.get(user=people["sc"]).daily_digest
    # The fixed boxes of 催办 cannot be unticked by leaving them out.
    assert 'name="urge-in_app"' in response.content.decode()


def test_someone_without_an_address_is_told_so(people):
    people["sc"].email = ""
    people["sc"].save()
    html = _page_client(people["sc"]).get("/notifications/preferences/").content
    assert "您的账号没有登记邮箱" in html.decode()


def test_the_page_needs_a_sign_in(db):
    response = Client().get("/notifications/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the API ----------------------------------------------------------------------


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_reads_and_sets_the_same_choices(people):
    api = _api(people["sc"])
    body = api.get("/api/v1/notification-preferences/").json()
    assert body["daily_digest"] is False and body["has_email"] is True
    events = {e["event"]: e for e in body["events"]}
    assert events["urge"] == {
        "event": "urge",
        "event_display": "催办",
        "enabled": True,
        "in_app": True,
        "email": True,
        "required": True,
    }
    response = api.put(
        "/api/v1/notification-preferences/",
        {
            "daily_digest": True,
            "events": [
                {"event": "reminder", "email": True},
                {"event": "report_ready", "enabled": False},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    events = {e["event"]: e for e in response.json()["events"]}
    assert events["reminder"]["email"] and not events["report_ready"]["enabled"]
    assert events["claim_filed"]["email"]  # not listed: unchanged
    assert response.json()["daily_digest"] is True
    assert preferences.daily_digest_for(people["sc"])


@pytest.mark.parametrize(
    "body",
    [
        {"events": [{"event": "urge", "in_app": False}]},
        {"events": [{"event": "lunch"}]},
        {"events": [{"event": "urge"}, {"event": "urge"}]},
        {"events": [{"event": "urge", "sms": True}]},
        {"events": [{"event": "reminder", "email": 1}]},
        {"daily_digest": "yes"},
        {"events": [{"enabled": False}]},
        {"colour": "red"},
    ],
)
def test_the_api_refuses_what_it_cannot_set(people, body):
    response = _api(people["sc"]).put(
        "/api/v1/notification-preferences/", body, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert not NotificationPreference.objects.exists()


def test_a_claim_respects_the_counterparts_choice(joint, people):
    notification_preferences_set(
        user=people["sc2"], events={Event.CLAIM_FILED: {"enabled": False}}
    )
    claim(joint, people["cq"])
    assert [n.recipient for n in Notification.objects.all()] == [people["sc"]]


def test_the_api_takes_json_only(people):
    response = _api(people["sc"]).put(
        "/api/v1/notification-preferences/",
        {"daily_digest": "true", "events": '[{"enabled": false}]'},
        format="multipart",
    )
    assert response.status_code == 415
    assert not preferences.daily_digest_for(people["sc"])
