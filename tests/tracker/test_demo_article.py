"""Every item and figure of the article (as DOMAIN.md restates it) is in the
demo data after `load_demo`, with the article's own numbers; figures the
article gives as "more than" are stored as lower bounds and printed as it
prints them.

Not listed here: the park evaluation figures (20 parks met their targets,
mutual procurement orders close to 100 billion yuan, more than 1,000
enterprises in co-construction, co-built large enterprises' revenue growing
over 10 % a year, park revenue above 1.6 trillion yuan in 2023, cooperating
enterprises' 22 % share of park revenue): the park evaluation cycles cover
them.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Agency
from tests.clock import TODAY, frozen
from tests.worlds import rolled_back
from tracker.choices import Qualifier, TaskList, TaskStatus
from tracker.demo import load_demo
from tracker.figures import figure_text
from tracker.models import (
    IndicatorReading,
    Initiative,
    InitiativeIndicatorReading,
    Milestone,
    Task,
    WorkStream,
)

D = dt.date
EXACT, OVER, ODD = Qualifier.EXACT, Qualifier.MORE_THAN, Qualifier.ODD

# --- The article's task list, by work stream (DOMAIN.md) ---------------------
# (work stream name, fragment of the task title, fragments its title,
# description or milestones must carry)
TASKS = [
    ("战略资源储备保障", "川渝1000千伏特高压交流工程", []),
    ("战略资源储备保障", "国家天然气（页岩气）千亿立方米产能基地", []),
    ("高端装备供应链", "供应链对接活动", ["10余场（次）"]),
    ("高端装备供应链", "9号线、10号线", ["铝合金车体", "200余辆"]),
    ("高端装备供应链", "国家高端航空装备技术创新中心", ["挂牌成立"]),
    (
        "高端装备供应链",
        "成发公司（420厂）",
        ["重庆材料研究院有限公司", "反推力装置部件", "阶段成果"],
    ),
    ("关键数字基础设施", "西部首条国际互联网数据专用通道", ["360Gbps"]),
    ("关键数字基础设施", "中西部唯一IPv6根服务器", ["市域通信网络全面支持IPv6"]),
    ("关键数字基础设施", "“双跨”工业互联网平台", ["2个国家级“双跨”"]),
    ("关键数字基础设施", "标识解析顶级节点", ["顶级节点2个", "增速均居全国第一"]),
    (
        "产业合作园区绩效评价",
        "产业合作园区建设政策文件",
        [
            "《关于加快推进成渝地区双城经济圈产业合作园区建设的通知》",
            "《成渝地区双城经济圈产业合作示范园区创建管理办法》",
        ],
    ),
    (
        "产业合作园区绩效评价",
        "首批20个产业合作示范园区",
        ["2021年", "四川、重庆各10个", "19个市（州）和县（区）"],
    ),
    ("产业合作园区绩效评价", "绩效评价", ["2024年12月12日", "重庆"]),
    (
        "生物医药产业集群",
        "生物医药集群入选国家先进制造业集群",
        ["超6500亿元", "6700户", "2700亿元", "2024年11月18日"],
    ),
    ("生物医药产业集群", "生物制造（生物医药）先进制造业集群", ["共同申报"]),
    (
        "生物医药产业集群",
        "生物医药全产业链",
        ["生物药", "化学药", "中药", "医疗器械", "成都医药健康产业生态圈联盟"],
    ),
    ("电子信息产业集群", "培育提升三年行动", ["超11%"]),
    ("电子信息产业集群", "公共服务平台", ["上线运营"]),
    ("汽车产业集群", "车路云一体化", ["国家首批", "超1500公里"]),
    ("汽车产业集群", "电走廊", ["2024年5月全线贯通", "重卡充换电"]),
    ("汽车产业集群", "智能网联与新能源汽车先进制造业集群", ["联合申报"]),
    (
        "轨道交通产业集群",
        "轨道交通产业集群",
        [
            "《协同推动轨道交通高质量发展合作协议》",
            "《成渝两地轨道交通产业链主企业一致协同行动方案》",
        ],
    ),
    (
        "消费品产业集群",
        "第三届成渝美食工业博览会",
        ["2024年9月27日", "成都", "超640家"],
    ),
    ("产业协同机制", "18条产业链全景图", ["集成电路", "智能终端"]),
    # The next-step plan's three mechanisms.
    ("产业协同机制", "“双核”产业协同发展机制", []),
    ("产业协同机制", "产业备份基地协作共建机制", []),
    ("产业协同机制", "梯度培育机制", ["世界级先进制造业集群"]),
]

# Each industry cluster is a work stream of its own.
CLUSTER_STREAMS = [
    "生物医药产业集群",
    "电子信息产业集群",
    "汽车产业集群",
    "轨道交通产业集群",
    "消费品产业集群",
]

# --- The article's figures on tasks -------------------------------------------
# (indicator name fragment, unit, value, qualifier, as printed in Chinese)
TASK_FIGURES = [
    ("对接活动场次", "场（次）", "10", ODD, "10余"),
    ("铝合金车体交付量", "辆", "200", ODD, "200余"),
    ("专用通道带宽", "Gbps", "360", EXACT, "360"),
    ("“双跨”工业互联网平台", "个", "2", EXACT, "2"),
    ("标识解析顶级节点", "个", "2", EXACT, "2"),
    ("集群总规模", "亿元", "6500", OVER, "超过6500"),
    ("生物医药相关企业数量", "家", "6700", EXACT, "6700"),
    ("生物医药规上工业营收", "亿元", "2700", EXACT, "2700"),
    ("占全国比重", "%", "11", OVER, "超过11"),
    ("自动驾驶测试道路", "公里", "1500", OVER, "超过1500"),
    ("参展企业数量", "家", "640", OVER, "超过640"),
    ("产业链全景图", "张", "18", EXACT, "18"),
]

# --- Circle-wide figures (全域指标) -------------------------------------------
# (indicator name, unit, period, value, qualifier, as printed in Chinese)
CIRCLE_FIGURES = [
    ("GDP增速高于全国", "百分点", D(2024, 6, 30), "0.8", EXACT, "0.8百分点"),
    ("GDP增速高于西部地区", "百分点", D(2024, 6, 30), "0.8", EXACT, "0.8百分点"),
    ("2023年以来新增高新技术企业", "家", D(2024, 12, 31), "3752", EXACT, "3752家"),
    ("新增高新技术企业增幅", "%", D(2024, 12, 31), "22", EXACT, "22%"),
    (
        "国家先进制造业集群数量前十城市中的中西部城市",
        "个",
        D(2024, 12, 31),
        "1",
        EXACT,
        "1个",
    ),
]
# What the circle-wide readings' notes must say, word for word from the article.
CIRCLE_NOTES = [
    "GDP增速比全国、西部地区均高0.8个百分点",
    "新增高新技术企业3752家",
    "增幅达到22%",
    "成都是唯一的中西部城市",
]


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with frozen(), rolled_back(django_db_blocker):
        load_demo(today=TODAY)
        yield Initiative.objects.get(code="chengyu")


@pytest.fixture
def initiative(_demo, db):
    return _demo


def _task_text(task: Task) -> str:
    milestones = Milestone.objects.filter(task=task).values_list("title", flat=True)
    return " ".join([task.title, task.description, *milestones])


@pytest.mark.parametrize(
    ("stream", "title", "fragments"), TASKS, ids=[t[1] for t in TASKS]
)
def test_every_article_item_is_a_task_in_its_work_stream(
    initiative, stream, title, fragments
):
    matching = list(
        Task.objects.filter(
            initiative=initiative, title__contains=title
        ).select_related("work_stream")
    )
    assert len(matching) == 1, (title, [t.title for t in matching])
    task = matching[0]
    assert task.work_stream.name == stream
    text = _task_text(task)
    for fragment in fragments:
        assert fragment in text, (title, fragment)
    assert sorted(task.owners.values_list("party__code", flat=True)) == ["CQ", "SC"]


def test_each_industry_cluster_is_its_own_work_stream(initiative):
    streams = WorkStream.objects.filter(initiative=initiative)
    names = set(streams.values_list("name", flat=True))
    assert set(CLUSTER_STREAMS) <= names
    for name in CLUSTER_STREAMS:
        assert Task.objects.filter(work_stream__name=name).exists(), name
    # No task is left in a catch-all cluster stream.
    assert not Task.objects.filter(work_stream__name="产业集群").exists()


def test_the_biomedicine_chain_has_its_four_parts(initiative):
    task = Task.objects.get(initiative=initiative, title__contains="全产业链")
    titles = list(task.milestones.filter(parent=None).values_list("title", flat=True))
    for part in ("生物药", "化学药", "中药", "医疗器械"):
        assert [t for t in titles if t.startswith(part)], part


def test_the_alliance_owns_its_part_of_the_chain(initiative):
    alliance = Agency.objects.get(name="成都医药健康产业生态圈联盟")
    assert alliance.party.code == "SC"
    assert alliance.parent.name == "成都市经济和信息化局"
    task = Task.objects.get(initiative=initiative, title__contains="全产业链")
    assert task.owners.get(party__code="SC").agency == alliance


def test_the_next_step_mechanisms_are_one_in_each_list(initiative):
    lists = {
        "“双核”产业协同发展机制": TaskList.RECIPROCAL,
        "产业备份基地协作共建机制": TaskList.CO_BUILD,
        "梯度培育机制": TaskList.JOINT_APPLICATION,
    }
    for fragment, task_list in lists.items():
        task = Task.objects.get(initiative=initiative, title__contains=fragment)
        assert task.task_list == task_list, fragment
        # A next step: not begun yet, and due after the demo's today.
        assert task.status == TaskStatus.NOT_STARTED
        assert task.due_date > TODAY


@pytest.mark.parametrize(
    ("name", "unit", "value", "qualifier", "printed"),
    TASK_FIGURES,
    ids=[f[0] for f in TASK_FIGURES],
)
def test_task_figures_are_the_articles(
    initiative, name, unit, value, qualifier, printed
):
    reading = IndicatorReading.objects.filter(
        indicator__task__initiative=initiative,
        indicator__name__contains=name,
        indicator__unit=unit,
    ).latest("period")
    assert reading.value == Decimal(value)
    assert reading.qualifier == qualifier
    with translation.override("zh-hans"):
        assert figure_text(reading.value, "", reading.qualifier) == printed


@pytest.mark.parametrize(
    ("name", "unit", "period", "value", "qualifier", "printed"),
    CIRCLE_FIGURES,
    ids=[f[0] for f in CIRCLE_FIGURES],
)
def test_circle_wide_figures_belong_to_the_initiative(
    initiative, name, unit, period, value, qualifier, printed
):
    reading = InitiativeIndicatorReading.objects.select_related(
        "indicator", "reported_by"
    ).get(indicator__initiative=initiative, indicator__name=name)
    assert reading.indicator.unit == unit
    assert (reading.period, reading.value) == (period, Decimal(value))
    assert reading.qualifier == qualifier
    # Recorded by the joint office, not a province's coordinator.
    assert reading.reported_by.username == "admin"
    assert "2024回眸" in reading.source
    with translation.override("zh-hans"):
        assert figure_text(reading.value, unit, reading.qualifier) == printed


def test_circle_wide_notes_quote_the_article(initiative):
    notes = " ".join(
        InitiativeIndicatorReading.objects.filter(
            indicator__initiative=initiative
        ).values_list("note", flat=True)
    )
    for fragment in CIRCLE_NOTES:
        assert fragment in notes, fragment


def test_no_task_reading_has_a_figure_the_article_does_not_give(initiative):
    """The readings are exactly the article's figures above (and the park
    evaluation's, checked by the park evaluation cycles)."""
    expected = {(name, Decimal(value)) for name, _u, value, _q, _p in TASK_FIGURES}
    for reading in IndicatorReading.objects.filter(
        indicator__task__initiative=initiative
    ).exclude(indicator__task__work_stream__code="parks"):
        assert any(
            fragment in reading.indicator.name and reading.value == value
            for fragment, value in expected
        ), (reading.indicator.name, reading.value)


def test_the_initiative_and_its_lead_agencies(initiative):
    # Five years old in January 2025.
    assert initiative.launched_on.year == 2020 and initiative.launched_on.month == 1
    leads = set(initiative.participations.values_list("lead_agency__name", flat=True))
    assert leads == {"四川省经济和信息化厅", "重庆市经济和信息化委员会"}
    assert {t.task_list for t in Task.objects.filter(initiative=initiative)} == set(
        TaskList.values
    )
