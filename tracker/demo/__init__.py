"""Load the demo task list (``manage.py load_demo``).

Everything is written through the services, in one transaction, and only what
is missing is created, looked up by natural keys; existing rows are never
changed. Running it again, on any day, creates nothing.

Relative dates (milestones due soon or overdue, the weekly progress reports)
are computed from ``today``. Progress reports have no stable natural key across
days (their time is derived from ``today``), so they are created only for a
task that has no progress report at all yet; a task that already has one keeps
exactly the reports it has.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Agency, Membership, Party, User
from supervision.models import Urge
from supervision.services.ladder import reminder_ladder_run
from supervision.workdays import last_working_day

from .. import services, workflow
from ..choices import MilestoneStatus, TaskStatus
from ..models import (
    Indicator,
    IndicatorReading,
    IndustrialPark,
    Initiative,
    InitiativeIndicator,
    InitiativeIndicatorReading,
    Milestone,
    ParkPairMember,
    Task,
    WorkStream,
)
from . import data
from .data import DEMO_LOGINS, DEMO_PASSWORD
from .dependencies import load_dependencies

__all__ = ["COUNT_LABELS", "DEMO_LOGINS", "DEMO_PASSWORD", "load_demo"]

# What load_demo counts, in display order, with the Chinese label and unit.
COUNT_LABELS = {
    "parties": ("省市", "个"),
    "agencies": ("责任单位", "个"),
    "users": ("用户", "个"),
    "memberships": ("角色授权", "项"),
    "groups": ("权限组", "个"),
    "group_permissions": ("权限组权限", "项"),
    "group_members": ("权限组成员", "人"),
    "initiatives": ("合作事项清单", "个"),
    "work_streams": ("工作领域", "个"),
    "tasks": ("合作事项", "项"),
    "milestones": ("节点", "个"),
    "indicators": ("指标", "个"),
    "readings": ("指标完成值", "条"),
    "initiative_indicators": ("全域指标", "个"),
    "initiative_readings": ("全域指标数值", "条"),
    "parks": ("产业合作园区", "个"),
    "park_pairs": ("结对园区", "对"),
    "park_evaluations": ("绩效评价结果", "条"),
    "progress_updates": ("进展报送", "条"),
    "urges": ("催办及通报", "条"),
}


def load_demo(*, today: dt.date | None = None, stdout=None) -> dict[str, int]:
    """Create whatever part of the demo data set is missing.

    Returns how many rows of each kind were created (all zero when the data is
    already there)."""
    loader = _Loader(today=today or timezone.localdate(), stdout=stdout)
    with transaction.atomic():
        loader.run()
        if loader.created["tasks"]:
            loader.run_ladder()
    return {key: loader.created[key] for key in COUNT_LABELS}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime on ``day`` in the current (Asia/Shanghai) time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class _Loader:
    def __init__(self, *, today: dt.date, stdout=None):
        self.today = today
        self.stdout = stdout
        self.created: Counter[str] = Counter()
        self.parties: dict[str, Party] = {}
        self.agencies: dict[tuple[str, str], Agency] = {}
        self.users: dict[str, User] = {}
        self.parks: dict[str, IndustrialPark] = {}

    def run(self) -> None:
        self._say(f"基准日期：{self.today:%Y-%m-%d}")
        self.load_parties()
        self.load_agencies()
        self.load_users()
        self.load_auditor_group()
        initiative = self.load_initiative()
        streams = self.load_work_streams(initiative)
        for spec in data.TASKS:
            self.load_task(initiative, streams, spec)
        self.load_parks(initiative)
        self.load_initiative_indicators(initiative)
        # What the items wait for, and every open item's forecast from the
        # history just loaded.
        load_dependencies(initiative=initiative, office=self.users["admin"])
        services.forecast_refresh(task_ids=None)

    def run_ladder(self) -> None:
        """A first load shows a 督办 ledger: the reminders and notices the daily
        ladder sends on the last working day up to today (only then: loading
        again, on any day, creates nothing)."""
        day = last_working_day(self.today)
        before = Urge.objects.count()
        reminder_ladder_run(today=day)
        self.created["urges"] += Urge.objects.count() - before
        self._say(f"督办提醒：{day:%Y-%m-%d}，{self.created['urges']}条")

    # --- helpers ---------------------------------------------------------------

    def _say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    def _date(self, spec: data.DateSpec | None) -> dt.date | None:
        return data.resolve(spec, self.today)

    def _party(self, code: str | None) -> Party | None:
        return self.parties[code] if code else None

    def _agency(self, party_code: str, name: str) -> Agency:
        return self.agencies[party_code, name]

    def _lead_agency(self, party_code: str) -> Agency:
        return self._agency(party_code, data.LEAD_AGENCY[party_code])

    def _reporter(self, party_code: str) -> User:
        return self.users[data.REPORTER[party_code]]

    # --- parties, agencies, people ---------------------------------------------

    def load_parties(self) -> None:
        for spec in data.PARTIES:
            party = Party.objects.filter(code=spec["code"]).first()
            if party is None:
                party = account_services.party_create(**spec)
                self.created["parties"] += 1
            self.parties[spec["code"]] = party

    def load_agencies(self) -> None:
        for party_code, name, short_name, kind, parent_name in data.AGENCIES:
            party = self.parties[party_code]
            agency = Agency.objects.filter(party=party, name=name).first()
            if agency is None:
                agency = account_services.agency_create(
                    party=party,
                    name=name,
                    short_name=short_name,
                    kind=kind,
                    is_lead=name == data.LEAD_AGENCY[party_code],
                    parent=self._agency(party_code, parent_name)
                    if parent_name
                    else None,
                )
                self.created["agencies"] += 1
            self.agencies[party_code, name] = agency

    def load_users(self) -> None:
        for (
            username,
            full_name,
            role,
            party_codes,
            agency,
            is_staff,
            is_superuser,
            phone,
        ) in data.USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = account_services.user_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    full_name=full_name,
                    phone=phone,
                    is_staff=is_staff,
                    is_superuser=is_superuser,
                )
                self.created["users"] += 1
            self.users[username] = user
            for code in party_codes:
                party = self.parties[code]
                if Membership.objects.filter(
                    user=user, party=party, role=role
                ).exists():
                    continue
                account_services.membership_grant(
                    user=user,
                    party=party,
                    role=role,
                    agency=self._lead_agency(code) if agency == "lead" else None,
                )
                self.created["memberships"] += 1

    def load_auditor_group(self) -> None:
        """The auditors' group belongs to the audit app (kept in step after every
        migrate: exactly the view permissions, no API tokens); this puts the demo
        auditors in it."""
        from audit.security import auditor_group_sync

        result = auditor_group_sync()
        self.created["groups"] += result["created"]
        self.created["group_permissions"] += result["added"]
        self.created["group_members"] += result["members"]

    # --- initiative and work streams --------------------------------------------

    def load_initiative(self) -> Initiative:
        spec = data.INITIATIVE
        initiative = Initiative.objects.filter(code=spec["code"]).first()
        if initiative is None:
            initiative = services.initiative_create(
                **spec,
                parties=[
                    (self.parties[p["code"]], self._lead_agency(p["code"]))
                    for p in data.PARTIES
                ],
            )
            self.created["initiatives"] += 1
        return initiative

    def load_work_streams(self, initiative: Initiative) -> dict[str, WorkStream]:
        streams = {}
        for order, (code, name, description) in enumerate(data.WORK_STREAMS, 1):
            stream = WorkStream.objects.filter(initiative=initiative, code=code).first()
            if stream is None:
                stream = services.work_stream_create(
                    initiative=initiative,
                    code=code,
                    name=name,
                    description=description,
                    sort_order=order,
                )
                self.created["work_streams"] += 1
            streams[code] = stream
        return streams

    # --- tasks -----------------------------------------------------------------

    def load_task(
        self, initiative: Initiative, streams: dict[str, WorkStream], spec: dict
    ) -> None:
        task = Task.objects.filter(initiative=initiative, code=spec["code"]).first()
        completed_on = spec.get("completed_on")
        # A closed task takes no reports or readings: it is loaded in progress,
        # given its history, then closed as the ledger has it.
        closes = spec["status"] in workflow.CLOSED_STATES
        if task is None:
            task = services.task_create(
                initiative=initiative,
                code=spec["code"],
                title=spec["title"],
                description=spec["description"],
                work_stream=streams[spec["stream"]],
                task_list=spec["task_list"],
                lead_party=self._party(spec["lead"]),
                priority=spec["priority"],
                status=TaskStatus.IN_PROGRESS if closes else spec["status"],
                progress=spec["progress"],
                planned_start=self._date(spec["planned_start"]),
                due_date=self._date(spec["due"]),
                completed_at=_at(completed_on, 18) if completed_on else None,
                owners=[
                    services.OwnerSpec(
                        party=self.parties[code],
                        agency=self._agency(code, agency_name),
                        contact_name=contact,
                        contact_phone=phone,
                    )
                    for code, (agency_name, contact, phone) in spec["owners"].items()
                ],
            )
            self.created["tasks"] += 1
            self._say(f"新建合作事项 {task.code} {task.title}")
        for order, milestone in enumerate(spec.get("milestones", []), 1):
            self.load_milestone(task, milestone, sort_order=order * 10)
        for order, indicator in enumerate(spec.get("indicators", []), 1):
            self.load_indicator(task, indicator, sort_order=order)
        self.load_progress_updates(task, spec.get("updates", []))
        if closes and task.status != spec["status"]:
            services.task_record_closure(
                task=task,
                status=spec["status"],
                completed_at=_at(completed_on, 18) if completed_on else None,
            )

    def load_milestone(
        self,
        task: Task,
        spec: dict,
        *,
        sort_order: int,
        parent: Milestone | None = None,
    ) -> None:
        milestone = Milestone.objects.filter(task=task, title=spec["title"]).first()
        if milestone is None:
            done_on = self._date(spec["done"])
            milestone = services.milestone_create(
                task=task,
                title=spec["title"],
                description=spec["description"],
                due_date=self._date(spec["due"]),
                party=self._party(spec["party"]),
                parent=parent,
                weight=spec["weight"],
                status=MilestoneStatus.DONE if done_on else spec["status"],
                completed_at=_at(done_on, 17, 30) if done_on else None,
                sort_order=sort_order,
            )
            self.created["milestones"] += 1
        for order, part in enumerate(spec["parts"], 1):
            self.load_milestone(
                task, part, sort_order=sort_order + order, parent=milestone
            )

    def load_indicator(self, task: Task, spec: dict, *, sort_order: int) -> None:
        indicator = Indicator.objects.filter(task=task, name=spec["name"]).first()
        if indicator is None:
            indicator = services.indicator_create(
                task=task,
                name=spec["name"],
                unit=spec["unit"],
                target=_decimal(spec["target"]),
                baseline=_decimal(spec["baseline"]),
                party=self._party(spec["party"]),
                description=spec["description"],
                sort_order=sort_order,
            )
            self.created["indicators"] += 1
        for period, value, party_code, note, *reported_on in spec["readings"]:
            if IndicatorReading.objects.filter(
                indicator=indicator, period=period
            ).exists():
                continue
            reported_day = reported_on[0] if reported_on else period + dt.timedelta(7)
            figure = data.figure(value)
            services.indicator_reading_record(
                indicator=indicator,
                period=period,
                value=Decimal(figure.value),
                qualifier=figure.qualifier,
                party=self.parties[party_code],
                actor=self._reporter(party_code),
                note=note,
                reported_at=_at(reported_day, 10),
            )
            self.created["readings"] += 1

    def load_progress_updates(self, task: Task, updates: list[tuple]) -> None:
        """Weekly reports, ``weeks_ago`` weeks before today, oldest first.

        Skipped as a whole when the task already has any progress report: their
        times depend on the day of loading, so matching them one by one would
        duplicate them on a later day."""
        if not updates:
            return
        if task.progress_updates.exists():
            self._say(f"合作事项 {task.code} 已有进展报送，不再补充")
            return
        for weeks_ago, party_code, progress, narrative in sorted(
            updates, key=lambda update: -update[0]
        ):
            day = self.today - dt.timedelta(weeks=weeks_ago)
            services.progress_update_post(
                task=task,
                party=self.parties[party_code],
                actor=self._reporter(party_code),
                narrative=narrative,
                progress=progress,
                reported_at=_at(day, 16 if party_code == data.SC else 17, 30),
            )
            self.created["progress_updates"] += 1

    # --- circle-wide indicators ---------------------------------------------------

    def load_initiative_indicators(self, initiative: Initiative) -> None:
        office = self.users[data.OFFICE_REPORTER]
        for order, (name, unit, description, readings) in enumerate(
            data.INITIATIVE_INDICATORS, 1
        ):
            indicator = InitiativeIndicator.objects.filter(
                initiative=initiative, name=name
            ).first()
            if indicator is None:
                indicator = services.initiative_indicator_create(
                    initiative=initiative,
                    name=name,
                    unit=unit,
                    description=description,
                    sort_order=order,
                )
                self.created["initiative_indicators"] += 1
            for period, value, note in readings:
                if InitiativeIndicatorReading.objects.filter(
                    indicator=indicator, period=period
                ).exists():
                    continue
                figure = data.figure(value)
                services.initiative_indicator_reading_record(
                    indicator=indicator,
                    actor=office,
                    period=period,
                    value=Decimal(figure.value),
                    qualifier=figure.qualifier,
                    note=note,
                    source=data.INDICATOR_SOURCE,
                    reported_at=_at(period + dt.timedelta(days=20), 10),
                )
                self.created["initiative_readings"] += 1

    # --- parks -----------------------------------------------------------------

    def load_parks(self, initiative: Initiative) -> None:
        for party_code, name, city_county, agency_name in data.PARKS:
            park = IndustrialPark.objects.filter(name=name).first()
            if park is None:
                park = services.industrial_park_create(
                    party=self.parties[party_code],
                    name=name,
                    city_county=city_county,
                    batch=data.PARK_BATCH,
                    agency=self._agency(party_code, agency_name)
                    if agency_name
                    else None,
                )
                self.created["parks"] += 1
            self.parks[name] = park
        for name_a, name_b in data.PARK_PAIRS:
            park_a = self.parks[name_a]
            if ParkPairMember.objects.filter(
                park=park_a, batch=data.PARK_BATCH
            ).exists():
                continue
            services.park_pair_create(
                initiative=initiative,
                parks=[park_a, self.parks[name_b]],
                batch=data.PARK_BATCH,
            )
            self.created["park_pairs"] += 1
        # The first evaluation cycle, published (parks/demo.py).
        from parks.demo import load_evaluation

        if load_evaluation(
            initiative=initiative,
            office=self.users["admin"],
            coordinators={
                self.parties[code].pk: self.users[username]
                for code, username in ((data.SC, "sc_coord"), (data.CQ, "cq_coord"))
            },
        ):
            self.created["park_evaluations"] += len(self.parks)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
