"""Passage and query texts: structured fields first, free text capped, 专业不限 spelt out."""

from __future__ import annotations

from matching.documents import JobDoc, ProfileDoc
from matching.texts import (
    MAX_DESCRIPTION_CHARS,
    MAX_SUMMARY_CHARS,
    job_passage,
    job_query,
    profile_passage,
    profile_query,
)

JOB = JobDoc(
    id=1,
    title="Java后端开发工程师",
    employer="北京星河科技有限公司",
    industry="信息传输、软件和信息技术服务业",
    city="北京",
    degree_level="bachelor",
    majors=("计算机科学与技术", "软件工程"),
    skills=("Java", "Spring Boot"),
    description="负责交易系统后端开发。" * 100,
    occupation="软件开发工程技术人员",
)
PROFILE = ProfileDoc(
    id=7,
    major="软件工程",
    degree_level="bachelor",
    major_category="计算机类",
    university="天津大学",
    skills=("Java", "Python"),
    certificates=("大学英语六级",),
    intended_cities=("北京", "天津"),
    intended_industries=("信息传输、软件和信息技术服务业",),
    summary="在一家互联网公司做过后端实习。" * 60,
    internships=("某互联网公司 后端开发实习生 订单服务接口",),
    projects=("校园二手交易平台 Spring Boot + MySQL",),
)


def test_job_passage_puts_the_structured_fields_first_and_caps_the_description() -> None:
    text = job_passage(JOB)
    assert text.startswith("职位：Java后端开发工程师；职业：软件开发工程技术人员；")
    assert "专业：计算机科学与技术、软件工程" in text
    assert "技能：Java、Spring Boot" in text
    assert "城市：北京" in text and "学历：本科及以上" in text
    assert text.index("技能") < text.index("描述")
    description = text.split("描述：", 1)[1]
    assert len(description) <= MAX_DESCRIPTION_CHARS + 1 and description.endswith("…")


def test_a_job_without_majors_says_any_major() -> None:
    text = job_passage(JobDoc(id=2, title="快递派送员", majors=()))
    assert "专业：专业不限" in text
    assert "描述" not in text  # empty fields are left out, not printed empty


def test_job_query_holds_what_the_job_looks_for() -> None:
    text = job_query(JOB)
    assert text.startswith("招聘职位：Java后端开发工程师")
    assert "专业：计算机科学与技术、软件工程" in text and "单位" not in text


def test_profile_texts_name_major_category_skills_and_wishes() -> None:
    query = profile_query(PROFILE)
    passage = profile_passage(PROFILE)
    for text in (query, passage):
        assert "专业：软件工程" in text and "专业类：计算机类" in text
        assert "技能：Java、Python" in text and "证书：大学英语六级" in text
        assert "意向城市：北京、天津" in text
        assert "实习：某互联网公司" in text and "项目：校园二手交易平台" in text
        summary = text.split("自我介绍：", 1)[1]
        assert len(summary) <= MAX_SUMMARY_CHARS + 1
    assert query.startswith("求职：软件工程专业对口的工作")
    assert "学校：天津大学" in passage and "学校" not in query


def test_no_city_preference_reads_as_any_city_in_the_passage() -> None:
    profile = ProfileDoc(id=8, major="护理", degree_level="junior_college")
    assert "意向城市：不限" in profile_passage(profile)
    assert "学历：大专" in profile_query(profile)
