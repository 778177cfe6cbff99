"""Live platform figures for the home page: open positions, verified employers, graduates.

The figures come from the database. A table that does not exist yet (or a database that
cannot be reached) yields ``None``, shown as "—"; nothing is hard-coded.

At national scale (tens of millions of job rows) an exact ``count(*)`` on every page view is
too expensive. On PostgreSQL a large table is therefore answered from the planner: the
table's ``pg_class.reltuples``, or for a filtered figure the row estimate of ``EXPLAIN``
(accurate for low-cardinality status columns, whose common values the statistics track). The
figures are also cached for :data:`CACHE_SECONDS` per process.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_compact_decimal, format_decimal
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    column,
    func,
    inspect,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from jobs_api.employers.models import REACHES_GRADUATES
from jobs_api.jobs.models import JobStatus
from jobs_api.web.i18n import BABEL_LOCALES, N_, LocaleName

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
EXACT_COUNT_LIMIT = 100_000
COMPACT_FROM = 100_000
MISSING = "—"


@dataclass(frozen=True, slots=True)
class FigureSource:
    """Rows of ``table`` (only those whose ``column`` is one of ``values``, if given)."""

    key: str
    table: str
    label: str
    column: str | None = None
    values: tuple[str, ...] = ()

    def condition(self) -> ColumnElement[bool] | None:
        if self.column is None:
            return None
        return column(self.column).in_(self.values)


FIGURE_SOURCES: tuple[FigureSource, ...] = (
    FigureSource("jobs", "jobs", N_("在招职位"), "status", (JobStatus.PUBLISHED.value,)),
    FigureSource(
        "employers",
        "employers",
        N_("认证用人单位"),
        "verification_status",
        tuple(sorted(status.value for status in REACHES_GRADUATES)),
    ),
    FigureSource("graduates", "graduate_profiles", N_("注册毕业生")),
)


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    label: str
    value: int | None

    def display(self, locale: LocaleName) -> str:
        return format_figure(self.value, locale)


def format_figure(value: int | None, locale: LocaleName) -> str:
    if value is None:
        return MISSING
    babel_locale = BABEL_LOCALES[locale]
    if value >= COMPACT_FROM:
        return format_compact_decimal(value, locale=babel_locale, fraction_digits=1)
    return format_decimal(value, locale=babel_locale)


def _count_query(source: FigureSource) -> Any:
    query = select(func.count()).select_from(table(source.table))
    condition = source.condition()
    return query if condition is None else query.where(condition)


def _exact_count(connection: Connection, source: FigureSource) -> int:
    return int(connection.execute(_count_query(source)).scalar_one())


def _planner_estimate(connection: Connection, source: FigureSource) -> int:
    query: Any = select(literal_column("1")).select_from(table(source.table))
    condition = source.condition()
    if condition is not None:
        query = query.where(condition)
    compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}").scalar_one()
    parsed = json.loads(plan) if isinstance(plan, str) else plan
    return int(parsed[0]["Plan"]["Plan Rows"])


def _postgres_count(connection: Connection, source: FigureSource) -> int | None:
    table_rows = connection.execute(
        text("SELECT c.reltuples FROM pg_class c WHERE c.oid = to_regclass(:name)"),
        {"name": source.table},
    ).scalar_one_or_none()
    if table_rows is None:
        return None
    if table_rows < EXACT_COUNT_LIMIT:
        # Small, or never analysed (reltuples = -1): an exact count is cheap enough.
        return _exact_count(connection, source)
    if source.column is None:
        return int(table_rows)
    return _planner_estimate(connection, source)


def count_rows(connection: Connection, source: FigureSource) -> int | None:
    """The figure of ``source`` (estimated when huge on PostgreSQL); ``None`` if no table."""
    if connection.dialect.name == "postgresql":
        return _postgres_count(connection, source)
    if not inspect(connection).has_table(source.table):
        return None
    return _exact_count(connection, source)


def read_figure(engine: Engine, source: FigureSource) -> Figure:
    try:
        with engine.connect() as connection:
            value = count_rows(connection, source)
    except SQLAlchemyError as exc:
        log.warning("home page figure %s unavailable: %s", source.key, type(exc).__name__)
        value = None
    return Figure(source.key, source.label, value)


def read_figures(
    engine: Engine, sources: tuple[FigureSource, ...] = FIGURE_SOURCES
) -> tuple[Figure, ...]:
    """One figure per source; each fails on its own (missing table, column or database)."""
    return tuple(read_figure(engine, source) for source in sources)


class FigureCache:
    """Keeps the figures for ``ttl`` seconds; one reader refreshes while others wait."""

    def __init__(self, ttl: float = CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: tuple[Figure, ...] | None = None
        self._expires = 0.0

    def get(self, engine: Engine) -> tuple[Figure, ...]:
        with self._lock:
            now = time.monotonic()
            if self._value is None or now >= self._expires:
                self._value = read_figures(engine)
                self._expires = now + self.ttl
            return self._value

    def clear(self) -> None:
        with self._lock:
            self._value = None
