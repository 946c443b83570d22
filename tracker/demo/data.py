"""The demo task list of the Chengdu–Chongqing Economic Circle, as plain data.

Every figure comes from the 2024 review article in /work/shared/seed (restated
in DOMAIN.md). Dates are either fixed (what happened in 2024 and before) or
relative to the day the demo is loaded (``ago``, ``ahead``, ``year_end``), so
that every first load shows milestones due soon, overdue ones and recent weekly
progress reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.choices import AgencyKind, PartyKind, Role

from ..choices import MilestoneStatus, Priority, TaskList, TaskStatus

D = dt.date


@dataclass(frozen=True)
class DaysFromToday:
    days: int


@dataclass(frozen=True)
class YearEnd:
    """31 December of the load day's year plus ``years``."""

    years: int = 0


DateSpec = dt.date | DaysFromToday | YearEnd


def ago(days: int) -> DaysFromToday:
    return DaysFromToday(-days)


def ahead(days: int) -> DaysFromToday:
    return DaysFromToday(days)


def year_end(years: int = 0) -> YearEnd:
    return YearEnd(years)


def resolve(spec: DateSpec | None, today: dt.date) -> dt.date | None:
    if spec is None or isinstance(spec, dt.date):
        return spec
    if isinstance(spec, DaysFromToday):
        return today + dt.timedelta(days=spec.days)
    return D(today.year + spec.years, 12, 31)


SC, CQ = "SC", "CQ"
CO_BUILD = TaskList.CO_BUILD
RECIPROCAL = TaskList.RECIPROCAL
JOINT_APPLICATION = TaskList.JOINT_APPLICATION
HIGH, NORMAL = Priority.HIGH, Priority.NORMAL
NOT_STARTED = TaskStatus.NOT_STARTED
IN_PROGRESS = TaskStatus.IN_PROGRESS
COMPLETED = TaskStatus.COMPLETED
PENDING = MilestoneStatus.PENDING
WORKING = MilestoneStatus.IN_PROGRESS

# --- Parties, agencies, initiative ---------------------------------------------

PARTIES = [
    {
        "code": SC,
        "name": "四川省",
        "short_name": "川",
        "kind": PartyKind.PROVINCE,
        "sort_order": 1,
    },
    {
        "code": CQ,
        "name": "重庆市",
        "short_name": "渝",
        "kind": PartyKind.MUNICIPALITY,
        "sort_order": 2,
    },
]

SC_LEAD = "四川省经济和信息化厅"
CQ_LEAD = "重庆市经济和信息化委员会"
LEAD_AGENCY = {SC: SC_LEAD, CQ: CQ_LEAD}

# (party, name, short name, kind, parent agency name); the lead agencies first.
AGENCIES = [
    (SC, SC_LEAD, "四川省经信厅", AgencyKind.DEPARTMENT, None),
    (SC, "四川省发展和改革委员会", "四川省发改委", AgencyKind.DEPARTMENT, None),
    (SC, "四川省通信管理局", "四川省通信管理局", AgencyKind.DEPARTMENT, None),
    (SC, "成都市经济和信息化局", "成都市经信局", AgencyKind.CITY_BUREAU, SC_LEAD),
    (
        SC,
        "成都经济技术开发区管理委员会",
        "成都经开区管委会",
        AgencyKind.PARK,
        "成都市经济和信息化局",
    ),
    (
        SC,
        "成都天府国际生物城管理委员会",
        "天府国际生物城管委会",
        AgencyKind.PARK,
        "成都市经济和信息化局",
    ),
    (
        SC,
        "国网四川省电力公司",
        "国网四川电力",
        AgencyKind.ENTERPRISE,
        "四川省发展和改革委员会",
    ),
    (
        SC,
        "中国航发成都发动机有限公司",
        "成发公司（420厂）",
        AgencyKind.ENTERPRISE,
        SC_LEAD,
    ),
    (
        SC,
        "中国电信股份有限公司四川分公司",
        "四川电信",
        AgencyKind.ENTERPRISE,
        "四川省通信管理局",
    ),
    (CQ, CQ_LEAD, "重庆市经信委", AgencyKind.DEPARTMENT, None),
    (CQ, "重庆市发展和改革委员会", "重庆市发改委", AgencyKind.DEPARTMENT, None),
    (CQ, "重庆市通信管理局", "重庆市通信管理局", AgencyKind.DEPARTMENT, None),
    (CQ, "重庆两江新区管理委员会", "两江新区管委会", AgencyKind.PARK, CQ_LEAD),
    (CQ, "重庆国际生物城管理委员会", "重庆国际生物城管委会", AgencyKind.PARK, CQ_LEAD),
    (
        CQ,
        "国网重庆市电力公司",
        "国网重庆电力",
        AgencyKind.ENTERPRISE,
        "重庆市发展和改革委员会",
    ),
    (CQ, "重庆材料研究院有限公司", "重庆材料院", AgencyKind.INSTITUTE, CQ_LEAD),
    (
        CQ,
        "重庆市轨道交通（集团）有限公司",
        "重庆轨道集团",
        AgencyKind.ENTERPRISE,
        CQ_LEAD,
    ),
    (
        CQ,
        "中国电信股份有限公司重庆分公司",
        "重庆电信",
        AgencyKind.ENTERPRISE,
        "重庆市通信管理局",
    ),
]

INITIATIVE = {
    "code": "chengyu",
    "name": "成渝地区双城经济圈",
    "short_name": "双城经济圈",
    "launched_on": D(2020, 1, 3),
    "description": (
        "川渝两省市共同推进成渝地区双城经济圈建设，以双核联动为引领，"
        "共推产业体系互联互通，携手共建世界级先进制造业集群。"
        "合作事项按“共投共建、相向合作、共同争取”三张清单推进，"
        "由两地经信部门牵头的专班统筹调度。"
    ),
}

# (code, name, description). Task code prefixes: NY 能源, ZB 装备, SZ 数字,
# YQ 园区, JQ 集群.
WORK_STREAMS = [
    (
        "energy",
        "战略资源储备保障",
        "联合推进战略资源储备保障，合力推动特高压输电、天然气（页岩气）产能基地等能源项目建设。",
    ),
    (
        "equipment",
        "高端装备供应链",
        "开展高端装备供应链对接，推动轨道交通、航空装备等领域整机与配套企业协作。",
    ),
    (
        "digital",
        "关键数字基础设施",
        "共建国际通信通道、IPv6、工业互联网平台和标识解析体系等关键数字基础设施。",
    ),
    (
        "parks",
        "产业合作园区绩效评价",
        "推进产业合作示范园区创建、结对共建和发展绩效评价。",
    ),
    (
        "clusters",
        "产业集群",
        "共建生物医药、电子信息、汽车、轨道交通、消费品等先进制造业集群。",
    ),
]

# --- Tasks ---------------------------------------------------------------------
#
# owners: party -> (agency name, contact, phone)
# milestones: title, due, party (None = joint), done (completion day or None),
#   status (when not done), weight, parts (party milestones of a joint one)
# indicators: name, unit, target, baseline, party (None = joint), readings
#   (period, value, reporting party, note[, reported on])


