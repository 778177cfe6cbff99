"""Fixtures for the demo generators: the reference catalog straight from the data files.

The generators' unit tests need the real reference codes but no database: the catalog is
built from the same readers ``load_reference`` uses.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from jobs_api.demo.catalog import Catalog, MajorInfo, RegionInfo
from jobs_api.demo.generator import resolve_city
from jobs_api.demo.people import PlacedUniversity
from jobs_api.demo.universities import UNIVERSITIES
from jobs_api.reference import sources

NOW = datetime(2026, 3, 15, 8, 0, tzinfo=UTC)
TODAY = date(2026, 3, 15)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    disciplines = sources.read_disciplines()
    categories = sources.read_major_categories(disciplines)
    types = sources.read_employer_types()
    return Catalog(
        majors={
            m.code: MajorInfo(m.code, m.name, m.category_code)
            for m in sources.read_majors(categories, disciplines)
        },
        regions={
            r.code: RegionInfo(r.code, r.name, r.short_name, r.level, r.parent_code)
            for r in sources.read_regions()
            if r.is_mainland
        },
        industries={i.code: i.name for i in sources.read_industries()},
        occupations={o.code: o.name for o in sources.read_occupations() if o.level == 4},
        degree_levels=tuple(d.code for d in sources.read_degree_levels()),
        employer_types={t.code: t.national_name_zh for t in types},
        employer_type_names={t.code: t.name_zh for t in types},
    )


@pytest.fixture(scope="session")
def placed_universities(catalog: Catalog) -> list[PlacedUniversity]:
    placed = []
    for index, spec in enumerate(UNIVERSITIES, start=1):
        resolved = resolve_city(catalog, spec)
        assert resolved is not None, spec
        placed.append(PlacedUniversity(index, spec, resolved[1], resolved[0]))
    return placed


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20260315)
