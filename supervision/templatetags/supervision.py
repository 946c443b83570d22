"""What pages say about 督办: who has the workbench, and how long a party took
to answer an urge."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import grants

register = template.Library()


@register.filter
def joint_office(user) -> bool:
    """Whether `user` works in the joint office (专班): the workbench is theirs."""
    return grants(user).administrator


@register.filter
def answered_after(delay: dt.timedelta | None) -> str:
    """「3小时后答复」: the time from an urge to its answer, in the largest
    whole unit that says it (minutes, hours up to two days, then days)."""
    if delay is None:
        return ""
    minutes = int(delay.total_seconds() // 60)
    if minutes < 1:
        return _("answered within a minute")
    if minutes < 60:
        return ngettext(
            "answered %(n)d minute later", "answered %(n)d minutes later", minutes
        ) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext(
            "answered %(n)d hour later", "answered %(n)d hours later", hours
        ) % {"n": hours}
    days = hours // 24
    return ngettext("answered %(n)d day later", "answered %(n)d days later", days) % {
        "n": days
    }
