"""Demo tasks of the work stream 产业合作园区绩效评价."""

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
    year_end,
)

TASKS = [
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
]
