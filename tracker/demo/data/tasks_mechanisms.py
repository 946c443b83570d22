"""Demo tasks the article names last: the biomedicine cluster's whole chain
(生物药、化学药、中药、医疗器械) with the alliance that speaks for its firms,
and the three mechanisms of the next-step plan (双核协同, 产业备份基地,
梯度培育), one in each of the three lists."""

from .common import (
    CO_BUILD,
    CQ,
    CQ_LEAD,
    HIGH,
    IN_PROGRESS,
    JOINT_APPLICATION,
    NORMAL,
    NOT_STARTED,
    RECIPROCAL,
    SC,
    SC_LEAD,
    WORKING,
    D,
    ahead,
    ms,
    year_end,
)

# The industry alliance the article quotes (成都医药健康产业生态圈联盟理事长).
ALLIANCE = "成都医药健康产业生态圈联盟"

TASKS = [
    {
        "code": "JQ-11",
        "stream": "biomedicine",
        "title": "贯通生物药、化学药、中药、医疗器械的生物医药全产业链",
        "description": (
            "成渝地区已聚集生物医药相关企业6700户，整体形成了涵盖生物药、化学药、中药、"
            "医疗器械，贯通研发、生产、应用的全产业链发展格局。成都医药健康产业生态圈联盟"
            "组织成员企业参与两地产业链协作配套。"
        ),
        "task_list": RECIPROCAL,
        "lead": SC,
        "priority": NORMAL,
        "status": IN_PROGRESS,
        "progress": 50,
        "planned_start": D(2024, 1, 1),
        "due": year_end(0),
        "owners": {
            SC: (ALLIANCE, "贺晓琳", "028-85983206"),
            CQ: ("重庆国际生物城管理委员会", "邓海波", "023-66231472"),
        },
        "milestones": [
            ms("生物药产业链协作配套清单", D(2024, 6, 30), done=D(2024, 6, 26)),
            ms("化学药产业链协作配套清单", D(2024, 9, 30), done=D(2024, 9, 24)),
            ms(
                "中药产业链协作配套清单",
                ahead(20),
                party=SC,
                status=WORKING,
            ),
            ms("医疗器械产业链协作配套清单", ahead(45), party=CQ),
        ],
    },
    {
        "code": "JZ-01",
        "stream": "clusters",
        "title": "深入完善推动“双核”产业协同发展机制",
        "description": (
            "以双核联动为引领，以共建世界级先进制造业集群推进现代产业体系互联互通为目标，"
            "深入完善推动成都、重庆“双核”产业协同发展机制。"
        ),
        "task_list": RECIPROCAL,
        "lead": CQ,
        "priority": HIGH,
        "status": NOT_STARTED,
        "progress": 0,
        "planned_start": ahead(30),
        "due": year_end(1),
        "owners": {
            SC: (SC_LEAD, "罗文", "028-86701655"),
            CQ: (CQ_LEAD, "冉小川", "023-63891862"),
        },
        "milestones": [
            ms("梳理“双核”产业协同重点领域和事项", ahead(60)),
            ms("联合印发“双核”产业协同发展工作机制", ahead(150), weight=2),
        ],
    },
    {
        "code": "JZ-02",
        "stream": "clusters",
        "title": "探索形成产业备份基地协作共建机制",
        "description": (
            "围绕“共投共建、相向合作、共同争取”三张清单，探索形成产业备份基地协作共建机制，"
            "推动两地先进制造业合作不断走深走实。"
        ),
        "task_list": CO_BUILD,
        "lead": SC,
        "priority": NORMAL,
        "status": NOT_STARTED,
        "progress": 0,
        "planned_start": ahead(45),
        "due": year_end(1),
        "owners": {
            SC: (SC_LEAD, "蒋涛", "028-86701667"),
            CQ: (CQ_LEAD, "谭雪", "023-63891877"),
        },
        "milestones": [
            ms("研究提出产业备份基地布局方案", ahead(90), party=SC),
            ms("形成产业备份基地协作共建机制", ahead(200), weight=2),
        ],
    },
    {
        "code": "JZ-03",
        "stream": "clusters",
        "title": (
            "构建“优势产业集群—国家先进制造业集群—世界级先进制造业集群”梯度培育机制"
        ),
        "description": (
            "构建“优势产业集群—国家先进制造业集群—世界级先进制造业集群”梯度培育机制，"
            "共同争取国家支持，携手共建世界级先进制造业集群。"
        ),
        "task_list": JOINT_APPLICATION,
        "lead": CQ,
        "priority": HIGH,
        "status": NOT_STARTED,
        "progress": 0,
        "planned_start": ahead(30),
        "due": year_end(2),
        "owners": {
            SC: (SC_LEAD, "许可", "028-86701681"),
            CQ: (CQ_LEAD, "龚伟", "023-63891893"),
        },
        "milestones": [
            ms("确定梯度培育集群名单", ahead(75)),
            ms("联合制定集群梯度培育方案", ahead(180), weight=2),
        ],
    },
]
