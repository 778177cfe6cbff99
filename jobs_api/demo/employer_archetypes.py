"""Employer archetypes (software company, hospital, bank ...) and brand syllables for names.

Each archetype fixes an employer's industry (GB/T 4754 divisions), its type (by 单位性质 name),
how it is named, what it does and which job families it posts, with weights.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Archetype:
    key: str
    weight: float
    industries: tuple[str, ...]
    """GB/T 4754 divisions, one picked per employer."""
    types: tuple[tuple[str, float], ...]
    """Employer type names (own or national, see ``Catalog.employer_type``) and weights."""
    patterns: tuple[str, ...]
    """Name patterns: ``{city}`` 城市简称, ``{province}`` 省份简称, ``{brand}``, ``{word}``."""
    words: tuple[str, ...]
    families: tuple[tuple[str, float], ...]
    focus: tuple[str, ...]
    """What the employer does, for its description."""
    sizes: tuple[tuple[str, float], ...]
    closings: tuple[str, ...] = ()
    """Last sentence of the description; empty means :data:`COMPANY_CLOSINGS`."""


COMPANY_CLOSINGS = (
    "重视青年人才培养，为新员工提供系统的岗前培训和导师带教。",
    "建立了完善的职业发展通道和薪酬激励体系。",
    "坚持以客户为中心，诚邀优秀毕业生加入。",
    "工作氛围开放务实，欢迎应届毕业生投递简历。",
)
_SCHOOL_CLOSINGS = (
    "学校重视青年教师培养，实行导师带教和教研组集体备课。",
    "诚邀有志于教育事业的优秀毕业生加入。",
)
_HOSPITAL_CLOSINGS = (
    "医院重视人才培养，新入职人员参加规范化培训。",
    "诚邀有志于医疗卫生事业的优秀毕业生加入。",
)


_SMALL = (("1-49", 0.25), ("50-99", 0.3), ("100-499", 0.3), ("500-999", 0.1), ("1000-4999", 0.05))
_LARGE = (("100-499", 0.3), ("500-999", 0.3), ("1000-4999", 0.3), ("5000以上", 0.1))
_PRIVATE = (("民营企业", 0.8), ("国有企业", 0.1), ("外资企业", 0.05), ("中外合资/合作企业", 0.05))

ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(
        "tech",
        22,
        ("65", "64"),
        _PRIVATE,
        ("{city}{brand}{word}有限公司", "{city}{brand}{word}股份有限公司"),
        ("网络科技", "信息技术", "软件", "数据科技", "智能科技", "数字科技", "云计算科技"),
        (
            ("software", 32),
            ("testing", 8),
            ("data", 10),
            ("algorithm", 4),
            ("it_ops", 6),
            ("ui_design", 7),
            ("product", 8),
            ("sales", 8),
            ("marketing", 6),
            ("hr", 3),
            ("admin", 3),
            ("customer_service", 4),
            ("accounting", 2),
        ),
        (
            "企业数字化解决方案",
            "移动互联网应用",
            "云计算与大数据服务",
            "人工智能应用",
            "行业软件研发",
        ),
        _SMALL,
    ),
    Archetype(
        "manufacturing",
        16,
        ("34", "35", "38", "39", "36"),
        (("民营企业", 0.65), ("国有企业", 0.2), ("外资企业", 0.1), ("中外合资/合作企业", 0.05)),
        (
            "{city}{brand}{word}有限公司",
            "{city}{brand}{word}股份有限公司",
            "{province}{brand}{word}集团有限公司",
        ),
        ("机械", "智能装备", "电气", "电子", "精密制造", "汽车零部件", "自动化设备", "新能源科技"),
        (
            ("mechanical", 25),
            ("electrical", 20),
            ("quality", 8),
            ("software", 5),
            ("sales", 8),
            ("logistics", 8),
            ("hr", 4),
            ("admin", 4),
            ("accounting", 5),
            ("foreign_trade", 3),
        ),
        ("智能装备研发制造", "工业自动化系统", "新能源汽车零部件", "电子元器件", "精密机械加工"),
        _LARGE,
    ),
    Archetype(
        "bank",
        5,
        ("66",),
        (("国有企业", 0.7), ("民营企业", 0.3)),
        (
            "{city}{brand}农村商业银行股份有限公司",
            "{city}{brand}银行股份有限公司",
            "{province}{brand}村镇银行股份有限公司",
        ),
        ("",),
        (
            ("bank", 60),
            ("accounting", 8),
            ("software", 6),
            ("data", 6),
            ("legal", 4),
            ("hr", 3),
            ("admin", 4),
            ("customer_service", 5),
        ),
        ("存贷款和支付结算服务", "普惠金融和小微企业信贷", "个人财富管理"),
        _LARGE,
    ),
    Archetype(
        "securities",
        3,
        ("67", "68"),
        (("国有企业", 0.5), ("民营企业", 0.5)),
        (
            "{brand}证券股份有限公司{city}分公司",
            "{brand}人寿保险股份有限公司{city}中心支公司",
            "{city}{brand}投资管理有限公司",
        ),
        ("",),
        (
            ("bank", 25),
            ("sales", 25),
            ("data", 8),
            ("marketing", 10),
            ("customer_service", 10),
            ("accounting", 8),
            ("legal", 4),
        ),
        ("证券经纪和财富管理", "保险保障服务", "资产管理"),
        _LARGE,
    ),
    Archetype(
        "hospital",
        6,
        ("84",),
        (("医疗卫生单位", 0.75), ("民营企业", 0.25)),
        (
            "{city}{brand}医院",
            "{city}{brand}中医医院",
            "{city}{brand}妇幼保健院",
            "{city}{brand}口腔医院",
        ),
        ("",),
        (
            ("nursing", 55),
            ("clinical", 18),
            ("pharmacy", 12),
            ("admin", 5),
            ("accounting", 4),
            ("hr", 3),
            ("it_ops", 3),
        ),
        ("医疗、教学、科研和预防保健", "专科诊疗和健康管理", "基层医疗卫生服务"),
        _LARGE,
        _HOSPITAL_CLOSINGS,
    ),
    Archetype(
        "pharma",
        4,
        ("27",),
        (("民营企业", 0.7), ("国有企业", 0.15), ("中外合资/合作企业", 0.15)),
        (
            "{city}{brand}药业有限公司",
            "{city}{brand}生物医药股份有限公司",
            "{city}{brand}制药有限公司",
        ),
        ("",),
        (
            ("pharmacy", 35),
            ("quality", 20),
            ("sales", 15),
            ("logistics", 6),
            ("admin", 4),
            ("accounting", 4),
            ("hr", 3),
        ),
        ("化学药品和中成药研发生产", "生物制品研发", "医药流通"),
        _LARGE,
    ),
    Archetype(
        "primary_school",
        3,
        ("83",),
        (("中初教育单位", 0.75), ("民营企业", 0.25)),
        ("{city}{brand}小学", "{city}{brand}实验小学"),
        ("",),
        (("teaching_primary", 85), ("admin", 8), ("accounting", 4), ("hr", 2)),
        ("小学教育", "素质教育和特色课程建设"),
        (("50-99", 0.4), ("100-499", 0.6)),
        _SCHOOL_CLOSINGS,
    ),
    Archetype(
        "secondary_school",
        3,
        ("83",),
        (("中初教育单位", 0.75), ("民营企业", 0.25)),
        ("{city}{brand}中学", "{city}{brand}外国语学校", "{city}{brand}实验学校"),
        ("",),
        (("teaching_secondary", 85), ("admin", 8), ("accounting", 4), ("hr", 2)),
        ("初中和高中教育", "普通高中教育", "九年一贯制基础教育"),
        (("100-499", 0.7), ("500-999", 0.3)),
        _SCHOOL_CLOSINGS,
    ),
    Archetype(
        "kindergarten",
        1.5,
        ("83",),
        (("中初教育单位", 0.5), ("民营企业", 0.5)),
        ("{city}{brand}幼儿园", "{city}{brand}双语幼儿园"),
        ("",),
        (("preschool", 90), ("admin", 6), ("accounting", 4)),
        ("学前教育", "三至六岁幼儿保育和教育"),
        (("1-49", 0.5), ("50-99", 0.4), ("100-499", 0.1)),
        _SCHOOL_CLOSINGS,
    ),
    Archetype(
        "vocational_college",
        0.5,
        ("83",),
        (("高等教育单位", 0.7), ("民营企业", 0.3)),
        ("{city}{brand}职业学院",),
        ("",),
        (("college_teaching", 70), ("admin", 12), ("hr", 6), ("accounting", 6), ("it_ops", 6)),
        ("高等职业教育", "产教融合的技术技能人才培养"),
        (("500-999", 0.6), ("1000-4999", 0.4)),
        _SCHOOL_CLOSINGS,
    ),
    Archetype(
        "construction",
        9,
        ("47", "48", "74"),
        (("国有企业", 0.45), ("民营企业", 0.45), ("科研设计单位", 0.1)),
        (
            "{city}{brand}建设集团有限公司",
            "{city}{brand}建筑设计研究院有限公司",
            "{city}{brand}工程咨询有限公司",
            "{province}{brand}路桥工程有限公司",
        ),
        ("",),
        (
            ("civil", 55),
            ("electrical", 8),
            ("accounting", 8),
            ("admin", 6),
            ("hr", 4),
            ("logistics", 6),
            ("legal", 3),
            ("mechanical", 4),
        ),
        ("房屋建筑和市政工程施工", "建筑设计和工程咨询", "道路桥梁建设", "工程造价和项目管理"),
        _LARGE,
    ),
    Archetype(
        "trade",
        10,
        ("51", "52", "58", "59", "60"),
        _PRIVATE,
        ("{city}{brand}{word}有限公司",),
        ("供应链管理", "物流", "商贸", "电子商务", "进出口", "国际贸易"),
        (
            ("logistics", 28),
            ("ecommerce", 15),
            ("sales", 15),
            ("customer_service", 10),
            ("accounting", 8),
            ("admin", 6),
            ("data", 4),
            ("foreign_trade", 10),
        ),
        ("供应链综合服务", "城市物流配送", "跨境电商", "消费品批发零售", "进出口贸易"),
        _SMALL,
    ),
    Archetype(
        "business_services",
        9,
        ("72", "73", "75"),
        _PRIVATE,
        (
            "{city}{brand}企业管理咨询有限公司",
            "{city}{brand}人力资源服务有限公司",
            "{province}{brand}会计师事务所（特殊普通合伙）",
            "{city}{brand}税务师事务所有限公司",
        ),
        ("",),
        (
            ("accounting", 35),
            ("hr", 18),
            ("admin", 10),
            ("sales", 10),
            ("marketing", 10),
            ("data", 7),
            ("legal", 5),
            ("customer_service", 5),
        ),
        ("审计和财税咨询", "人力资源外包和招聘服务", "企业管理咨询"),
        _SMALL,
    ),
    Archetype(
        "law_firm",
        2,
        ("72",),
        (("其他企业", 1.0),),
        ("{province}{brand}律师事务所", "{city}{brand}律师事务所"),
        ("",),
        (("legal", 80), ("admin", 12), ("marketing", 4)),
        ("公司商事、民商事诉讼和合规法律服务",),
        (("1-49", 0.5), ("50-99", 0.35), ("100-499", 0.15)),
    ),
    Archetype(
        "media",
        4,
        ("86", "87", "72"),
        (("民营企业", 0.7), ("国有企业", 0.2), ("其他事业单位", 0.1)),
        (
            "{city}{brand}文化传媒有限公司",
            "{city}{brand}广告有限公司",
            "{city}{brand}网络传媒有限公司",
        ),
        ("",),
        (("media", 35), ("marketing", 22), ("ui_design", 20), ("sales", 10), ("admin", 5)),
        ("新媒体内容制作", "品牌营销和广告创意", "影视和短视频制作"),
        _SMALL,
    ),
    Archetype(
        "energy",
        3,
        ("44", "45", "46"),
        (("国有企业", 0.85), ("民营企业", 0.15)),
        (
            "{city}{brand}能源集团有限公司",
            "{city}{brand}电力工程有限公司",
            "{city}{brand}燃气有限公司",
            "{city}{brand}水务集团有限公司",
        ),
        ("",),
        (
            ("electrical", 45),
            ("mechanical", 10),
            ("civil", 10),
            ("accounting", 8),
            ("admin", 8),
            ("hr", 5),
            ("data", 4),
            ("customer_service", 5),
        ),
        ("电力工程建设和运维", "城市燃气供应", "城市供排水服务", "新能源发电"),
        _LARGE,
    ),
    Archetype(
        "chemical_food",
        5,
        ("26", "14", "13", "29"),
        _PRIVATE,
        ("{city}{brand}{word}有限公司", "{city}{brand}{word}股份有限公司"),
        ("化工", "新材料", "食品", "生物科技", "精细化工"),
        (
            ("quality", 40),
            ("mechanical", 10),
            ("electrical", 8),
            ("sales", 12),
            ("logistics", 8),
            ("accounting", 6),
            ("admin", 5),
            ("hr", 4),
        ),
        ("精细化学品生产", "高分子新材料", "食品加工", "生物发酵制品"),
        _LARGE,
    ),
    Archetype(
        "real_estate",
        3,
        ("70",),
        (("民营企业", 0.75), ("国有企业", 0.25)),
        (
            "{city}{brand}置业有限公司",
            "{city}{brand}物业服务有限公司",
            "{city}{brand}房地产开发有限公司",
        ),
        ("",),
        (
            ("civil", 25),
            ("sales", 25),
            ("marketing", 10),
            ("admin", 15),
            ("customer_service", 10),
            ("accounting", 8),
        ),
        ("住宅和商业地产开发", "物业管理服务"),
        _LARGE,
    ),
)

BRAND_FIRST = (
    "云", "星", "恒", "华", "博", "鼎", "新", "瑞", "汇", "天", "卓", "启", "联", "宏", "智", "乐",
    "科", "金", "锦", "鸿", "远", "海", "盛", "东", "嘉", "君", "诚", "德", "安", "信", "明", "康",
    "泰", "越", "佳", "创", "融", "睿", "凯", "拓", "峰", "源", "泽", "晟", "昊", "易", "优", "达",
)  # fmt: skip
BRAND_SECOND = (
    "帆", "辰", "信", "创", "远", "盛", "锐", "达", "通", "成", "越", "明", "图", "汇", "享", "桥",
    "程", "运", "景", "纳", "世", "方", "和", "禾", "泰", "康", "源", "宇", "航", "腾", "联", "峰",
    "川", "智", "拓", "途", "微", "点", "数", "维", "捷", "朗", "杰", "宁", "安", "诚", "策", "鼎",
)  # fmt: skip
