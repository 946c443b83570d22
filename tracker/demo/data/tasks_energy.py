"""Demo tasks of the work stream 战略资源储备保障."""

from .common import (
    CO_BUILD,
    CQ,
    HIGH,
    IN_PROGRESS,
    SC,
    WORKING,
    D,
    ago,
    ahead,
    ind,
    ms,
    year_end,
)

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
]
