"""Demo tasks of the industry clusters (each its own work stream): biomedicine
and electronic information."""

from .common import (
    CO_BUILD,
    COMPLETED,
    CQ,
    CQ_LEAD,
    HIGH,
    IN_PROGRESS,
    JOINT_APPLICATION,
    NORMAL,
    RECIPROCAL,
    SC,
    SC_LEAD,
    WORKING,
    D,
    ago,
    ahead,
    ind,
    ms,
    over,
    year_end,
)

TASKS = [
    # 产业集群
    {
        "code": "JQ-01",
        "stream": "biomedicine",
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
                readings=[
                    (D(2024, 12, 31), over("6500"), SC, "集群总规模超6500亿元。")
                ],
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
        "stream": "biomedicine",
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
        "stream": "electronics",
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
                    (
                        D(2024, 12, 31),
                        over("11"),
                        CQ,
                        "成渝电子信息产业规模占全国比重超11%。",
                    )
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
        "stream": "electronics",
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
]
