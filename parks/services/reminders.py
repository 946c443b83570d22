"""Reminders of the steps' due dates (submit_due, review_due, score_due,
publish_due): each working day, the party whose step an assessment waits on
hears of it when the due date is a few working days away or past, once a day
(a unique constraint, not hope)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from notifications.choices import Event
from notifications.recipients import coordinators_of, joint_office
from notifications.services import notify
from supervision.workdays import WorkCalendar
from tracker.models import ParkPairMember

from .. import workflow
from ..choices import AssessmentState as S
from ..choices import CycleState
from ..models import AssessmentReminder, ParkAssessment
from ..selectors import DUE_FIELD
from .assessments import assessment_link


def remind_days() -> int:
    """Working days before a step's due date from which its party is reminded."""
    return getattr(settings, "PARKS_REMIND_WORKING_DAYS", 3)


def _step_name(state: str) -> str:
    return {
        S.DRAFT: _("reporting the values"),
        S.QUERIED: _("correcting the queried figure"),
        S.SUBMITTED: _("reviewing the paired park's values"),
        S.AGREED: _("scoring"),
        S.SCORED: _("publishing the results"),
    }[state]


def _recipients(assessment: ParkAssessment):
    if assessment.state in (S.DRAFT, S.QUERIED):
        return coordinators_of([workflow.park_party_id(assessment)])
    if assessment.state == S.SUBMITTED:
        return coordinators_of(workflow.reviewing_party_ids(assessment))
    return joint_office()


def _working_days_left(today: dt.date, due: dt.date, calendar: WorkCalendar) -> int:
    days, day = 0, today
    while day < due:
        day += dt.timedelta(days=1)
        days += calendar.is_working_day(day)
    return days


@transaction.atomic
def assessment_reminders_run(*, today: dt.date | None = None) -> int:
    """Remind, on a working day, every party whose step on an open cycle's
    assessment is due within `remind_days()` working days or overdue. Returns
    how many reminders were sent; running it again the same day sends none."""
    today = today or timezone.localdate()
    calendar = WorkCalendar(today, today + dt.timedelta(days=60))
    if not calendar.is_working_day(today):
        return 0
    members = ParkPairMember.objects.select_related("park__party")
    waiting = (
        ParkAssessment.objects.filter(cycle__state=CycleState.OPEN)
        .exclude(state=S.PUBLISHED)
        .select_related("cycle", "park__party", "pair")
        .prefetch_related(Prefetch("pair__members", queryset=members))
        .order_by("cycle_id", "pk")
    )
    sent = 0
    for assessment in waiting:
        due = getattr(assessment.cycle, DUE_FIELD[assessment.state])
        overdue = today > due
        if not overdue and _working_days_left(today, due, calendar) > remind_days():
            continue
        reminder, created = AssessmentReminder.objects.get_or_create(
            assessment=assessment,
            state=assessment.state,
            sent_on=today,
            defaults={"due_on": due, "overdue": overdue},
        )
        if not created:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            values = {
                "park": assessment.park.name,
                "step": _step_name(assessment.state),
                "date": formats.date_format(due, "DATE_FORMAT"),
                "cycle": assessment.cycle.name,
            }
            title = (
                _("%(cycle)s: %(step)s for %(park)s was due on %(date)s")
                if overdue
                else _("%(cycle)s: %(step)s for %(park)s is due on %(date)s")
            ) % values
            rows = notify(
                event=Event.REMINDER,
                recipients=_recipients(assessment),
                title=title,
                link=assessment_link(assessment),
            )
        reminder.recipients = len(rows)
        reminder.save(update_fields=["recipients"])
        sent += 1
    return sent
