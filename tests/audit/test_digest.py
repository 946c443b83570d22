"""The chain digest mailed daily to the auditors who asked for it: who gets it,
what it says, once per person and day however often it runs."""

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts import services as account_services
from accounts.models import Membership
from audit import digest, sealing
from audit.digest import digest_deliver, digest_subscribe, digest_unsubscribe
from audit.models import DigestDelivery, DigestSubscription, DigestSubscriptionEvent
from audit.security import audit_readers, auditor_group_sync, can_read_audit
from audit.tasks import deliver_digest
from config.exceptions import PermissionDenied
from tests.factories import UserFactory
from tracker import services

pytestmark = pytest.mark.django_db

# The digest is delivered at an explicit `now=`; the real clock plays no part.
NOW = dt.datetime(2026, 12, 3, 0, 30, tzinfo=dt.UTC)  # 08:30 in Beijing
DAY = dt.date(2026, 12, 3)


def make_auditor(username, party, *, email=None):
    user = UserFactory(
        username=username,
        email=f"{username}@audit.gov.cn" if email is None else email,
        is_staff=True,
    )
    account_services.membership_grant(user=user, party=party, role="auditor")
    auditor_group_sync()
    return user


@pytest.fixture
def sealed(task):
    """A chain with the task's creation in it."""
    sealing.seal_new_events()
    return sealing.latest_seal()


@pytest.fixture
def auditors(chongqing, sichuan):
    return [
        make_auditor("cq_audit", chongqing),
        make_auditor("sc_audit", sichuan),
    ]


def sent_to():
    return sorted(address for m in mail.outbox for address in m.to)


# --- who may read the audit trail, as one query ------------------------------------


def test_audit_readers_are_exactly_those_who_can_read_the_audit(chongqing, sichuan):
    view_log = Permission.objects.get(
        content_type__app_label="audit", codename="view_auditlog"
    )
    people = {
        "auditor": make_auditor("auditor", chongqing),
        "superuser": UserFactory(username="su", is_staff=True, is_superuser=True),
        "superuser_no_staff": UserFactory(username="su2", is_superuser=True),
        "direct_permission": UserFactory(username="direct", is_staff=True),
        "office": UserFactory(username="office", is_staff=True),
        "former_office": UserFactory(username="former", is_staff=True),
        "staff_only": UserFactory(username="staff", is_staff=True),
        "auditor_not_staff": make_auditor("not_staff", sichuan),
        "inactive_auditor": make_auditor("inactive", chongqing),
        "coordinator": UserFactory(username="coord"),
    }
    people["direct_permission"].user_permissions.add(view_log)
    people["auditor_not_staff"].is_staff = False
    people["auditor_not_staff"].save()
    people["inactive_auditor"].is_active = False
    people["inactive_auditor"].save()
    for name in ("office", "former_office"):
        account_services.membership_grant(
            user=people[name], party=sichuan, role="administrator"
        )
    Membership.objects.filter(user=people["former_office"]).update(is_active=False)
    account_services.membership_grant(
        user=people["coordinator"], party=sichuan, role="coordinator"
    )

    expected = {
        name
        for name, user in people.items()
        if can_read_audit(type(user).objects.get(pk=user.pk))
    }
    assert expected == {"auditor", "superuser", "direct_permission", "office"}
    found = {u.pk for u in audit_readers()}
    assert {name for name, user in people.items() if user.pk in found} == expected


# --- subscribing ----------------------------------------------------------------------


