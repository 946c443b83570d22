"""Who is told of what, and how: the defaults, each person's choices, and the
routing `notify()` asks for when it writes a notification.

Decided here, in one place:

- "receive" off for an event, or both channels off: `notify()` writes no row
  for that person (nothing in the centre, no mail, nothing owed);
- 催办 and 通报 are the joint office chasing an item: they always show in the
  centre (a person may add or drop the e-mail, never silence them);
- e-mail only to a person with an address; one message each, or all of them
  in the evening's digest when the person chose the digest.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from .choices import EmailMode, Event
from .models import MailSettings, NotificationPreference

# What the office and the counterparts decide, and the 催办/通报 themselves,
# are worth a mail; the rest waits in the centre. A report's own mail (link
# and PDF, reports.services.report_deliver) already goes to its subscribers,
# so "report ready" is not mailed twice by default.
DEFAULT_EMAIL = frozenset(
    {
        Event.CLAIM_FILED,
        Event.CLAIM_CONFIRMED,
        Event.CLAIM_REJECTED,
        Event.EXTENSION_DECIDED,
        Event.URGE,
        Event.ESCALATION,
    }
)
ALWAYS_IN_APP = frozenset({Event.URGE, Event.ESCALATION})


@dataclass(frozen=True)
class Choice:
    """One person's choice for one event, as it applies."""

    event: str
    enabled: bool
    in_app: bool
    email: bool

    @property
    def required(self) -> bool:
        """Shown in the centre whatever the person chose."""
        return self.event in ALWAYS_IN_APP

    @property
    def label(self) -> str:
        return Event(self.event).label

    @property
    def received(self) -> bool:
        return self.enabled and (self.in_app or self.email)


def default_choice(event: str) -> Choice:
    return Choice(event=event, enabled=True, in_app=True, email=event in DEFAULT_EMAIL)


def _applied(event: str, row: NotificationPreference | None) -> Choice:
    if row is None:
        return default_choice(event)
    if event in ALWAYS_IN_APP:
        return Choice(event=event, enabled=True, in_app=True, email=row.email)
    return Choice(event=event, enabled=row.enabled, in_app=row.in_app, email=row.email)


def choices_for(user) -> list[Choice]:
    """Every event with the choice that applies to `user`, in the order of
    `Event`. One query."""
    rows = {
        row.event: row for row in NotificationPreference.objects.filter(user_id=user.pk)
    }
    return [_applied(event, rows.get(event)) for event in Event.values]


def daily_digest_for(user) -> bool:
    return MailSettings.objects.filter(user_id=user.pk, daily_digest=True).exists()


@dataclass(frozen=True)
class Route:
    in_app: bool
    email_mode: str


def routing(*, event: str, users: Iterable) -> dict[int, Route | None]:
    """For each user: how a notification of `event` reaches them, or None when
    it does not (no row is written). Two queries, however many users."""
    users = list(users)
    ids: Collection[int] = [user.pk for user in users]
    rows = {
        row.user_id: row
        for row in NotificationPreference.objects.filter(user_id__in=ids, event=event)
    }
    digest = set(
        MailSettings.objects.filter(user_id__in=ids, daily_digest=True).values_list(
            "user_id", flat=True
        )
    )
    routes: dict[int, Route | None] = {}
    for user in users:
        choice = _applied(event, rows.get(user.pk))
        email = choice.email and bool(user.email)
        if not choice.enabled or not (choice.in_app or email):
            routes[user.pk] = None
            continue
        mode = EmailMode.NONE
        if email:
            mode = EmailMode.DIGEST if user.pk in digest else EmailMode.NOW
        routes[user.pk] = Route(in_app=choice.in_app, email_mode=mode)
    return routes
