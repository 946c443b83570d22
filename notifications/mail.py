"""Notifications by e-mail: one message per notification, or one digest a day.
Only the worker sends; a web request at most hands ids to the broker.

- A notification owed by mail at once (`email_mode` "now") is a row before it
  is a message: `notify()` queues its id when its transaction commits, within
  BROKER_PUBLISH_TIMEOUT; a broker that is away leaves `email_queued_at`
  empty, and the sweeper (beat, every five minutes) queues what is still owed.
- The worker sends each under its row lock (skipped when another worker holds
  it) and stamps `emailed_at` in the same transaction, so a message queued
  twice is sent once. A mail server that refuses is tried again by the task
  (backoff) and by the sweeper, up to MAX_ATTEMPTS.
- The digest (beat, 17:30 Beijing time) gathers every notification owed to a
  person who chose it into one message, under one `DigestMail` row per
  (person, day): a second run the same day sends nothing again.

Messages are in the service's language (zh-Hans): users have no language of
their own, and the titles were written in it (see `notify()`'s callers)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from config.observability import metrics

from .choices import EmailMode
from .models import DigestMail, Notification

log = logging.getLogger(__name__)

SEND_TASK = "notifications.send_mail"
DIGEST_TASK = "notifications.send_digests"
MAX_ATTEMPTS = 5
# The message published on commit normally runs at once; only what is older
# than this is the sweeper's. Mail older than the window is no longer news.
SWEEP_GRACE = dt.timedelta(minutes=2)
REQUEUE_AFTER = dt.timedelta(minutes=10)
SWEEP_WINDOW = dt.timedelta(days=2)
BATCH = 50
# A digest lists this many notifications; the rest are counted, and wait in
# the centre.
DIGEST_LISTED = 100


# --- queueing ------------------------------------------------------------------------


def mail_enqueue(*, notification_ids: list[int]) -> bool:
    """Hand the mail of these notifications to the broker. Never raises and
    never waits long: the rows are the request, and the sweeper queues again
    whatever the broker did not take."""
    from config.celery import publish

    from .tasks import send_mail

    try:
        publish(send_mail, args=[list(notification_ids)], queue=settings.REPORTS_QUEUE)
    except Exception:
        log.warning(
            "the mail of notifications %s could not be queued; the sweeper will",
            notification_ids,
        )
        return False
    Notification.objects.filter(pk__in=notification_ids).update(
        email_queued_at=timezone.now()
    )
    return True


def mail_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue again the mail still owed a while after its notification was
    written: its message was lost, the broker was away, or the mail server
    refused it (fewer than MAX_ATTEMPTS times)."""
    now = now or timezone.now()
    owed = list(
        Notification.objects.filter(
            email_mode=EmailMode.NOW,
            emailed_at__isnull=True,
            created_at__lt=now - SWEEP_GRACE,
            created_at__gte=now - SWEEP_WINDOW,
            email_attempts__lt=MAX_ATTEMPTS,
        )
        .exclude(email_queued_at__gte=now - REQUEUE_AFTER)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(owed), BATCH):
        mail_enqueue(notification_ids=owed[start : start + BATCH])
    return {"mail_owed": len(owed)}


# --- messages ------------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _item(notification: Notification) -> dict:
    """A notification as the mail templates show it; its link opens it in the
    centre (marking it read) and goes on to the item."""
    return {
        "title": notification.title,
        "body": notification.body,
        "event": notification.get_event_display(),
        "actor": str(notification.actor) if notification.actor_id else "",
        "created_at": timezone.localtime(notification.created_at),
        "url": absolute(reverse("notifications:open", args=[notification.pk])),
    }


def _common(user: User) -> dict:
    return {
        "name": str(user),
        "issuer": settings.REPORTS_ISSUER,
        "preferences_url": absolute(reverse("notifications:preferences")),
        "centre_url": absolute(reverse("notifications:centre")),
    }


def _message(
    subject: str, template: str, context: dict, to: str
) -> EmailMultiAlternatives:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        # A subject is one line, whatever a title holds.
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        item = _item(notification)
        subject = _("[Supervision] %(title)s") % {"title": notification.title}
        context = {**_common(notification.recipient), "item": item}
        return _message(subject, "notification", context, notification.recipient.email)


def digest_message(
    digest: DigestMail, notifications: list[Notification]
) -> EmailMultiAlternatives:
    from reports.render.formatting import format_date

    with translation.override(settings.LANGUAGE_CODE):
        listed = notifications[:DIGEST_LISTED]
        values = {"day": format_date(digest.day), "count": len(notifications)}
        subject = (
            ngettext(
                "[Supervision] Digest of %(day)s: %(count)s notification",
                "[Supervision] Digest of %(day)s: %(count)s notifications",
                values["count"],
            )
            % values
        )
        context = {
            **_common(digest.user),
            **values,
            "items": [_item(n) for n in listed],
            "more": len(notifications) - len(listed),
        }
        return _message(subject, "digest", context, digest.email)


