"""Requesting, generating, sweeping and delivering reports, against PostgreSQL."""

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.db import connections
from django.test import override_settings

from config.exceptions import InvalidInput, PermissionDenied
from reports import services
from reports.choices import ReportStatus, ScopeKind
from reports.models import Report, ReportDelivery, ReportFile, ReportRendition
from reports.storage import checksum, report_file_name
from tests.reports.history import done_transitions, report_statuses

# Reports are asked for at this explicit `today=`; the periods below are data.
TODAY = dt.date(2026, 11, 25)  # a Wednesday


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _weekly(initiative, **kwargs):
    return services.report_request(
        initiative=initiative, kind="weekly", today=TODAY, **kwargs
    )


# --- requesting --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_scheduled_request_covers_the_last_complete_period(initiative):
    report, created = _weekly(initiative)
    assert created
    assert (report.period_start, report.period_end) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 22),
    )
    assert report.status == ReportStatus.QUEUED and report.requested_by is None


@pytest.mark.django_db
def test_asking_twice_gives_the_same_report(initiative):
    first, created = _weekly(initiative)
    again, created_again = _weekly(initiative, period_start=dt.date(2026, 11, 18))
    assert created and not created_again
    assert again.pk == first.pk
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_requests_leave_one_report(initiative):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def ask():
        try:
            barrier.wait()
            results.append(_weekly(initiative))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Report.objects.count() == 1
    assert sorted(created for _r, created in results) == [False, False, False, True]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "on_demand"}, "period_start"),
        (
            {
                "kind": "on_demand",
                "period_start": dt.date(2026, 11, 10),
                "period_end": dt.date(2026, 11, 1),
            },
            "period_end",
        ),
        (
            {
                "kind": "on_demand",
                "period_start": dt.date(2025, 1, 1),
                "period_end": dt.date(2026, 11, 1),
            },
            "period_end",
        ),
        ({"kind": "weekly", "period_start": TODAY}, "period_start"),
        ({"kind": "monthly", "period_start": dt.date(2027, 1, 1)}, "period_start"),
        ({"kind": "weekly", "scope": ScopeKind.PARTY}, "scope_party"),
        ({"kind": "weekly", "scope": ScopeKind.WORK_STREAM}, "scope_work_stream"),
        ({"kind": "yearly"}, "kind"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(initiative, kwargs, field):
    with pytest.raises(InvalidInput) as caught:
        services.report_request(initiative=initiative, today=TODAY, **kwargs)
    assert field in caught.value.field_errors
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_party_outside_the_initiative_is_refused(initiative):
    from tests.factories import PartyFactory

    outsider = PartyFactory(code="sn", name="陕西省", short_name="陕")
    with pytest.raises(InvalidInput):
        _weekly(initiative, scope=ScopeKind.PARTY, party=outsider)


@pytest.mark.django_db
def test_only_leadership_and_administrators_ask(initiative, sc_coord, sc_leader):
    with pytest.raises(PermissionDenied):
        _weekly(initiative, requested_by=sc_coord)
    report, _ = _weekly(initiative, requested_by=sc_leader)
    assert report.requested_by == sc_leader


@pytest.mark.django_db
def test_an_unreachable_broker_does_not_fail_the_request(initiative, monkeypatch):
    from kombu.exceptions import OperationalError

    from reports import tasks

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(tasks.generate_report, "apply_async", down)
    report, _ = _weekly(initiative)
    assert services.report_enqueue(report_id=report.pk) is False
    report.refresh_from_db()
    # Not yet published: the worker's sweep on reconnecting picks it up.
    assert report.status == ReportStatus.QUEUED and report.queued_at is None
    assert services.report_sweep() == {"orphaned": 0, "stale": 1}


# --- generating --------------------------------------------------------------------


@pytest.mark.django_db
def test_generation_writes_three_files_once(initiative, task):
    report, _ = _weekly(initiative)
    done = services.report_generate(report_id=report.pk)
    assert done.status == ReportStatus.DONE and done.step == done.steps_total == 4
    assert done.attempts == 1 and done.snapshot["summary"]["total"] == 1
    files = {f.format: f for f in ReportFile.objects.filter(report=report)}
    assert set(files) == {"html", "pdf", "xlsx"}
    for fmt, stored in files.items():
        assert stored.file.name == report_file_name(report, fmt)
        assert checksum(stored.file.name) == stored.sha256
        assert stored.size == Path(stored.file.path).stat().st_size
    assert not list(Path(files["pdf"].file.path).parent.glob("*.part"))

    # Again, and once more through the task: nothing new, nothing changed.
    assert services.report_generate(report_id=report.pk) is None
    from reports.tasks import generate_report

    assert generate_report.run(report.pk) is None
    assert ReportFile.objects.filter(report=report).count() == 3
    assert done_transitions(report_statuses(report.pk)) == 1


@pytest.mark.django_db
def test_a_worker_holding_the_report_keeps_others_off(initiative, task):
    report, _ = _weekly(initiative)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [services.LOCK_CLASS, report.pk]
            )
        assert services.report_generate(report_id=report.pk) is None
        report.refresh_from_db()
        assert report.status == ReportStatus.QUEUED and report.attempts == 0
    finally:
        other.close()


