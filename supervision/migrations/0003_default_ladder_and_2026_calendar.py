"""The default ladder and the 2026 holiday calendar, as rows the joint office
edits in the admin.

The ladder: due within 3 days, a due-date reminder to the owner parties'
coordinators; from the first day overdue, an overdue reminder to them every
working day; 5 days overdue, a notice to the joint office; 15 days overdue (the
item itself, not a milestone), a notice to the owner parties' leadership.

The calendar: the State Council's 2026 public holidays and make-up working
days (国务院办公厅关于2026年部分节假日安排的通知, 国办发明电, 2025年11月4日).
Later years are added in the admin when the State Council publishes them.

get_or_create by the natural key (the rule's name, the day's date): a row the
office has edited is left as it is; going back removes only rows still as
made here."""

import datetime as dt

from django.db import migrations

RULES = [
    {
        "name": "到期前3天提醒",
        "kind": "due_soon",
        "watches": "both",
        "days": 3,
        "sort_order": 10,
    },
    {
        "name": "逾期每日催办",
        "kind": "overdue",
        "watches": "both",
        "days": 1,
        "sort_order": 20,
    },
    {
        "name": "逾期5天通报专班",
        "kind": "notice_office",
        "watches": "both",
        "days": 5,
        "sort_order": 30,
    },
    {
        "name": "合作事项逾期15天通报领导",
        "kind": "notice_leadership",
        "watches": "task",
        "days": 15,
        "sort_order": 40,
    },
]


def _span(first: str, last: str) -> list[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


# (name, holidays from, to, make-up working days)
HOLIDAYS_2026 = [
    ("元旦", "2026-01-01", "2026-01-03", ["2026-01-04"]),
    ("春节", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
    ("清明节", "2026-04-04", "2026-04-06", []),
    ("劳动节", "2026-05-01", "2026-05-05", ["2026-05-09"]),
    ("端午节", "2026-06-19", "2026-06-21", []),
    ("中秋节", "2026-09-25", "2026-09-27", []),
    ("国庆节", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
]


def calendar_2026() -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) of every 2026 row."""
    days = []
    for name, first, last, workdays in HOLIDAYS_2026:
        days += [(day, "holiday", name) for day in _span(first, last)]
        days += [
            (dt.date.fromisoformat(day), "makeup_workday", f"{name}调休上班")
            for day in workdays
        ]
    return sorted(days)


def create_rules(apps, schema_editor=None):
    ReminderRule = apps.get_model("supervision", "ReminderRule")
    for spec in RULES:
        ReminderRule.objects.get_or_create(name=spec["name"], defaults=spec)


def create_calendar(apps, schema_editor=None):
    WorkCalendarDay = apps.get_model("supervision", "WorkCalendarDay")
    for day, kind, name in calendar_2026():
        WorkCalendarDay.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name}
        )


def forwards(apps, schema_editor):
    create_rules(apps)
    create_calendar(apps)


def backwards(apps, schema_editor):
    ReminderRule = apps.get_model("supervision", "ReminderRule")
    WorkCalendarDay = apps.get_model("supervision", "WorkCalendarDay")
    for spec in RULES:
        ReminderRule.objects.filter(**spec, firings__isnull=True).delete()
    for day, kind, name in calendar_2026():
        WorkCalendarDay.objects.filter(date=day, kind=kind, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_ladder")]

    operations = [migrations.RunPython(forwards, backwards)]
