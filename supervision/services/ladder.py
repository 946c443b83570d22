"""The daily reminder ladder (beat, 09:00 Asia/Shanghai): due-date reminders,
daily overdue reminders, notices to the joint office and to leadership, as
the active ReminderRule rows say.

Each rung that fires is an Urge on the item (sent by no one) addressed to the
owner parties it concerns, and a ReminderFiring row whose unique constraints
make it fire once per item (or milestone) and due date, the overdue reminder
once per day. What people are told is one notification per item, person and
day (a ReminderDelivery row, unique): the highest rung that concerns them,
with any lower rung of the same item that day in its text."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts.models import User
from charts.formatting import format_date
from config.observability import metrics
from notifications import recipients
from notifications.choices import Event
from notifications.models import Notification
from notifications.services import notify

from ..choices import RUNG_RANK, ReminderKind, UrgeKind
from ..models import (
    ReminderDelivery,
    ReminderFiring,
    ReminderRule,
    Urge,
    UrgeTarget,
)
from ..selectors.ladder import DueItem, ladder_due_items
from ..workdays import is_working_day

# The advisory lock a run holds until its transaction ends: two runs at once
# (beat's and an operator's) take turns, the second finding the first's rows.
LADDER_LOCK = 0x4C44  # "LD"
REMINDERS = frozenset({ReminderKind.DUE_SOON, ReminderKind.OVERDUE})


@dataclass
class Fired:
    rule: ReminderRule
    item: DueItem
    firing: ReminderFiring
    message: str

    @property
    def kind(self) -> str:
        return self.firing.kind

    @property
    def rank(self) -> tuple:
        """Higher is told first: the rung, then the item's own due date before
        a milestone's, then the longer overdue (or the sooner due)."""
        return (
            RUNG_RANK[self.kind],
            self.item.milestone is None,
            (self.firing.day - self.item.due_date).days,
        )


@dataclass
class LadderRun:
    """What one run did."""

    today: dt.date
    working_day: bool
    fired: dict[str, int] = field(default_factory=dict)
    notified: int = 0

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "working_day": self.working_day,
            "fired": self.fired,
            "notified": self.notified,
        }