@pytest.mark.django_db
@override_settings(REPORTS_MAX_ATTEMPTS=2)
def test_a_failing_step_is_retried_then_recorded(initiative, task, monkeypatch):
    import reports.render

    def broken(fmt, snapshot, *, language):
        if fmt == "pdf":
            raise RuntimeError("字体缺失")
        return b"ok"

    monkeypatch.setattr(reports.render, "render", broken)
    report, _ = _weekly(initiative)
    with pytest.raises(services.ReportAttemptFailed):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.attempts == 1
    assert "字体缺失" in report.error
    assert report.step == 2  # snapshot and HTML were done and are kept
    assert services.report_generate(report_id=report.pk).status == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.attempts == 2
    assert report.finished_at is not None

    # Asked for again, a failed report starts over.
    again, created = _weekly(initiative)
    assert created and again.pk == report.pk and again.status == ReportStatus.QUEUED


# --- the sweeper -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweeper_requeues_orphans_and_stale_requests(initiative, monkeypatch):
    from reports import tasks

    sent = []
    monkeypatch.setattr(
        tasks.generate_report, "apply_async", lambda args, **kw: sent.append(args[0])
    )
    orphan, _ = _weekly(initiative)
    alive, _ = services.report_request(
        initiative=initiative, kind="monthly", today=TODAY
    )
    stale, _ = services.report_request(
        initiative=initiative,
        kind="weekly",
        period_start=dt.date(2026, 11, 2),
        today=TODAY,
    )
    fresh, _ = services.report_request(
        initiative=initiative,
        kind="weekly",
        period_start=dt.date(2026, 11, 9),
        today=TODAY,
    )
    Report.objects.filter(pk__in=[orphan.pk, alive.pk]).update(status="running")
    from django.utils import timezone

    Report.objects.filter(pk=stale.pk).update(
        queued_at=timezone.now() - dt.timedelta(hours=1)
    )
    Report.objects.filter(pk=fresh.pk).update(queued_at=timezone.now())
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [services.LOCK_CLASS, alive.pk]
            )
        found = services.report_sweep()
    finally:
        other.close()
    assert found == {"orphaned": 1, "stale": 1}
    assert sorted(sent) == sorted([orphan.pk, stale.pk])
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses[orphan.pk] == "queued" and statuses[alive.pk] == "running"


