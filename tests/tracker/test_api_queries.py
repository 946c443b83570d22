"""The number of SQL queries of every API list (and the task detail) does not
grow with the number of rows (DESIGN.md, house rule 3).

One world is built through the services, measured, grown tenfold and measured
again, for a Sichuan coordinator and for the joint office's administrator, each
calling with a DRF token. Each count is asserted exactly: a change in either
direction is a change to look at, and a new constant is written down only when
the change is understood.

Building the world through the services takes seconds, so it is built once per
module, inside a transaction that is rolled back as soon as everything is
measured; the tests then judge the recorded counts one endpoint at a time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import membership_grant
from tests.clock import days, iso
from tests.factories import (
    AgencyFactory,
    PartyFactory,
    UserFactory,
    make_initiative,
    make_task,
)
from tests.worlds import rolled_back
from tracker import services
from tracker.models import Indicator, Initiative, Task

# The mark is what makes pytest-django set up the test database at all (it sets
# up only the databases that marked tests use); the tests themselves only read
# what the module fixture recorded.
# Dates are written from the tests' frozen today (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

SMALL = 3  # tasks in the small world
LARGE = 30  # tasks after growing it
PAGE_SIZES = (10, 50, 100)

# endpoint → URL, given the world (some URLs name the probe task or indicator)
ENDPOINTS: dict[str, Callable[[World], str]] = {
    "tasks": lambda w: "/api/v1/tasks/",
    "milestones": lambda w: "/api/v1/milestones/",
    "indicators": lambda w: "/api/v1/indicators/",
    "readings": lambda w: "/api/v1/readings/",
    "progress-updates": lambda w: "/api/v1/progress-updates/",
    "extension-requests": lambda w: "/api/v1/extension-requests/",
    "initiatives": lambda w: "/api/v1/initiatives/",
    "parties": lambda w: "/api/v1/parties/",
    "agencies": lambda w: "/api/v1/agencies/",
    "work-streams": lambda w: "/api/v1/work-streams/",
    "attention": lambda w: "/api/v1/attention/",
    "task-progress-updates": lambda w: (
        f"/api/v1/tasks/{w.probe_task.pk}/progress-updates/"
    ),
    "indicator-readings": lambda w: (
        f"/api/v1/indicators/{w.probe_indicator.pk}/readings/"
    ),
    "task-detail": lambda w: f"/api/v1/tasks/{w.probe_task.pk}/",
}
UNPAGINATED = {"task-detail"}

# The observed counts, per role. Common to all: token (1) + memberships (1);
# a paginated list adds COUNT(*) (1) and its page (1).
EXPECTED: dict[str, dict[str, int]] = {
    "coordinator": {
        "tasks": 5,  # + owners prefetch
        "milestones": 4,
        "indicators": 4,
        "readings": 4,
        "progress-updates": 5,  # + evidence files prefetch
        "extension-requests": 4,
        "initiatives": 5,  # + parties prefetch
        "parties": 4,
        "agencies": 4,
        "work-streams": 4,
        # a COUNT and a page per kind: claims to confirm, milestones
        # overdue, milestones due soon
        "attention": 8,
        # the bare task (visibility), then COUNT(*), the page and its files
        "task-progress-updates": 6,
        "indicator-readings": 5,  # the indicator, COUNT(*), the page
        "task-detail": 6,  # task, owners, milestones, indicators with latest
    },
    "administrator": {
        "tasks": 5,
        "milestones": 4,
        "indicators": 4,
        "readings": 4,
        "progress-updates": 5,
        "extension-requests": 4,
        "initiatives": 5,
        "parties": 4,
        "agencies": 4,
        "work-streams": 4,
        "attention": 4,  # extension requests awaiting decision: COUNT, page
        "task-progress-updates": 6,
        "indicator-readings": 5,
        "task-detail": 6,
    },
}


@dataclasses.dataclass
class World:
    """Tasks owned by both parties, each with a milestone per party overdue and
    one due soon, an indicator per party with a reading, a progress update per
    party, and extension requests (approved and pending); every third task is
    claimed complete by Chongqing and waits for Sichuan's confirmation, every
    fifth has its light overridden. Growing adds an initiative with a third
    party, more agencies and work streams.

    The probe task and its Sichuan indicator collect extra milestones, progress
    updates and readings as the world grows, so their own lists grow too."""

    sichuan: object
    chongqing: object
    sc_coord: object
    cq_coord: object
    office: object
    tasks: list[Task] = dataclasses.field(default_factory=list)
    initiatives: list[Initiative] = dataclasses.field(default_factory=list)
    probe_task: Task | None = None
    probe_indicator: Indicator | None = None
    _codes: itertools.count = dataclasses.field(
        default_factory=lambda: itertools.count(1)
    )
    _periods: itertools.count = dataclasses.field(
        default_factory=lambda: itertools.count(1)
    )

    def grow_to(self, n: int) -> None:
        today = timezone.localdate()
        if self.initiatives:
            # More of everything the reference lists show: an initiative with a
            # third party, its agencies and a second work stream.
            guizhou = PartyFactory(name="贵州省", short_name="黔")
            for _ in range(3):
                AgencyFactory(party=guizhou)
                AgencyFactory(party=self.sichuan)
            extra = make_initiative([self.sichuan, self.chongqing, guizhou])
            services.work_stream_create(initiative=extra, code="ws2", name="第二领域")
            self.initiatives.append(extra)
        else:
            self.initiatives.append(make_initiative([self.sichuan, self.chongqing]))
        initiative = self.initiatives[-1]
        added = n - len(self.tasks)
        while len(self.tasks) < n:
            self._add_task(initiative, today)
        self._feed_probe(per_party=added, today=today)

    def _add_task(self, initiative: Initiative, today: dt.date) -> None:
        i = next(self._codes)
        task = make_task(
            initiative,
            parties=[self.sichuan, self.chongqing],
            code=f"Q-{i:03d}",
            title=f"联合事项{i}",
            planned_start=today - dt.timedelta(days=60),
            due_date=today + dt.timedelta(days=90),
        )
        self.tasks.append(task)
        coords = {self.sichuan: self.sc_coord, self.chongqing: self.cq_coord}
        for party, coord in coords.items():
            services.milestone_create(
                task=task,
                title=f"{party.short_name}节点一",
                due_date=today - dt.timedelta(days=5),
                party=party,
            )
            services.milestone_create(
                task=task,
                title=f"{party.short_name}节点二",
                due_date=today + dt.timedelta(days=3),
                party=party,
            )
            indicator = services.indicator_create(
                task=task,
                name=f"{party.short_name}投资额",
                unit="亿元",
                target=Decimal(100),
                party=party,
            )
            self.record_reading(indicator, coord, today)
            services.progress_update_post(
                task=task,
                actor=coord,
                narrative=f"{party.short_name}推进中",
                progress=10,
            )
        if self.probe_task is None:
            self.probe_task = task
            self.probe_indicator = task.indicators.get(party=self.sichuan)
        if i % 2 == 0:
            extension = services.task_request_extension(
                task=task,
                actor=self.sc_coord,
                requested_due_date=today + dt.timedelta(days=120),
                reason="征地延误",
            )
            services.extension_request_decide(
                request=extension, actor=self.office, approve=True, opinion="同意延期"
            )
        services.task_request_extension(
            task=task,
            actor=self.cq_coord,
            requested_due_date=today + dt.timedelta(days=200),
            reason="设备到货延迟",
        )
        if i % 3 == 0:
            services.task_claim_completion(
                task=task, actor=self.cq_coord, explanation="主体工程已完工"
            )
        if i % 5 == 0:
            services.light_override_set(
                task=task,
                actor=self.office,
                light="amber",
                reason="专班研判",
                expires_at=timezone.now() + dt.timedelta(days=10),
            )

    def record_reading(self, indicator, coord, today: dt.date) -> None:
        services.indicator_reading_record(
            indicator=indicator,
            actor=coord,
            period=today - dt.timedelta(days=next(self._periods)),
            value=Decimal("12.5"),
        )

    def _feed_probe(self, *, per_party: int, today: dt.date) -> None:
        for k in range(per_party):
            services.milestone_create(
                task=self.probe_task,
                title=f"补充节点{k}",
                due_date=today + dt.timedelta(days=30 + k),
                party=self.sichuan if k % 2 else self.chongqing,
            )
            for coord in (self.sc_coord, self.cq_coord):
                services.progress_update_post(
                    task=self.probe_task, actor=coord, narrative="补充进展", progress=20
                )
                self.record_reading(self.probe_indicator, self.sc_coord, today)


def count_queries(client: APIClient, url: str) -> tuple[int, int]:
    """(status code, number of SQL queries) of one GET."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response.status_code, len(ctx.captured_queries)


