"""Reference data as form options (cities grouped by province, ...), shared by the forms."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jobs_api.reference import service as reference


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class OptionGroup:
    label: str
    options: tuple[Option, ...]


def city_groups(session: Session) -> list[OptionGroup]:
    """Prefecture-level cities, grouped under their province."""
    provinces = {r.code: r.name for r in reference.list_regions(session, level="province")}
    by_province: dict[str, list[Option]] = {}
    for region in reference.list_regions(session, level="prefecture"):
        by_province.setdefault(region.parent_code or "", []).append(
            Option(region.code, region.name)
        )
    return [OptionGroup(provinces.get(c, c), tuple(o)) for c, o in by_province.items()]
