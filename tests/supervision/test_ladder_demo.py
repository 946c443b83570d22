"""The demo's first load leaves a 督办 ledger, as the ladder writes it on the
last working day up to the demo's day; loading again adds nothing."""

import datetime as dt

import pytest

from notifications.models import Notification
from supervision.models import ReminderFiring, Urge
from tests.supervision.conftest import at_nine, d
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_ledger_of_the_last_working_day():
    # Saturday of the Dragon Boat Festival (19–21 June 2026): the ladder's
    # day is Thursday the 18th.
    day = d("2026-06-20")
    with at_nine(day):
        created = load_demo(today=day)
    urges = Urge.objects.all()
    assert created["urges"] == urges.count() > 0
    kinds = set(urges.values_list("kind", flat=True))
    assert {"due_soon", "overdue", "notice_office"} <= kinds
    assert set(ReminderFiring.objects.values_list("day", flat=True)) == {
        d("2026-06-18")
    }
    assert all(u.sent_by_id is None and u.targets.exists() for u in urges)
    assert Notification.objects.filter(recipient__username="sc_coord").exists()
    assert Notification.objects.filter(recipient__username="admin").exists()

    before = (Urge.objects.count(), Notification.objects.count())
    for later in (day, day + dt.timedelta(days=3)):
        with at_nine(later):
            again = load_demo(today=later)
        assert again["urges"] == 0
    assert (Urge.objects.count(), Notification.objects.count()) == before