def row_count(client: APIClient, url: str) -> int:
    body = client.get(url).json()
    if isinstance(body, dict):
        if "count" in body:
            return body["count"]
        # the task detail: the rows under the one task
        return sum(len(body[k]) for k in ("milestones", "indicators", "owners"))
    return len(body)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    return client


def member(username: str, party, role: str):
    """As the `sc_coord` and `office` fixtures of tests/conftest.py make them."""
    user = UserFactory(username=username)
    membership_grant(user=user, party=party, role=role)
    return user


ROLES = ("coordinator", "administrator")


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict:
    """Build, measure, grow, measure; roll everything back. Returns, per role:
    ``small``/``large`` {endpoint: (status, queries)}, ``small_rows``/
    ``large_rows`` {endpoint: rows}, ``pages`` {endpoint: {size: (status,
    queries)}} and ``shown`` {endpoint: rows on a page of 100}."""
    results: dict = {role: {} for role in ROLES}
    with rolled_back(django_db_blocker):
        sichuan = PartyFactory(code="sc", name="四川省", short_name="川")
        chongqing = PartyFactory(
            code="cq", name="重庆市", short_name="渝", kind="municipality"
        )
        world = World(
            sichuan,
            chongqing,
            sc_coord=member("sc_coord", sichuan, "coordinator"),
            cq_coord=member("cq_coord", chongqing, "coordinator"),
            office=member("office", sichuan, "administrator"),
        )
        clients = {
            "coordinator": token_client(world.sc_coord),
            "administrator": token_client(world.office),
        }
        world.grow_to(SMALL)
        for size in ("small", "large"):
            if size == "large":
                world.grow_to(LARGE)
            for role, client in clients.items():
                urls = {name: url(world) for name, url in ENDPOINTS.items()}
                results[role][f"{size}_rows"] = {
                    name: row_count(client, u) for name, u in urls.items()
                }
                results[role][size] = {
                    name: count_queries(client, u) for name, u in urls.items()
                }
        for role, client in clients.items():
            urls = {
                name: url(world)
                for name, url in ENDPOINTS.items()
                if name not in UNPAGINATED
            }
            results[role]["pages"] = {
                name: {
                    size: count_queries(client, f"{u}?page_size={size}")
                    for size in PAGE_SIZES
                }
                for name, u in urls.items()
            }
            results[role]["shown"] = {
                name: len(client.get(f"{u}?page_size=100").json()["results"])
                for name, u in urls.items()
            }
    return results


