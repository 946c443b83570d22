"""The chain digest leaves the system, the moment it is made.

An audit trail whose only record of itself is inside the database can be cut
short or rewritten from some point on, and re-sealed, without a trace. So the
chain's head (`audit.sealing.latest_seal`) is copied out in two ways:

- **into every report**, when its snapshot is frozen: the snapshot keeps it
  under ``"audit_seal"`` (see `seal_as_json` for the shape), and the HTML, PDF
  and workbook print it. A report on someone's desk then says how far the
  ledger reached on that day, and `audit_verify --expect` checks the ledger
  still reaches it;
- **by mail, daily**, to every auditor who asked for it (`digest_deliver`,
  queued by beat at 08:30 Beijing time): one row per (user, day), written
  before the mail is sent, so a run repeated the same day sends nothing twice.

Only users who may read the audit trail (`audit.security.can_read_audit`) and
have an e-mail address get the mail; whoever loses the right stops getting it
without unsubscribing.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.exceptions import PermissionDenied

from .models import AuditSeal, DigestDelivery, DigestSubscription
from .sealing import Seal, latest_seal
from .security import audit_readers, can_read_audit

SNAPSHOT_KEY = "audit_seal"
TASK_NAME = "audit.deliver_digest"
LAST_DAY = dt.timedelta(hours=24)
RECENT_DELIVERIES = 10


# --- the head, as reports keep it ----------------------------------------------------


def seal_as_json(seal: Seal | None) -> dict | None:
    """``{"position": 12345, "chain_digest": "<64 lowercase hex>",
    "sealed_at": "2026-12-03T01:05:00.123456+00:00"}`` (UTC, ISO 8601 with
    microseconds, as the sealing recipe writes times), or None before the
    first seal."""
    if seal is None:
        return None
    return {
        "position": int(seal.position),
        "chain_digest": seal.chain_digest.lower(),
        "sealed_at": seal.sealed_at.astimezone(dt.UTC).isoformat(
            timespec="microseconds"
        ),
    }


def seal_from_json(data: dict | None) -> Seal | None:
    """The Seal a report's snapshot recorded (None when it recorded none)."""
    if not data:
        return None
    return Seal(
        position=int(data["position"]),
        chain_digest=str(data["chain_digest"]).lower(),
        sealed_at=dt.datetime.fromisoformat(data["sealed_at"]),
    )


def seal_for_snapshot() -> dict | None:
    """The chain head now, for a report's snapshot (read in its transaction)."""
    return seal_as_json(latest_seal())


# --- selectors -----------------------------------------------------------------------


def may_subscribe(user) -> bool:
    """The daily digest is for those who read the audit trail."""
    return can_read_audit(user)


def digest_recipients():
    """Subscribers who may read the audit trail and have an e-mail address,
    in one query however many there are."""
    return (
        audit_readers()
        .filter(digest_subscription__isnull=False)
        .exclude(email="")
        .order_by("pk")
    )


def digest_subscription_get(*, user) -> DigestSubscription | None:
    return DigestSubscription.objects.filter(user_id=user.pk).first()


def digest_deliveries_for_user(*, user, limit: int = RECENT_DELIVERIES) -> list:
    """The latest chain digest mails made for `user`, newest first."""
    return list(DigestDelivery.objects.filter(user_id=user.pk).order_by("-day")[:limit])


class DigestSchedule(NamedTuple):
    enabled: bool
    time: str | None  # "08:30" (Beijing time) for a plain daily crontab


def digest_schedule() -> DigestSchedule:
    """When beat mails the digest, as the page tells its readers: the schedule
    is a row operators may edit or switch off in the admin."""
    from django_celery_beat.models import PeriodicTask

    task = (
        PeriodicTask.objects.filter(task=TASK_NAME, enabled=True)
        .select_related("crontab")
        .order_by("pk")
        .first()
    )
    if task is None:
        return DigestSchedule(enabled=False, time=None)
    crontab = task.crontab
    daily = (
        crontab is not None
        and crontab.minute.isdigit()
        and crontab.hour.isdigit()
        and (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year)
        == ("*", "*", "*")
        and str(crontab.timezone) == settings.TIME_ZONE
    )
    time = f"{int(crontab.hour):02d}:{int(crontab.minute):02d}" if daily else None
    return DigestSchedule(enabled=True, time=time)


