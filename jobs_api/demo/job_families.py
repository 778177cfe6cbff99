"""Graduate job families: titles per occupation code, skills, majors, salaries, duty texts.

Each :class:`Role` ties job titles to one 2022 大典 occupation code (``2-02-10-03``
计算机软件工程技术人员 -> Java开发工程师 ...), so a job's title always fits its occupation.
Salaries are monthly RMB for a bachelor graduate in a tier-1 city; the generator scales them by
city tier and degree (a 深圳 software bachelor gets 12k-20k, a county clerk 3.5k-5k).
Texts state duties and qualifications only: no gender, age, marital, ethnic or school-tier
conditions. The families themselves live in :mod:`.families_technical` and
:mod:`.families_services`; their lists are written ``、``-separated (titles, skills) or
``；``-separated (sentences) to keep the tables readable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Role:
    occupation: str
    titles: tuple[str, ...]
    majors: tuple[str, ...] = ()
    """Major code prefixes for this role; empty means the family's."""


@dataclass(frozen=True, slots=True)
class JobFamily:
    key: str
    roles: tuple[Role, ...]
    skills: tuple[str, ...]
    majors: tuple[str, ...]
    """Numeric code prefixes of the majors the family's jobs accept."""
    open_share: float
    """Share of the family's jobs open to every major (专业不限)."""
    degrees: tuple[tuple[str, float], ...]
    salary: tuple[int, int]
    duties: tuple[str, ...]
    requirements: tuple[str, ...]
    extra_months_share: float = 0.15
    """Share of jobs paying 13 or 14 months a year."""


def role(occupation: str, titles: str, majors: str = "") -> Role:
    return Role(occupation, tuple(titles.split("、")), tuple(majors.split()))


def family(
    key: str,
    roles: tuple[Role, ...],
    *,
    skills: str,
    majors: str,
    open_share: float,
    degrees: tuple[tuple[str, float], ...],
    salary: tuple[int, int],
    duties: str,
    requirements: str,
    extra_months: float = 0.15,
) -> JobFamily:
    return JobFamily(
        key=key,
        roles=roles,
        skills=tuple(skills.split("、")),
        majors=tuple(majors.split()),
        open_share=open_share,
        degrees=degrees,
        salary=salary,
        duties=tuple(duties.split("；")),
        requirements=tuple(requirements.split("；")),
        extra_months_share=extra_months,
    )


BACHELOR_MOSTLY = (("junior_college", 0.15), ("bachelor", 0.75), ("master", 0.1))
VOCATIONAL_FRIENDLY = (("junior_college", 0.45), ("bachelor", 0.55))


# (benefit, share of jobs offering it); 五险一金 is added to almost every job separately.
BENEFITS: tuple[tuple[str, float], ...] = (
    ("双休", 0.7), ("带薪年假", 0.65), ("餐补", 0.45), ("定期体检", 0.4), ("节日福利", 0.45),
    ("年终奖", 0.45), ("交通补贴", 0.25), ("住房补贴", 0.2), ("通讯补贴", 0.2),
    ("员工宿舍", 0.15), ("补充医疗保险", 0.2), ("专业培训", 0.35), ("弹性工作", 0.15),
    ("免费班车", 0.08), ("股票期权", 0.05), ("团建活动", 0.25),
)  # fmt: skip
