"""Employers: names like 杭州云帆网络科技有限公司, valid credit codes, types and descriptions.

An employer is drawn from an *archetype* (a software company, a hospital, a bank branch ...)
that fixes its industry, type, naming pattern, registration authority and the job families it
posts. Its Unified Social Credit Code is registered in its own city: the region part is a
district of that city in force today (or the city itself), so a 杭州 company's code starts
``91330106`` or ``91330100``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from jobs_api.demo import regions
from jobs_api.demo.catalog import Catalog
from jobs_api.demo.codes import make_uscc
from jobs_api.demo.employer_archetypes import (
    ARCHETYPES,
    BRAND_FIRST,
    BRAND_SECOND,
    COMPANY_CLOSINGS,
    Archetype,
)
from jobs_api.employers.models import VerificationStatus

_PUBLIC_BODY_TYPES = frozenset(
    {"医疗卫生单位", "中初教育单位", "高等教育单位", "科研设计单位", "其他事业单位"}
)
_STATUSES = (
    (VerificationStatus.VERIFIED, 0.55),
    (VerificationStatus.AUTO_VERIFIED, 0.35),
    (VerificationStatus.NEEDS_REVIEW, 0.06),
    (VerificationStatus.SUBMITTED, 0.04),
)


@dataclass(slots=True)
class EmployerDraft:
    name: str
    uscc: str
    employer_type_code: str
    industry_code: str
    city_code: str
    size: str
    description: str
    verification_status: str
    created_at: datetime
    archetype: str


class EmployerFactory:
    def __init__(self, catalog: Catalog, rng: random.Random, now: datetime) -> None:
        self.catalog = catalog
        self.rng = rng
        self.now = now
        self.archetypes = tuple(a for a in ARCHETYPES if catalog.industry(*a.industries))
        self._archetype_weights = [a.weight for a in self.archetypes]
        self._cities = list(catalog.prefectures)
        self._city_weights = [
            regions.TIER_EMPLOYER_WEIGHT[regions.city_tier(c)] for c in self._cities
        ]
        self._names: set[str] = set()
        self._codes: set[str] = set()

    def _city(self) -> str:
        return self.rng.choices(self._cities, weights=self._city_weights)[0]

    def _name(self, archetype: Archetype, city_code: str) -> str:
        rng = self.rng
        region = self.catalog.regions[city_code]
        province = self.catalog.regions[self.catalog.province_of(city_code)]
        pattern = rng.choice(archetype.patterns)
        word = rng.choice(archetype.words)
        for attempt in range(30):
            brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
            if attempt >= 10:
                brand += rng.choice(BRAND_SECOND)
            if brand[0] == brand[1]:
                continue
            name = pattern.format(
                city=region.short_name, province=province.short_name, brand=brand, word=word
            )
            if name not in self._names:
                self._names.add(name)
                return name
        name = f"{name}{len(self._names)}"  # pragma: no cover - 48*48*48 brands per pattern
        self._names.add(name)
        return name

    def _uscc(self, type_name: str, archetype: Archetype, city_code: str) -> str:
        if archetype.key == "law_firm":
            authority, entity = "3", "1"  # 司法行政: 律师执业机构
        elif type_name in _PUBLIC_BODY_TYPES:
            authority, entity = "1", "2"  # 机构编制: 事业单位
        else:
            authority, entity = "9", "1"  # 市场监管: 企业
        districts = regions.current_districts(city_code)
        while True:
            region = (
                self.rng.choice(districts) if districts and self.rng.random() < 0.7 else city_code
            )
            code = make_uscc(authority, entity, region, self.rng)
            if code not in self._codes:
                self._codes.add(code)
                return code

    def make(self) -> EmployerDraft:
        rng = self.rng
        archetype = rng.choices(self.archetypes, weights=self._archetype_weights)[0]
        city_code = self._city()
        name = self._name(archetype, city_code)
        type_name = rng.choices(
            [t for t, _ in archetype.types], weights=[w for _, w in archetype.types]
        )[0]
        type_code = self.catalog.employer_type(type_name)
        industry = self.catalog.industry(
            *rng.sample(archetype.industries, len(archetype.industries))
        )
        assert industry is not None  # archetypes without any industry were filtered out
        size = rng.choices(
            [s for s, _ in archetype.sizes], weights=[w for _, w in archetype.sizes]
        )[0]
        status = rng.choices([s for s, _ in _STATUSES], weights=[w for _, w in _STATUSES])[0]
        founded = rng.randint(1998, 2022)
        city_name = self.catalog.regions[city_code].name
        focus = rng.choice(archetype.focus)
        description = (
            f"{name}成立于{founded}年，位于{city_name}，专注于{focus}。"
            f"现有员工{size}人，{rng.choice(archetype.closings or COMPANY_CLOSINGS)}"
        )
        return EmployerDraft(
            name=name,
            uscc=self._uscc(type_name, archetype, city_code),
            employer_type_code=type_code,
            industry_code=industry,
            city_code=city_code,
            size=size,
            description=description,
            verification_status=str(status),
            created_at=self.now - timedelta(days=rng.uniform(30, 730)),
            archetype=archetype.key,
        )
