"""Loading reference data into the database, and the read-only queries over it.

:func:`load_reference` is idempotent and portable (SQLite and PostgreSQL): per table it reads
the existing rows, bulk-inserts the new keys and bulk-updates the changed ones. It never
deletes (other tables may point at a retired code; such keys are counted as ``stale``) and
never commits: the caller's ``job_session`` (or request) does.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import Session, joinedload

from jobs_api.core.errors import NotFound
from jobs_api.reference import sources
from jobs_api.reference.models import (
    DegreeLevel,
    Discipline,
    EmployerType,
    Industry,
    Major,
    MajorCategory,
    Occupation,
    Region,
)

_BATCH = 500


@dataclass(frozen=True, slots=True)
class TableCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0  # keys in the database that the source no longer has (kept, not deleted)

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass(slots=True)
class LoadReport:
    tables: dict[str, TableCounts] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any(c.inserted or c.updated for c in self.tables.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {name: dataclasses.asdict(counts) for name, counts in self.tables.items()}


def _sync_table(session: Session, model: type[Any], rows: Sequence[Any]) -> TableCounts:
    """Insert new keys and update changed rows of ``model`` from ``rows`` (dataclasses).

    ``rows`` must list parents before children when the table refers to itself.
    """
    table = model.__table__
    (pk,) = table.primary_key.columns
    records = [dataclasses.asdict(row) for row in rows]
    columns = list(records[0]) if records else []
    existing: dict[Any, dict[str, Any]] = {
        row[pk.name]: dict(row)
        for row in session.execute(select(*(table.c[c] for c in columns))).mappings()
    }
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for record in records:
        current = existing.get(record[pk.name])
        if current is None:
            to_insert.append(record)
        elif current != record:
            to_update.append(record)
    for start in range(0, len(to_insert), _BATCH):
        session.execute(insert(model), to_insert[start : start + _BATCH])
    for start in range(0, len(to_update), _BATCH):
        # ORM bulk UPDATE by primary key (one executemany per batch).
        session.execute(update(model), to_update[start : start + _BATCH])
    source_keys = {r[pk.name] for r in records}
    return TableCounts(
        inserted=len(to_insert),
        updated=len(to_update),
        unchanged=len(records) - len(to_insert) - len(to_update),
        stale=sum(1 for key in existing if key not in source_keys),
    )


def load_reference(session: Session) -> LoadReport:
    """Bring every reference table up to date with the data files; parents load first."""
    started = time.perf_counter()
    disciplines = sources.read_disciplines()
    categories = sources.read_major_categories(disciplines)
    plan: list[tuple[type[Any], Sequence[Any]]] = [
        (Discipline, disciplines),
        (MajorCategory, categories),
        (Major, sources.read_majors(categories, disciplines)),
        (Region, sources.read_regions()),
        (Industry, sources.read_industries()),
        (DegreeLevel, sources.read_degree_levels()),
        (EmployerType, sources.read_employer_types()),
        (Occupation, sources.read_occupations()),
    ]
    report = LoadReport()
    for model, rows in plan:
        report.tables[model.__tablename__] = _sync_table(session, model, rows)
    session.flush()
    report.seconds = time.perf_counter() - started
    return report


# --- read-only queries ---------------------------------------------------------------------


def _match_code_or_name(stmt: Select[Any], model: type[Any], q: str | None) -> Select[Any]:
    if not q:
        return stmt
    code_column = model.code
    name_column = model.name
    return stmt.where(
        code_column.startswith(q.upper(), autoescape=True)
        | name_column.contains(q, autoescape=True)
    )


def list_disciplines(session: Session) -> Sequence[Discipline]:
    return session.scalars(select(Discipline).order_by(Discipline.code)).all()


def list_major_categories(
    session: Session, *, discipline: str | None = None
) -> Sequence[MajorCategory]:
    stmt = select(MajorCategory).order_by(MajorCategory.code)
    if discipline:
        stmt = stmt.where(MajorCategory.discipline_code == discipline)
    return session.scalars(stmt).all()


def list_majors(
    session: Session,
    *,
    q: str | None = None,
    category: str | None = None,
    discipline: str | None = None,
    limit: int = 100,
) -> Sequence[Major]:
    """Majors in catalog order; ``q`` matches a code prefix or a name substring."""
    stmt = _match_code_or_name(select(Major), Major, q)
    if category:
        stmt = stmt.where(Major.category_code == category)
    if discipline:
        stmt = stmt.where(Major.discipline_code == discipline)
    return session.scalars(stmt.order_by(Major.catalog_order).limit(limit)).all()


def get_major(session: Session, code: str) -> Major:
    """A major by its official code; the bare digits also find a suffixed code.

    Older editions and many school systems write ``101101`` for what the 2024 catalog codes
    ``101101K``; the digit part of a code is unique in the catalog, so it is accepted too.
    """
    code = code.strip().upper()
    candidates = [code]
    if code.isdigit():
        candidates += [code + suffix for suffix in ("T", "K", "TK")]
    major = session.scalars(
        select(Major)
        .where(Major.code.in_(candidates))
        .options(joinedload(Major.category), joinedload(Major.discipline))
        .order_by(Major.code)
        .execution_options(populate_existing=True)
    ).first()
    if major is None:
        raise NotFound(f"no undergraduate major with code {code!r}", code="major_not_found")
    return major


def list_regions(
    session: Session, *, level: str | None = None, parent: str | None = None
) -> Sequence[Region]:
    stmt = select(Region).order_by(Region.code)
    if level:
        stmt = stmt.where(Region.level == level)
    if parent:
        stmt = stmt.where(Region.parent_code == parent)
    return session.scalars(stmt).all()


def list_industries(session: Session, *, level: str | None = None) -> Sequence[Industry]:
    stmt = select(Industry).order_by(Industry.sort_order)
    if level:
        stmt = stmt.where(Industry.level == level)
    return session.scalars(stmt).all()


def list_occupations(
    session: Session, *, q: str | None = None, level: int | None = None, limit: int = 50
) -> Sequence[Occupation]:
    """Occupations by code; ``q`` matches a code prefix or a name substring."""
    stmt = _match_code_or_name(select(Occupation), Occupation, q)
    if level is not None:
        stmt = stmt.where(Occupation.level == level)
    return session.scalars(stmt.order_by(Occupation.code).limit(limit)).all()


def list_degree_levels(session: Session) -> Sequence[DegreeLevel]:
    return session.scalars(select(DegreeLevel).order_by(DegreeLevel.rank)).all()


def list_employer_types(session: Session) -> Sequence[EmployerType]:
    return session.scalars(select(EmployerType).order_by(EmployerType.sort_order)).all()
