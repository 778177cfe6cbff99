"""The reference codes the demo may use, read from the ``ref_*`` tables (never invented).

:func:`load_catalog` runs after ``load_reference``; every code a generator writes into a
foreign-key column comes from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.reference.models import (
    DegreeLevel,
    EmployerType,
    Industry,
    Major,
    Occupation,
    Region,
)


class DemoReferenceMissing(RuntimeError):
    """The reference tables are empty or lack codes the demo needs; run load-reference."""


@dataclass(frozen=True, slots=True)
class MajorInfo:
    code: str
    name: str
    category_code: str


@dataclass(frozen=True, slots=True)
class RegionInfo:
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None


@dataclass(slots=True)
class Catalog:
    majors: dict[str, MajorInfo]
    regions: dict[str, RegionInfo]
    industries: dict[str, str]
    """Code (section letter or 2-digit division) -> name."""
    occupations: dict[str, str]
    """Level-4 occupation code -> name."""
    degree_levels: tuple[str, ...]
    employer_types: dict[str, str]
    """Employer type code -> national name (机关, 国有企业, 其他企业 ...)."""
    employer_type_names: dict[str, str] = field(default_factory=dict)
    """Employer type code -> its own name (民营企业, 外资企业 ...)."""
    prefectures: tuple[str, ...] = ()
    by_digits: dict[str, str] = field(default_factory=dict)
    """Bare digits of a major code -> the catalogue code (``080910`` -> ``080910T``)."""

    def __post_init__(self) -> None:
        self.prefectures = tuple(
            sorted(c for c, r in self.regions.items() if r.level == "prefecture")
        )
        self.by_digits = {_digits(code): code for code in self.majors}

    def major_code(self, digits: str) -> str | None:
        return self.by_digits.get(digits)

    def prefecture_or_none(self, code: str) -> str | None:
        region = self.regions.get(code)
        return code if region is not None and region.level == "prefecture" else None

    def province_of(self, prefecture_code: str) -> str:
        region = self.regions[prefecture_code]
        return region.parent_code or region.code

    def prefectures_of(self, province_code: str) -> tuple[str, ...]:
        return tuple(c for c in self.prefectures if self.regions[c].parent_code == province_code)

    def industry(self, *candidates: str) -> str | None:
        """The first candidate division present, else its section; ``None`` if neither."""
        for code in candidates:
            if code in self.industries:
                return code
        return None

    def occupation_codes(self, candidates: Iterable[str]) -> tuple[str, ...]:
        return tuple(c for c in candidates if c in self.occupations)

    def employer_type(self, *names: str) -> str:
        """The first type whose own or national name equals one of ``names`` (in order)."""
        for wanted in names:
            for code, own in self.employer_type_names.items():
                if own == wanted:
                    return code
            for code, national in self.employer_types.items():
                if national == wanted:
                    return code
        return next(iter(self.employer_types))


def _digits(code: str) -> str:
    return code.rstrip("TK")


def load_catalog(session: Session) -> Catalog:
    majors = {
        m.code: MajorInfo(m.code, m.name, m.category_code)
        for m in session.execute(select(Major.code, Major.name, Major.category_code))
    }
    regions = {
        r.code: RegionInfo(r.code, r.name, r.short_name, r.level, r.parent_code)
        for r in session.execute(
            select(
                Region.code, Region.name, Region.short_name, Region.level, Region.parent_code
            ).where(Region.is_mainland.is_(True))
        )
    }
    industries = {i.code: i.name for i in session.execute(select(Industry.code, Industry.name))}
    occupations = {
        o.code: o.name
        for o in session.execute(
            select(Occupation.code, Occupation.name).where(Occupation.level == 4)
        )
    }
    degree_levels = tuple(
        session.scalars(select(DegreeLevel.code).order_by(DegreeLevel.rank)).all()
    )
    type_rows = session.execute(
        select(EmployerType.code, EmployerType.name_zh, EmployerType.national_name_zh).order_by(
            EmployerType.sort_order
        )
    ).all()
    if not (majors and regions and industries and occupations and degree_levels and type_rows):
        raise DemoReferenceMissing(
            "reference tables are empty: run `gradmatch load-reference` (load_reference) first"
        )
    missing = {"junior_college", "bachelor", "master", "doctor"} - set(degree_levels)
    if missing:
        raise DemoReferenceMissing(f"ref_degree_levels lacks {sorted(missing)}")
    return Catalog(
        majors=majors,
        regions=regions,
        industries=industries,
        occupations=occupations,
        degree_levels=degree_levels,
        employer_types={r.code: r.national_name_zh for r in type_rows},
        employer_type_names={r.code: r.name_zh for r in type_rows},
    )