def sealed_since(since: dt.datetime, *, head: Seal | None) -> int:
    """How many events were sealed from `since` up to `head`.

    Positions have no gaps and each sealing run stamps its entries with one
    time, later than the run before it (runs queue on an advisory lock), so
    this is the head's position minus the last position sealed before `since`:
    a walk back from the tail on the primary key, over the last day's entries
    only, not a count over the whole ledger."""
    if head is None:
        return 0
    before = (
        AuditSeal.objects.filter(sealed_at__lt=since)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return head.position - (before or 0)


# --- subscribing ---------------------------------------------------------------------


@transaction.atomic
def digest_subscribe(*, user) -> DigestSubscription:
    """Subscribe `user` to the daily chain digest mail; subscribing twice is
    the same as once."""
    if not may_subscribe(user):
        raise PermissionDenied(
            _("Only those who may read the audit trail receive its chain digest.")
        )
    subscription, _created = DigestSubscription.objects.get_or_create(user=user)
    return subscription


@transaction.atomic
def digest_unsubscribe(*, user) -> bool:
    """Stop the mail; True when there was a subscription to end. Anyone may
    end their own, also after losing the right to read the audit trail."""
    deleted, _by_model = DigestSubscription.objects.filter(user_id=user.pk).delete()
    return bool(deleted)


# --- mailing -------------------------------------------------------------------------


def _delivery_rows(day: dt.date, now: dt.datetime) -> None:
    """One row per recipient for `day`, carrying the head it will mail. Rows
    already there (an earlier run the same day) are left as they are."""
    head = latest_seal()
    sealed = sealed_since(now - LAST_DAY, head=head)
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(
                user_id=pk,
                day=day,
                email=email,
                position=head.position if head else None,
                chain_digest=head.chain_digest if head else "",
                sealed_at=head.sealed_at if head else None,
                sealed_last_day=sealed,
            )
            for pk, email in digest_recipients().values_list("pk", "email")
        ],
        ignore_conflicts=True,
    )


def digest_message(delivery: DigestDelivery) -> EmailMessage:
    """The mail of one delivery row, in the default language, plain text (so
    the digest can be copied as it stands)."""
    from reports.render.formatting import format_date, format_datetime

    with translation.override(settings.LANGUAGE_CODE):
        day = format_date(delivery.day)
        link = settings.SITE_URL.rstrip("/") + reverse(
            "admin:audit_digestsubscription_changelist"
        )
        values = {
            "day": day,
            "position": delivery.position,
            "sealed_at": format_datetime(delivery.sealed_at),
            "count": delivery.sealed_last_day,
        }
        if delivery.position is None:
            subject = _("Audit chain digest, %(day)s: not sealed yet") % values
            lines = [
                _(
                    "The audit trail has not been sealed yet, so there is no "
                    "chain digest to keep today. Sealing runs every hour; if "
                    "tomorrow's mail still says this, tell the administrators."
                )
            ]
        else:
            subject = _("Audit chain digest, %(day)s: entry %(position)s") % values
            lines = [
                _(
                    "The audit trail's hash chain, sealed at %(sealed_at)s (Beijing time):"
                )
                % values,
                "",
                _("Entry: %(position)s") % values,
                # On a line of its own, so that it is copied whole.
                _("Chain digest:"),
                delivery.chain_digest,
                _("Events sealed in the last 24 hours: %(count)s") % values,
                "",
                _(
                    "Keep this mail outside the system. If the audit trail is "
                    "ever cut short or rewritten, it no longer matches this "
                    "digest. To check, an operator runs:"
                ),
                f"manage.py audit_verify --expect {delivery.position}:"
                f"{delivery.chain_digest}",
            ]
            if not delivery.sealed_last_day:
                lines += [
                    "",
                    _(
                        "No events were sealed in the last 24 hours: either "
                        "nothing changed, or sealing has stopped."
                    ),
                ]
        footer = _(
            "You receive this mail because you subscribed to the daily chain "
            "digest. To unsubscribe: %(link)s"
        ) % {"link": link}
        body = "\n".join([*lines, "", footer, "", settings.REPORTS_ISSUER, ""])
    return EmailMessage(subject=subject, body=body, to=[delivery.email])


def digest_deliver(
    *, day: dt.date | None = None, now: dt.datetime | None = None
) -> int:
    """Mail the chain head of `day` (today in Beijing time) to each recipient
    once. Returns how many mails were sent; safe to run twice, or at once in
    two workers (each row is sent under its lock, skipped when taken)."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    _delivery_rows(day, now)
    owed = list(
        DigestDelivery.objects.filter(
            day=day, sent_at__isnull=True, user__in=digest_recipients()
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in owed:
        with transaction.atomic():
            locked = (
                DigestDelivery.objects.select_for_update(skip_locked=True)
                # Still subscribed and still allowed, at the moment of sending.
                .filter(pk=pk, sent_at__isnull=True, user__in=digest_recipients())
                .first()
            )
            if locked is None:
                continue
            digest_message(locked).send()
            locked.sent_at = timezone.now()
            locked.save(update_fields=["sent_at"])
            sent += 1
    return sent