def _lock() -> None:
    """Hold the ladder's lock for this database until the transaction ends.
    Advisory locks are the server's, not the database's: the second key is
    this database's id, so a neighbour's database does not make us wait."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, "
            "(SELECT oid FROM pg_database WHERE datname = current_database())::int)",
            [LADDER_LOCK],
        )


# --- what the rungs say -------------------------------------------------------------


def _parties(item: DueItem) -> str:
    names = {owner.party_id: owner.party.name for owner in item.task.owners.all()}
    return "、".join(names[pk] for pk in item.party_ids if pk in names)


def rung_message(kind: str, item: DueItem, today: dt.date) -> str:
    """The rung's text, in the service's language (the ledger keeps it as
    sent): 合作事项“…”将于2026年3月5日到期，请按时报送进展。"""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "task": item.task.title,
            "milestone": item.milestone.title if item.milestone else "",
            "date": format_date(item.due_date),
            "days": (today - item.due_date).days,
            "parties": _parties(item),
        }
        on_milestone = item.milestone is not None
        days = values["days"]
        if kind == ReminderKind.DUE_SOON:
            text = (
                gettext(
                    "The milestone “%(milestone)s” of the item “%(task)s” is due "
                    "on %(date)s: please report its progress on time."
                )
                if on_milestone
                else gettext(
                    "The item “%(task)s” is due on %(date)s: please report its "
                    "progress on time."
                )
            )
        elif kind == ReminderKind.OVERDUE:
            text = (
                ngettext(
                    "The milestone “%(milestone)s” of the item “%(task)s” was due "
                    "on %(date)s and is %(days)s day overdue: please speed up the "
                    "work and report its progress.",
                    "The milestone “%(milestone)s” of the item “%(task)s” was due "
                    "on %(date)s and is %(days)s days overdue: please speed up the "
                    "work and report its progress.",
                    days,
                )
                if on_milestone
                else ngettext(
                    "The item “%(task)s” was due on %(date)s and is %(days)s day "
                    "overdue: please speed up the work and report its progress.",
                    "The item “%(task)s” was due on %(date)s and is %(days)s days "
                    "overdue: please speed up the work and report its progress.",
                    days,
                )
            )
        elif kind == ReminderKind.NOTICE_OFFICE:
            text = (
                ngettext(
                    "Notice: the milestone “%(milestone)s” of the item “%(task)s” "
                    "(owners: %(parties)s) was due on %(date)s and is %(days)s day "
                    "overdue. The joint office is asked to press for it.",
                    "Notice: the milestone “%(milestone)s” of the item “%(task)s” "
                    "(owners: %(parties)s) was due on %(date)s and is %(days)s days "
                    "overdue. The joint office is asked to press for it.",
                    days,
                )
                if on_milestone
                else ngettext(
                    "Notice: the item “%(task)s” (owners: %(parties)s) was due on "
                    "%(date)s and is %(days)s day overdue. The joint office is "
                    "asked to press for it.",
                    "Notice: the item “%(task)s” (owners: %(parties)s) was due on "
                    "%(date)s and is %(days)s days overdue. The joint office is "
                    "asked to press for it.",
                    days,
                )
            )
        else:
            text = (
                ngettext(
                    "Notice: the milestone “%(milestone)s” of the item “%(task)s” "
                    "(owners: %(parties)s) was due on %(date)s and is %(days)s day "
                    "overdue. For the attention of the leadership.",
                    "Notice: the milestone “%(milestone)s” of the item “%(task)s” "
                    "(owners: %(parties)s) was due on %(date)s and is %(days)s days "
                    "overdue. For the attention of the leadership.",
                    days,
                )
                if on_milestone
                else ngettext(
                    "Notice: the item “%(task)s” (owners: %(parties)s) was due on "
                    "%(date)s and is %(days)s day overdue. For the attention of "
                    "the leadership.",
                    "Notice: the item “%(task)s” (owners: %(parties)s) was due on "
                    "%(date)s and is %(days)s days overdue. For the attention of "
                    "the leadership.",
                    days,
                )
            )
        return text % values


def _title(fired: Fired) -> str:
    task = fired.item.task
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("%(kind)s: %(code)s %(title)s") % {
            "kind": UrgeKind(fired.kind).label,
            "code": task.code,
            "title": task.title,
        }


# --- firing --------------------------------------------------------------------------


def _fire(rule: ReminderRule, items: list[DueItem], today: dt.date) -> list[Fired]:
    """Record the rung on each item: the urge, its target parties and the
    firing. Three inserts for the lot."""
    now = timezone.now()
    messages = [rung_message(rule.kind, item, today) for item in items]
    urges = Urge.objects.bulk_create(
        Urge(
            task=item.task,
            milestone=item.milestone,
            kind=rule.kind,
            message=message,
            sent_by=None,
            sent_at=now,
        )
        for item, message in zip(items, messages, strict=True)
    )
    UrgeTarget.objects.bulk_create(
        UrgeTarget(urge=urge, party_id=party_id)
        for urge, item in zip(urges, items, strict=True)
        for party_id in item.party_ids
    )
    firings = ReminderFiring.objects.bulk_create(
        ReminderFiring(
            rule=rule,
            kind=rule.kind,
            task=item.task,
            milestone=item.milestone,
            due_date=item.due_date,
            day=today,
            urge=urge,
            created_at=now,
        )
        for urge, item in zip(urges, items, strict=True)
    )
    return [
        Fired(rule, item, firing, message)
        for item, firing, message in zip(items, firings, messages, strict=True)
    ]


# --- telling people ------------------------------------------------------------------


class _Audience:
    """Who hears of each rung (notifications/recipients.py), asked once per
    group of parties in a run."""

    def __init__(self):
        self._found: dict[tuple, list[User]] = {}

    def _ask(self, key: tuple, query) -> list[User]:
        if key not in self._found:
            self._found[key] = list(query())
        return self._found[key]

    def of(self, fired: Fired) -> list[User]:
        item = fired.item
        if fired.kind in REMINDERS:
            parties = tuple(sorted(item.party_ids))
            return self._ask(
                ("coordinators", parties), lambda: recipients.coordinators_of(parties)
            )
        if fired.kind == ReminderKind.NOTICE_OFFICE:
            return self._ask(("office",), recipients.joint_office)
        parties = tuple(sorted(owner.party_id for owner in item.task.owners.all()))
        return self._ask(
            ("leadership", parties), lambda: recipients.leadership(parties=parties)
        )


def _told_today(task_ids: Iterable[int], today: dt.date) -> set[tuple[int, int]]:
    """(task, person) pairs already told of the item today: by an earlier run,
    or by the joint office's 催办 by hand (the office said it already)."""
    task_ids = list(task_ids)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    told = set(
        ReminderDelivery.objects.filter(task_id__in=task_ids, day=today).values_list(
            "task_id", "recipient_id"
        )
    )
    told |= set(
        Notification.objects.filter(
            task_id__in=task_ids,
            event=Event.URGE,
            created_at__gte=start,
            created_at__lt=start + dt.timedelta(days=1),
        ).values_list("task_id", "recipient_id")
    )
    return told


