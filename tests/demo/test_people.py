"""Graduates: valid ID numbers consistent with the registry record, plausible distributions."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import astuple

import pytest
from stdnum.cn import ric

from jobs_api.demo import fields
from jobs_api.demo.catalog import Catalog
from jobs_api.demo.people import DEMO_COHORT, GraduateDraft, GraduateFactory, PlacedUniversity
from tests.demo.conftest import TODAY

# Age at enrollment (years) that each degree may plausibly start at.
ENROLLMENT_AGE = {
    "junior_college": (17, 21),
    "bachelor": (17, 21),
    "master": (21, 26),
    "doctor": (23, 31),
}


@pytest.fixture(scope="module")
def graduates(catalog: Catalog, placed_universities: list[PlacedUniversity]) -> list[GraduateDraft]:
    factory = GraduateFactory(catalog, placed_universities, random.Random(99), TODAY)
    return [factory.make() for _ in range(6000)]


def test_same_seed_gives_the_same_graduates(
    catalog: Catalog, placed_universities: list[PlacedUniversity]
) -> None:
    def draw(seed: int) -> list[tuple[object, ...]]:
        factory = GraduateFactory(catalog, placed_universities, random.Random(seed), TODAY)
        return [astuple(factory.make()) for _ in range(300)]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)


def test_id_numbers_are_valid_unique_and_match_the_record(graduates: list[GraduateDraft]) -> None:
    assert len({g.id_number for g in graduates}) == len(graduates)
    for g in graduates:
        assert ric.is_valid(g.id_number), g.id_number
        assert ric.get_birth_date(g.id_number) == g.birth_date
        assert int(g.id_number[16]) % 2 == (1 if g.gender == "男" else 0)
        assert g.birth_date < g.enrollment_date < g.expected_graduation_date
        assert g.birth_date < TODAY


def test_ages_fit_the_degree(graduates: list[GraduateDraft]) -> None:
    for g in graduates:
        age = (g.enrollment_date - g.birth_date).days / 365.25
        low, high = ENROLLMENT_AGE[g.degree_level]
        assert low <= age <= high, (g.degree_level, age)


def test_registry_fields_are_consistent(
    graduates: list[GraduateDraft], catalog: Catalog, placed_universities: list[PlacedUniversity]
) -> None:
    by_id = {u.id: u for u in placed_universities}
    student_numbers = Counter((g.university_id, g.student_number) for g in graduates)
    assert max(student_numbers.values()) == 1
    for g in graduates:
        assert g.major_code in catalog.majors
        assert g.degree_level in catalog.degree_levels
        assert g.student_number.startswith(str(g.enrollment_date.year))
        vocational = by_id[g.university_id].spec.level == "vocational"
        assert vocational == (g.degree_level == "junior_college")
        assert g.graduation_year in (DEMO_COHORT, DEMO_COHORT - 1)
        assert g.expected_graduation_date.year == g.graduation_year
        assert g.status == ("毕业" if g.expected_graduation_date <= TODAY else "在籍")
        assert g.gender in ("男", "女")


def test_degree_mix_and_priority_groups(graduates: list[GraduateDraft]) -> None:
    n = len(graduates)
    degrees = Counter(g.degree_level for g in graduates)
    assert 0.50 < degrees["bachelor"] / n < 0.60
    assert 0.30 < degrees["junior_college"] / n < 0.40
    assert 0.06 < degrees["master"] / n < 0.12
    assert 0 < degrees["doctor"] / n < 0.025
    assert 0.04 < sum(g.low_income_family for g in graduates) / n < 0.09
    assert 0.002 < sum(g.zero_employment_family for g in graduates) / n < 0.02
    assert sum(g.has_disability for g in graduates) / n < 0.015
    assert sum(g.graduation_year == DEMO_COHORT for g in graduates) / n > 0.85


def test_majors_are_distributed_plausibly(graduates: list[GraduateDraft], catalog: Catalog) -> None:
    names = Counter(catalog.majors[g.major_code].name for g in graduates)
    assert names["计算机科学与技术"] > 5 * max(1, names["考古学"])
    for popular in ("软件工程", "会计学", "护理学", "机械设计制造及其自动化"):
        assert names[popular] > names["考古学"], popular
    nursing = [g for g in graduates if fields.field_of_major(g.major_code) == "nursing"]
    assert sum(g.gender == "女" for g in nursing) / len(nursing) > 0.7


def test_profiles_fit_the_registry(graduates: list[GraduateDraft], catalog: Catalog) -> None:
    for g in graduates:
        pool = set(fields.SKILLS[fields.field_of_major(g.major_code)]) | set(
            fields.SKILLS["general"]
        )
        assert len(g.skills) >= 3 and set(g.skills) <= pool
        assert len(g.intended_city_codes) <= 3
        assert len(set(g.intended_city_codes)) == len(g.intended_city_codes)
        assert all(catalog.regions[c].level == "prefecture" for c in g.intended_city_codes)
        assert all(c in catalog.industries for c in g.intended_industry_codes)
        assert catalog.majors[g.major_code].name in g.summary
    salaries: dict[str, list[int]] = {}
    for g in graduates:
        if g.expected_salary is not None:
            salaries.setdefault(g.degree_level, []).append(g.expected_salary)

    def mean(values: list[int]) -> float:
        return sum(values) / len(values)

    assert mean(salaries["junior_college"]) < mean(salaries["bachelor"]) < mean(salaries["master"])
