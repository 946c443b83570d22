"""Every write to reports: requesting, generating, sweeping, delivering.

A report is a database row before it is anything else. Queuing it is best
effort within a short timeout (the broker may be down; the web request still
succeeds at once); a report the broker did not take is published by the worker
when it reconnects, and the sweeper re-queues what is stuck. Generation is safe
to run twice and to kill at any moment:

- one row per (initiative, kind, scope, period), by a unique constraint;
- a worker holds a PostgreSQL advisory lock keyed by the report while it works;
  the lock dies with the worker's connection, which is how the sweeper knows a
  running report's worker is gone;
- each step commits its progress; files are written under a temporary name and
  renamed; a finished report is never generated again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, Party
from accounts.permissions import can
from config.exceptions import InvalidInput, NotFound, PermissionDenied
from config.observability.metrics import report_step
from tracker.models import Initiative, WorkStream

from . import locks
from .choices import ReportFormat, ReportKind, ReportStatus, ScopeKind
from .locks import REPORT_LOCK, advisory_lock, database_lost
from .models import STEPS, Report, ReportDelivery, ReportFile, ReportSubscription
from .periods import last_complete_period, period_containing
from .snapshot import take_snapshot
from .storage import (
    checksum,
    remove_leftovers,
    report_file_name,
    write_atomically,
)

log = logging.getLogger(__name__)

LOCK_CLASS = REPORT_LOCK
MAX_ON_DEMAND_DAYS = 366
REPORT_RELATED = ("initiative", "scope_party", "scope_work_stream")
FORMATS = (ReportFormat.HTML, ReportFormat.PDF, ReportFormat.XLSX)


class ReportAttemptFailed(Exception):
    """An attempt failed and may be retried (the row says so)."""


class ReportInterrupted(Exception):
    """The database went away during an attempt, so the row could not say so;
    the caller tries again once the database is back."""


# --- requesting --------------------------------------------------------------------


def _period(kind: str, start, end, today: dt.date) -> tuple[dt.date, dt.date]:
    if kind == ReportKind.ON_DEMAND:
        errors = {}
        if start is None:
            errors["period_start"] = [_("Give the first day of the period.")]
        if end is None:
            errors["period_end"] = [_("Give the last day of the period.")]
        if errors:
            raise InvalidInput(field_errors=errors)
        if end < start:
            raise InvalidInput(
                field_errors={
                    "period_end": [_("The period cannot end before it starts.")]
                }
            )
        if (end - start).days + 1 > MAX_ON_DEMAND_DAYS:
            raise InvalidInput(
                field_errors={"period_end": [_("A report covers at most one year.")]}
            )
    elif start is None and end is None:
        start, end = last_complete_period(kind, today)
    else:
        day = start or end
        # A day still to come is refused below before any calendar arithmetic:
        # the week of 9999-12-31 ends beyond the last day a date can hold.
        start, end = period_containing(kind, day) if day <= today else (day, day)
    if start > today:
        raise InvalidInput(
            field_errors={"period_start": [_("The period has not started yet.")]}
        )
    if kind == ReportKind.ON_DEMAND:
        return start, min(end, today)
    if end >= today:
        # A frozen report of a period still running would stand in for the
        # real one once it ends.
        raise InvalidInput(
            field_errors={
                "period_start": [
                    _(
                        "This period has not ended yet; ask for an on-demand "
                        "report to see it so far."
                    )
                ]
            }
        )
    return start, end


def _scope(initiative, scope: str, party, work_stream):
    if scope == ScopeKind.INITIATIVE:
        return None, None
    if scope == ScopeKind.PARTY:
        if party is None or not initiative.participations.filter(party=party).exists():
            raise InvalidInput(
                field_errors={
                    "scope_party": [
                        _("Choose a party that takes part in the initiative.")
                    ]
                }
            )
        return party, None
    if scope == ScopeKind.WORK_STREAM:
        if work_stream is None or work_stream.initiative_id != initiative.pk:
            raise InvalidInput(
                field_errors={
                    "scope_work_stream": [_("Choose a work stream of the initiative.")]
                }
            )
        return None, work_stream
    raise InvalidInput(field_errors={"scope": [_("Unknown scope.")]})


def report_request(
    *,
    initiative: Initiative,
    kind: str,
    scope: str = ScopeKind.INITIATIVE,
    party: Party | None = None,
    work_stream: WorkStream | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    requested_by=None,
    today: dt.date | None = None,
) -> tuple[Report, bool]:
    """The report of this kind, scope and period: the existing one, or a new row
    queued for generation. A failed report asked for again is queued again.

    `requested_by` None means the schedule. Returns (report, created)."""
    if requested_by is not None and not can(
        requested_by, "generate_report", initiative
    ):
        raise PermissionDenied(
            _("Only leadership and administrators may generate reports.")
        )
    if kind not in ReportKind.values:
        raise InvalidInput(field_errors={"kind": [_("Unknown report kind.")]})
    today = today or timezone.localdate()
    start, end = _period(kind, period_start, period_end, today)
    party, work_stream = _scope(initiative, scope, party, work_stream)
    key = {
        "initiative": initiative,
        "kind": kind,
        "scope": scope,
        "scope_party": party,
        "scope_work_stream": work_stream,
        "period_start": start,
        "period_end": end,
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = Report.objects.create(**key, requested_by=requested_by)
            created = True
        except IntegrityError:
            report = Report.objects.select_for_update().get(**key)
            created = False
            if report.status == ReportStatus.FAILED:
                report.status = ReportStatus.QUEUED
                report.attempts = 0
                report.step = 0
                report.error = ""
                report.save(update_fields=["status", "attempts", "step", "error"])
                created = True
        if report.status == ReportStatus.QUEUED:
            report_id = report.pk
            transaction.on_commit(lambda: report_enqueue(report_id=report_id))
    return report, created


def report_enqueue(*, report_id: int) -> bool:
    """Hand a queued report to the broker. Never raises and never waits long:
    the row is the request. A report the broker did not take is left with no
    `queued_at` (not yet published); the worker publishes those whenever it
    connects to the broker, and beat's sweep catches any left over."""
    from .tasks import generate_report

    return publish_queued(Report, report_id, generate_report)


