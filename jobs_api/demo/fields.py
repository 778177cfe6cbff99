"""Fields of study: which majors belong together, what their graduates know, how common they are.

A *field* groups majors by the work their graduates usually do (``software`` for 计算机科学与技术,
软件工程 ...). Profiles draw skills and certificates from the field; jobs accept the majors of
their field. Majors are matched by their numeric code prefix (``0809`` = 计算机类, ``080902`` =
软件工程), ignoring the catalogue's T/K suffixes, so the table works with whatever exact codes
``ref_majors`` holds.
"""

from __future__ import annotations

import re

# fmt: off
SKILLS: dict[str, tuple[str, ...]] = {
    "software": (
        "Java", "Python", "C/C++", "Go", "JavaScript", "TypeScript", "Vue.js", "React",
        "Spring Boot", "MySQL", "Redis", "Linux", "Git", "Docker", "数据结构与算法", "计算机网络",
        "微服务",
    ),
    "data": (
        "Python", "SQL", "Excel", "Pandas", "机器学习", "统计分析", "SPSS", "R语言", "Tableau",
        "Power BI", "Hadoop", "Spark", "数据可视化",
    ),
    "ai": (
        "Python", "PyTorch", "TensorFlow", "深度学习", "机器学习", "计算机视觉", "自然语言处理",
        "大模型微调", "Linux", "C/C++",
    ),
    "electronics": (
        "C语言", "嵌入式开发", "STM32", "单片机", "模拟电路", "数字电路", "PCB设计",
        "Altium Designer", "FPGA", "Verilog", "MATLAB", "通信原理",
    ),
    "electrical": (
        "PLC编程", "电气CAD", "电力系统分析", "电机与拖动", "自动控制原理", "MATLAB", "继电保护",
        "变频器调试", "西门子S7-1200",
    ),
    "mechanical": (
        "AutoCAD", "SolidWorks", "UG NX", "CATIA", "机械制图", "公差配合", "有限元分析", "ANSYS",
        "数控编程", "机械原理", "工艺设计",
    ),
    "civil": (
        "AutoCAD", "广联达", "BIM", "Revit", "PKPM", "结构力学", "工程测量", "施工组织设计",
        "工程造价", "建筑识图",
    ),
    "chemistry": (
        "化学分析", "HPLC", "气相色谱", "实验室安全", "化工原理", "GMP", "质量体系", "ISO 9001",
        "数据记录",
    ),
    "accounting": (
        "会计核算", "财务报表分析", "金蝶", "用友U8", "Excel", "税务申报", "成本核算", "审计基础",
        "财务软件",
    ),
    "finance": (
        "金融市场", "风险管理", "财务分析", "Excel", "Wind", "投资分析", "信贷业务", "理财规划",
        "证券投资分析",
    ),
    "business": (
        "市场调研", "营销策划", "客户沟通", "商务谈判", "Office办公软件", "数据分析", "新媒体运营",
        "CRM",
    ),
    "hr": (
        "招聘面试", "劳动法", "薪酬核算", "绩效管理", "员工关系", "Office办公软件",
        "社保公积金办理",
    ),
    "logistics": (
        "供应链管理", "仓储管理", "ERP系统", "SAP", "Excel", "采购管理", "物流规划", "库存控制",
    ),
    "ecommerce": (
        "店铺运营", "直播运营", "数据分析", "淘宝/天猫运营", "抖音电商", "文案撰写", "Photoshop",
    ),
    "law": ("法律检索", "合同审查", "法律文书写作", "民法典", "公司法", "诉讼流程", "合规审查"),
    "nursing": (
        "基础护理", "静脉穿刺", "心肺复苏", "护理文书书写", "急救护理", "健康宣教", "无菌操作",
    ),
    "medicine": ("临床诊疗", "病历书写", "体格检查", "心电图判读", "急救技能", "医患沟通"),
    "pharmacy": ("药物分析", "药事管理", "GMP", "药品调剂", "HPLC", "药理学", "处方审核"),
    "teaching": (
        "教学设计", "课件制作", "班级管理", "普通话", "板书", "教育心理学", "课堂组织", "家校沟通",
    ),
    "preschool": ("幼儿游戏设计", "钢琴", "舞蹈", "手工", "儿童心理", "保育知识", "家园沟通"),
    "language": ("英语听说读写", "笔译", "口译", "商务英语", "日语", "外贸函电", "Trados"),
    "media": ("新闻写作", "文案策划", "短视频剪辑", "Premiere", "新媒体运营", "摄影", "采访"),
    "design": (
        "Photoshop", "Illustrator", "Figma", "Sketch", "After Effects", "C4D", "交互设计",
        "视觉设计", "排版",
    ),
    "admin": ("Office办公软件", "公文写作", "档案管理", "会务组织", "沟通协调", "行政管理"),
    "agriculture": ("作物栽培", "植物保护", "农业技术推广", "土壤肥料", "实验设计", "田间试验"),
    "science": ("MATLAB", "Python", "数学建模", "实验设计", "LaTeX", "数据处理", "科研写作"),
    "arts": ("钢琴", "声乐", "乐理", "视唱练耳", "舞蹈编排", "舞台表演", "艺术培训"),
    "general": ("Office办公软件", "沟通表达", "团队协作", "文案写作", "Excel"),
}

