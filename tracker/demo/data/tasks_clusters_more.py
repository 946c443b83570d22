"""Demo tasks of the industry clusters (each its own work stream): automotive,
rail transit, consumer goods; and the 18 industry-chain maps."""

from .common import (
    CO_BUILD,
    COMPLETED,
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
    ago,
    ahead,
    ind,
    ms,
    over,
    year_end,
)

TASKS = [
    {
        "code": "JQ-05",
        "stream": "automotive",
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
                        over("1500"),
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
        "stream": "automotive",
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
        "stream": "automotive",
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
        "stream": "rail",
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
        "stream": "consumer",
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
                        over("640"),
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
