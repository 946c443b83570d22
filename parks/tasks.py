"""Celery tasks of evaluation cycles: thin wrappers over the services, safe to
run twice."""

import datetime as dt

from celery import shared_task

from .services.reminders import assessment_reminders_run


@shared_task(name="parks.send_assessment_reminders", acks_late=True)
def send_assessment_reminders(day: str | None = None) -> int:
    """The daily reminders of the steps' due dates. Beat queues it every day
    at 09:05 Asia/Shanghai (migration parks 0002); `day` (ISO date) defaults
    to today there. Once a day per assessment and step: a unique constraint."""
    today = dt.date.fromisoformat(day) if day else None
    return assessment_reminders_run(today=today)