def publish_queued(model, pk: int, task) -> bool:
    """Publish `task(pk)` for the queued report or rendition `pk` and say so in
    its `queued_at`: the time it was handed over, or empty when the broker did
    not take it (published again when the worker reconnects)."""
    from config.celery import publish

    queued = model.objects.filter(pk=pk, status=ReportStatus.QUEUED)
    try:
        publish(task, args=[pk], queue=settings.REPORTS_QUEUE)
    except Exception:
        queued.update(queued_at=None)
        log.warning(
            "%s %s could not be queued; it is published when the broker is back",
            model._meta.model_name,
            pk,
        )
        return False
    queued.update(queued_at=timezone.now())
    return True


# --- generating --------------------------------------------------------------------


def _claim(model, pk: int, *related: str):
    """Lock the report or rendition `pk` and mark it running for one more
    attempt; None when it is gone or finished."""
    with transaction.atomic():
        row = (
            model.objects.select_for_update(of=("self",))
            .select_related(*related)
            .filter(pk=pk)
            .first()
        )
        if row is None or row.is_finished:
            return None
        row.status = ReportStatus.RUNNING
        row.attempts += 1
        row.started_at = timezone.now()
        row.error = ""
        row.save(update_fields=["status", "attempts", "started_at", "error"])
    return row


def _pause() -> None:
    if settings.REPORTS_STEP_PAUSE_SECONDS:
        time.sleep(settings.REPORTS_STEP_PAUSE_SECONDS)


def _render_step(report: Report, fmt: str, language: str | None = None) -> None:
    from .render import render

    language = language or settings.LANGUAGE_CODE
    name = report_file_name(report, fmt, language)
    existing = report.files.filter(format=fmt, language=language).first()
    if (
        existing is not None
        and existing.file.name == name
        and checksum(name) == existing.sha256
    ):
        return  # done by an earlier attempt
    remove_leftovers(name)
    with report_step("render", fmt):
        data = render(fmt, report.snapshot, language=language)
    with report_step("store", fmt):
        size, digest = write_atomically(name, data)
    ReportFile.objects.update_or_create(
        report=report,
        format=fmt,
        language=language,
        defaults={"file": name, "size": size, "sha256": digest},
    )


