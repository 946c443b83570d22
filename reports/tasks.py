"""Celery tasks: thin wrappers over the services, safe to run twice."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)

RETRY_BACKOFF_SECONDS = (10, 30, 90, 270, 600)
# After the database went away: soon, then less often. Past the last try the
# sweeper finds the report (running, its lock gone) when the database is back.
DATABASE_BACK_SECONDS = (2, 5, 10, 20, 30, 60, 60, 60, 120, 120, 300, 300, 600)


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
    except services.ReportAttemptFailed as exc:
        countdown = RETRY_BACKOFF_SECONDS[
            min(self.request.retries, len(RETRY_BACKOFF_SECONDS) - 1)
        ]
        raise self.retry(exc=exc, countdown=countdown) from exc
    except services.ReportInterrupted as exc:
        log.warning("report %s interrupted: the database went away", report_id)
        countdown = DATABASE_BACK_SECONDS[
            min(self.request.retries, len(DATABASE_BACK_SECONDS) - 1)
        ]
        raise self.retry(
            exc=exc, countdown=countdown, max_retries=len(DATABASE_BACK_SECONDS)
        ) from exc
    return report.status if report is not None else None


@shared_task(name="reports.generate_scheduled_reports", acks_late=True)
def generate_scheduled_reports(kind: str) -> list[int]:
    return [report.pk for report in services.reports_schedule(kind=kind)]


@shared_task(name="reports.sweep_reports", acks_late=True)
def sweep_reports() -> dict[str, int]:
    return services.report_sweep()


@shared_task(
    name="reports.deliver_report",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def deliver_report(report_id: int) -> int:
    return services.report_deliver(report_id=report_id)
