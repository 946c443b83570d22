"""Demo tasks of the work stream 高端装备供应链."""

from .common import (
    CO_BUILD,
    COMPLETED,
    CQ,
    CQ_LEAD,
    HIGH,
    IN_PROGRESS,
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
    odd,
    year_end,
)

TASKS = [
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
                    (
                        D(2024, 12, 31),
                        odd("10"),
                        SC,
                        "两地已开展高端装备供应链对接活动10余场（次）。",
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
                    (D(2024, 12, 31), odd("200"), SC, "已生产交付200余辆铝合金车体。"),
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
]
