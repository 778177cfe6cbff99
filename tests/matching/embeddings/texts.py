"""Varied texts the tokenizer and the embeddings are checked on (synthetic)."""

from __future__ import annotations

VARIED_TEXTS = [
    "护士 上海",
    "Java后端开发工程师（杭州）",
    "ＡＢＣ１２３全角字符，＂引号＂与（括号）",
    "招聘 😀 emoji 🎉 欢迎投递",
    "  leading  spaces\tand\ttabs\n换行\r\n回车",
    "C++/Python 算法工程师，年薪30-50万，14薪",
    "软件工程 本科 2025届 应届毕业生",
    "hello world",
    "é café naïve Ångström",
    "①②③ ㈱ ℃ ㎏ ½ ﬁ",
    "\u200b零宽\u200d字符\ufeff",
    "职位：临床护士 城市：杭州市 学历：本科 专业：护理学 技能：静脉穿刺 描述：负责病区护理",
    "UI/UX设计师（Figma、Sketch）— 远程办公 OK",
    "2025年6月30日前到岗；联系电话请见官网",
    "嵌入式Linux驱动开发，熟悉ARM Cortex-M、RTOS、I²C/SPI",
    "財務會計（繁體字）與財务会计（简体字）",
    "日本語の求人：ソフトウェアエンジニア",
    "한국어 채용 공고: 백엔드 개발자",
    "Sales Representative — B2B SaaS, English fluent (CET-6)",
    "数据分析师 SQL/Excel/Tableau 3年以上经验优先",
    "机械设计工程师 AutoCAD SolidWorks 熟练",
    "ＡＩ训练师　全角空格　分隔",
    "…省略号…和——破折号——以及·间隔号",
    "电话：138-0000-0000（仅示例）邮箱：hr@example.com",
    "网址 https://example.com/jobs?id=42&city=杭州",
    "【急招】【五险一金】【双休】",
    "MBA/EMBA 优先；PMP、CPA、ACCA 持证者加分",
    "x" * 40 + " 重复字符 " + "啊" * 30,
    "小学语文教师（教师资格证）；普通话二级甲等及以上",
    "负责公司核心业务系统的设计与开发，参与需求分析、技术方案评审。" * 30,
]
"""The last text is longer than the model's 512 tokens."""
