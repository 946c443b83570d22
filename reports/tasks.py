"""Celery tasks: thin wrappers over the services, safe to run twice."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)

RETRY_BACKOFF_SECONDS = (10, 30, 90, 270, 600)
# After the database went away: soon, then less often. Past the last try the
# sweeper finds the report (running, its lock gone) when the database is back.
DATABASE_BACK_SECONDS = (2, 5, 10, 20, 30, 60, 60, 60, 120, 120, 300, 300, 600)


def _retry(task, exc: Exception):
    """The retry of a failed or interrupted attempt, sooner or later by cause."""
    if isinstance(exc, services.ReportInterrupted):
        countdown = DATABASE_BACK_SECONDS[
            min(task.request.retries, len(DATABASE_BACK_SECONDS) - 1)
        ]
        log.warning(
            "%s%s interrupted: the database went away; trying again in %s s",
            task.name,
            tuple(task.request.args or ()),
            countdown,
        )
        return task.retry(
            exc=exc, countdown=countdown, max_retries=len(DATABASE_BACK_SECONDS)
        )
    countdown = RETRY_BACKOFF_SECONDS[
        min(task.request.retries, len(RETRY_BACKOFF_SECONDS) - 1)
    ]
    return task.retry(exc=exc, countdown=countdown)


@shared_task(
    bind=True,
    name="reports.generate_report",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=len(RETRY_BACKOFF_SECONDS),
)
def generate_report(self, report_id: int) -> str | None:
    try:
        report = services.report_generate(report_id=report_id)
    except (services.ReportAttemptFailed, services.ReportInterrupted) as exc:
        raise _retry(self, exc) from exc
    return report.status if report is not None else None


@shared_task(
    bind=True,
    name="reports.generate_rendition",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=len(RETRY_BACKOFF_SECONDS),
)
def generate_rendition(self, rendition_id: int) -> str | None:
    from . import renditions

    try:
        rendition = renditions.report_rendition_generate(rendition_id=rendition_id)
    except (services.ReportAttemptFailed, services.ReportInterrupted) as exc:
        raise _retry(self, exc) from exc
    return rendition.status if rendition is not None else None


@shared_task(name="reports.generate_scheduled_reports", acks_late=True)
def generate_scheduled_reports(kind: str) -> list[int]:
    return [report.pk for report in services.reports_schedule(kind=kind)]


@shared_task(name="reports.sweep_reports", acks_late=True)
def sweep_reports() -> dict[str, int]:
    from .renditions import rendition_sweep

    found = services.report_sweep()
    found.update(
        {f"translations_{k}": n for k, n in rendition_sweep().items()},
    )
    found.update(services.delivery_sweep())
    return found


@shared_task(
    name="reports.deliver_report",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def deliver_report(report_id: int) -> int:
    return services.report_deliver(report_id=report_id)