def test_only_audit_readers_subscribe_and_anyone_unsubscribes(auditors, cq_coord):
    auditor = auditors[0]
    first = digest_subscribe(user=auditor)
    assert digest_subscribe(user=auditor) == first  # twice is once
    with pytest.raises(PermissionDenied):
        digest_subscribe(user=cq_coord)
    assert not DigestSubscription.objects.filter(user=cq_coord).exists()

    assert digest_unsubscribe(user=auditor) is True
    assert digest_unsubscribe(user=auditor) is False
    # Both changes are in the audit trail, with the row they were about.
    labels = list(
        DigestSubscriptionEvent.objects.filter(pgh_obj_id=first.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "delete"]


# --- mailing ---------------------------------------------------------------------------


def test_each_subscriber_gets_the_head_once_a_day(sealed, auditors, chongqing):
    for auditor in auditors:
        digest_subscribe(user=auditor)
    make_auditor("not_subscribed", chongqing)

    assert digest_deliver(now=NOW) == 2
    assert digest_deliver(now=NOW) == 0  # the same day again: nothing
    assert deliver_digest.run(DAY.isoformat()) == 0  # and through the task
    assert sent_to() == ["cq_audit@audit.gov.cn", "sc_audit@audit.gov.cn"]
    rows = DigestDelivery.objects.filter(day=DAY)
    assert rows.count() == 2 and not rows.filter(sent_at__isnull=True).exists()
    for row in rows:
        assert (row.position, row.chain_digest) == (
            sealed.position,
            sealed.chain_digest,
        )

    # The next day is another mail.
    assert digest_deliver(now=NOW + dt.timedelta(days=1)) == 2
    assert len(mail.outbox) == 4


def test_the_mail_says_what_to_keep_and_how_to_check_it(sealed, auditors, settings):
    settings.SITE_URL = "https://tracker.example.gov.cn"
    digest_subscribe(user=auditors[0])
    digest_deliver(now=NOW)
    (message,) = mail.outbox
    assert message.subject == f"审计链摘要（2026年12月3日）：第{sealed.position}条"
    lines = message.body.splitlines()
    # The digest on a line of its own, whole, to be copied as it stands.
    assert sealed.chain_digest in lines
    assert f"封存至：第{sealed.position}条" in lines
    assert f"近24小时封存事件：{sealed.position}条" in lines
    assert (
        f"manage.py audit_verify --expect {sealed.position}:{sealed.chain_digest}"
        in lines
    )
    assert "https://tracker.example.gov.cn/admin/audit/digestsubscription/" in (
        message.body
    )
    assert settings.REPORTS_ISSUER in lines


def test_the_count_is_of_the_last_24_hours_only(task, sc_coord, auditors):
    def seal_at(moment):
        # The sealer takes its time from the database's clock; the run is
        # moved to `moment` afterwards, as only the tables' owner could.
        result = sealing.seal_new_events()
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
            cursor.execute(
                "UPDATE audit_auditseal SET sealed_at = %s"
                " WHERE position > %s AND position <= %s",
                [moment, result.position - result.sealed, result.position],
            )
            cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")
        return result

    earlier = seal_at(NOW - dt.timedelta(hours=30))
    services.task_start(task=task, actor=sc_coord)
    recent = seal_at(NOW - dt.timedelta(hours=2))
    assert earlier.sealed and recent.sealed

    digest_subscribe(user=auditors[0])
    digest_deliver(now=NOW)
    row = DigestDelivery.objects.get()
    assert row.sealed_last_day == recent.sealed
    assert row.position == earlier.sealed + recent.sealed

    # Nothing sealed in a day: the mail says sealing may have stopped.
    digest_deliver(now=NOW + dt.timedelta(days=2))
    assert "封存任务已停止运行" in mail.outbox[-1].body
    assert "封存任务已停止运行" not in mail.outbox[0].body


def test_before_the_first_seal_the_mail_says_so(auditors, db):
    digest_subscribe(user=auditors[0])
    assert digest_deliver(now=NOW) == 1
    (message,) = mail.outbox
    assert message.subject == "审计链摘要（2026年12月3日）：尚未封存"
    assert "审计日志尚未封存" in message.body
    row = DigestDelivery.objects.get()
    assert row.position is None and row.chain_digest == ""


def test_no_address_no_right_no_mail(sealed, auditors, chongqing):
    no_address = make_auditor("no_address", chongqing, email="")
    for user in (*auditors, no_address):
        digest_subscribe(user=user)
    lost_staff, lost_group = auditors
    # One loses admin access, the other leaves the auditors' group.
    lost_staff.is_staff = False
    lost_staff.save()
    lost_group.groups.clear()

    assert digest_deliver(now=NOW) == 0
    assert mail.outbox == [] and not DigestDelivery.objects.exists()


def test_a_right_lost_after_the_row_was_written_stops_the_mail(
    sealed, auditors, monkeypatch
):
    for auditor in auditors:
        digest_subscribe(user=auditor)
    leaving, staying = auditors
    rows = digest._delivery_rows

    def rows_then_leave(day, now):
        rows(day, now)
        digest_unsubscribe(user=leaving)

    monkeypatch.setattr(digest, "_delivery_rows", rows_then_leave)
    assert digest_deliver(now=NOW) == 1
    assert sent_to() == [staying.email]
    assert DigestDelivery.objects.get(user=leaving).sent_at is None


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_mail_once(chongqing):
    for n in range(4):
        digest_subscribe(user=make_auditor(f"audit{n}", chongqing))
    sealing.seal_new_events()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(digest_deliver(now=NOW))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 4
    assert len(mail.outbox) == 4 and len(set(sent_to())) == 4
    assert DigestDelivery.objects.filter(sent_at__isnull=False).count() == 4


def test_reading_the_recipients_is_one_query_however_many(sealed, chongqing):
    def recipients_queries():
        with CaptureQueriesContext(connection) as queries:
            found = list(digest.digest_recipients())
        return len(queries), len(found)

    digest_subscribe(user=make_auditor("first", chongqing))
    assert recipients_queries() == (1, 1)
    for n in range(5):
        digest_subscribe(user=make_auditor(f"more{n}", chongqing))
    assert recipients_queries() == (1, 6)


def test_a_run_costs_a_fixed_number_of_reads_and_the_same_per_mail(sealed, chongqing):
    def run_queries(subscribers, day):
        while DigestSubscription.objects.count() < subscribers:
            n = DigestSubscription.objects.count()
            digest_subscribe(user=make_auditor(f"audit{n}", chongqing))
        with CaptureQueriesContext(connection) as queries:
            sent = digest_deliver(now=NOW + dt.timedelta(days=day))
        assert sent == subscribers
        return len(queries)

    one, three, six = run_queries(1, 0), run_queries(3, 1), run_queries(6, 2)
    per_mail = (three - one) // 2
    assert 0 < per_mail <= 4  # lock the row, mark it sent (and the savepoint)
    assert three - one == 2 * per_mail and six - three == 3 * per_mail
    assert one - per_mail <= 6  # the head, the count, the rows, what is owed


# --- the schedule ------------------------------------------------------------------------


def test_beat_mails_the_digest_daily_at_half_past_eight_in_beijing():
    from config.celery import app

    schedule = PeriodicTask.objects.get(task="audit.deliver_digest")
    crontab = schedule.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("30", "8", "*")
    assert (crontab.day_of_month, crontab.month_of_year) == ("*", "*")
    assert str(crontab.timezone) == "Asia/Shanghai" and schedule.enabled
    app.loader.import_default_modules()
    assert schedule.task in app.tasks
    assert digest.digest_schedule() == digest.DigestSchedule(True, "08:30")

    schedule.enabled = False
    schedule.save()
    assert digest.digest_schedule() == digest.DigestSchedule(False, None)


def test_the_task_takes_the_day_in_beijing(sealed, auditors, monkeypatch):
    digest_subscribe(user=auditors[0])
    # 23:00 UTC on 2 December is already 3 December in Beijing.
    late = dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert deliver_digest.run() == 1
    assert DigestDelivery.objects.get().day == DAY
