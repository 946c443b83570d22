"""A finished report's files in another language: asked for by a download,
made by the worker, kept like the report's own files.

The report of record is rendered in the default language when it is
generated. A download in another language never renders in the web request
(a PDF takes seconds of CPU): the request writes one ReportRendition row (one
per report and language, by a unique constraint, however many ask at once) and
answers; the worker renders the three files from the frozen snapshot, so they
say the same things, and stores them as ReportFile rows with that language.
Like reports, a rendition is safe to run twice and to kill at any moment, and
the sweeper re-queues one whose worker died or whose message was lost."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from . import locks
from .choices import ReportStatus
from .locks import RENDITION_LOCK, advisory_lock, database_lost
from .models import Report, ReportRendition
from .services import (
    FORMATS,
    ReportAttemptFailed,
    _claim,
    _fail,
    _pause,
    _render_step,
    interruptible,
    publish_queued,
)

log = logging.getLogger(__name__)


def report_rendition_request(*, report: Report, language: str) -> ReportRendition:
    """The rendition of a finished `report` in `language`: the existing row, or
    a new one queued for the worker. Asked for again after it failed, or after
    its files went missing, it is queued again."""
    key = {"report": report, "language": language}
    with transaction.atomic():
        try:
            with transaction.atomic():
                rendition = ReportRendition.objects.create(**key)
            queue = True
        except IntegrityError:
            rendition = ReportRendition.objects.select_for_update().get(**key)
            # The caller found no file; a finished rendition should have made it.
            queue = rendition.status in (ReportStatus.FAILED, ReportStatus.DONE)
            if queue:
                rendition.status = ReportStatus.QUEUED
                rendition.attempts = 0
                rendition.step = 0
                rendition.error = ""
                rendition.finished_at = None
                rendition.save(
                    update_fields=["status", "attempts", "step", "error", "finished_at"]
                )
        if queue:
            rendition_id = rendition.pk
            transaction.on_commit(lambda: rendition_enqueue(rendition_id=rendition_id))
    return rendition


def rendition_enqueue(*, rendition_id: int) -> bool:
    """Hand a queued rendition to the broker, as `report_enqueue` does a report."""
    from .tasks import generate_rendition

    return publish_queued(ReportRendition, rendition_id, generate_rendition)


def report_rendition_generate(*, rendition_id: int) -> ReportRendition | None:
    """Render a rendition's files, skipping those an earlier attempt stored.
    Returns None when there is nothing to do; raises ReportAttemptFailed or
    ReportInterrupted as report_generate does."""
    return interruptible(_generate, rendition_id)


def _generate(rendition_id: int) -> ReportRendition | None:
    with advisory_lock(RENDITION_LOCK, rendition_id) as acquired:
        if not acquired:
            return None
        rendition = _claim(ReportRendition, rendition_id, "report")
        if rendition is None:
            return None
        report = rendition.report
        try:
            if report.snapshot is None:
                raise RuntimeError(f"report {report.pk} has no snapshot")
            for number, fmt in enumerate(FORMATS, start=1):
                _pause()
                _render_step(report, fmt, rendition.language)
                ReportRendition.objects.filter(pk=rendition.pk).update(step=number)
            ReportRendition.objects.filter(pk=rendition.pk).update(
                status=ReportStatus.DONE,
                step=len(FORMATS),
                finished_at=timezone.now(),
            )
        except Exception as exc:
            if isinstance(exc, DatabaseError) and database_lost():
                raise
            log.exception(
                "report translation %s failed (attempt %s)",
                rendition_id,
                rendition.attempts,
            )
            if _fail(rendition, exc):
                raise ReportAttemptFailed(str(exc)) from exc
    rendition.refresh_from_db()
    return rendition


def rendition_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Re-queue renditions whose worker died (running, lock free in this
    database) and those queued too long ago."""
    return locks.sweep(
        ReportRendition,
        lock_class=RENDITION_LOCK,
        enqueue=lambda pk: rendition_enqueue(rendition_id=pk),
        now=now or timezone.now(),
    )
