"""Home page figures: counted from the database, "—" while a table does not exist."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from jobs_api.core.db import build_engine
from jobs_api.web import figures as figures_module
from jobs_api.web.figures import FigureCache, FigureSource, format_figure, read_figures


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'figures.db'}")
    yield engine
    engine.dispose()


def test_missing_tables_give_none(sqlite_engine: Engine) -> None:
    figures = read_figures(sqlite_engine)
    assert [f.key for f in figures] == ["jobs", "employers", "graduates"]
    assert all(f.value is None for f in figures)
    assert {f.display("zh-CN") for f in figures} == {"—"}


def test_only_open_jobs_and_verified_employers_count(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(text("CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT)"))
        conn.execute(
            text(
                "INSERT INTO jobs (status) VALUES"
                " ('published'), ('published'), ('draft'), ('closed'), ('published')"
            )
        )
        conn.execute(
            text("CREATE TABLE employers (id INTEGER PRIMARY KEY, verification_status TEXT)")
        )
        conn.execute(
            text(
                "INSERT INTO employers (verification_status) VALUES"
                " ('verified'), ('auto_verified'), ('submitted'), ('rejected')"
            )
        )
    values = {f.key: f.value for f in read_figures(sqlite_engine)}
    assert values == {"jobs": 3, "employers": 2, "graduates": None}


def test_a_broken_figure_does_not_hide_the_others(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(text("CREATE TABLE jobs (id INTEGER PRIMARY KEY)"))  # no status column
        conn.execute(text("CREATE TABLE graduate_profiles (id INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO graduate_profiles (id) VALUES (1), (2)"))
    values = {f.key: f.value for f in read_figures(sqlite_engine)}
    assert values == {"jobs": None, "employers": None, "graduates": 2}


def test_unreachable_database_gives_none(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    assert all(f.value is None for f in read_figures(engine))


def test_cache_keeps_figures_until_cleared(sqlite_engine: Engine) -> None:
    cache = FigureCache(ttl=3600)
    assert cache.get(sqlite_engine)[2].value is None
    with sqlite_engine.begin() as conn:
        conn.execute(text("CREATE TABLE graduate_profiles (id INTEGER PRIMARY KEY)"))
    assert cache.get(sqlite_engine)[2].value is None
    cache.clear()
    assert cache.get(sqlite_engine)[2].value == 0


def test_format_figure() -> None:
    assert format_figure(None, "en") == "—"
    assert format_figure(99_999, "en") == "99,999"
    assert format_figure(5_470_000, "zh-CN") == "547万"
    assert format_figure(5_470_000, "en") == "5.5M"


@pytest.mark.integration
def test_postgres_estimates_large_tables(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = build_engine(postgres_url)
    name = f"web_figures_{uuid.uuid4().hex[:8]}"
    sources = (
        FigureSource("all", name, "all"),
        FigureSource("open", name, "open", "status", ("open",)),
        FigureSource("missing", f"{name}_missing", "missing"),
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {name} (id int, status text)"))
            conn.execute(
                text(
                    f"INSERT INTO {name} SELECT g, CASE WHEN g % 4 = 0 THEN 'open' ELSE 'x' END"
                    " FROM generate_series(1, 20000) AS g"
                )
            )
        exact = {f.key: f.value for f in read_figures(engine, sources)}
        assert exact == {"all": 20_000, "open": 5_000, "missing": None}

        with engine.begin() as conn:
            conn.execute(text(f"ANALYZE {name}"))
        monkeypatch.setattr(figures_module, "EXACT_COUNT_LIMIT", 1_000)
        estimated = {f.key: f.value for f in read_figures(engine, sources)}
        assert estimated["all"] == 20_000
        assert estimated["open"] is not None and abs(estimated["open"] - 5_000) <= 500
        assert estimated["missing"] is None
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
        engine.dispose()