def ms(
    title: str,
    due: DateSpec,
    *,
    party: str | None = None,
    done: DateSpec | None = None,
    status: str = PENDING,
    weight: int = 1,
    description: str = "",
    parts: list[dict] | None = None,
) -> dict:
    return {
        "title": title,
        "due": due,
        "party": party,
        "done": done,
        "status": status,
        "weight": weight,
        "description": description,
        "parts": parts or [],
    }


def ind(
    name: str,
    unit: str,
    *,
    target: str | None,
    baseline: str | None = None,
    party: str | None = None,
    description: str = "",
    readings: list[tuple] = (),
) -> dict:
    return {
        "name": name,
        "unit": unit,
        "target": target,
        "baseline": baseline,
        "party": party,
        "description": description,
        "readings": list(readings),
    }


TASKS = [
    # 战略资源储备保障
    {
        "code": "NY-01",
        "stream": "energy",
        "title": "川渝1000千伏特高压交流工程",
        "description": (
            "合力推动川渝1000千伏特高压交流工程建设，提升川渝电网互济能力，"
            "增强两地能源安全保障水平。"
        ),
        "task_list": CO_BUILD,
        "lead": SC,
        "priority": HIGH,
        "status": IN_PROGRESS,
        "progress": 72,
        "planned_start": D(2022, 9, 1),
        "due": year_end(0),
        "owners": {
            SC: ("国网四川省电力公司", "张伟", "028-86512203"),
            CQ: ("国网重庆市电力公司", "刘洋", "023-63718825"),
        },
        "milestones": [
            ms(
                "建立川渝特高压工程建设协调推进机制",
                D(2023, 3, 31),
                done=D(2023, 3, 28),
            ),
            ms(
                "线路工程全线架线贯通",
                ago(12),
                status=WORKING,
                weight=3,
                parts=[
                    ms("四川段线路架线完成", ago(12), party=SC, done=ago(20)),
                    ms("重庆段线路架线完成", ago(12), party=CQ, status=WORKING),
                ],
            ),
            ms("四川侧变电站带电调试", ahead(10), party=SC, status=WORKING, weight=2),
        ],
        "updates": [
            (
                7,
                SC,
                64,
                "四川段线路组塔架线有序推进，已协调解决跨越施工停电窗口问题。",
            ),
            (
                5,
                CQ,
                66,
                "重庆段线路架线进入攻坚阶段，两地专班召开调度会，明确剩余区段施工计划。",
            ),
            (
                3,
                SC,
                69,
                "四川段线路架线全部完成，正在开展变电站带电调试准备工作。",
            ),
            (
                1,
                CQ,
                72,
                "重庆段剩余区段架线受天气影响有所滞后，已增派施工力量，力争两周内完成。",
            ),
        ],
    },
    {
        "code": "NY-02",
        "stream": "energy",
        "title": "国家天然气（页岩气）千亿立方米产能基地",
        "description": (
            "共同推进国家天然气（页岩气）千亿立方米产能基地建设，统筹川渝页岩气勘探开发"
            "和输配设施布局，增强战略资源储备保障能力。"
        ),
        "task_list": CO_BUILD,
        "lead": SC,
        "priority": HIGH,
        "status": IN_PROGRESS,
        "progress": 45,
        "planned_start": D(2021, 1, 1),
        "due": year_end(2),
        "owners": {
            SC: ("四川省发展和改革委员会", "李娜", "028-86705316"),
            CQ: ("重庆市发展和改革委员会", "王磊", "023-67572418"),
        },
        "milestones": [
            ms(
                "联合编制产能基地建设实施方案",
                D(2023, 6, 30),
                done=D(2023, 6, 20),
                weight=2,
            ),
            ms(
                "四川页岩气年度新建产能项目开工",
                ahead(7),
                party=SC,
                status=WORKING,
                weight=3,
            ),
            ms("重庆页岩气勘探开发年度计划实施评估", ago(5), party=CQ, weight=2),
        ],
        "indicators": [
            ind(
                "天然气（页岩气）产能",
                "亿立方米",
                target="1000",
                description="国家天然气（页岩气）千亿立方米产能基地建设目标。",
            ),
        ],
        "updates": [
            (
                8,
                SC,
                38,
                "会同重庆市发展改革委梳理页岩气年度新建产能项目清单，明确项目责任单位。",
            ),
            (
                4,
                CQ,
                41,
                "重庆页岩气勘探开发年度计划评估材料正在汇总，部分区块数据尚未报送。",
            ),
            (
                2,
                SC,
                45,
                "四川年度新建产能项目开工前手续基本办结，计划下周集中开工。",
            ),
        ],
    },
    # 高端装备供应链
    {
        "code": "ZB-01",
        "stream": "equipment",
        "title": "开展高端装备供应链对接活动",
        "description": (
            "两地联合举办高端装备供应链对接活动，推动整机企业与配套企业精准对接，"
            "目标开展10场（次）以上；截至2024年底已开展10余场（次）。"
        ),
        "task_list": RECIPROCAL,
        "lead": CQ,
        "priority": NORMAL,
        "status": IN_PROGRESS,
        "progress": 85,
        "planned_start": D(2024, 1, 1),
        "due": year_end(0),
        "owners": {
            SC: (SC_LEAD, "陈静", "028-86701125"),
            CQ: (CQ_LEAD, "杨帆", "023-63891207"),
        },
        "milestones": [
            ms(
                "累计开展供应链对接活动10场（次）",
                D(2024, 12, 31),
                done=D(2024, 12, 20),
                weight=3,
                parts=[
                    ms(
                        "四川承办供应链对接活动5场（次）",
                        D(2024, 12, 31),
                        party=SC,
                        done=D(2024, 11, 29),
                    ),
                    ms(
                        "重庆承办供应链对接活动5场（次）",
                        D(2024, 12, 31),
                        party=CQ,
                        done=D(2024, 12, 20),
                    ),
                ],
            ),
            ms("航空装备供应链专场对接活动", ahead(5), party=CQ, status=WORKING),
            ms("轨道交通装备供应链专场对接活动", ago(3), party=SC),
        ],
        "indicators": [
            ind(
                "高端装备供应链对接活动场次",
                "场（次）",
                target="10",
                baseline="0",
                readings=[
                    (D(2024, 6, 30), "5", CQ, "上半年两地共开展对接活动5场（次）。"),
                    (
                        D(2024, 12, 31),
                        "12",
                        SC,
                        "已开展对接活动10余场（次），超过10场。",
                    ),
                ],
            ),
        ],
        "updates": [
            (
                6,
                CQ,
                78,
                "航空装备供应链专场对接活动方案已报两地专班，正在征集整机企业配套需求。",
            ),
            (
                4,
                SC,
                80,
                "轨道交通装备专场对接活动已确定参会链主企业，场地和日程待重庆方确认。",
            ),
            (
                2,
                CQ,
                83,
                "航空装备专场已完成整机企业配套需求征集，正在邀请两地配套企业报名参会。",
            ),
            (
                1,
                SC,
                85,
                "轨道交通装备专场因链主企业日程调整推迟举办，已与重庆方商定新的时间。",
            ),
        ],
    },
    {
        "code": "ZB-02",
        "stream": "equipment",
        "title": "成都轨道交通企业为重庆轨道交通9号线、10号线生产交付铝合金车体",
        "description": (
            "成都轨道交通企业承接重庆轨道交通9号线、10号线车辆铝合金车体生产，"
            "已生产交付200余辆，推动两地轨道交通装备配套协作。"
        ),
        "task_list": RECIPROCAL,
        "lead": SC,
        "priority": NORMAL,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 12, 27),
        "planned_start": D(2022, 1, 1),
        "due": D(2024, 12, 31),
        "owners": {
            SC: ("成都市经济和信息化局", "赵敏", "028-61881536"),
            CQ: ("重庆市轨道交通（集团）有限公司", "黄勇", "023-68532217"),
        },
        "milestones": [
            ms(
                "确定车体供货和质量验收方案",
                D(2023, 3, 31),
                done=D(2023, 3, 24),
            ),
            ms(
                "完成铝合金车体生产交付",
                D(2024, 12, 31),
                party=SC,
                done=D(2024, 12, 20),
                weight=3,
            ),
            ms(
                "完成车体到货验收",
                D(2024, 12, 31),
                party=CQ,
                done=D(2024, 12, 27),
            ),
        ],
        "indicators": [
            ind(
                "重庆轨道交通9号线、10号线铝合金车体交付量",
                "辆",
                target="200",
                baseline="0",
                party=SC,
                readings=[
                    (D(2024, 12, 31), "200", SC, "已生产交付200余辆铝合金车体。"),
                ],
            ),
        ],
    },
    {
        "code": "ZB-03",
        "stream": "equipment",
        "title": "挂牌成立国家高端航空装备技术创新中心",
        "description": (
            "推动国家高端航空装备技术创新中心挂牌成立，联合川渝航空装备企业和科研院所"
            "开展关键技术攻关和成果转化。"
        ),
        "task_list": CO_BUILD,
        "lead": SC,
        "priority": HIGH,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 9, 30),
        "planned_start": D(2023, 1, 1),
        "due": D(2024, 12, 31),
        "owners": {
            SC: ("成都市经济和信息化局", "孙丽", "028-61881672"),
            CQ: (CQ_LEAD, "周杰", "023-63891336"),
        },
        "milestones": [
            ms("创新中心建设方案获批", D(2024, 3, 31), done=D(2024, 3, 29)),
            ms(
                "创新中心挂牌成立",
                D(2024, 9, 30),
                party=SC,
                done=D(2024, 9, 30),
                weight=3,
            ),
            ms(
                "重庆航空装备企业和科研院所加入创新中心",
                D(2024, 9, 30),
                party=CQ,
                done=D(2024, 9, 30),
            ),
        ],
    },
    {
        "code": "ZB-04",
        "stream": "equipment",
        "title": "成发公司（420厂）联合重庆材料研究院研制航空发动机反推力装置部件",
        "description": (
            "成发公司（420厂）联合重庆材料研究院有限公司开展航空发动机反推力装置部件研制，"
            "已取得阶段成果，下一步推进部件装机考核。"
        ),
        "task_list": CO_BUILD,
        "lead": SC,
        "priority": HIGH,
        "status": IN_PROGRESS,
        "progress": 60,
        "planned_start": D(2023, 7, 1),
        "due": year_end(1),
        "owners": {
            SC: ("中国航发成都发动机有限公司", "吴刚", "028-84405127"),
            CQ: ("重庆材料研究院有限公司", "郑丽", "023-68264419"),
        },
        "milestones": [
            ms(
                "反推力装置部件研制取得阶段成果",
                D(2024, 12, 31),
                done=D(2024, 12, 16),
                weight=3,
                description="航空发动机反推力装置部件研制取得阶段成果。",
                parts=[
                    ms(
                        "完成部件结构设计和试制",
                        D(2024, 10, 31),
                        party=SC,
                        done=D(2024, 10, 30),
                    ),
                    ms(
                        "完成关键材料研制和性能测试",
                        D(2024, 12, 31),
                        party=CQ,
                        done=D(2024, 12, 16),
                    ),
                ],
            ),
            ms(
                "部件装机考核试验",
                ahead(12),
                status=WORKING,
                weight=3,
                parts=[
                    ms("装机试验件交付", ahead(4), party=SC, status=WORKING),
                    ms("试验用材料批次稳定性验证", ago(6), party=CQ, status=WORKING),
                ],
            ),
        ],
        "updates": [
            (
                7,
                SC,
                52,
                "装机试验件加工进入总装阶段，已向重庆材料研究院提交材料批次需求。",
            ),
            (
                5,
                CQ,
                55,
                "试验用材料完成首批次试制，性能测试数据已反馈成发公司（420厂）。",
            ),
            (
                3,
                SC,
                57,
                "装机试验件总装完成，正在开展出厂检验，预计按期交付。",
            ),
            (
                1,
                CQ,
                60,
                "第二批次材料稳定性验证数据有波动，正在复测，验证节点略有滞后。",
            ),
        ],
    },
    # 关键数字基础设施
    {
        "code": "SZ-01",
        "stream": "digital",
        "title": "西部首条国际互联网数据专用通道升级扩容至360Gbps",
        "description": (
            "推动西部首条国际互联网数据专用通道升级扩容，带宽达到360Gbps，"
            "服务川渝外向型企业跨境数据传输需求。"
        ),
        "task_list": CO_BUILD,
        "lead": CQ,
        "priority": HIGH,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 11, 29),
        "planned_start": D(2024, 1, 1),
        "due": D(2024, 12, 31),
        "owners": {
            SC: ("四川省通信管理局", "马超", "028-86263318"),
            CQ: ("重庆市通信管理局", "胡静", "023-63722659"),
        },
        "milestones": [
            ms("扩容方案审批", D(2024, 6, 30), party=CQ, done=D(2024, 6, 21)),
            ms(
                "通道扩容至360Gbps并投入使用",
                D(2024, 12, 31),
                party=CQ,
                done=D(2024, 11, 29),
                weight=3,
            ),
            ms(
                "四川外向型企业接入需求对接",
                D(2024, 11, 30),
                party=SC,
                done=D(2024, 11, 22),
            ),
        ],
        "indicators": [
            ind(
                "国际互联网数据专用通道带宽",
                "Gbps",
                target="360",
                party=CQ,
                readings=[
                    (
                        D(2024, 12, 31),
                        "360",
                        CQ,
                        "西部首条国际互联网数据专用通道升级扩容至360Gbps。",
                    ),
                ],
            ),
        ],
    },
    {
        "code": "SZ-02",
        "stream": "digital",
        "title": "部署中西部唯一IPv6根服务器，市域通信网络全面支持IPv6",
        "description": (
            "部署中西部唯一IPv6根服务器，推动市域通信网络全面支持IPv6，"
            "深化IPv6规模部署和应用。"
        ),
        "task_list": CO_BUILD,
        "lead": CQ,
        "priority": NORMAL,
        "status": IN_PROGRESS,
        "progress": 80,
        "planned_start": D(2023, 1, 1),
        "due": year_end(0),
        "owners": {
            SC: ("中国电信股份有限公司四川分公司", "林峰", "028-86103425"),
            CQ: ("中国电信股份有限公司重庆分公司", "何敏", "023-63107812"),
        },
        "milestones": [
            ms(
                "IPv6根服务器部署上线",
                D(2024, 6, 30),
                party=CQ,
                done=D(2024, 6, 26),
                weight=2,
            ),
            ms(
                "市域通信网络全面支持IPv6",
                D(2024, 12, 31),
                done=D(2024, 12, 20),
                weight=2,
                parts=[
                    ms(
                        "四川骨干网和城域网IPv6改造完成",
                        D(2024, 11, 30),
                        party=SC,
                        done=D(2024, 11, 28),
                    ),
                    ms(
                        "重庆市域通信网络IPv6改造完成",
                        D(2024, 12, 31),
                        party=CQ,
                        done=D(2024, 12, 20),
                    ),
                ],
            ),
            ms("IPv6规模部署和应用成效评估", ahead(9)),
        ],
        "updates": [
            (
                8,
                CQ,
                74,
                "IPv6根服务器运行平稳，正在汇总市域网络IPv6流量和应用情况。",
            ),
            (
                6,
                SC,
                76,
                "四川骨干网和城域网IPv6运行监测数据已报送，配合开展应用成效评估。",
            ),
            (
                3,
                CQ,
                78,
                "IPv6规模部署和应用成效评估提纲已与四川方商定，进入数据核验阶段。",
            ),
            (
                1,
                SC,
                80,
                "四川侧评估数据核验完成，待与重庆侧数据合并形成评估报告。",
            ),
        ],
    },
    {
        "code": "SZ-03",
        "stream": "digital",
        "title": "新增培育国家级“双跨”工业互联网平台",
        "description": (
            "共同培育跨行业跨领域（“双跨”）工业互联网平台，新增培育2个国家级“双跨”"
            "工业互联网平台，推动平台在川渝两地重点产业链推广应用。"
        ),
        "task_list": RECIPROCAL,
        "lead": SC,
        "priority": NORMAL,
        "status": IN_PROGRESS,
        "progress": 70,
        "planned_start": D(2024, 1, 1),
        "due": year_end(1),
        "owners": {
            SC: (SC_LEAD, "罗洋", "028-86701283"),
            CQ: (CQ_LEAD, "梁雪", "023-63891465"),
        },
        "milestones": [
            ms(
                "新增2个国家级“双跨”工业互联网平台",
                D(2024, 12, 31),
                done=D(2024, 12, 18),
                weight=3,
            ),
            ms(
                "平台在四川重点产业链推广应用",
                ahead(11),
                party=SC,
                status=WORKING,
            ),
            ms(
                "平台在重庆重点产业链推广应用",
                ago(8),
                party=CQ,
                status=WORKING,
            ),
        ],
        "indicators": [
            ind(
                "新增国家级“双跨”工业互联网平台",
                "个",
                target="2",
                baseline="0",
                readings=[
                    (
                        D(2024, 12, 31),
                        "2",
                        SC,
                        "新增培育2个国家级“双跨”工业互联网平台。",
                    ),
                ],
            ),
        ],
        "updates": [
            (
                7,
                SC,
                62,
                "组织“双跨”平台进园区活动，已在电子信息、装备制造产业链遴选首批应用企业。",
            ),
            (
                4,
                CQ,
                66,
                "重庆汽车、摩托车产业链推广应用方案仍在征求区县意见，进度偏慢。",
            ),
            (
                2,
                SC,
                70,
                "四川首批应用企业完成平台接入，正在总结典型应用场景。",
            ),
        ],
    },
    {
        "code": "SZ-04",
        "stream": "digital",
        "title": "建设工业互联网标识解析顶级节点",
        "description": (
            "建成工业互联网标识解析顶级节点2个，成渝节点标识注册量、解析量增速均居全国第一；"
            "持续扩大二级节点接入和行业应用。"
        ),
        "task_list": CO_BUILD,
        "lead": CQ,
        "priority": NORMAL,
        "status": IN_PROGRESS,
        "progress": 75,
        "planned_start": D(2023, 1, 1),
        "due": year_end(1),
        "owners": {
            SC: ("成都市经济和信息化局", "谢娟", "028-61881749"),
            CQ: (CQ_LEAD, "唐亮", "023-63891518"),
        },
        "milestones": [
            ms(
                "建成标识解析顶级节点2个",
                D(2024, 12, 31),
                done=D(2024, 12, 10),
                weight=3,
                parts=[
                    ms(
                        "四川节点建成上线",
                        D(2024, 12, 31),
                        party=SC,
                        done=D(2024, 11, 26),
                    ),
                    ms(
                        "重庆节点建成上线",
                        D(2024, 12, 31),
                        party=CQ,
                        done=D(2024, 12, 10),
                    ),
                ],
            ),
            ms("新增行业二级节点接入顶级节点", ahead(13), status=WORKING, weight=2),
        ],
        "indicators": [
            ind(
                "工业互联网标识解析顶级节点",
                "个",
                target="2",
                baseline="0",
                readings=[
                    (
                        D(2024, 12, 31),
                        "2",
                        CQ,
                        "建成顶级节点2个，成渝节点标识注册量、解析量增速均居全国第一。",
                    ),
                ],
            ),
        ],
        "updates": [
            (
                8,
                CQ,
                66,
                "梳理拟接入顶级节点的行业二级节点，已与两地企业开展接入测试。",
            ),
            (
                5,
                SC,
                70,
                "成都两家行业二级节点完成接入测试，标识注册量保持较快增长。",
            ),
            (
                2,
                CQ,
                75,
                "重庆新一批行业二级节点接入方案已确定，预计两周内完成接入。",
            ),
        ],
    },
    # 产业合作园区绩效评价
    {
        "code": "YQ-01",
        "stream": "parks",
        "title": "联合印发产业合作园区建设政策文件",
        "description": (
            "川渝两地经信系统联合印发《关于加快推进成渝地区双城经济圈产业合作园区建设的通知》"
            "《成渝地区双城经济圈产业合作示范园区创建管理办法》，明确合作园区创建、管理和评价要求。"
        ),
        "task_list": RECIPROCAL,
        "lead": None,
        "priority": NORMAL,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2021, 3, 31),
        "planned_start": D(2020, 3, 1),
        "due": D(2021, 6, 30),
        "owners": {
            SC: (SC_LEAD, "徐丽", "028-86701362"),
            CQ: (CQ_LEAD, "邓伟", "023-63891573"),
        },
        "milestones": [
            ms(
                "联合印发《关于加快推进成渝地区双城经济圈产业合作园区建设的通知》",
                D(2020, 12, 31),
                done=D(2020, 12, 15),
            ),
            ms(
                "联合印发《成渝地区双城经济圈产业合作示范园区创建管理办法》",
                D(2021, 6, 30),
                done=D(2021, 3, 31),
            ),
        ],
    },
    {
        "code": "YQ-02",
        "stream": "parks",
        "title": "首批20个产业合作示范园区结对共建",
        "description": (
            "2021年两地经信系统遴选培育首批20个产业合作示范园区（四川、重庆各10个），"
            "涵盖川渝两地19个市（州）和县（区）。结对园区开展联合招商、技术对接和产业配套，"
            "共建产业生态。"
        ),
        "task_list": CO_BUILD,
        "lead": SC,
        "priority": HIGH,
        "status": IN_PROGRESS,
        "progress": 65,
        "planned_start": D(2021, 1, 1),
        "due": year_end(1),
        "owners": {
            SC: (SC_LEAD, "冯涛", "028-86701427"),
            CQ: (CQ_LEAD, "曹琳", "023-63891629"),
        },
        "milestones": [
            ms(
                "遴选发布首批20个产业合作示范园区",
                D(2021, 12, 31),
                done=D(2021, 12, 20),
                weight=2,
            ),
            ms(
                "结对园区年度合作成效报送",
                ahead(8),
                status=WORKING,
                weight=2,
                parts=[
                    ms(
                        "四川10个园区报送年度合作成效", ago(4), party=SC, status=WORKING
                    ),
                    ms("重庆10个园区报送年度合作成效", ago(4), party=CQ, done=ago(10)),
                ],
            ),
        ],
        "indicators": [
            ind(
                "产品互采订单金额（创建以来累计）",
                "亿元",
                target="1000",
                readings=[
                    (
                        D(2024, 11, 30),
                        "980",
                        CQ,
                        "创建以来两地合作园区产品互采订单金额接近千亿元。",
                        D(2024, 12, 12),
                    ),
                ],
            ),
            ind(
                "参与共建企业数量",
                "家",
                target="1000",
                readings=[
                    (
                        D(2024, 11, 30),
                        "1000",
                        SC,
                        "参与共建企业超千家。",
                        D(2024, 12, 12),
                    ),
                ],
            ),
            ind(
                "合作共建规上企业营业收入年均增幅",
                "%",
                target="10",
                readings=[
                    (
                        D(2024, 11, 30),
                        "10",
                        SC,
                        "合作共建规上企业营业收入年均增幅超过10%。",
                        D(2024, 12, 12),
                    ),
                ],
            ),
            ind(
                "合作园区营业收入",
                "亿元",
                target="15000",
                readings=[
                    (
                        D(2023, 12, 31),
                        "16000",
                        CQ,
                        "2023年两地合作园区实现营收超1.6万亿元。",
                        D(2024, 12, 12),
                    ),
                ],
            ),
            ind(
                "合作企业对园区营收贡献率",
                "%",
                target="20",
                readings=[
                    (
                        D(2023, 12, 31),
                        "22",
                        CQ,
                        "2023年合作企业对园区营收贡献率达22%。",
                        D(2024, 12, 12),
                    ),
                ],
            ),
        ],
        "updates": [
            (
                8,
                SC,
                55,
                "组织四川10个合作园区梳理年度联合招商和产业配套项目，建立成效台账。",
            ),
            (
                6,
                CQ,
                58,
                "重庆10个合作园区完成年度合作成效自评，结对园区技术对接项目持续推进。",
            ),
            (
                4,
                SC,
                60,
                "四川部分园区已报送年度合作成效，其余园区正在补充产品互采订单数据。",
            ),
            (
                2,
                CQ,
                63,
                "重庆10个园区年度合作成效已全部报送，等待四川侧材料后联合汇总。",
            ),
            (
                1,
                SC,
                65,
                "四川剩余园区材料已催报，计划本周内报齐并与重庆方联合审核。",
            ),
        ],
    },
    {
        "code": "YQ-03",
        "stream": "parks",
        "title": "首批产业合作示范园区发展绩效评价",
        "description": (
            "开展首批成渝地区双城经济圈产业合作示范园区发展绩效评价。评价结果在2024年12月12日"
            "于重庆举行的2024年度产业合作园区高质量发展推进会上发布，20个园区均达成创建目标。"
        ),
        "task_list": RECIPROCAL,
        "lead": CQ,
        "priority": HIGH,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 12, 12),
        "planned_start": D(2024, 6, 1),
        "due": D(2024, 12, 31),
        "owners": {
            SC: (SC_LEAD, "蒋欣", "028-86701518"),
            CQ: (CQ_LEAD, "韩冰", "023-63891682"),
        },
        "milestones": [
            ms(
                "园区绩效自评和材料报送",
                D(2024, 9, 30),
                done=D(2024, 9, 27),
                parts=[
                    ms(
                        "四川10个园区完成自评",
                        D(2024, 9, 30),
                        party=SC,
                        done=D(2024, 9, 25),
                    ),
                    ms(
                        "重庆10个园区完成自评",
                        D(2024, 9, 30),
                        party=CQ,
                        done=D(2024, 9, 27),
                    ),
                ],
            ),
            ms(
                "联合评审并在推进会上发布评价结果",
                D(2024, 12, 31),
                done=D(2024, 12, 12),
                weight=3,
            ),
        ],
        "indicators": [
            ind(
                "达成创建目标的园区数量",
                "个",
                target="20",
                readings=[
                    (
                        D(2024, 11, 30),
                        "20",
                        CQ,
                        "首批20个产业合作示范园区均达成创建目标。",
                        D(2024, 12, 12),
                    ),
                ],
            ),
        ],
    },
    # 产业集群
    {
        "code": "JQ-01",
        "stream": "clusters",
        "title": "成渝地区生物医药集群入选国家先进制造业集群",
        "description": (
            "共建成渝地区生物医药产业集群，集群总规模超6500亿元，聚集生物医药相关企业6700户，"
            "规上工业营收2700亿元。2024年11月18日工业和信息化部公示2024年先进制造业集群竞赛"
            "胜出名单，成渝地区生物医药集群入选，是继电子信息产业之后川渝联手获批的又一个"
            "跨省域国家先进制造业集群。"
        ),
        "task_list": JOINT_APPLICATION,
        "lead": SC,
        "priority": HIGH,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 11, 18),
        "planned_start": D(2023, 6, 1),
        "due": D(2024, 12, 31),
        "owners": {
            SC: (SC_LEAD, "刘芳", "028-86701574"),
            CQ: (CQ_LEAD, "田野", "023-63891735"),
        },
        "milestones": [
            ms(
                "联合编制集群竞赛申报材料",
                D(2024, 6, 30),
                done=D(2024, 6, 28),
                parts=[
                    ms(
                        "成都片区申报材料",
                        D(2024, 6, 30),
                        party=SC,
                        done=D(2024, 6, 21),
                    ),
                    ms(
                        "重庆片区申报材料",
                        D(2024, 6, 30),
                        party=CQ,
                        done=D(2024, 6, 28),
                    ),
                ],
            ),
            ms(
                "工业和信息化部公示入选名单",
                D(2024, 12, 31),
                done=D(2024, 11, 18),
                weight=3,
            ),
        ],
        "indicators": [
            ind(
                "生物医药产业集群总规模",
                "亿元",
                target="6000",
                readings=[(D(2024, 12, 31), "6500", SC, "集群总规模超6500亿元。")],
            ),
            ind(
                "生物医药相关企业数量",
                "家",
                target="6500",
                readings=[
                    (
                        D(2024, 12, 31),
                        "6700",
                        CQ,
                        "成渝地区已聚集生物医药相关企业6700户。",
                    )
                ],
            ),
            ind(
                "生物医药规上工业营收",
                "亿元",
                target="2500",
                readings=[
                    (D(2024, 12, 31), "2700", SC, "生物医药规上工业营收2700亿元。")
                ],
            ),
        ],
    },
    {
        "code": "JQ-02",
        "stream": "clusters",
        "title": "共同申报成渝地区生物制造（生物医药）先进制造业集群",
        "description": (
            "发挥成都、重庆极核带动作用和区域协同效应，探索“核心承载地+协同发展地”"
            "“研发+转化”“双向飞地”等合作模式，形成“一带两核多点”集群发展格局，"
            "共同申报成渝地区生物制造（生物医药）先进制造业集群。"
        ),
        "task_list": JOINT_APPLICATION,
        "lead": SC,
        "priority": HIGH,
        "status": IN_PROGRESS,
        "progress": 40,
        "planned_start": D(2024, 12, 1),
        "due": year_end(0),
        "owners": {
            SC: ("成都天府国际生物城管理委员会", "彭丽", "028-85983127"),
            CQ: ("重庆国际生物城管理委员会", "袁军", "023-66231458"),
        },
        "milestones": [
            ms(
                "梳理集群产业链和重点企业清单",
                ago(40),
                done=ago(38),
                parts=[
                    ms("四川重点企业清单", ago(40), party=SC, done=ago(45)),
                    ms("重庆重点企业清单", ago(40), party=CQ, done=ago(38)),
                ],
            ),
            ms("联合编制集群申报方案", ago(7), status=WORKING, weight=3),
            ms("四川片区申报材料报送", ahead(6), party=SC, weight=2),
        ],
        "updates": [
            (
                7,
                SC,
                28,
                "两地重点企业清单已合并，正在按“一带两核多点”格局梳理集群空间布局。",
            ),
            (
                5,
                CQ,
                32,
                "重庆国际生物城牵头起草“研发+转化”“双向飞地”合作模式章节。",
            ),
            (
                3,
                SC,
                36,
                "申报方案初稿已形成，部分产业数据口径两地尚未统一，申报方案编制节点有延误风险。",
            ),
            (
                1,
                CQ,
                40,
                "两地已商定统一数据口径，申报方案预计下周定稿，四川片区材料同步准备。",
            ),
        ],
    },
    {
        "code": "JQ-03",
        "stream": "clusters",
        "title": "成渝地区电子信息先进制造集群培育提升三年行动",
        "description": (
            "成渝电子信息产业规模占全国比重超11%，是中国大陆第三、全球前十的电子信息制造业"
            "聚集地。两地共同启动集群培育提升三年行动，推动集成电路、智能终端等产业链协同发展。"
        ),
        "task_list": RECIPROCAL,
        "lead": CQ,
        "priority": HIGH,
        "status": IN_PROGRESS,
        "progress": 55,
        "planned_start": D(2025, 1, 1),
        "due": D(2027, 12, 31),
        "owners": {
            SC: (SC_LEAD, "曾勇", "028-86701639"),
            CQ: (CQ_LEAD, "彭静", "023-63891786"),
        },
        "milestones": [
            ms(
                "共同启动集群培育提升三年行动",
                D(2024, 12, 31),
                done=D(2024, 12, 6),
                weight=2,
            ),
            ms(
                "年度集群培育提升目标评估",
                ahead(3),
                status=WORKING,
                weight=2,
                parts=[
                    ms("四川年度目标自评", ahead(3), party=SC, status=WORKING),
                    ms("重庆年度目标自评", ahead(3), party=CQ, done=ago(2)),
                ],
            ),
            ms("更新集成电路产业链协同项目清单", ago(10), party=SC),
        ],
        "indicators": [
            ind(
                "电子信息产业规模占全国比重",
                "%",
                target="12",
                readings=[
                    (D(2024, 12, 31), "11", CQ, "成渝电子信息产业规模占全国比重超11%。")
                ],
            ),
        ],
        "updates": [
            (
                8,
                CQ,
                44,
                "三年行动年度重点任务完成情况开始调度，重点跟踪智能终端配套项目。",
            ),
            (
                6,
                SC,
                47,
                "集成电路产业链协同项目清单更新需两地企业补充数据，进度滞后。",
            ),
            (
                4,
                CQ,
                50,
                "重庆年度目标自评材料已起草，智能终端产业链本地配套率有所提升。",
            ),
            (
                2,
                SC,
                53,
                "四川年度目标自评正在汇总，集成电路项目清单已收到大部分企业反馈。",
            ),
            (
                1,
                CQ,
                55,
                "重庆年度目标自评已完成，等待四川侧材料后开展联合评估。",
            ),
        ],
    },
    {
        "code": "JQ-04",
        "stream": "clusters",
        "title": "上线运营成渝地区电子信息先进制造集群公共服务平台",
        "description": (
            "共建成渝地区电子信息先进制造集群公共服务平台，为集群企业提供供需对接、"
            "检验检测和政策服务，平台已上线运营。"
        ),
        "task_list": CO_BUILD,
        "lead": CQ,
        "priority": NORMAL,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 12, 10),
        "planned_start": D(2024, 3, 1),
        "due": D(2024, 12, 31),
        "owners": {
            SC: ("成都市经济和信息化局", "宋佳", "028-61881825"),
            CQ: (CQ_LEAD, "程浩", "023-63891843"),
        },
        "milestones": [
            ms("确定平台建设方案", D(2024, 6, 30), done=D(2024, 6, 14)),
            ms(
                "平台上线运营",
                D(2024, 12, 31),
                party=CQ,
                done=D(2024, 12, 10),
                weight=3,
            ),
            ms(
                "四川集群企业和服务机构入驻平台",
                D(2024, 12, 31),
                party=SC,
                done=D(2024, 12, 10),
            ),
        ],
    },
    {
        "code": "JQ-05",
        "stream": "clusters",
        "title": "智能网联汽车“车路云一体化”应用试点",
        "description": (
            "成都、重庆入选国家首批智能网联汽车“车路云一体化”应用试点城市，成渝累计开放"
            "自动驾驶测试道路超1500公里，持续推动成渝智能网联汽车测试标准统一、跨域互信互认。"
        ),
        "task_list": RECIPROCAL,
        "lead": CQ,
        "priority": HIGH,
        "status": IN_PROGRESS,
        "progress": 60,
        "planned_start": D(2024, 7, 1),
        "due": year_end(1),
        "owners": {
            SC: ("成都市经济和信息化局", "邱磊", "028-61881963"),
            CQ: ("重庆两江新区管理委员会", "夏雨", "023-67558214"),
        },
        "milestones": [
            ms(
                "入选国家首批“车路云一体化”应用试点城市",
                D(2024, 7, 31),
                done=D(2024, 7, 3),
                weight=2,
            ),
            ms(
                "测试标准统一和跨域互信互认",
                ahead(12),
                status=WORKING,
                weight=3,
                parts=[
                    ms("发布与重庆互认的测试规范", ago(15), party=SC, done=ago(15)),
                    ms("发布与四川互认的测试规范", ago(1), party=CQ, status=WORKING),
                ],
            ),
        ],
        "indicators": [
            ind(
                "累计开放自动驾驶测试道路里程",
                "公里",
                target="1500",
                readings=[
                    (
                        D(2024, 12, 31),
                        "1500",
                        CQ,
                        "成渝累计开放自动驾驶测试道路超1500公里。",
                    )
                ],
            ),
        ],
        "updates": [
            (
                6,
                CQ,
                50,
                "两地测试规范互认条款对照完成，正在征求测试主体意见。",
            ),
            (
                4,
                SC,
                54,
                "成都与重庆互认的测试规范已印发，两地测试结果可跨域互认。",
            ),
            (
                2,
                CQ,
                57,
                "重庆测试规范送审稿已完成合法性审查，待印发。",
            ),
            (
                1,
                SC,
                60,
                "配合重庆方完善互认清单，推动“车路云一体化”试点数据平台互联。",
            ),
        ],
    },
    {
        "code": "JQ-06",
        "stream": "clusters",
        "title": "成渝“电走廊”高速公路重卡充换电走廊",
        "description": (
            "建设全国首条高速公路重卡充换电走廊——成渝“电走廊”充换电重卡项目，"
            "2024年5月全线贯通。"
        ),
        "task_list": CO_BUILD,
        "lead": SC,
        "priority": NORMAL,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 5, 31),
        "planned_start": D(2023, 6, 1),
        "due": D(2024, 6, 30),
        "owners": {
            SC: ("四川省发展和改革委员会", "任杰", "028-86705482"),
            CQ: ("重庆市发展和改革委员会", "秦雪", "023-67572563"),
        },
        "milestones": [
            ms(
                "确定成渝“电走廊”充换电站点布局",
                D(2023, 12, 31),
                done=D(2023, 12, 22),
            ),
            ms(
                "成渝“电走廊”全线贯通",
                D(2024, 5, 31),
                done=D(2024, 5, 31),
                weight=3,
                parts=[
                    ms(
                        "四川段充换电站建成投运",
                        D(2024, 5, 31),
                        party=SC,
                        done=D(2024, 5, 20),
                    ),
                    ms(
                        "重庆段充换电站建成投运",
                        D(2024, 5, 31),
                        party=CQ,
                        done=D(2024, 5, 24),
                    ),
                ],
            ),
        ],
    },
    {
        "code": "JQ-07",
        "stream": "clusters",
        "title": "联合申报国家智能网联与新能源汽车先进制造业集群",
        "description": (
            "两地联合申报国家智能网联与新能源汽车先进制造业集群，共建世界级汽车产业集群。"
        ),
        "task_list": JOINT_APPLICATION,
        "lead": CQ,
        "priority": HIGH,
        "status": NOT_STARTED,
        "progress": 0,
        "planned_start": ahead(20),
        "due": year_end(1),
        "owners": {
            SC: (SC_LEAD, "钟华", "028-86701694"),
            CQ: (CQ_LEAD, "蔡明", "023-63891907"),
        },
        "milestones": [
            ms("联合制定集群申报工作方案", ahead(20), weight=2),
            ms("梳理四川智能网联与新能源汽车产业链基础数据", ahead(45), party=SC),
            ms("梳理重庆智能网联与新能源汽车产业链基础数据", ahead(45), party=CQ),
        ],
    },
    {
        "code": "JQ-08",
        "stream": "clusters",
        "title": "共建轨道交通产业集群",
        "description": (
            "两地共同培育轨道交通装备协同发展体系，共同签订《协同推动轨道交通高质量发展合作协议》"
            "《成渝两地轨道交通产业链主企业一致协同行动方案》，推动链主企业协同配套。"
        ),
        "task_list": RECIPROCAL,
        "lead": SC,
        "priority": NORMAL,
        "status": IN_PROGRESS,
        "progress": 50,
        "planned_start": D(2024, 1, 1),
        "due": year_end(1),
        "owners": {
            SC: ("成都市经济和信息化局", "侯静", "028-61882037"),
            CQ: ("重庆市轨道交通（集团）有限公司", "石磊", "023-68532364"),
        },
        "milestones": [
            ms(
                "签订《协同推动轨道交通高质量发展合作协议》",
                D(2024, 9, 30),
                done=D(2024, 9, 12),
            ),
            ms(
                "签订《成渝两地轨道交通产业链主企业一致协同行动方案》",
                D(2024, 12, 31),
                done=D(2024, 11, 15),
            ),
            ms(
                "链主企业协同配套项目对接",
                ahead(2),
                status=WORKING,
                weight=2,
                parts=[
                    ms("四川配套企业需求清单", ahead(2), party=SC, status=WORKING),
                    ms("重庆链主企业采购清单", ago(4), party=CQ),
                ],
            ),
        ],
        "updates": [
            (
                5,
                SC,
                42,
                "按照链主企业一致协同行动方案，征集四川轨道交通配套企业需求。",
            ),
            (
                3,
                CQ,
                46,
                "重庆链主企业采购清单正在内部审核，预计较计划晚一周提交。",
            ),
            (
                1,
                SC,
                50,
                "四川配套企业需求清单已汇总完成，待与重庆链主企业采购清单匹配。",
            ),
        ],
    },
    {
        "code": "JQ-09",
        "stream": "clusters",
        "title": "举办第三届成渝美食工业博览会，深化食品产业合作",
        "description": (
            "2024年9月27日，为期三天的第三届成渝美食工业博览会在成都世纪城新国际会展中心开幕，"
            "由四川省经济和信息化厅、重庆市经济和信息化委员会主办，参展企业超640家，涵盖食品"
            "行业全产业链。两地推动企业在原料基地、技术研发、质量检测、品牌推介等方面深入合作，"
            "加快打造世界级消费品产业集群。"
        ),
        "task_list": RECIPROCAL,
        "lead": SC,
        "priority": NORMAL,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 9, 29),
        "planned_start": D(2024, 5, 1),
        "due": D(2024, 9, 30),
        "owners": {
            SC: (SC_LEAD, "唐敏", "028-86701738"),
            CQ: (CQ_LEAD, "许峰", "023-63891958"),
        },
        "milestones": [
            ms(
                "完成招展招商",
                D(2024, 9, 15),
                done=D(2024, 9, 13),
                parts=[
                    ms(
                        "四川参展企业组织",
                        D(2024, 9, 15),
                        party=SC,
                        done=D(2024, 9, 10),
                    ),
                    ms(
                        "重庆参展企业组织",
                        D(2024, 9, 15),
                        party=CQ,
                        done=D(2024, 9, 13),
                    ),
                ],
            ),
            ms(
                "博览会在成都世纪城新国际会展中心开幕",
                D(2024, 9, 27),
                party=SC,
                done=D(2024, 9, 27),
                weight=3,
            ),
        ],
        "indicators": [
            ind(
                "参展企业数量",
                "家",
                target="600",
                readings=[
                    (
                        D(2024, 9, 30),
                        "640",
                        SC,
                        "第三届成渝美食工业博览会参展企业超640家。",
                    )
                ],
            ),
        ],
    },
    {
        "code": "JQ-10",
        "stream": "clusters",
        "title": "共同编制集成电路、智能终端等18条产业链全景图",
        "description": (
            "按照“两地有基础、市场有需求、优势能互补”的原则，共同编制集成电路、智能终端等"
            "18条产业链全景图，涵盖联动发展路径、产业发展布局、链主企业分布以及领军人才、"
            "产业基金、关键平台、重点配套企业等，促进联动招商、补链强链和协作配套。"
        ),
        "task_list": RECIPROCAL,
        "lead": SC,
        "priority": NORMAL,
        "status": COMPLETED,
        "progress": 100,
        "completed_on": D(2024, 12, 16),
        "planned_start": D(2024, 1, 1),
        "due": D(2024, 12, 31),
        "owners": {
            SC: ("成都市经济和信息化局", "白雪", "028-61882146"),
            CQ: (CQ_LEAD, "龙飞", "023-63892013"),
        },
        "milestones": [
            ms("确定18条产业链编制清单", D(2024, 3, 31), done=D(2024, 3, 22)),
            ms(
                "完成18条产业链全景图编制",
                D(2024, 12, 31),
                done=D(2024, 12, 16),
                weight=3,
                parts=[
                    ms(
                        "四川牵头产业链全景图编制",
                        D(2024, 12, 31),
                        party=SC,
                        done=D(2024, 11, 29),
                    ),
                    ms(
                        "重庆牵头产业链全景图编制",
                        D(2024, 12, 31),
                        party=CQ,
                        done=D(2024, 12, 16),
                    ),
                ],
            ),
        ],
        "indicators": [
            ind(
                "产业链全景图",
                "张",
                target="18",
                baseline="0",
                readings=[
                    (
                        D(2024, 12, 31),
                        "18",
                        SC,
                        "共同编制集成电路、智能终端等18条产业链全景图。",
                    )
                ],
            ),
        ],
    },
]