def _advance(report: Report, step: int) -> None:
    report.step = step
    Report.objects.filter(pk=report.pk).update(step=step)


def _finish(report: Report) -> None:
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        locked.status = ReportStatus.DONE
        locked.step = len(STEPS)
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "step", "finished_at"])
        # The mail owed is a row from the moment the report is done, so a
        # broker that is away when it finishes delays the mail, never loses it.
        _delivery_rows(locked)
        _notify_ready(locked)
        report_id = report.pk
        transaction.on_commit(lambda: _queue_delivery(report_id))


def _notify_ready(report: Report) -> None:
    """Tell the report's subscribers, and whoever asked for it, in their
    notification centre (their preferences may add e-mail; the report's own
    mail with the PDF is report_deliver's)."""
    from notifications.choices import Event
    from notifications.services import notify

    from .render import report_title

    people = [s.user for s in report_subscribers(report)]
    if report.requested_by_id is not None and report.requested_by.is_active:
        people.append(report.requested_by)
    if not people:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Progress report ready: %(title)s") % {
            "title": report_title(report.snapshot)
        }
    notify(
        event=Event.REPORT_READY,
        recipients=people,
        title=title,
        link=reverse("reports:detail", args=[report.pk]),
    )


def _fail(row, exc: BaseException) -> bool:
    """Record the failure of a report's or rendition's attempt; True when
    another attempt should follow."""
    retry = row.attempts < settings.REPORTS_MAX_ATTEMPTS
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    type(row).objects.filter(pk=row.pk).update(
        status=ReportStatus.QUEUED if retry else ReportStatus.FAILED,
        error=detail[:4000],
        finished_at=None if retry else timezone.now(),
    )
    return retry


def report_generate(*, report_id: int) -> Report | None:
    """Generate a report, resuming after the last step a previous attempt
    finished. Returns None when there is nothing to do (finished already, or
    another worker holds it); raises ReportAttemptFailed when the attempt
    failed and should be retried, ReportInterrupted when the database went
    away (the row still says running, and its lock is gone with the session)."""
    return interruptible(_generate, report_id)


def interruptible(generate, pk: int):
    """Run `generate(pk)`; a database error because the session is gone becomes
    ReportInterrupted (the row could not record it; the task tries again)."""
    try:
        return generate(pk)
    except DatabaseError as exc:
        if database_lost():
            raise ReportInterrupted(str(exc)) from exc
        raise


def _generate(report_id: int) -> Report | None:
    with advisory_lock(LOCK_CLASS, report_id) as acquired:
        if not acquired:
            return None
        report = _claim(Report, report_id, *REPORT_RELATED)
        if report is None:
            return None
        try:
            if report.snapshot is None:
                with report_step("snapshot"):
                    report.snapshot = take_snapshot(report)
                Report.objects.filter(pk=report.pk).update(snapshot=report.snapshot)
            _advance(report, 1)
            for number, fmt in enumerate(FORMATS, start=2):
                _pause()
                _render_step(report, fmt)
                _advance(report, number)
            _finish(report)
        except Exception as exc:
            if isinstance(exc, DatabaseError) and database_lost():
                raise  # not the report's fault, and nowhere to record it
            log.exception("report %s failed (attempt %s)", report_id, report.attempts)
            if _fail(report, exc):
                raise ReportAttemptFailed(str(exc)) from exc
    report.refresh_from_db()
    return report


# --- the schedule and the sweeper ---------------------------------------------------


def reports_schedule(*, kind: str, today: dt.date | None = None) -> list[Report]:
    """Beat's job: the last complete period's report of `kind` for every
    initiative, for the whole initiative and for each participating party."""
    reports = []
    for initiative in Initiative.objects.prefetch_related("participations__party"):
        scopes = [(ScopeKind.INITIATIVE, None)] + [
            (ScopeKind.PARTY, p.party) for p in initiative.participations.all()
        ]
        for scope, party in scopes:
            report, _created = report_request(
                initiative=initiative, kind=kind, scope=scope, party=party, today=today
            )
            reports.append(report)
    return reports


