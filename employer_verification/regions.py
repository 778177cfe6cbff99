"""Administrative regions as the checks need them: which province and prefecture a 6-digit
code (of a credit code, or of an employer's location) belongs to.

``ref_regions`` holds provinces and prefecture-level divisions. A credit code's region part is
usually a county-level code (``330106`` 西湖区), sometimes the prefecture (``330100``), the
province (``330000``) or the national offices (``100000``). Resolution:

* prefecture: the code itself when it is a prefecture-level row (this covers the 省直辖县级
  行政单位 such as ``429004`` 仙桃市 and ``469002`` 琼海市, which are their own rows), else
  ``XXXX00`` when that is one (``330106`` -> ``330100``); the municipalities' districts
  (``110108``) resolve to their ``XX0100`` row, and their former county codes (``500228``)
  to no prefecture but still to the municipality;
* province: ``XX0000`` when that is a province-level row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.reference.models import Region


@dataclass(frozen=True, slots=True)
class RegionInfo:
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where a region code points: its province and (when known) prefecture."""

    province: RegionInfo
    prefecture: RegionInfo | None

    @property
    def label(self) -> str:
        if self.prefecture is None or self.prefecture.code == self.province.code:
            return self.province.name
        if self.province.kind == "municipality":
            return self.province.name
        return f"{self.province.name}{self.prefecture.name}"


def _names(regions: Iterable[RegionInfo]) -> tuple[str, ...]:
    """Full and short names, longest first (so that 浙江省 is matched before 浙江)."""
    names = {n for r in regions for n in (r.name, r.short_name) if n}
    return tuple(sorted(names, key=len, reverse=True))


class RegionBook:
    def __init__(self, regions: dict[str, RegionInfo]) -> None:
        self.regions = regions
        self.province_names = _names(r for r in regions.values() if r.level == "province")
        self.prefecture_names = _names(r for r in regions.values() if r.level == "prefecture")
        self.all_names = tuple(
            sorted({*self.province_names, *self.prefecture_names}, key=len, reverse=True)
        )

    @classmethod
    def load(cls, session: Session) -> RegionBook:
        rows = session.execute(
            select(
                Region.code,
                Region.name,
                Region.short_name,
                Region.level,
                Region.parent_code,
                Region.kind,
            )
        )
        return cls({row.code: RegionInfo(*row) for row in rows})

    def province_of(self, code: str) -> RegionInfo | None:
        province = self.regions.get(code[:2] + "0000")
        return province if province is not None and province.level == "province" else None

    def place_of(self, code: str) -> Place | None:
        """The province and prefecture of a 6-digit code, ``None`` for an unknown province."""
        if len(code) != 6 or not code.isdigit():
            return None
        province = self.province_of(code)
        if province is None:
            return None
        prefecture = None
        for candidate in (code, code[:4] + "00"):
            region = self.regions.get(candidate)
            if region is not None and region.level == "prefecture":
                prefecture = region
                break
        return Place(province=province, prefecture=prefecture)