# --- Industrial cooperation parks ---------------------------------------------

PARK_BATCH = 2021

# (party, name, city or county, management agency); 10 per party, 19 places:
# 成都市 hosts two parks.
PARKS = [
    (SC, "成都经济技术开发区", "成都市", "成都经济技术开发区管理委员会"),
    (SC, "成都天府国际生物城", "成都市", "成都天府国际生物城管理委员会"),
    (SC, "德阳经济技术开发区", "德阳市", None),
    (SC, "绵阳高新技术产业开发区", "绵阳市", None),
    (SC, "遂宁经济技术开发区", "遂宁市", None),
    (SC, "内江经济技术开发区", "内江市", None),
    (SC, "资阳高新技术产业开发区", "资阳市", None),
    (SC, "广安经济技术开发区", "广安市", None),
    (SC, "达州高新技术产业开发区", "达州市", None),
    (SC, "泸州高新技术产业开发区", "泸州市", None),
    (CQ, "重庆两江新区鱼复工业园", "两江新区", "重庆两江新区管理委员会"),
    (CQ, "重庆国际生物城", "巴南区", "重庆国际生物城管理委员会"),
    (CQ, "重庆璧山高新技术产业开发区", "璧山区", None),
    (CQ, "重庆西永微电子产业园区", "沙坪坝区", None),
    (CQ, "重庆潼南高新技术产业开发区", "潼南区", None),
    (CQ, "重庆荣昌高新技术产业开发区", "荣昌区", None),
    (CQ, "重庆大足高新技术产业开发区", "大足区", None),
    (CQ, "重庆合川高新技术产业开发区", "合川区", None),
    (CQ, "重庆万州经济技术开发区", "万州区", None),
    (CQ, "重庆永川高新技术产业开发区", "永川区", None),
]

