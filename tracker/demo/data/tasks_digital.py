"""Demo tasks of the work stream 关键数字基础设施."""

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
]
