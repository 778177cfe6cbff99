"""Static demo data: names and the curated list of real universities."""

from __future__ import annotations

import random
from collections import Counter

from jobs_api.demo import names
from jobs_api.demo.catalog import Catalog
from jobs_api.demo.universities import UNIVERSITIES


def test_surnames_are_unique_and_ordered_by_frequency() -> None:
    surnames = [s for s, _ in names.SURNAMES]
    assert len(surnames) == len(set(surnames))
    assert surnames[:5] == ["王", "李", "张", "刘", "陈"]


def test_names_follow_surname_frequency_and_gender() -> None:
    rng = random.Random(5)
    drawn = [names.random_person_name(rng, "男") for _ in range(20_000)]
    firsts = Counter(name[0] for name in drawn)
    assert firsts["王"] > firsts["赵"] > firsts["顾"]
    assert all(2 <= len(name) <= 4 for name in drawn)
    female_only = (set(names.FEMALE_FIRST) | set(names.FEMALE_SECOND)) - (
        set(names.MALE_FIRST) | set(names.MALE_SECOND) | set(names.MALE_SINGLE)
    )
    for gender, pool_check in (("男", female_only), ("女", None)):
        for _ in range(2000):
            given = names.random_given_name(rng, gender)
            if pool_check is not None:
                assert not set(given) & pool_check, given
            else:
                assert not any(names.is_male_given_char(c) for c in given), given


def test_universities_use_real_unique_codes() -> None:
    codes = [u.code for u in UNIVERSITIES]
    assert len(codes) == len(set(codes))
    assert len({u.name for u in UNIVERSITIES}) == len(UNIVERSITIES)
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    by_code = {u.code: u.name for u in UNIVERSITIES}
    assert by_code["10001"] == "北京大学"
    assert by_code["10003"] == "清华大学"
    assert by_code["10248"] == "上海交通大学"
    assert by_code["10335"] == "浙江大学"
    assert by_code["10487"] == "华中科技大学"
    assert by_code["10614"] == "电子科技大学"


def test_universities_span_provinces_and_levels(catalog: Catalog) -> None:
    undergraduate = [u for u in UNIVERSITIES if u.level == "undergraduate"]
    vocational = [u for u in UNIVERSITIES if u.level == "vocational"]
    assert len(undergraduate) >= 40
    assert len(vocational) >= 5
    assert len({u.province_code for u in undergraduate}) == 31
    for university in UNIVERSITIES:
        city = catalog.regions[university.city_code]
        assert city.level == "prefecture"
        assert city.parent_code == university.province_code, university