CERTIFICATES: dict[str, tuple[str, ...]] = {
    "software": ("软件设计师（中级）", "华为HCIA认证"),
    "data": ("CDA数据分析师一级", "软件设计师（中级）"), "ai": ("软件设计师（中级）",),
    "electronics": ("嵌入式系统设计师（中级）",), "electrical": ("低压电工作业证",),
    "mechanical": ("CAD绘图员证书",), "civil": ("BIM技能等级证书", "施工员岗位证书"),
    "chemistry": ("化学检验员（四级）",),
    "accounting": ("初级会计专业技术资格", "注册会计师（通过部分科目）"),
    "finance": ("证券从业资格", "基金从业资格", "银行从业资格"), "business": ("营销师（四级）",),
    "hr": ("企业人力资源管理师（三级）",), "logistics": ("物流管理职业技能等级证书",),
    "ecommerce": ("电子商务师（四级）",), "law": ("法律职业资格证书",),
    "nursing": ("护士执业资格证", "BLS基础生命支持证书"),
    "medicine": ("执业医师资格（考试通过）",), "pharmacy": ("药学（士）专业技术资格",),
    "teaching": ("教师资格证", "普通话二级甲等"),
    "preschool": ("教师资格证（幼儿园）", "普通话二级甲等"),
    "language": ("英语专业八级（TEM-8）", "CATTI三级笔译", "日语能力测试N1"),
    "media": ("普通话二级甲等",), "design": ("Adobe认证设计师",), "admin": ("普通话二级甲等",),
    "agriculture": ("农业技术员证书",), "science": (), "general": (),
    "arts": ("钢琴演奏等级证书（十级）", "普通话二级甲等"),
}

# Longest numeric prefix wins.
_FIELD_BY_PREFIX: dict[str, str] = {
    "01": "general", "02": "finance", "0201": "finance", "020102": "data", "0202": "accounting",
    "0203": "finance", "0204": "language", "020401": "business", "03": "admin", "0301": "law",
    "0303": "admin", "0306": "general", "04": "teaching", "040106": "preschool",
    "0402": "teaching", "05": "teaching", "050107": "admin", "0502": "language", "0503": "media",
    "06": "general", "07": "science", "0703": "chemistry", "0710": "science", "0711": "hr",
    "0712": "data", "08": "mechanical", "0802": "mechanical", "080205": "design",
    "0803": "electronics", "0804": "chemistry", "0805": "mechanical", "0806": "electrical",
    "0807": "electronics", "080717": "ai", "0808": "electrical", "0809": "software",
    "080906": "software", "080907": "ai", "080910": "data", "0810": "civil",
    "081004": "electrical", "0811": "civil", "0812": "civil", "0813": "chemistry",
    "081302": "pharmacy", "0814": "civil", "0815": "mechanical", "0816": "design",
    "0817": "chemistry", "0818": "logistics", "0819": "mechanical", "0820": "mechanical",
    "0821": "mechanical", "0822": "electrical", "0823": "agriculture", "0824": "civil",
    "0825": "chemistry", "0826": "electronics", "0827": "chemistry", "0828": "civil",
    "0829": "civil", "0830": "chemistry", "0831": "general", "09": "agriculture", "10": "medicine",
    "1007": "pharmacy", "1008": "pharmacy", "1011": "nursing", "12": "business",
    "1201": "business", "120102": "data", "120103": "civil", "120105": "civil", "120108": "data",
    "1202": "business", "120203": "accounting", "120204": "accounting", "120206": "hr",
    "120207": "accounting", "120208": "finance", "120211": "hr", "120213": "accounting",
    "120218": "accounting", "1204": "admin", "120403": "hr", "1205": "admin", "1206": "logistics",
    "1207": "mechanical", "1208": "ecommerce", "1209": "business", "13": "design", "1302": "arts",
    "130301": "arts", "1303": "media", "130310": "design", "1304": "design", "1305": "design",
}

