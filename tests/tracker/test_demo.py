"""The demo data set: complete, true to the article, valid and idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Membership, Party, User
from tests.clock import TODAY, frozen
from tests.worlds import rolled_back
from tracker.choices import MilestoneStatus, TaskStatus
from tracker.demo import DEMO_LOGINS, DEMO_PASSWORD, data, load_demo
from tracker.models import (
    IndicatorReading,
    IndustrialPark,
    Initiative,
    Milestone,
    ParkPair,
    ParkPairMember,
    ProgressUpdate,
    Task,
)
from tracker.models.task import derived_progress

# One fragment per item the article (DOMAIN.md) names as a joint task.
EXPECTED_TITLES = [
    "1000千伏特高压",
    "页岩气",
    "供应链对接",
    "铝合金",
    "航空装备",
    "反推力",
    "360",
    "IPv6",
    "双跨",
    "标识解析",
    "产业合作园区建设",
    "结对共建",
    "绩效评价",
    "生物医药集群入选",
    "生物制造",
    "三年行动",
    "公共服务平台",
    "车路云",
    "电走廊",
    "智能网联与新能源汽车",
    "轨道交通产业集群",
    "食品",
    "18条产业链全景图",
]


def _row_counts() -> dict[str, int]:
    models = [
        *apps.get_app_config("accounts").get_models(include_auto_created=True),
        *apps.get_app_config("tracker").get_models(include_auto_created=True),
        Group,
        Group.permissions.through,
        User.groups.through,
    ]
    return {model._meta.label: model._default_manager.count() for model in models}


def _check_deferred_constraints():
    """The test transaction never commits: run the deferred checks now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module at the tests' frozen today
    (tests/clock.py), in a transaction rolled back at its end; each test runs
    in a savepoint of its own."""
    with frozen(), rolled_back(django_db_blocker):
        created = load_demo(today=TODAY)
        _check_deferred_constraints()
        yield created


@pytest.fixture
def demo(_demo, db, today):
    """What the first load created, by kind."""
    return _demo


def test_first_load_reports_what_it_created(demo):
    assert demo["parties"] == 2
    assert demo["initiatives"] == 1
    assert demo["work_streams"] == 10  # each industry cluster is a stream
    assert demo["tasks"] == len(data.TASKS) == Task.objects.count()
    assert demo["milestones"] == Milestone.objects.count()
    assert demo["readings"] == IndicatorReading.objects.count()
    assert demo["progress_updates"] == ProgressUpdate.objects.count()
    assert demo["users"] == 7
    assert demo["groups"] == 0  # migrate already made the auditors' group
    assert demo["group_members"] == 2


def test_every_article_item_is_a_task_owned_in_both_provinces(demo):
    initiative = Initiative.objects.get(code="chengyu")
    assert initiative.launched_on == dt.date(2020, 1, 3)
    assert set(initiative.parties.values_list("code", flat=True)) == {"SC", "CQ"}
    tasks = list(Task.objects.filter(initiative=initiative))
    for fragment in EXPECTED_TITLES:
        matching = [task for task in tasks if fragment in task.title]
        assert len(matching) == 1, fragment
    for task in tasks:
        owners = task.owners.select_related("agency")
        assert sorted(owner.party.code for owner in owners) == ["CQ", "SC"], task.code
        assert all(owner.contact_name and owner.contact_phone for owner in owners)
    assert {task.status for task in tasks} == {
        TaskStatus.NOT_STARTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.COMPLETED,
    }
    assert {task.task_list for task in tasks} == {
        "co_build",
        "reciprocal",
        "joint_application",
    }
    for task in tasks:
        if task.status == TaskStatus.COMPLETED:
            assert task.progress == 100
            assert task.completed_at < timezone.now()
            assert not task.milestones.exclude(status=MilestoneStatus.DONE).exists()
        assert 2 <= task.milestones.filter(parent=None).count() <= 4, task.code


def test_lead_agencies_and_parties(demo):
    sichuan = Party.objects.get(code="SC")
    chongqing = Party.objects.get(code="CQ")
    assert (sichuan.name, sichuan.short_name, sichuan.sort_order) == ("四川省", "川", 1)
    assert (chongqing.name, chongqing.kind) == ("重庆市", "municipality")
    assert sichuan.agencies.get(is_lead=True).name == "四川省经济和信息化厅"
    assert chongqing.agencies.get(is_lead=True).name == "重庆市经济和信息化委员会"
    assert sichuan.agencies.count() > 5 and chongqing.agencies.count() > 5


def test_parks_pairs_and_first_evaluation(demo):
    parks = IndustrialPark.objects.all()
    assert parks.count() == 20
    assert parks.filter(party__code="SC").count() == 10
    assert parks.filter(party__code="CQ").count() == 10
    assert len(set(parks.values_list("city_county", flat=True))) == 19
    assert set(parks.values_list("batch", flat=True)) == {2021}
    pairs = ParkPair.objects.prefetch_related("members__park__party")
    assert pairs.count() == 10
    for pair in pairs:
        assert pair.batch == 2021
        assert sorted(m.park.party.code for m in pair.members.all()) == ["CQ", "SC"]
    # Every park is in exactly one pair of the batch.
    assert ParkPairMember.objects.filter(batch=2021).count() == 20
    # The first evaluation cycle, published: every park met its targets
    # (tests/parks/test_demo.py checks its figures).
    from parks.models import ParkAssessment

    results = ParkAssessment.objects.filter(cycle__state="published")
    assert results.count() == 20
    assert set(results.values_list("outcome", "state", "cycle__announced_on")) == {
        ("met", "published", dt.date(2024, 12, 12))
    }


def _reading(indicator_fragment, unit):
    return IndicatorReading.objects.filter(
        indicator__name__contains=indicator_fragment, indicator__unit=unit
    ).latest("period")


def test_indicator_readings_carry_the_articles_figures(demo):
    assert _reading("带宽", "Gbps").value == Decimal(360)
    assert _reading("铝合金车体", "辆").value == Decimal(200)
    assert _reading("自动驾驶测试道路", "公里").value == Decimal(1500)
    events = _reading("对接活动", "场（次）")
    assert events.value >= 10 and events.indicator.target == 10
    assert _reading("双跨", "个").value == 2
    assert _reading("顶级节点", "个").value == 2
    assert _reading("互采订单", "亿元").value < 1000
    assert _reading("营业收入", "亿元").value == 16000
    assert _reading("贡献率", "%").value == 22
    assert _reading("集群总规模", "亿元").value == 6500
    assert _reading("相关企业数量", "家").value == 6700
    assert _reading("规上工业营收", "亿元").value == 2700
    assert _reading("占全国比重", "%").value == 11
    assert _reading("参展企业", "家").value == 640
    assert _reading("全景图", "张").value == 18
    for reading in IndicatorReading.objects.select_related("indicator", "reported_by"):
        membership = reading.reported_by.memberships.get()
        assert membership.role == Role.COORDINATOR
        assert membership.party_id == reading.party_id
        if reading.indicator.party_id:
            assert reading.indicator.party_id == reading.party_id


def test_milestones_done_overdue_and_due_soon(demo):
    done = Milestone.objects.filter(status=MilestoneStatus.DONE)
    open_ = Milestone.objects.exclude(status=MilestoneStatus.DONE)
    assert done.exists()
    assert not done.filter(completed_at__gt=timezone.now()).exists()
    assert open_.filter(due_date__lt=TODAY).count() >= 3
    assert (
        open_.filter(
            due_date__gte=TODAY, due_date__lte=TODAY + dt.timedelta(days=14)
        ).count()
        >= 3
    )
    assert Milestone.objects.filter(party=None, parts__isnull=False).exists()
    for joint in Milestone.objects.filter(party=None, status=MilestoneStatus.DONE):
        assert not joint.parts.exclude(status=MilestoneStatus.DONE).exists()
    for milestone in Milestone.objects.exclude(party=None):
        assert milestone.task.has_owner(milestone.party_id)


def test_weekly_progress_updates_rise_to_the_task_progress(demo):
    updates = ProgressUpdate.objects.all()
    weeks = {
        (TODAY - timezone.localtime(update.reported_at).date()).days // 7
        for update in updates
    }
    assert len(weeks) >= 6 and max(weeks) <= 8 and min(weeks) >= 1
    assert set(updates.values_list("party__code", flat=True)) == {"SC", "CQ"}
    assert updates.values("task").distinct().count() >= 10
    for task in Task.objects.filter(progress_updates__isnull=False).distinct():
        series = list(
            task.progress_updates.order_by("reported_at").values_list(
                "progress", flat=True
            )
        )
        assert series == sorted(series), task.code
        # Each party's part is its last report; the item is their average.
        parts = list(task.owners.all())
        for part in parts:
            mine = task.progress_updates.filter(party=part.party).order_by(
                "reported_at"
            )
            if mine:
                assert mine.last().progress == part.progress, task.code
        assert task.progress == derived_progress(p.progress for p in parts)


def test_loading_again_changes_nothing_even_a_week_later(demo):
    before = _row_counts()
    for today in (TODAY, TODAY + dt.timedelta(days=7)):
        created = load_demo(today=today)
        assert set(created.values()) == {0}, created
        assert _row_counts() == before


def test_demo_users_for_every_role_in_both_provinces(demo):
    for party in ("SC", "CQ"):
        roles = set(
            Membership.objects.filter(party__code=party).values_list("role", flat=True)
        )
        assert roles == set(Role.values), party
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(DEMO_PASSWORD)
    for username in ("sc_auditor", "cq_auditor"):
        auditor = User.objects.get(username=username)
        assert auditor.is_staff and not auditor.is_superuser
        assert auditor.has_perm("tracker.view_task")
        assert auditor.has_perm("accounts.view_party")
        assert not auditor.has_perm("tracker.change_task")
    assert {login[0] for login in DEMO_LOGINS} == set(
        User.objects.values_list("username", flat=True)
    )
    assert all(user.full_name for user in User.objects.all())


def test_data_is_consistent():
    for spec in data.TASKS:
        completed = spec["status"] == TaskStatus.COMPLETED
        assert ("completed_on" in spec) == completed, spec["code"]
        assert (spec["progress"] == 100) == completed, spec["code"]
        if spec.get("updates"):
            latest = min(spec["updates"], key=lambda update: update[0])
            assert latest[2] == spec["progress"], spec["code"]
    codes = [spec["code"] for spec in data.TASKS]
    assert len(codes) == len(set(codes))