def _deliver(fired: list[Fired], today: dt.date) -> int:
    """One notification per item and person: the highest rung that concerns
    them (a lower one of the same item that day follows in its text), unless
    they were told of the item today already. Returns how many were sent."""
    if not fired:
        return 0
    audience = _Audience()
    told = _told_today({f.item.task.pk for f in fired}, today)
    heard: dict[tuple[int, int], list[Fired]] = defaultdict(list)
    people: dict[int, User] = {}
    for one in fired:
        for user in audience.of(one):
            if (one.item.task.pk, user.pk) not in told:
                heard[one.item.task.pk, user.pk].append(one)
                people[user.pk] = user
    # Those told of the same rungs share one notify call.
    same: dict[tuple[int, ...], list[User]] = defaultdict(list)
    rungs: dict[tuple[int, ...], list[Fired]] = {}
    for (_task, user_pk), ones in heard.items():
        ones.sort(key=lambda f: f.rank, reverse=True)
        key = tuple(f.firing.pk for f in ones)
        same[key].append(people[user_pk])
        rungs[key] = ones
    link_of = {}
    deliveries = []
    for key, users in same.items():
        ones = rungs[key]
        top = ones[0]
        task = top.item.task
        if task.pk not in link_of:
            link_of[task.pk] = reverse("tracker:task_detail", args=[task.pk])
        notifications = notify(
            event=Event.REMINDER if top.kind in REMINDERS else Event.ESCALATION,
            recipients=users,
            title=_title(top),
            body="\n".join(f.message for f in ones),
            task=task,
            link=link_of[task.pk],
        )
        by_user = {n.recipient_id: n for n in notifications}
        deliveries += [
            ReminderDelivery(
                task=task,
                recipient=user,
                day=today,
                firing=top.firing,
                notification=by_user.get(user.pk),
            )
            for user in users
        ]
    ReminderDelivery.objects.bulk_create(deliveries)
    sent = Counter(d.firing.kind for d in deliveries)
    transaction.on_commit(lambda: _count_reminders(sent))
    return len(deliveries)


def _count_reminders(sent: Counter) -> None:
    for rung, count in sent.items():
        metrics.REMINDERS.labels(rung).inc(count)


# --- the run -------------------------------------------------------------------------


@transaction.atomic
def reminder_ladder_run(*, today: dt.date | None = None) -> LadderRun:
    """Fire every active rung that is due on `today` (default: today in
    Asia/Shanghai) and tell the people concerned. Safe to run again: what
    fired and what was sent are rows under unique constraints, so a second
    run on the same day finds nothing left to do, and a run after missed
    days sends each person one message per item."""
    today = today or timezone.localdate()
    _lock()
    working = is_working_day(today)
    run = LadderRun(today=today, working_day=working)
    fired: list[Fired] = []
    for rule in ReminderRule.objects.filter(is_active=True).order_by(
        "sort_order", "pk"
    ):
        if rule.skip_non_working_days and not working:
            continue
        items = ladder_due_items(rule=rule, today=today)
        if items:
            fired += _fire(rule, items, today)
            run.fired[rule.kind] = run.fired.get(rule.kind, 0) + len(items)
    run.notified = _deliver(fired, today)
    return run
