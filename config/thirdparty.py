"""Chinese names for what django-axes and django-celery-beat show in the admin
but never pass through gettext: object names built with f-strings, a cron
line's reading (English from cron-descriptor), labels Django derives from
method names. Everything they do translate is in our catalogue.

Called from the apps' ready() (config/apps.py). Only display changes: no field
a migration sees is touched, and the rows themselves stay as they are."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy

WEEKDAYS = {
    "Sunday": "星期日",
    "Monday": "星期一",
    "Tuesday": "星期二",
    "Wednesday": "星期三",
    "Thursday": "星期四",
    "Friday": "星期五",
    "Saturday": "星期六",
}
MONTHS = {
    "January": "1月",
    "February": "2月",
    "March": "3月",
    "April": "4月",
    "May": "5月",
    "June": "6月",
    "July": "7月",
    "August": "8月",
    "September": "9月",
    "October": "10月",
    "November": "11月",
    "December": "12月",
}


def _when(moment) -> str:
    if moment is None:
        return "—"
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def cron_reading(expression: str, language: str) -> str:
    """A cron line read out ("0 8 * * 1" → "在08:00，仅在星期一"): cron-descriptor
    in the reader's language, with its left-over English names and spaces
    tidied for Chinese."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = Options()
    options.use_24hour_time_format = True
    chinese = language.startswith("zh")
    if chinese:
        options.locale_code = "zh_CN"
    try:
        text = ExpressionDescriptor(expression, options).get_description()
    except Exception:
        return expression
    if not chinese:
        return text
    for english, chinese_name in (WEEKDAYS | MONTHS).items():
        text = text.replace(english, chinese_name)
    text = text.replace(", ", "，").replace(",", "，")
    # No spaces between Chinese and numbers (每 5 分钟 → 每5分钟).
    return re.sub(r"(?<=[^\x00-\x7f\d:]) | (?=[^\x00-\x7f])", "", text).strip()


def label_beat() -> None:
    from django.utils.translation import get_language
    from django_celery_beat import admin as beat_admin
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    def expression(self):
        return " ".join(
            (
                self.minute,
                self.hour,
                self.day_of_month,
                self.month_of_year,
                self.day_of_week,
            )
        )

    def reading(self):
        return cron_reading(expression(self), get_language() or "zh-hans")

    def crontab_str(self):
        # "0 8 * * 1（在08:00，仅在星期一；Asia/Shanghai）"
        return f"{expression(self)}（{reading(self)}；{self.timezone}）"

    def human_readable(self):
        return f"{reading(self)}（{self.timezone}）"

    human_readable.short_description = pgettext_lazy(
        "scheduled jobs", "Reading of the schedule"
    )
    CrontabSchedule.__str__ = crontab_str
    # Its own "name: 0 8 * * 1 (m/h/dM/MY/d) Asia/Shanghai"; the schedule has
    # its own column and field.
    PeriodicTask.__str__ = lambda self: self.name
    CrontabSchedule.human_readable = property(human_readable)
    PeriodicTask.scheduler.fget.short_description = pgettext_lazy(
        "scheduled jobs", "Schedule"
    )
    beat_admin.PeriodicTaskAdmin.crontab_translation.short_description = pgettext_lazy(
        "scheduled jobs", "Reading of the schedule"
    )

    # The registered-task picker, as a read-only viewer (an auditor) sees it:
    # Django would label it "Regtask", from the form field's name.
    def regtask(self, obj):
        return obj.task

    regtask.short_description = pgettext_lazy("scheduled jobs", "Task")
    beat_admin.PeriodicTaskAdmin.regtask = regtask
    # Written without gettext in django-celery-beat; a label only (the
    # migration state compares it in English, where it reads the same).
    PeriodicTask._meta.get_field("task").verbose_name = pgettext_lazy(
        "scheduled jobs", "Task Name"
    )


def label_axes() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    def failure_str(self):
        text = gettext("Failed sign-in by %(user)s at %(time)s from %(ip)s") % {
            "user": self.username,
            "time": _when(self.attempt_time),
            "ip": self.ip_address,
        }
        if self.locked_out:
            text += gettext(" (locked out)")
        return text

    def attempt_str(self):
        return gettext("Sign-in attempts by %(user)s, last at %(time)s") % {
            "user": self.username,
            "time": _when(self.attempt_time),
        }

    def log_str(self):
        return gettext("Sign-in of %(user)s at %(time)s") % {
            "user": self.username,
            "time": _when(self.attempt_time),
        }

    AccessFailureLog.__str__ = failure_str
    AccessAttempt.__str__ = attempt_str
    AccessLog.__str__ = log_str