# (Sichuan park, Chongqing park)
PARK_PAIRS = [
    ("成都经济技术开发区", "重庆两江新区鱼复工业园"),
    ("成都天府国际生物城", "重庆国际生物城"),
    ("德阳经济技术开发区", "重庆璧山高新技术产业开发区"),
    ("绵阳高新技术产业开发区", "重庆西永微电子产业园区"),
    ("遂宁经济技术开发区", "重庆潼南高新技术产业开发区"),
    ("内江经济技术开发区", "重庆荣昌高新技术产业开发区"),
    ("资阳高新技术产业开发区", "重庆大足高新技术产业开发区"),
    ("广安经济技术开发区", "重庆合川高新技术产业开发区"),
    ("达州高新技术产业开发区", "重庆万州经济技术开发区"),
    ("泸州高新技术产业开发区", "重庆永川高新技术产业开发区"),
]

EVALUATION = {
    "round": 2024,
    "announced_on": D(2024, 12, 12),
    "note": "首次绩效评价，达到创建目标",
}

# --- Users ---------------------------------------------------------------------

DEMO_PASSWORD = "chengyu-demo-2025"  # noqa: S105 - published demo credentials
AUDITOR_GROUP = "审计"

ROLE_LABELS = {
    Role.COORDINATOR: "协调员",
    Role.LEADERSHIP: "领导",
    Role.AUDITOR: "审计",
    Role.ADMINISTRATOR: "专班管理员",
}