def report_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Re-queue reports whose worker died (running, lock free) and reports
    queued too long ago (the broker lost or never got them)."""
    return locks.sweep(
        Report,
        lock_class=LOCK_CLASS,
        enqueue=lambda pk: report_enqueue(report_id=pk),
        now=now or timezone.now(),
    )


# --- delivering ----------------------------------------------------------------------

DELIVERY_GRACE = dt.timedelta(minutes=2)  # the mail published on finishing runs
DELIVERY_WINDOW = dt.timedelta(days=2)


def _delivery_rows(report: Report) -> None:
    for subscription in report_recipients(report):
        ReportDelivery.objects.get_or_create(
            report=report,
            user=subscription.user,
            defaults={"email": subscription.user.email},
        )


def delivery_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Publish the mail of reports done a while ago and still owed to someone
    (the broker was away when they finished, or the sending gave up). Only the
    last two days: older mail would no longer be news."""
    now = now or timezone.now()
    owed = list(
        Report.objects.filter(
            status=ReportStatus.DONE,
            finished_at__lt=now - DELIVERY_GRACE,
            finished_at__gte=now - DELIVERY_WINDOW,
            deliveries__sent_at__isnull=True,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    for report_id in owed:
        _queue_delivery(report_id)
    return {"undelivered": len(owed)}


def _queue_delivery(report_id: int) -> None:
    from config.celery import publish

    from .tasks import deliver_report

    try:
        publish(deliver_report, args=[report_id], queue=settings.REPORTS_QUEUE)
    except Exception:
        log.warning("report %s delivery could not be queued", report_id)


def report_subscribers(report: Report):
    """Active subscribers with an active membership in a party of the report's
    initiative (those who may read it)."""
    members = Membership.objects.filter(
        is_active=True, party__participations__initiative=report.initiative_id
    ).values("user")
    return (
        ReportSubscription.objects.filter(
            initiative_id=report.initiative_id, kind=report.kind, scope=report.scope
        )
        .filter(user__is_active=True, user__in=members)
        .select_related("user")
    )


def report_recipients(report: Report):
    """The subscribers the report is mailed to: those with an address."""
    return report_subscribers(report).exclude(user__email="")


def report_deliver(*, report_id: int) -> int:
    """E-mail a finished report (link and PDF) to each subscriber once.
    Returns how many messages were sent."""
    from .render import report_title

    report = Report.objects.filter(pk=report_id, status=ReportStatus.DONE).first()
    if report is None:
        raise NotFound()
    _delivery_rows(report)
    stored_pdf = report.files.filter(
        format=ReportFormat.PDF, language=settings.LANGUAGE_CODE
    ).first()
    pdf = None
    if stored_pdf is not None:
        with stored_pdf.file.open("rb") as f:
            pdf = f.read()
    with translation.override(settings.LANGUAGE_CODE):
        title = report_title(report.snapshot)
        link = settings.SITE_URL.rstrip("/") + reverse(
            "reports:detail", args=[report.pk]
        )
        body = _(
            "The report “%(title)s” is ready.\n\nRead it online: %(link)s\n"
            "The PDF is attached.\n\n%(issuer)s"
        ) % {"title": title, "link": link, "issuer": settings.REPORTS_ISSUER}
    sent = 0
    for delivery in report.deliveries.filter(sent_at__isnull=True):
        with transaction.atomic():
            locked = (
                ReportDelivery.objects.select_for_update(skip_locked=True)
                .filter(pk=delivery.pk, sent_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            message = EmailMessage(subject=title, body=body, to=[locked.email])
            if pdf is not None:
                message.attach(f"{title}.pdf", pdf, "application/pdf")
            message.send()
            locked.sent_at = timezone.now()
            locked.save(update_fields=["sent_at"])
            sent += 1
    return sent


def report_subscribe(
    *, user, initiative: Initiative, kind: str, scope: str = ScopeKind.INITIATIVE
) -> ReportSubscription:
    if not can(user, "view_initiative", initiative):
        raise PermissionDenied()
    subscription, _created = ReportSubscription.objects.get_or_create(
        user=user, initiative=initiative, kind=kind, scope=scope
    )
    return subscription


def report_unsubscribe(*, user, subscription: ReportSubscription) -> None:
    if subscription.user_id != user.pk:
        raise NotFound()
    subscription.delete()