# Relative size of the yearly graduating class per major (the default is 1.5; 特设 T majors 0.4).
POPULAR_MAJORS: dict[str, float] = {
    "080901": 60, "101101": 55, "080902": 45, "120203": 45, "080202": 40, "100201": 40,
    "050201": 35, "120204": 35, "050101": 35, "081001": 35, "080601": 35, "080701": 30,
    "040106": 30, "030101": 28, "130502": 25, "040107": 25, "080910": 25, "020301": 25,
    "120202": 22, "120201": 20, "080801": 20, "130503": 20, "120206": 18, "020401": 18,
    "080703": 18, "120801": 18, "070101": 18, "120601": 16, "080905": 15, "100701": 15,
    "040201": 15, "080717": 15, "120105": 15, "080207": 12, "080903": 12, "120103": 12,
    "081301": 12, "030503": 10, "120402": 10, "120901": 10, "050306": 10, "080906": 10,
    "101005": 10, "130202": 10, "130401": 10, "080204": 10, "050207": 8, "050301": 8, "130504": 8,
    "101003": 8, "101001": 8, "100501": 8, "071102": 8, "030302": 8, "120207": 8, "080401": 8,
    "082701": 8, "080203": 8, "080213": 8, "120102": 8, "130508": 8, "050303": 7, "100301": 6,
    "100502": 6, "071201": 6, "071002": 6, "082801": 6, "090401": 6, "082502": 6, "050262": 6,
    "120108": 6, "120902": 6, "130310": 6, "040203": 4, "020202": 5, "020304": 5, "082802": 5,
    "082803": 5, "090502": 5, "090101": 5, "081003": 5, "081006": 5, "080904": 5, "080911": 5,
    "050261": 5, "130309": 5, "130305": 5, "100601": 4, "020303": 4, "060101": 3, "060103": 0.5,
    "010101": 1.0,
}

# Majors that 高职 (junior-college) graduates are mapped onto: the bachelor catalogue has no
# 专科 majors, so each vocational programme is represented by its bachelor counterpart
# (软件技术 -> 软件工程, 护理 -> 护理学, 大数据与会计 -> 会计学 ...).
VOCATIONAL_MAJORS: tuple[str, ...] = (
    "080901", "080902", "080903", "080905", "080906", "080910", "120203", "120204", "101101",
    "101102", "080202", "080204", "080207", "080208", "080213", "080601", "080801", "080701",
    "080703", "081001", "120105", "120103", "120801", "120202", "120601", "120901", "120902",
    "040106", "100701", "101001", "101003", "101005", "101006", "130502", "130503", "130508",
    "050262", "120206", "081003", "120402",
)

# 5-year bachelor programmes (临床医学, 口腔医学, 中医学, 建筑学 ...).
FIVE_YEAR_PREFIXES: tuple[str, ...] = ("1002", "1003", "1005", "1006", "100901", "082801")

# fmt: on
_DIGITS = re.compile(r"\d+")


def numeric_code(code: str) -> str:
    """``080903`` -> ``080903``; ``020203TK`` -> ``020203`` (catalogue suffixes dropped)."""
    match = _DIGITS.match(code)
    return match.group(0) if match else code


def field_of_major(code: str) -> str:
    digits = numeric_code(code)
    for length in (6, 4, 2):
        field = _FIELD_BY_PREFIX.get(digits[:length])
        if field is not None:
            return field
    return "general"


def base_major_weight(code: str) -> float:
    digits = numeric_code(code)
    if digits in POPULAR_MAJORS:
        return POPULAR_MAJORS[digits]
    if digits.startswith("0502"):
        return 0.1  # the many less-taught foreign languages
    if digits.startswith("0306") or digits.startswith("0831"):
        return 0.2  # police academies
    suffix = code[len(digits) :]
    return 0.4 if "T" in suffix else 1.5


def is_five_year(code: str) -> bool:
    return numeric_code(code).startswith(FIVE_YEAR_PREFIXES)


def major_matches(code: str, prefixes: tuple[str, ...]) -> bool:
    return numeric_code(code).startswith(prefixes)


