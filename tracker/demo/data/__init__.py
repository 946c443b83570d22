"""The demo task list of the Chengdu–Chongqing Economic Circle, as plain data.

Every figure comes from the 2024 review article in /work/shared/seed (restated
in DOMAIN.md). Dates are either fixed (what happened in 2024 and before) or
relative to the day the demo is loaded (``ago``, ``ahead``, ``year_end``), so
that every first load shows milestones due soon, overdue ones and recent weekly
progress reports.
"""

from __future__ import annotations

from accounts.choices import AgencyKind, PartyKind, Role

from . import (
    tasks_clusters,
    tasks_clusters_more,
    tasks_digital,
    tasks_energy,
    tasks_equipment,
    tasks_parks,
)

# The shared helpers and constants are part of this module's interface (the
# loader reads `data.resolve`, `data.SC`, …).
from .common import (  # noqa: F401
    CO_BUILD,
    COMPLETED,
    CQ,
    CQ_LEAD,
    HIGH,
    IN_PROGRESS,
    JOINT_APPLICATION,
    NORMAL,
    NOT_STARTED,
    PENDING,
    RECIPROCAL,
    SC,
    SC_LEAD,
    WORKING,
    D,
    DateSpec,
    DaysFromToday,
    YearEnd,
    ago,
    ahead,
    ind,
    ms,
    resolve,
    year_end,
)

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


# --- Tasks, one module per work stream ------------------------------------------

TASKS = [
    *tasks_energy.TASKS,
    *tasks_equipment.TASKS,
    *tasks_digital.TASKS,
    *tasks_parks.TASKS,
    *tasks_clusters.TASKS,
    *tasks_clusters_more.TASKS,
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

# The first evaluation cycle and its figures: parks/demo.py.

# --- Users ---------------------------------------------------------------------

DEMO_PASSWORD = "chengyu-demo-2025"  # noqa: S105 - published demo credentials
AUDITOR_GROUP = "审计"

ROLE_LABELS = {
    Role.COORDINATOR: "协调员",
    Role.LEADERSHIP: "领导",
    Role.AUDITOR: "审计人员",
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