@pytest.mark.django_db
def test_the_same_lock_in_another_database_does_not_hide_an_orphan(
    initiative, monkeypatch
):
    """Advisory locks are server-wide; pg_locks lists every database's. A lock
    on the same key in a neighbour database is not our worker."""
    import uuid

    import psycopg
    from psycopg import sql

    from reports import tasks

    sent = []
    monkeypatch.setattr(
        tasks.generate_report, "apply_async", lambda args, **kw: sent.append(args[0])
    )
    orphan, _ = _weekly(initiative)
    Report.objects.filter(pk=orphan.pk).update(status="running")
    cfg = connections["default"].settings_dict
    params = {
        "host": cfg["HOST"] or None,
        "port": cfg["PORT"] or None,
        "user": cfg["USER"] or None,
        "password": cfg["PASSWORD"] or None,
        "autocommit": True,
    }
    params = {k: v for k, v in params.items() if v is not None}
    neighbour = f"{cfg['NAME']}_neighbour_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", **params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(neighbour)))
    try:
        with psycopg.connect(dbname=neighbour, **params) as other:
            other.execute(
                "SELECT pg_advisory_lock(%s, %s)", [services.LOCK_CLASS, orphan.pk]
            )
            found = services.report_sweep()
    finally:
        with psycopg.connect(dbname="postgres", **params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(neighbour)
                )
            )
    assert found == {"orphaned": 1, "stale": 0}
    assert sent == [orphan.pk]
    orphan.refresh_from_db()
    assert orphan.status == ReportStatus.QUEUED


@pytest.mark.django_db
def test_renditions_are_swept_and_a_failed_one_asked_again_starts_over(
    initiative, task, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import renditions, tasks

    sent = []
    monkeypatch.setattr(
        tasks.generate_rendition, "apply_async", lambda args, **kw: sent.append(args[0])
    )
    monkeypatch.setattr(tasks.generate_report, "apply_async", lambda *a, **kw: None)
    report, _ = _weekly(initiative)
    services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        rendition = renditions.report_rendition_request(report=report, language="en")
        again = renditions.report_rendition_request(report=report, language="en")
    assert again.pk == rendition.pk and sent == [rendition.pk]

    # Its worker died mid-way: running, and no lock in this database.
    ReportRendition.objects.filter(pk=rendition.pk).update(status="running")
    assert tasks.sweep_reports.run() == {
        "orphaned": 0,
        "stale": 0,
        "translations_orphaned": 1,
        "translations_stale": 0,
        "undelivered": 0,
    }
    assert sent == [rendition.pk, rendition.pk]

    ReportRendition.objects.filter(pk=rendition.pk).update(
        status="failed", attempts=5, error="boom"
    )
    with django_capture_on_commit_callbacks(execute=True):
        renditions.report_rendition_request(report=report, language="en")
    rendition.refresh_from_db()
    assert (rendition.status, rendition.attempts, rendition.error) == ("queued", 0, "")
    assert len(sent) == 3
    done = renditions.report_rendition_generate(rendition_id=rendition.pk)
    assert done.status == "done"
    names = dict(
        ReportFile.objects.filter(report=report, language="en").values_list(
            "format", "file"
        )
    )
    assert names["pdf"] == report_file_name(report, "pdf", "en")
    assert names["pdf"].endswith(f"-{report.pk}.en.pdf")
    assert ReportFile.objects.filter(report=report, language="zh-hans").count() == 3


# --- delivering --------------------------------------------------------------------


@pytest.mark.django_db
def test_subscribers_get_one_mail_with_link_and_pdf(
    initiative, task, sc_leader, cq_coord
):
    from accounts.models import User

    sc_leader.email = "leader@sc.gov.cn"
    sc_leader.save()
    cq_coord.email = "coord@cq.gov.cn"
    cq_coord.save()
    stranger = User.objects.create(username="stranger", email="x@example.com")
    services.report_subscribe(user=sc_leader, initiative=initiative, kind="weekly")
    services.report_subscribe(user=cq_coord, initiative=initiative, kind="monthly")
    from reports.models import ReportSubscription

    ReportSubscription.objects.create(
        user=stranger, initiative=initiative, kind="weekly"
    )

    report, _ = _weekly(initiative)
    services.report_generate(report_id=report.pk)
    assert services.report_deliver(report_id=report.pk) == 1
    assert services.report_deliver(report_id=report.pk) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["leader@sc.gov.cn"]
    assert f"/reports/{report.pk}/" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".pdf") and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert ReportDelivery.objects.get().sent_at is not None