# fmt: off
COLLEGE_BY_PREFIX: dict[str, str] = {
    "01": "哲学学院", "02": "经济学院", "0202": "财政税务学院", "0203": "金融学院", "03": "法学院",
    "0302": "政治与公共管理学院", "0303": "社会学院", "0305": "马克思主义学院", "04": "教育学院",
    "0402": "体育学院", "05": "文学院", "0502": "外国语学院", "0503": "新闻传播学院",
    "06": "历史文化学院", "07": "理学院", "0701": "数学与统计学院", "0702": "物理学院",
    "0703": "化学化工学院", "0705": "地理科学学院", "0710": "生命科学学院", "0711": "心理学院",
    "0712": "数学与统计学院", "08": "工学院", "0802": "机械工程学院", "0803": "仪器科学与工程学院",
    "0804": "材料科学与工程学院", "0805": "能源与动力工程学院", "0806": "电气工程学院",
    "0807": "电子信息学院", "0808": "自动化学院", "0809": "计算机科学与技术学院",
    "0810": "土木工程学院", "0811": "水利工程学院", "0812": "测绘学院", "0813": "化学工程学院",
    "0818": "交通运输学院", "0825": "环境学院", "0827": "食品学院", "0828": "建筑学院",
    "09": "农学院", "0903": "动物科技学院", "0904": "动物医学院", "0905": "林学院", "10": "医学院",
    "1002": "临床医学院", "1003": "口腔医学院", "1004": "公共卫生学院", "1005": "中医学院",
    "1007": "药学院", "1008": "中药学院", "1010": "医学技术学院", "1011": "护理学院",
    "12": "管理学院", "1202": "商学院", "120203": "会计学院", "1204": "公共管理学院",
    "1206": "物流学院", "1208": "电子商务学院", "1209": "旅游学院", "13": "艺术学院",
    "1302": "音乐学院", "1303": "影视传媒学院", "1304": "美术学院", "1305": "设计学院",
}

VOCATIONAL_COLLEGE_BY_FIELD: dict[str, str] = {
    "software": "信息工程学院", "data": "信息工程学院", "ai": "信息工程学院",
    "electronics": "电子信息学院", "electrical": "智能制造学院", "mechanical": "智能制造学院",
    "civil": "建筑工程学院", "accounting": "财经商贸学院", "finance": "财经商贸学院",
    "business": "财经商贸学院", "hr": "财经商贸学院", "logistics": "财经商贸学院",
    "ecommerce": "财经商贸学院", "nursing": "护理学院", "medicine": "医学技术学院",
    "pharmacy": "医药学院", "preschool": "教育学院", "teaching": "教育学院",
    "language": "国际教育学院", "design": "艺术设计学院", "admin": "人文学院",
}


# fmt: on
def college_of_major(code: str, vocational: bool) -> str:
    if vocational:
        return VOCATIONAL_COLLEGE_BY_FIELD.get(field_of_major(code), "公共管理学院")
    digits = numeric_code(code)
    for length in (6, 4, 2):
        college = COLLEGE_BY_PREFIX.get(digits[:length])
        if college is not None:
            return college
    return "综合学院"


# fmt: off
# Industries (GB/T 4754-2017 divisions) a graduate of each field usually aims for.
FIELD_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "software": ("65", "64"), "data": ("65", "64", "66"), "ai": ("65", "64"),
    "electronics": ("39", "65"), "electrical": ("44", "38"), "mechanical": ("34", "35", "36"),
    "civil": ("47", "48", "74"), "chemistry": ("26", "27", "14"), "accounting": ("72", "66"),
    "finance": ("66", "67", "68"), "business": ("51", "52", "72"), "hr": ("72",),
    "logistics": ("58", "59", "60"), "ecommerce": ("52", "64"), "law": ("72",), "nursing": ("84",),
    "medicine": ("84",), "pharmacy": ("27", "84"), "teaching": ("83",), "preschool": ("83",),
    "language": ("51", "83"), "media": ("86", "87", "64"), "design": ("64", "72", "86"),
    "admin": ("72", "83"), "agriculture": ("01", "13"), "science": ("73", "83"),
    "arts": ("88", "83"), "general": (),
}
# fmt: on

# Monthly salary (RMB) a bachelor graduate of the field expects in a tier-1 city.
FIELD_EXPECTED_SALARY: dict[str, int] = {
    "software": 14000,
    "data": 12000,
    "ai": 18000,
    "electronics": 11000,
    "electrical": 10000,
    "mechanical": 9500,
    "civil": 8500,
    "chemistry": 8500,
    "accounting": 8000,
    "finance": 10000,
    "business": 8000,
    "hr": 7500,
    "logistics": 7500,
    "ecommerce": 8000,
    "law": 9000,
    "nursing": 7500,
    "medicine": 10000,
    "pharmacy": 8000,
    "teaching": 8500,
    "preschool": 6500,
    "language": 8500,
    "media": 8000,
    "design": 9000,
    "admin": 7000,
    "agriculture": 7000,
    "science": 9000,
    "arts": 7000,
    "general": 7000,
}
