"""Every write to notifications. Sending on other channels happens in the
worker, queued when the transaction that wrote the notification commits
(notifications/mail.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.exceptions import InvalidInput
from config.observability import metrics

from . import preferences
from .choices import EmailMode, Event
from .models import MailSettings, Notification, NotificationPreference
from .webhooks.services import webhook_queue

CHANNELS = ("enabled", "in_app", "email")


@transaction.atomic
def notify(
    *,
    event: str,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    task=None,
    link: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """One notification per recipient (the actor is never told of their own
    act), written in the caller's transaction so it exists only if the act
    does. Each recipient's preferences decide whether they get a row at all
    (no row when they do not receive the event), whether it shows in their
    centre and how it is mailed; mail owed at once is queued for the worker
    when the transaction commits, never sent here."""
    from . import mail

    seen: set[int] = set()
    users = []
    for user in recipients:
        if user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        users.append(user)
    routes = preferences.routing(event=event, users=users)
    rows = []
    for user in users:
        route = routes[user.pk]
        if route is None:
            continue
        rows.append(
            Notification(
                recipient=user,
                event=event,
                task=task,
                actor=actor,
                title=title[:200],
                body=body,
                link=link,
                in_app=route.in_app,
                email_mode=route.email_mode,
            )
        )
    webhook_queue(event=event, title=title, body=body, link=link, task=task)
    created = Notification.objects.bulk_create(rows)
    # Counted as written: notify() is among the last steps of the act whose
    # transaction it shares, so a rollback after it is rare.
    metrics.notification_counted("in_app", "sent", sum(r.in_app for r in created))
    owed = [row.pk for row in created if row.email_mode == EmailMode.NOW]
    if owed:
        transaction.on_commit(lambda: mail.mail_enqueue(notification_ids=owed))
    return created


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> bool:
    return bool(
        Notification.objects.filter(
            pk=notification.pk, recipient=user, read_at__isnull=True
        ).update(read_at=timezone.now())
    )


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(
        recipient=user, in_app=True, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(
    *,
    user: User,
    events: Mapping[str, Mapping[str, bool]] | None = None,
    daily_digest: bool | None = None,
) -> list[preferences.Choice]:
    """Set `user`'s choices: for each event named in `events`, whether they
    receive it and on which channels (`enabled`, `in_app`, `email`; a channel
    left out keeps its current value); and whether their e-mail comes as one
    daily digest. Events not named keep their choices. 催办 and 通报 always
    show in the centre: turning that off is refused."""
    events = events or {}
    unknown = sorted(set(events) - set(Event.values))
    if unknown:
        raise InvalidInput(
            field_errors={"events": [_("Unknown event: %s.") % ", ".join(unknown)]}
        )
    current = {choice.event: choice for choice in preferences.choices_for(user)}
    errors = []
    for event, wanted in events.items():
        stray = sorted(set(wanted) - set(CHANNELS))
        if stray:
            errors.append(_("Unknown channel: %s.") % ", ".join(stray))
            continue
        values = {name: getattr(current[event], name) for name in CHANNELS}
        values.update({name: bool(wanted[name]) for name in wanted})
        if event in preferences.ALWAYS_IN_APP and not (
            values["enabled"] and values["in_app"]
        ):
            errors.append(
                _(
                    "Urges and escalation notices always show in the "
                    "notification centre."
                )
            )
            continue
        NotificationPreference.objects.update_or_create(
            user=user, event=event, defaults=values
        )
    if errors:
        # The request's `events` as a whole: nothing of it is kept.
        raise InvalidInput(field_errors={"events": sorted(set(errors))})
    if daily_digest is not None:
        MailSettings.objects.update_or_create(
            user=user, defaults={"daily_digest": daily_digest}
        )
    return preferences.choices_for(user)
