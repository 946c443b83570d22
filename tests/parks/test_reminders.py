"""Reminders of the steps' due dates: to the party whose step it is, a few
working days ahead and each working day once overdue, once a day."""

import datetime as dt

import pytest

from notifications.models import Notification
from parks.models import AssessmentReminder
from parks.services.reminders import assessment_reminders_run
from parks.tasks import send_assessment_reminders

from .conftest import submit

pytestmark = pytest.mark.django_db

# The world's cycle: values due Monday 2024-09-30, review due 2024-10-31.
FRIDAY_BEFORE = dt.date(2024, 9, 27)
MONTH_BEFORE = dt.date(2024, 8, 30)
OVERDUE = dt.date(2024, 10, 8)  # a Tuesday after the values were due


def _told(user):
    return list(
        Notification.objects.filter(recipient=user, event="reminder").values_list(
            "title", flat=True
        )
    )


def test_nothing_long_before_the_due_date(parks_world):
    assert assessment_reminders_run(today=MONTH_BEFORE) == 0
    assert not Notification.objects.exists()


def test_the_reporting_party_is_reminded_once_a_day(parks_world):
    w = parks_world
    assert assessment_reminders_run(today=FRIDAY_BEFORE) == 4
    titles = _told(w["sc"])
    assert len(titles) == 2 and all("2024年绩效评价" in t for t in titles)
    assert any("甲园区" in t for t in titles)
    assert len(_told(w["cq"])) == 2 and _told(w["office"]) == []
    # Again the same day (the worker retried): nothing more.
    assert send_assessment_reminders(FRIDAY_BEFORE.isoformat()) == 0
    assert len(_told(w["sc"])) == 2
    assert AssessmentReminder.objects.count() == 4


def test_overdue_review_goes_to_the_paired_party(parks_world):
    w = parks_world
    submit(w, "甲", w["sc"])
    assessment_reminders_run(today=OVERDUE)
    overdue = AssessmentReminder.objects.filter(overdue=True)
    # 乙, 丙, 丁 have not reported: their parties; 甲 waits for review (not yet due).
    assert overdue.count() == 3
    assert not AssessmentReminder.objects.filter(assessment=w["a"]["甲"]).exists()
    assert len(_told(w["sc"])) == 1  # 丙, its own
    assert len(_told(w["cq"])) == 2  # 乙 and 丁
    # Near the review's due date, the paired party hears of 甲.
    assessment_reminders_run(today=dt.date(2024, 10, 29))
    reminder = AssessmentReminder.objects.get(assessment=w["a"]["甲"])
    assert reminder.state == "submitted" and reminder.recipients == 1
    assert any("甲园区" in t for t in _told(w["cq"]))


def test_no_reminders_on_a_day_off(parks_world):
    assert assessment_reminders_run(today=dt.date(2024, 9, 29)) == 0  # a Sunday