# --- sending -------------------------------------------------------------------------


def _give_up_on_address(row: Notification) -> None:
    """The recipient has no address (any more) or is gone: nothing to send,
    ever, so the row is no longer owed."""
    row.email_mode = EmailMode.NONE
    row.email_error = "no e-mail address"
    row.save(update_fields=["email_mode", "email_error"])


def mail_send(*, notification_ids: list[int]) -> int:
    """Send the mail owed for these notifications, each once. Returns how many
    were sent. A mail server's refusal is recorded on the row and raised (the
    task tries again; those already sent are not)."""
    sent = 0
    for pk in notification_ids:
        try:
            with transaction.atomic():
                row = (
                    Notification.objects.select_for_update(
                        skip_locked=True, of=("self",)
                    )
                    .select_related("recipient", "actor")
                    .filter(pk=pk, email_mode=EmailMode.NOW, emailed_at__isnull=True)
                    .first()
                )
                if row is None:
                    continue  # sent already, or another worker is at it
                if not (row.recipient.is_active and row.recipient.email):
                    _give_up_on_address(row)
                    metrics.notification_counted("email", "skipped")
                    continue
                notification_message(row).send()
                row.emailed_at = timezone.now()
                row.email_error = ""
                row.save(update_fields=["emailed_at", "email_error"])
                sent += 1
            metrics.notification_counted("email", "sent")
        except OSError as exc:  # smtplib's errors are OSErrors
            metrics.notification_counted("email", "retry")
            Notification.objects.filter(pk=pk).update(
                email_attempts=F("email_attempts") + 1, email_error=str(exc)[:2000]
            )
            raise
    return sent


def _owed_digest(user_id: int, until: dt.datetime):
    return Notification.objects.filter(
        recipient_id=user_id,
        email_mode=EmailMode.DIGEST,
        emailed_at__isnull=True,
        created_at__lte=until,
    )


def digest_send(*, day: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Send today's digest (Beijing time) to everyone who is owed one: all
    their notifications for the digest not yet mailed, whenever written. One
    digest per person and day; safe to run twice, or at once in two workers.
    Returns how many digests were sent."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    owed = (
        Notification.objects.filter(
            email_mode=EmailMode.DIGEST, emailed_at__isnull=True, created_at__lte=now
        )
        .values("recipient_id")
        .distinct()
    )
    people = User.objects.filter(pk__in=owed)
    reachable = people.filter(is_active=True).exclude(email="")
    # Owed to someone without an address (or gone): nothing will ever be sent.
    Notification.objects.filter(
        email_mode=EmailMode.DIGEST,
        emailed_at__isnull=True,
        recipient__in=people.exclude(pk__in=reachable),
    ).update(email_mode=EmailMode.NONE, email_error="no e-mail address")
    DigestMail.objects.bulk_create(
        [
            DigestMail(user_id=pk, day=day, email=email, created_at=now)
            for pk, email in reachable.values_list("pk", "email")
        ],
        ignore_conflicts=True,
    )
    pending = list(
        DigestMail.objects.filter(day=day, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in pending:
        with transaction.atomic():
            digest = (
                DigestMail.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if digest is None:
                continue
            items = list(
                _owed_digest(digest.user_id, now)
                .select_for_update(of=("self",))
                .select_related("actor")
                .order_by("created_at", "pk")
            )
            stamp = timezone.now()
            if items:
                digest_message(digest, items).send()
                sent += 1
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                    emailed_at=stamp, digest=digest
                )
            digest.sent_at = stamp
            digest.save(update_fields=["sent_at"])
        if items:
            metrics.notification_counted("email_digest", "sent")
    return sent


# --- what the preferences page says ---------------------------------------------


def digest_time() -> str | None:
    """The time of day ("17:30", Beijing time) at which beat sends the digest,
    as the preferences page tells; None when the schedule is off or
    not a plain daily one. Operators edit it in the admin."""
    from django_celery_beat.models import PeriodicTask

    task = (
        PeriodicTask.objects.filter(task=DIGEST_TASK, enabled=True)
        .select_related("crontab")
        .order_by("pk")
        .first()
    )
    crontab = task.crontab if task is not None else None
    if crontab is None:
        return None
    daily = (
        crontab.minute.isdigit()
        and crontab.hour.isdigit()
        and (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year)
        == ("*", "*", "*")
        and str(crontab.timezone) == settings.TIME_ZONE
    )
    return f"{int(crontab.hour):02d}:{int(crontab.minute):02d}" if daily else None