CASES = [(role, name) for role in ROLES for name in ENDPOINTS]
PAGED_CASES = [(role, name) for role, name in CASES if name not in UNPAGINATED]


def _id(case) -> str:
    return f"{case[0]}-{case[1]}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_query_count_does_not_grow_with_rows(measured, case):
    role, name = case
    r = measured[role]
    assert r["large_rows"][name] > r["small_rows"][name], "the world must grow"
    (small_status, small), (large_status, large) = r["small"][name], r["large"][name]
    assert (small_status, large_status) == (200, 200)
    assert small == large, (
        f"{name}: {small} queries with {r['small_rows'][name]} rows, "
        f"{large} with {r['large_rows'][name]}"
    )
    assert small == EXPECTED[role][name]


@pytest.mark.parametrize("case", PAGED_CASES, ids=_id)
def test_query_count_does_not_grow_with_page_size(measured, case):
    role, name = case
    pages = measured[role]["pages"][name]
    assert pages == dict.fromkeys(PAGE_SIZES, (200, EXPECTED[role][name]))


@pytest.mark.parametrize("name", sorted(set(ENDPOINTS) - UNPAGINATED))
def test_big_pages_hold_more_rows(measured, name):
    """The page-size test means something only where a page of 100 holds more
    rows than one of 10 (the reference lists are short by nature)."""
    shown = measured["administrator"]["shown"][name]
    short = {"initiatives", "parties", "agencies", "work-streams"}
    assert shown > (1 if name in short else 10)


def test_task_detail_indicators_show_their_latest_reading(task, sichuan, sc_coord):
    """The task detail prefetches every reading of its indicators (one query,
    counted above as the detail's seventh) yet shows no latest value: its
    indicator queryset lacks the `latest_value`/`latest_period` annotations
    that `/indicators/` has, so the serializer falls back to null."""
    indicator = services.indicator_create(
        task=task, name="投资额", unit="亿元", party=sichuan
    )
    for month, value in ((1, "3.5"), (2, "7.25")):
        services.indicator_reading_record(
            indicator=indicator,
            actor=sc_coord,
            period=days(30 * month - 70),
            value=Decimal(value),
        )
    client = token_client(sc_coord)
    listed = client.get(f"/api/v1/indicators/{indicator.pk}/").json()
    detail = client.get(f"/api/v1/tasks/{task.pk}/").json()["indicators"]
    assert (listed["latest_value"], listed["latest_period"]) == (
        "7.2500",
        iso(-10),
    )
    assert [(i["latest_value"], i["latest_period"]) for i in detail] == [
        ("7.2500", iso(-10))
    ]
