"""Jobs: a title that fits its occupation code, plausible pay for the city and degree, the
majors it accepts, benefits, and a description of duties and qualifications.

Job texts never state gender, age, marital status, ethnicity or school-tier conditions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from jobs_api.demo import fields, regions
from jobs_api.demo.catalog import Catalog
from jobs_api.demo.employer_archetypes import ARCHETYPES
from jobs_api.demo.families_services import SERVICE_FAMILIES
from jobs_api.demo.families_technical import TECHNICAL_FAMILIES
from jobs_api.demo.job_families import BENEFITS, JobFamily, Role
from jobs_api.demo.people import DEGREE_SALARY_FACTOR, DEMO_COHORT
from jobs_api.employers.models import REACHES_GRADUATES
from jobs_api.jobs.models import JobStatus

FAMILIES: tuple[JobFamily, ...] = TECHNICAL_FAMILIES + SERVICE_FAMILIES
FAMILY_BY_KEY: dict[str, JobFamily] = {family.key: family for family in FAMILIES}

DEGREE_REQUIREMENT = {
    "junior_college": "大专及以上学历",
    "bachelor": "本科及以上学历",
    "master": "硕士研究生及以上学历",
    "doctor": "博士研究生学历",
}
_SIZE_WEIGHT = {
    "1-49": 1.0,
    "50-99": 2.0,
    "100-499": 4.0,
    "500-999": 6.0,
    "1000-4999": 9.0,
    "5000以上": 14.0,
}
_HEADCOUNTS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20)
_HEADCOUNT_CUM = tuple(accumulate((22, 20, 14, 8, 12, 5, 5, 6, 3, 3, 2)))
_BIG_CITIES = regions.TIER_1 + regions.NEW_TIER_1


@dataclass(frozen=True, slots=True)
class PlacedEmployer:
    """An employer as stored: what jobs need to know about it."""

    id: int
    city_code: str
    industry_code: str
    archetype: str
    verification_status: str
    size: str


def _round(value: float, step: int = 500) -> int:
    return max(step, round(value / step) * step)


class JobFactory:
    def __init__(
        self,
        catalog: Catalog,
        employers: list[PlacedEmployer],
        rng: random.Random,
        now: datetime,
    ) -> None:
        if not employers:
            raise ValueError("jobs need at least one employer")
        self.catalog = catalog
        self.rng = rng
        self.now = now
        self.employers = employers
        self._employer_cum = tuple(accumulate(_SIZE_WEIGHT.get(e.size, 2.0) for e in employers))
        self._roles = {
            family.key: tuple(r for r in family.roles if r.occupation in catalog.occupations)
            for family in FAMILIES
        }
        self._families: dict[str, tuple[tuple[JobFamily, ...], tuple[float, ...]]] = {}
        for archetype in ARCHETYPES:
            pairs = [
                (FAMILY_BY_KEY[key], weight)
                for key, weight in archetype.families
                if self._roles.get(key)
            ]
            self._families[archetype.key] = (
                tuple(f for f, _ in pairs),
                tuple(accumulate(w for _, w in pairs)),
            )
        self._majors: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[float, ...]]] = {}
        self._big_cities = [c for c in _BIG_CITIES if catalog.prefecture_or_none(c)]

    def _majors_for(self, prefixes: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[float, ...]]:
        found = self._majors.get(prefixes)
        if found is None:
            codes = tuple(c for c in self.catalog.majors if fields.major_matches(c, prefixes))
            found = (codes, tuple(fields.base_major_weight(c) for c in codes))
            self._majors[prefixes] = found
        return found

    def _accepted_majors(self, family: JobFamily, role: Role) -> list[str]:
        rng = self.rng
        if rng.random() < family.open_share:
            return []
        codes, weights = self._majors_for(role.majors or family.majors)
        if not codes:
            return []
        wanted = min(len(codes), rng.choices((1, 2, 3, 4), weights=(25, 35, 25, 15))[0])
        chosen: list[str] = []
        for _ in range(wanted * 3):
            code = rng.choices(codes, weights=weights)[0]
            if code not in chosen:
                chosen.append(code)
            if len(chosen) == wanted:
                break
        return sorted(chosen)

    def _salary(self, family: JobFamily, city: str, degree: str) -> tuple[int, int, int]:
        rng = self.rng
        factor = (
            regions.TIER_SALARY_FACTOR[regions.city_tier(city)]
            * DEGREE_SALARY_FACTOR[degree]
            * rng.uniform(0.9, 1.12)
        )
        low = max(2500, _round(family.salary[0] * factor))
        high = max(low + 1000, _round(family.salary[1] * factor * rng.uniform(0.95, 1.05)))
        months = 12
        if rng.random() < family.extra_months_share:
            months = 13 if rng.random() < 0.6 else 14
        return low, high, months

    def _benefits(self) -> list[str]:
        rng = self.rng
        found = ["五险一金"] if rng.random() < 0.95 else []
        found += [name for name, share in BENEFITS if rng.random() < share]
        return found[:7]

    def _description(self, family: JobFamily, degree: str, majors: list[str]) -> str:
        rng = self.rng
        duties = rng.sample(family.duties, k=min(len(family.duties), rng.randint(2, 3)))
        requirements = rng.sample(
            family.requirements, k=min(len(family.requirements), rng.randint(1, 2))
        )
        if majors:
            names = "、".join(self.catalog.majors[c].name for c in majors[:3])
            major_text = f"{names}等相关专业"
        else:
            major_text = "专业不限"
        lines = [f"{DEGREE_REQUIREMENT[degree]}，{major_text}", *requirements]
        text = (
            "岗位职责："
            + "；".join(f"{i}. {d}" for i, d in enumerate(duties, start=1))
            + "。任职要求："
            + "；".join(f"{i}. {r}" for i, r in enumerate(lines, start=1))
            + "。"
        )
        if rng.random() < 0.3:
            text += f"欢迎{DEMO_COHORT}届毕业生投递简历。"
        return text

    def _timeline(self, reaches_graduates: bool) -> dict[str, Any]:
        rng = self.rng
        now = self.now
        roll = rng.random()
        if reaches_graduates:
            status = (
                JobStatus.PUBLISHED
                if roll < 0.87
                else JobStatus.CLOSED
                if roll < 0.97
                else JobStatus.DRAFT
            )
        else:
            status = JobStatus.PUBLISHED if roll < 0.5 else JobStatus.DRAFT
        future_deadline = (now + timedelta(days=rng.uniform(14, 120))).date()
        if status == JobStatus.PUBLISHED:
            published = now - timedelta(days=rng.uniform(0, 90))
            created = published - timedelta(hours=rng.uniform(1, 72))
            age_days = (now - published).total_seconds() / 86400
            views = int(age_days * rng.uniform(2, 25))
            return {
                "status": str(status),
                "published_at": published,
                "closed_at": None,
                "deadline": future_deadline,
                "created_at": created,
                "updated_at": published,
                "view_count": views,
                "application_count": int(views * rng.uniform(0.01, 0.08)),
            }
        if status == JobStatus.CLOSED:
            published = now - timedelta(days=rng.uniform(25, 90))
            closed = published + timedelta(days=rng.uniform(5, 20))
            views = int((closed - published).days * rng.uniform(5, 30))
            return {
                "status": str(status),
                "published_at": published,
                "closed_at": closed,
                "deadline": closed.date(),
                "created_at": published - timedelta(hours=rng.uniform(1, 72)),
                "updated_at": closed,
                "view_count": views,
                "application_count": int(views * rng.uniform(0.02, 0.1)),
            }
        created = now - timedelta(days=rng.uniform(0, 10))
        return {
            "status": str(status),
            "published_at": None,
            "closed_at": None,
            "deadline": future_deadline,
            "created_at": created,
            "updated_at": created,
            "view_count": 0,
            "application_count": 0,
        }

    def make(self) -> dict[str, Any]:
        """One row of ``jobs`` (without ``id``), ready for a Core bulk insert."""
        rng = self.rng
        employer = rng.choices(self.employers, cum_weights=self._employer_cum)[0]
        families, cum = self._families[employer.archetype]
        family = rng.choices(families, cum_weights=cum)[0]
        role = rng.choice(self._roles[family.key])
        title = rng.choice(role.titles)
        if rng.random() < 0.22:
            title = f"{title}（{DEMO_COHORT}届校招）"
        degree = rng.choices(
            [d for d, _ in family.degrees], weights=[w for _, w in family.degrees]
        )[0]
        city = employer.city_code
        if self._big_cities and rng.random() < 0.12:
            city = rng.choice(self._big_cities)
        majors = self._accepted_majors(family, role)
        salary_min, salary_max, months = self._salary(family, city, degree)
        return {
            "employer_id": employer.id,
            "title": title,
            "occupation_code": role.occupation,
            "industry_code": employer.industry_code,
            "city_code": city,
            "degree_level": degree,
            "major_codes": majors,
            "skills": rng.sample(family.skills, k=min(len(family.skills), rng.randint(3, 5))),
            "salary_min": salary_min,
            "salary_max": salary_max,
            "salary_months": months,
            "headcount": rng.choices(_HEADCOUNTS, cum_weights=_HEADCOUNT_CUM)[0],
            "benefits": self._benefits(),
            "description": self._description(family, degree, majors),
            **self._timeline(employer.verification_status in REACHES_GRADUATES),
        }
