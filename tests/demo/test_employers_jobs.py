"""Employers and jobs: valid credit codes in the right city, titles that fit occupations,
plausible pay, accepted majors, and no discriminatory conditions."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from stdnum.cn import uscc

from jobs_api.demo import fields, regions
from jobs_api.demo.catalog import Catalog
from jobs_api.demo.employer_archetypes import ARCHETYPES
from jobs_api.demo.employers import EmployerDraft, EmployerFactory
from jobs_api.demo.jobs import FAMILIES, FAMILY_BY_KEY, JobFactory, PlacedEmployer
from jobs_api.employers.models import REACHES_GRADUATES
from tests.demo.conftest import NOW

# Conditions the law forbids in recruitment (gender, marital/childbearing status, ethnicity,
# school-tier restrictions) and age limits.
DISCRIMINATORY = re.compile(
    r"男性|女性|限男|限女|男士|女士|已婚|未婚|已育|985|211|双一流|民族|岁以下|年龄|身高"
)


@pytest.fixture(scope="module")
def employers(catalog: Catalog) -> list[EmployerDraft]:
    factory = EmployerFactory(catalog, random.Random(11), NOW)
    return [factory.make() for _ in range(3000)]


@pytest.fixture(scope="module")
def jobs(catalog: Catalog, employers: list[EmployerDraft]) -> list[dict[str, Any]]:
    placed = [
        PlacedEmployer(i, e.city_code, e.industry_code, e.archetype, e.verification_status, e.size)
        for i, e in enumerate(employers, start=1)
    ]
    factory = JobFactory(catalog, placed, random.Random(12), NOW)
    return [factory.make() for _ in range(12_000)]


def test_credit_codes_are_valid_unique_and_registered_in_the_employer_city(
    employers: list[EmployerDraft], catalog: Catalog
) -> None:
    assert len({e.uscc for e in employers}) == len(employers)
    for e in employers:
        assert uscc.is_valid(e.uscc), e.uscc
        region = e.uscc[2:8]
        assert region == e.city_code or region in regions.current_districts(e.city_code), e
        assert e.uscc[:2] in ("91", "12", "31")


def test_employers_look_real(employers: list[EmployerDraft], catalog: Catalog) -> None:
    assert len({e.name for e in employers}) == len(employers)
    for e in employers:
        city = catalog.regions[e.city_code]
        province = catalog.regions[catalog.province_of(e.city_code)]
        assert city.short_name in e.name or province.short_name in e.name, e.name
        assert e.employer_type_code in catalog.employer_types
        assert e.industry_code in catalog.industries
        assert city.name in e.description
        if e.uscc.startswith("12"):
            assert catalog.employer_types[e.employer_type_code].endswith("单位")
    reach = sum(e.verification_status in REACHES_GRADUATES for e in employers) / len(employers)
    assert 0.86 < reach < 0.94
    tiers = Counter(regions.city_tier(e.city_code) for e in employers)
    assert tiers[1] + tiers[2] > 0.4 * len(employers)


def test_job_rows_use_reference_codes(jobs: list[dict[str, Any]], catalog: Catalog) -> None:
    for job in jobs:
        assert job["occupation_code"] in catalog.occupations
        assert job["industry_code"] in catalog.industries
        assert catalog.regions[job["city_code"]].level == "prefecture"
        assert job["degree_level"] in catalog.degree_levels
        assert all(code in catalog.majors for code in job["major_codes"])


def test_titles_fit_occupations_and_majors_fit_roles(jobs: list[dict[str, Any]]) -> None:
    titles: dict[str, set[str]] = {}
    majors: dict[str, set[str]] = {}
    for family in FAMILIES:
        for role in family.roles:
            for title in role.titles:
                titles.setdefault(role.occupation, set()).add(title)
                majors.setdefault(title, set()).update(role.majors or family.majors)
    for job in jobs:
        title = job["title"].split("（20")[0]
        assert title in titles[job["occupation_code"]], job["title"]
        prefixes = tuple(majors[title])
        assert all(fields.major_matches(c, prefixes) for c in job["major_codes"]), job
    open_share = sum(not job["major_codes"] for job in jobs) / len(jobs)
    assert 0.05 < open_share < 0.5


def test_salaries_are_plausible(jobs: list[dict[str, Any]], catalog: Catalog) -> None:
    for job in jobs:
        assert 2500 <= job["salary_min"] < job["salary_max"] <= 60_000
        assert job["salary_months"] in (12, 13, 14)
        assert 1 <= job["headcount"] <= 20
    shenzhen_software = [
        j
        for j in jobs
        if j["city_code"] == "440300"
        and j["occupation_code"] == "2-02-10-03"
        and j["degree_level"] == "bachelor"
    ]
    assert shenzhen_software
    for job in shenzhen_software:
        assert 10_000 <= job["salary_min"] <= 15_000 and 16_000 <= job["salary_max"] <= 25_000
    county_clerks = [
        j
        for j in jobs
        if regions.city_tier(j["city_code"]) == 4
        and j["occupation_code"] == "3-01-01-01"
        and j["degree_level"] == "bachelor"
    ]
    assert county_clerks
    for job in county_clerks:
        assert 3_000 <= job["salary_min"] <= 4_500 and job["salary_max"] <= 6_000
    assert sum(j["salary_months"] > 12 for j in jobs) > 0.1 * len(jobs)


def test_texts_are_natural_and_non_discriminatory(jobs: list[dict[str, Any]]) -> None:
    for job in jobs:
        # Major names (中国少数民族语言文学 ...) are not conditions on the person.
        text = re.sub(r"学历，[^；。]*等相关专业", "学历", job["title"] + job["description"])
        assert not DISCRIMINATORY.search(text), job["description"]
        assert job["description"].startswith("岗位职责：")
        assert "任职要求：" in job["description"]
        items = re.findall(r"\d\. ", job["description"])
        assert 3 <= len(items) <= 6
        assert 3 <= len(job["skills"]) <= 5
        assert len(job["benefits"]) <= 7
    assert sum("五险一金" in j["benefits"] for j in jobs) > 0.9 * len(jobs)


def test_statuses_and_dates(jobs: list[dict[str, Any]], employers: list[EmployerDraft]) -> None:
    statuses = Counter(j["status"] for j in jobs)
    assert statuses["published"] > 0.75 * len(jobs)
    assert statuses["closed"] > 0.05 * len(jobs)
    for job in jobs:
        if job["status"] == "published":
            assert NOW - timedelta(days=90) <= job["published_at"] <= NOW
            assert job["deadline"] > NOW.date()
            assert job["closed_at"] is None
        elif job["status"] == "closed":
            assert job["published_at"] < job["closed_at"] <= NOW
        else:
            assert job["published_at"] is None
        status = employers[job["employer_id"] - 1].verification_status
        if status not in REACHES_GRADUATES:
            assert job["status"] != "closed"


def test_same_seed_gives_the_same_employers_and_jobs(catalog: Catalog) -> None:
    def draw(seed: int) -> tuple[list[str], list[dict[str, Any]]]:
        employers = EmployerFactory(catalog, random.Random(seed), NOW)
        drafts = [employers.make() for _ in range(50)]
        placed = [
            PlacedEmployer(i, e.city_code, e.industry_code, e.archetype, "verified", e.size)
            for i, e in enumerate(drafts, start=1)
        ]
        factory = JobFactory(catalog, placed, random.Random(seed), NOW)
        return [e.uscc + e.name for e in drafts], [factory.make() for _ in range(200)]

    assert draw(3) == draw(3)
    assert draw(3) != draw(4)


def test_archetypes_post_known_families_with_known_occupations(catalog: Catalog) -> None:
    for archetype in ARCHETYPES:
        assert catalog.industry(*archetype.industries), archetype.key
        for key, _ in archetype.families:
            family = FAMILY_BY_KEY[key]
            assert all(role.occupation in catalog.occupations for role in family.roles), key
    posted = {key for archetype in ARCHETYPES for key, _ in archetype.families}
    assert posted == set(FAMILY_BY_KEY)


def test_every_field_has_skills_certificates_industries_and_pay(catalog: Catalog) -> None:
    used = {fields.field_of_major(code) for code in catalog.majors} | {"general"}
    for table in (
        fields.SKILLS,
        fields.CERTIFICATES,
        fields.FIELD_INDUSTRIES,
        fields.FIELD_EXPECTED_SALARY,
    ):
        assert used <= set(table)
