"""Job families for engineering, IT, design and quality graduates (see :mod:`.job_families`)."""

from __future__ import annotations

from jobs_api.demo.job_families import (
    BACHELOR_MOSTLY,
    VOCATIONAL_FRIENDLY,
    JobFamily,
    family,
    role,
)

TECHNICAL_FAMILIES: tuple[JobFamily, ...] = (
    family(
        "software",
        (
            role(
                "2-02-10-03",
                "Java开发工程师、后端开发工程师、前端开发工程师、Python开发工程师、C++开发工程师、"
                "Go开发工程师、全栈开发工程师、Android开发工程师、iOS开发工程师",
            ),
            role("2-02-10-06", "嵌入式软件工程师、嵌入式开发工程师"),
            role("4-04-05-01", "软件开发工程师、程序员、应用开发工程师"),
        ),
        skills="Java、Python、C/C++、Go、JavaScript、TypeScript、Vue.js、React、Spring Boot、"
        "MySQL、Redis、Linux、Git、Docker、微服务、数据结构与算法",
        majors="0809 080701 080703 080714 0712 070102",
        open_share=0.05,
        degrees=BACHELOR_MOSTLY,
        salary=(12000, 20000),
        duties="负责公司核心业务系统的设计、开发与维护；参与需求评审和技术方案设计，按计划完成功能开发；"
        "编写高质量、可维护的代码并完成单元测试；配合测试和运维同事定位并解决线上问题；"
        "参与代码评审，持续优化系统性能和稳定性；撰写技术文档，沉淀开发规范",
        requirements="熟悉至少一门主流编程语言，具备扎实的数据结构与算法基础；"
        "了解常用数据库的使用和SQL优化；有课程项目、开源项目或实习经历者优先；"
        "具备良好的学习能力和团队协作精神",
        extra_months=0.4,
    ),
    family(
        "testing",
        (role("4-04-05-02", "软件测试工程师、测试开发工程师、自动化测试工程师、测试工程师"),),
        skills="Python、Linux、SQL、Selenium、JMeter、Postman、测试用例设计、Git",
        majors="0809 0807 0712",
        open_share=0.1,
        degrees=VOCATIONAL_FRIENDLY,
        salary=(9000, 15000),
        duties="根据需求文档编写测试计划和测试用例；执行功能测试、接口测试和回归测试，跟踪缺陷直至关闭；"
        "搭建和维护自动化测试脚本；输出测试报告，推动产品质量持续改进",
        requirements="了解软件测试的基本理论和方法；熟悉Linux常用命令和SQL语句；"
        "工作细致，有较强的责任心",
        extra_months=0.3,
    ),
    family(
        "data",
        (
            role("2-02-30-09", "数据分析师、数据分析专员、BI分析师"),
            role("4-07-02-05", "商务数据分析师、数据运营专员"),
            role("2-02-38-03", "大数据开发工程师、数据仓库工程师"),
        ),
        skills="Python、SQL、Excel、Pandas、Tableau、Power BI、Hadoop、Spark、统计分析、数据可视化",
        majors="0712 0701 080910 120108 120102 020102 0809 020101",
        open_share=0.05,
        degrees=BACHELOR_MOSTLY,
        salary=(11000, 18000),
        duties="负责业务数据的采集、清洗和整理，搭建数据指标体系；"
        "定期输出经营分析报告，为业务决策提供数据支持；开发和维护数据报表与可视化看板；"
        "针对业务问题开展专题分析并提出改进建议",
        requirements="熟练使用SQL和Excel，掌握Python或R进行数据处理；具备统计学基础，逻辑思维清晰；"
        "对数据敏感，能够从数据中发现问题",
        extra_months=0.35,
    ),
    family(
        "algorithm",
        (
            role(
                "2-02-38-01",
                "算法工程师、机器学习工程师、自然语言处理算法工程师、计算机视觉算法工程师、"
                "大模型算法工程师",
            ),
            role("4-04-05-05", "人工智能训练师、数据标注与训练工程师"),
        ),
        skills="Python、PyTorch、TensorFlow、深度学习、机器学习、计算机视觉、自然语言处理、C/C++、Linux",
        majors="0809 080717 0807 0808 0701 0712",
        open_share=0.0,
        degrees=(("bachelor", 0.35), ("master", 0.55), ("doctor", 0.1)),
        salary=(18000, 30000),
        duties="负责机器学习或深度学习模型的研发、训练与上线；跟踪前沿算法，结合业务场景进行落地优化；"
        "搭建模型评估体系，持续提升模型效果；与工程团队合作完成算法服务化部署",
        requirements="扎实的数学基础，熟悉常用机器学习算法；熟练使用PyTorch或TensorFlow等框架；"
        "有相关竞赛、论文或项目经历者优先",
        extra_months=0.5,
    ),
    family(
        "it_ops",
        (
            role("2-02-10-04", "网络工程师、网络运维工程师"),
            role("2-02-10-08", "运维工程师、系统运维工程师、IT技术支持工程师"),
            role("2-02-10-07", "信息安全工程师、网络安全工程师"),
        ),
        skills="Linux、Shell、TCP/IP、Docker、Kubernetes、网络配置、防火墙、Python",
        majors="0809 0807",
        open_share=0.1,
        degrees=VOCATIONAL_FRIENDLY,
        salary=(9000, 14000),
        duties="负责服务器、网络设备和业务系统的日常运维与监控；处理系统故障和安全事件，保障业务连续运行；"
        "编写自动化运维脚本，提升运维效率；配合完成机房和网络建设项目",
        requirements="熟悉Linux系统和TCP/IP网络协议；了解常见网络设备和安全防护技术；"
        "能适应必要的值班安排",
    ),
    family(
        "ui_design",
        (
            role("2-09-06-01", "UI设计师、视觉设计师、交互设计师"),
            role("4-08-08-08", "平面设计师、广告设计师"),
            role("2-09-06-07", "数字媒体设计师、动效设计师"),
        ),
        skills="Photoshop、Illustrator、Figma、Sketch、After Effects、C4D、交互设计、视觉设计",
        majors="1305 130310 080906 080205 1304",
        open_share=0.05,
        degrees=VOCATIONAL_FRIENDLY,
        salary=(8000, 14000),
        duties="负责产品界面和运营活动的视觉设计；参与用户体验分析，输出交互原型和设计规范；"
        "与产品、开发同事协作，跟进设计还原效果；负责品牌物料和宣传海报的设计制作",
        requirements="熟练使用Photoshop、Figma等设计工具；具备良好的审美和创意表达能力，需提供作品集；"
        "了解移动端和网页端的设计规范",
    ),
    family(
        "product",
        (role("2-02-10-05", "产品经理、产品助理、需求分析师、产品运营专员"),),
        skills="需求分析、Axure、原型设计、用户研究、数据分析、项目管理、SQL",
        majors="0809 1201 1202 0712 1208",
        open_share=0.3,
        degrees=BACHELOR_MOSTLY,
        salary=(11000, 18000),
        duties="负责产品需求调研和分析，撰写产品需求文档；设计产品原型和业务流程，推动研发按期交付；"
        "跟踪产品上线效果，持续迭代优化；协调设计、研发、运营等团队完成产品目标",
        requirements="逻辑清晰，具备较强的沟通和推动能力；熟练使用Axure、墨刀等原型工具；"
        "有互联网产品实习经历者优先",
        extra_months=0.35,
    ),
    family(
        "mechanical",
        (
            role("2-02-07-01", "机械设计工程师、结构工程师、机械设计助理工程师"),
            role("2-02-07-02", "机械工艺工程师、设备工程师、生产技术员"),
            role("2-02-07-06", "模具设计工程师"),
        ),
        skills="AutoCAD、SolidWorks、UG NX、机械制图、公差配合、有限元分析、工艺设计",
        majors="0802 0805 1207 0820",
        open_share=0.0,
        degrees=VOCATIONAL_FRIENDLY,
        salary=(8000, 13000),
        duties="负责产品零部件和设备的结构设计与图纸绘制；编制工艺文件，解决生产现场技术问题；"
        "参与新产品试制和样机验证；开展设备维护保养和技术改进",
        requirements="熟练使用AutoCAD和SolidWorks等设计软件；具备机械原理和材料力学基础；"
        "能适应工厂现场工作环境",
    ),
    family(
        "electrical",
        (
            role("2-02-11-01", "电气工程师、电气设计工程师"),
            role("2-02-12-02", "供用电技术员、变电运维工程师"),
            role("2-02-10-02", "硬件工程师、电子工程师"),
            role("2-02-38-05", "自动化工程师、PLC工程师"),
        ),
        skills="PLC编程、电气CAD、电力系统分析、模拟电路、数字电路、PCB设计、自动控制原理",
        majors="0806 0807 0808 081004",
        open_share=0.0,
        degrees=VOCATIONAL_FRIENDLY,
        salary=(8500, 14000),
        duties="负责电气控制系统的设计、调试与维护；绘制电气原理图，编制设备选型清单；"
        "参与电路板设计和硬件测试；解决现场电气故障，编写技术文档",
        requirements="熟悉电气控制原理和常用低压电器；掌握PLC编程或电路设计；持有电工作业证者优先",
        extra_months=0.2,
    ),
    family(
        "civil",
        (
            role("2-02-18-02", "土建施工员、土木工程师、项目技术员"),
            role("2-02-18-01", "结构设计师、建筑设计师助理"),
            role("2-02-30-10", "造价工程师、预算员"),
            role("4-08-08-23", "BIM工程师、BIM建模员"),
            role("2-02-30-07", "监理员、工程监理"),
        ),
        skills="AutoCAD、广联达、BIM、Revit、PKPM、工程测量、施工组织设计",
        majors="0810 0828 0811 0812 120103 120105",
        open_share=0.0,
        degrees=VOCATIONAL_FRIENDLY,
        salary=(7500, 11500),
        duties="负责施工现场技术管理和质量安全检查；编制施工方案，组织技术交底；"
        "参与工程量计算和成本控制；完成BIM建模和图纸深化设计；整理工程资料，配合竣工验收",
        requirements="熟练使用AutoCAD和广联达等软件；能够识读建筑和结构施工图；能适应项目现场工作",
    ),
    family(
        "quality",
        (
            role("2-02-06-03", "化工工艺工程师、生产工艺员"),
            role("2-02-29-03", "质量工程师、品质工程师"),
            role("2-02-31-01", "品质检验员、化验员、产品检验工程师"),
        ),
        skills="化学分析、气相色谱、HPLC、质量体系、ISO 9001、化工原理、实验室安全",
        majors="0813 0804 0703 0827 0825 0830",
        open_share=0.0,
        degrees=VOCATIONAL_FRIENDLY,
        salary=(7500, 11000),
        duties="负责原料、半成品和成品的检验分析；维护质量管理体系，组织内部审核；"
        "参与生产工艺优化和异常处理；做好实验室仪器设备的维护和校准",
        requirements="熟悉常用化学分析方法和仪器；了解ISO 9001质量体系；具备安全生产意识，工作细致",
    ),
)