# username, full name, role, parties, agency ("lead" = the party's lead agency),
# is_staff, is_superuser, phone
USERS = [
    (
        "sc_coord",
        "陈思远",
        Role.COORDINATOR,
        [SC],
        "lead",
        False,
        False,
        "028-86701801",
    ),
    ("cq_coord", "周敏", Role.COORDINATOR, [CQ], "lead", False, False, "023-63892105"),
    (
        "sc_leader",
        "王建国",
        Role.LEADERSHIP,
        [SC],
        "lead",
        False,
        False,
        "028-86701802",
    ),
    (
        "cq_leader",
        "李红梅",
        Role.LEADERSHIP,
        [CQ],
        "lead",
        False,
        False,
        "023-63892106",
    ),
    ("sc_auditor", "赵立新", Role.AUDITOR, [SC], None, True, False, "028-86701803"),
    ("cq_auditor", "孙静怡", Role.AUDITOR, [CQ], None, True, False, "023-63892107"),
    (
        "admin",
        "黄志强",
        Role.ADMINISTRATOR,
        [SC, CQ],
        "lead",
        True,
        True,
        "028-86701800",
    ),
]

# The coordinator who reports for each party.
REPORTER = {SC: "sc_coord", CQ: "cq_coord"}

_PARTY_NAMES = {p["code"]: p["name"] for p in PARTIES}

# (username, role label, party) for the Makefile's login hint.
DEMO_LOGINS = [
    (username, ROLE_LABELS[role], "、".join(_PARTY_NAMES[p] for p in parties))
    for username, _name, role, parties, *_rest in USERS
]