@pytest.mark.django_db
def test_a_report_compares_with_the_previous_one_of_its_kind(initiative, task):
    first, _ = services.report_request(
        initiative=initiative,
        kind="weekly",
        period_start=dt.date(2026, 11, 9),
        today=TODAY,
    )
    services.report_generate(report_id=first.pk)
    second, _ = _weekly(initiative)
    snapshot = services.report_generate(report_id=second.pk).snapshot
    assert snapshot["previous"]["report_id"] == first.pk
    assert [t["report_id"] for t in snapshot["trend"]] == [first.pk, second.pk]
    assert snapshot["changes"]["total"] == 0
    # A monthly report does not compare with weekly ones.
    monthly, _ = services.report_request(
        initiative=initiative, kind="monthly", today=TODAY
    )
    monthly_snapshot = services.report_generate(report_id=monthly.pk).snapshot
    assert monthly_snapshot["previous"] is None and monthly_snapshot["changes"] is None


@pytest.mark.django_db
def test_the_command_generates_recent_reports_in_order(initiative, task):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "generate_reports", "--kind", "weekly", "--recent", "2", "--now", stdout=out
    )
    reports = list(Report.objects.order_by("period_start"))
    assert len(reports) == 2
    assert all(r.status == ReportStatus.DONE for r in reports)
    assert reports[1].snapshot["previous"]["report_id"] == reports[0].pk
    call_command(
        "generate_reports", "--kind", "weekly", "--recent", "2", "--now", stdout=out
    )
    assert Report.objects.count() == 2
    assert "(exists)" in out.getvalue()


@pytest.mark.django_db
def test_beat_schedules_are_rows_for_registered_tasks():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from config.celery import app

    # The rows as migrate makes them (an earlier transactional test may have
    # flushed the test database, and the migration's rows with it).
    importlib.import_module("reports.migrations.0002_schedules").create_schedules(
        apps, None
    )
    schedules = {
        p.name: p for p in PeriodicTask.objects.filter(task__startswith="reports.")
    }
    weekly = next(p for p in schedules.values() if '"weekly"' in p.kwargs)
    monthly = next(p for p in schedules.values() if '"monthly"' in p.kwargs)
    assert (weekly.crontab.hour, weekly.crontab.minute, weekly.crontab.day_of_week) == (
        "8",
        "0",
        "1",
    )
    assert (monthly.crontab.day_of_month, monthly.crontab.hour) == ("1", "8")
    for p in (weekly, monthly):
        assert str(p.crontab.timezone) == "Asia/Shanghai" and p.enabled
    app.loader.import_default_modules()
    for p in schedules.values():
        assert p.task in app.tasks, p.task


@pytest.mark.django_db
def test_mail_owed_when_the_broker_was_away_is_sent_by_the_sweep(
    initiative, task, sc_leader, monkeypatch
):
    from reports import tasks

    sc_leader.email = "leader@sc.gov.cn"
    sc_leader.save()
    services.report_subscribe(user=sc_leader, initiative=initiative, kind="weekly")
    report, _ = _weekly(initiative)
    services.report_generate(report_id=report.pk)  # its publish is never run here
    report.refresh_from_db()
    owed = ReportDelivery.objects.get(report=report)
    assert owed.sent_at is None and owed.email == "leader@sc.gov.cn"

    published = []
    monkeypatch.setattr(
        tasks.deliver_report,
        "apply_async",
        lambda *a, **kw: published.append(kw["args"]),
    )
    just_done = report.finished_at + dt.timedelta(seconds=30)
    assert services.delivery_sweep(now=just_done) == {"undelivered": 0}
    later = report.finished_at + dt.timedelta(minutes=5)
    assert services.delivery_sweep(now=later) == {"undelivered": 1}
    assert published == [[report.pk]]

    assert services.report_deliver(report_id=report.pk) == 1
    assert services.delivery_sweep(now=later) == {"undelivered": 0}
    assert len(mail.outbox) == 1
    too_late = report.finished_at + dt.timedelta(days=3)
    ReportDelivery.objects.update(sent_at=None)
    assert services.delivery_sweep(now=too_late) == {"undelivered": 0}
