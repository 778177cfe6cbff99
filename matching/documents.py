"""What matching reads about a job and a graduate, whatever the source.

The database (``matching.sources``) and the evaluation sample's JSONL files
(``matching.eval_sample``) are both turned into these plain values first, so text
building, lexical and vector similarity, hard signals, explanations and the evaluation all
work on one shape. Names are the human-readable Chinese names (city 杭州, major 软件工程,
industry 制造业); codes are kept where the source has them (empty when it does not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

DEGREE_ORDER = ("junior_college", "bachelor", "master", "doctor")
"""Degree levels from lowest to highest (codes of ``ref_degree_levels``)."""

DEGREE_BY_NAME = {
    "大专": "junior_college",
    "专科": "junior_college",
    "本科": "bachelor",
    "硕士": "master",
    "研究生": "master",
    "博士": "doctor",
}
DEGREE_NAMES_ZH = {"junior_college": "大专", "bachelor": "本科", "master": "硕士", "doctor": "博士"}


def degree_rank(level: str) -> int:
    """0 for 大专 … 3 for 博士; unknown levels rank lowest."""
    return DEGREE_ORDER.index(level) if level in DEGREE_ORDER else 0


@dataclass(frozen=True, slots=True)
class JobDoc:
    id: int | str
    title: str
    employer: str = ""
    employer_type: str = ""
    industry: str = ""  # GB/T 4754 section name
    industry_code: str = ""
    city: str = ""  # without 市, e.g. 杭州
    city_code: str = ""
    degree_level: str = "bachelor"  # minimum, a DEGREE_ORDER code
    majors: tuple[str, ...] = ()  # accepted major names; () = 专业不限
    major_codes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    salary_min: int = 0
    salary_max: int = 0
    headcount: int = 1
    description: str = ""
    occupation_code: str = ""
    occupation: str = ""  # 职业分类大典 name of occupation_code, when known
    deadline: date | None = None
    application_count: int = 0


@dataclass(frozen=True, slots=True)
class ProfileDoc:
    id: int | str
    major: str  # registry major name
    degree_level: str  # a DEGREE_ORDER code
    university: str = ""
    major_code: str = ""
    major_category: str = ""  # 专业类 name (e.g. 计算机类), when known
    graduation_year: int | None = None
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    intended_cities: tuple[str, ...] = ()  # () = any city
    intended_city_codes: tuple[str, ...] = ()
    intended_industries: tuple[str, ...] = ()
    intended_industry_codes: tuple[str, ...] = ()
    intended_occupation_codes: tuple[str, ...] = ()
    expected_salary: int | None = None
    summary: str = ""
    internships: tuple[str, ...] = field(default=())  # one line each: "公司 岗位 内容"
    projects: tuple[str, ...] = field(default=())
