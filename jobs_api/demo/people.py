"""Graduates: 学籍 (registry) records and the profiles graduates write about themselves.

Every resident ID number is a valid GB 11643-1999 number: the region code is a county that
existed in the birth year (per the division table python-stdnum validates against), the birth
date fits the degree's usual age, the sequence code's parity matches the gender, and the last
character is the ISO 7064 MOD 11-2 check digit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from jobs_api.demo import fields, names, regions
from jobs_api.demo.catalog import Catalog
from jobs_api.demo.codes import make_id_number
from jobs_api.demo.universities import DemoUniversity

DEMO_COHORT = 2026
"""The graduating class the demo is about (毕业年份); a tenth are the previous class."""

DEGREE_MIX: tuple[tuple[str, float], ...] = (
    ("bachelor", 55.0),
    ("junior_college", 35.0),
    ("master", 9.0),
    ("doctor", 1.0),
)
DEGREE_SALARY_FACTOR: dict[str, float] = {
    "junior_college": 0.72,
    "bachelor": 1.0,
    "master": 1.3,
    "doctor": 1.65,
}
_DEGREE_PERSON = {
    "junior_college": "专科生",
    "bachelor": "本科生",
    "master": "硕士研究生",
    "doctor": "博士研究生",
}
_DEGREE_DIGIT = {"junior_college": "3", "bachelor": "1", "master": "5", "doctor": "7"}
# Age at enrollment (years) by degree: (low, high).
_ENROLLMENT_AGE = {
    "junior_college": (17.9, 19.9),
    "bachelor": (17.6, 19.6),
    "master": (21.7, 25.5),
    "doctor": (24.0, 30.0),
}
_FEMALE_SHARE: dict[str, float] = {
    "nursing": 0.88, "preschool": 0.93, "teaching": 0.72, "language": 0.8, "accounting": 0.72,
    "hr": 0.7, "admin": 0.65, "media": 0.68, "design": 0.6, "pharmacy": 0.62, "medicine": 0.55,
    "finance": 0.55, "business": 0.58, "ecommerce": 0.55, "law": 0.6, "software": 0.3,
    "data": 0.4, "ai": 0.25, "electronics": 0.22, "electrical": 0.18, "mechanical": 0.12,
    "civil": 0.2, "chemistry": 0.4, "logistics": 0.5, "agriculture": 0.45, "science": 0.45,
    "arts": 0.62,
}  # fmt: skip
# Multipliers of a major's weight by university kind; the longest matching code prefix wins,
# "" is the default.
_KIND_BIAS: dict[str, dict[str, float]] = {
    "综合": {"": 1.0, "10": 0.8},
    "理工": {"": 0.4, "08": 2.5, "07": 1.2, "12": 1.0, "10": 0.1, "04": 0.2, "09": 0.3},
    "财经": {"": 0.1, "02": 5.0, "12": 3.0, "03": 1.5, "0809": 1.0, "0712": 2.0},
    "师范": {"": 0.4, "04": 5.0, "05": 2.0, "07": 2.0, "06": 2.0, "13": 1.5, "0809": 0.8},
    "医药": {"": 0.05, "10": 10.0, "0710": 1.5, "0826": 2.0, "1204": 0.5},
    "农林": {"": 0.4, "09": 8.0, "0827": 3.0, "0710": 2.0, "08": 0.6, "12": 1.0, "10": 0.1},
    "政法": {"": 0.1, "03": 8.0, "12": 0.8, "02": 0.8, "05": 0.5},
    "语言": {"": 0.05, "0502": 20.0, "0503": 3.0, "02": 1.0, "03": 0.8, "12": 1.0},
    "高职": {"": 1.0},
}
_DEGREE_BIAS: dict[str, dict[str, float]] = {
    "bachelor": {"": 1.0},
    "junior_college": {"": 1.0},
    "master": {"": 1.0, "1011": 0.15, "040106": 0.2, "1305": 0.6},
    "doctor": {"": 0.6, "07": 3.0, "08": 2.0, "10": 2.0, "09": 1.5, "1011": 0.05, "04": 0.4},
}

_PROVINCE_FALLBACK = {"50": "51"}  # 重庆 was part of 四川 before 1997


def _prefix_bias(code: str, table: dict[str, float]) -> float:
    digits = fields.numeric_code(code)
    for length in (6, 4, 2):
        factor = table.get(digits[:length])
        if factor is not None:
            return factor
    return table[""]


@dataclass(frozen=True, slots=True)
class PlacedUniversity:
    """A demo university as stored: its row id and the prefecture code it resolved to."""

    id: int
    spec: DemoUniversity
    city_code: str
    province_code: str


@dataclass(slots=True)
class GraduateDraft:
    """One graduate before storage: the registry fields plus the self-written profile."""

    university_id: int
    student_number: str
    name: str
    gender: str
    id_number: str
    birth_date: date
    college: str
    major_code: str
    degree_level: str
    enrollment_date: date
    expected_graduation_date: date
    graduation_year: int
    status: str
    low_income_family: bool
    zero_employment_family: bool
    has_disability: bool
    skills: list[str]
    certificates: list[str]
    intended_city_codes: list[str]
    intended_industry_codes: list[str]
    expected_salary: int | None
    summary: str


class _Weighted:
    """A fixed population with cumulative weights, for fast repeated ``choices``."""

    __slots__ = ("cum", "values")

    def __init__(self, pairs: list[tuple[str, float]]) -> None:
        kept = [(v, w) for v, w in pairs if w > 0]
        if not kept:
            raise ValueError("nothing to choose from")
        self.values = tuple(v for v, _ in kept)
        self.cum = tuple(accumulate(w for _, w in kept))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cum)[0]


class GraduateFactory:
    """Draws graduates one by one from a seeded ``random.Random``; same seed, same people."""

    def __init__(
        self,
        catalog: Catalog,
        universities: list[PlacedUniversity],
        rng: random.Random,
        today: date,
    ) -> None:
        self.catalog = catalog
        self.rng = rng
        self.today = today
        self.universities = universities
        self._by_level = {
            level: [u for u in universities if (u.spec.level == "vocational") == (level == "v")]
            for level in ("v", "u")
        }
        self._university_pickers = {
            degree: self._university_weights(degree) for degree, _ in DEGREE_MIX
        }
        self._majors: dict[tuple[str, str], _Weighted] = {}
        self._degrees = _Weighted(list(DEGREE_MIX))
        self._provinces = _Weighted(
            [
                (p + "0000", w)
                for p, w in regions.PROVINCE_POPULATION.items()
                if p + "0000" in catalog.regions
            ]
        )
        self._counters: dict[int, int] = {}
        self._issued: set[str] = set()

    def _university_weights(self, degree: str) -> list[PlacedUniversity]:
        pool = self._by_level["v" if degree == "junior_college" else "u"]
        if not pool:
            pool = self.universities
        return pool

    def _pick_university(self, degree: str) -> PlacedUniversity:
        pool = self._university_pickers[degree]
        if degree in ("master", "doctor"):
            weights = [u.spec.weight * (3.0 if u.spec.double_first_class else 0.5) for u in pool]
        else:
            weights = [float(u.spec.weight) for u in pool]
        return self.rng.choices(pool, weights=weights)[0]

    def _major_picker(self, kind: str, degree: str) -> _Weighted:
        key = (kind, degree)
        picker = self._majors.get(key)
        if picker is None:
            if degree == "junior_college" or kind == "高职":
                codes = [self.catalog.major_code(d) for d in fields.VOCATIONAL_MAJORS]
                pairs = [(c, fields.base_major_weight(c)) for c in codes if c is not None]
            else:
                pairs = [
                    (
                        code,
                        fields.base_major_weight(code)
                        * _prefix_bias(code, _KIND_BIAS[kind])
                        * _prefix_bias(code, _DEGREE_BIAS[degree]),
                    )
                    for code in self.catalog.majors
                ]
            picker = _Weighted(pairs)
            self._majors[key] = picker
        return picker

    def _home_county(self, province_code: str, birth_year: int) -> str:
        prefix = province_code[:2]
        counties = regions.counties_in_force(prefix, birth_year)
        if not counties and prefix in _PROVINCE_FALLBACK:
            counties = regions.counties_in_force(_PROVINCE_FALLBACK[prefix], birth_year)
        if not counties:  # pragma: no cover - every mainland province has counties
            counties = regions.counties_in_force("11", birth_year)
        return self.rng.choice(counties)

    def _dates(self, degree: str, major_code: str) -> tuple[int, date, date, date]:
        rng = self.rng
        cohort = DEMO_COHORT if rng.random() < 0.9 else DEMO_COHORT - 1
        if degree == "junior_college":
            years = 3
        elif degree == "bachelor":
            years = 5 if fields.is_five_year(major_code) else 4
        elif degree == "master":
            years = 3 if rng.random() < 0.6 else 2
        else:
            years = 4 if rng.random() < 0.7 else 5
        enrollment = date(cohort - years, 9, rng.randint(1, 10))
        graduation = date(cohort, 6, rng.randint(20, 30))
        low, high = _ENROLLMENT_AGE[degree]
        age_days = int(rng.uniform(low, high) * 365.25)
        birth = enrollment - timedelta(days=age_days)
        return cohort, enrollment, graduation, birth

    def make(self) -> GraduateDraft:
        rng = self.rng
        degree = self._degrees.pick(rng)
        university = self._pick_university(degree)
        major_code = self._major_picker(university.spec.kind, degree).pick(rng)
        field = fields.field_of_major(major_code)
        male = rng.random() >= _FEMALE_SHARE.get(field, 0.5)
        gender = "男" if male else "女"
        cohort, enrollment, graduation, birth = self._dates(degree, major_code)
        home_province = (
            university.province_code
            if rng.random() < (0.9 if degree == "junior_college" else 0.68)
            else self._provinces.pick(rng)
        )
        county = self._home_county(home_province, birth.year)
        id_number = make_id_number(county, birth, male, rng)
        while id_number in self._issued:
            id_number = make_id_number(county, birth, male, rng)
        self._issued.add(id_number)
        counter = self._counters.get(university.id, 0) + 1
        self._counters[university.id] = counter
        low_income = rng.random() < 0.06
        zero_employment = rng.random() < 0.01
        if zero_employment and rng.random() < 0.6:
            low_income = True
        profile = _Profile(self, university, degree, major_code, field, county)
        draft = GraduateDraft(
            university_id=university.id,
            student_number=f"{enrollment.year}{_DEGREE_DIGIT[degree]}{counter:06d}",
            name=names.random_person_name(rng, gender),
            gender=gender,
            id_number=id_number,
            birth_date=birth,
            college=fields.college_of_major(major_code, university.spec.level == "vocational"),
            major_code=major_code,
            degree_level=degree,
            enrollment_date=enrollment,
            expected_graduation_date=graduation,
            graduation_year=cohort,
            status="毕业" if graduation <= self.today else "在籍",
            low_income_family=low_income,
            zero_employment_family=zero_employment,
            has_disability=rng.random() < 0.005,
            skills=profile.skills(),
            certificates=profile.certificates(),
            intended_city_codes=profile.cities(),
            intended_industry_codes=profile.industries(),
            expected_salary=None,
            summary="",
        )
        draft.expected_salary = profile.expected_salary()
        draft.summary = _summary(rng, self.catalog, university, draft)
        return draft


class _Profile:
    """The self-described half of a graduate, consistent with the registry half."""

    def __init__(
        self,
        factory: GraduateFactory,
        university: PlacedUniversity,
        degree: str,
        major_code: str,
        field: str,
        county: str,
    ) -> None:
        self.f = factory
        self.university = university
        self.degree = degree
        self.major_code = major_code
        self.field = field
        self.county = county
        self._cities: list[str] = []

    def skills(self) -> list[str]:
        rng = self.f.rng
        pool = fields.SKILLS[self.field]
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(3, 6)))
        if rng.random() < 0.4:
            extra = rng.choice(fields.SKILLS["general"])
            if extra not in chosen:
                chosen.append(extra)
        return chosen

    def certificates(self) -> list[str]:
        rng = self.f.rng
        found: list[str] = []
        cet4 = rng.random() < (0.35 if self.degree == "junior_college" else 0.72)
        if cet4:
            found.append("大学英语四级（CET-4）")
            if rng.random() < (0.6 if self.degree in ("master", "doctor") else 0.4):
                found.append("大学英语六级（CET-6）")
        if rng.random() < 0.25:
            found.append("全国计算机等级考试二级")
        for certificate in fields.CERTIFICATES[self.field]:
            if rng.random() < 0.35:
                found.append(certificate)
        if rng.random() < 0.3:
            found.append("机动车驾驶证（C1）")
        return found

    def cities(self) -> list[str]:
        rng = self.f.rng
        catalog = self.f.catalog
        count = rng.choices((0, 1, 2, 3), weights=(10, 35, 35, 20))[0]
        if count == 0:
            return []
        home_prefecture = catalog.prefecture_or_none(self.county[:4] + "00")
        candidates: dict[str, float] = {}
        for code, weight in (
            (regions.CAPITALS.get(self.county[:2], ""), 3.0),
            (self.university.city_code, 3.0),
            (home_prefecture or "", 2.0),
            *((c, 1.5) for c in (*regions.TIER_1, "330100")),
            *((c, 0.3) for c in regions.NEW_TIER_1),
        ):
            if catalog.prefecture_or_none(code):
                candidates[code] = candidates.get(code, 0.0) + weight
        chosen: list[str] = []
        for _ in range(min(count, len(candidates))):
            codes = [c for c in candidates if c not in chosen]
            chosen.append(rng.choices(codes, weights=[candidates[c] for c in codes])[0])
        self._cities = chosen
        return chosen

    def industries(self) -> list[str]:
        rng = self.f.rng
        options = [c for c in fields.FIELD_INDUSTRIES[self.field] if c in self.f.catalog.industries]
        if not options:
            return []
        return rng.sample(options, k=rng.randint(0, min(2, len(options))))

    def expected_salary(self) -> int | None:
        rng = self.f.rng
        if rng.random() < 0.08:
            return None
        city = self._cities[0] if self._cities else self.university.city_code
        amount = (
            fields.FIELD_EXPECTED_SALARY[self.field]
            * DEGREE_SALARY_FACTOR[self.degree]
            * regions.TIER_SALARY_FACTOR[regions.city_tier(city)]
            * rng.uniform(0.85, 1.15)
        )
        return max(3000, round(amount / 500.0) * 500)


def _summary(
    rng: random.Random,
    catalog: Catalog,
    university: PlacedUniversity,
    draft: GraduateDraft,
) -> str:
    major = catalog.majors[draft.major_code].name
    degree_name = {
        "junior_college": "专科",
        "bachelor": "本科",
        "master": "硕士研究生",
        "doctor": "博士研究生",
    }[draft.degree_level]
    skills = "、".join(draft.skills[:3])
    cities = "、".join(catalog.regions[c].short_name for c in draft.intended_city_codes)
    opening = rng.choice(
        (
            f"{university.spec.name}{major}专业{draft.graduation_year}届{degree_name}毕业生。",
            f"我是{university.spec.name}{major}专业的{_DEGREE_PERSON[draft.degree_level]}，"
            f"{draft.graduation_year}年毕业。",
        )
    )
    middle = rng.choice(
        (
            f"在校期间系统学习了专业课程，熟悉{skills}等知识和技能。",
            f"掌握{skills}，参加过课程设计和校外实习。",
            f"具备{skills}等方面的能力，做事认真，善于沟通。",
        )
    )
    closing = f"希望在{cities}发展。" if cities else "工作城市不限，愿意服从安排。"
    return opening + middle + closing
