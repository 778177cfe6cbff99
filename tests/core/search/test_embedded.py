"""What only the embedded engine promises: a file that survives restarts, threads, batches."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobs_api.core.search import IndexSpec, SearchQuery, SearchUnavailable
from jobs_api.core.search.embedded import BULK_BATCH_SIZE, EmbeddedSearchBackend

SPEC = IndexSpec(
    name="jobs",
    text_fields={"title": 2.0},
    keyword_fields=("city",),
    numeric_fields={"salary": "long"},
    suggest_fields=("title",),
)


def _jobs(count: int, title: str = "软件工程师") -> Iterator[tuple[str, dict[str, Any]]]:
    for number in range(count):
        yield f"j{number}", {"title": title, "city": "北京", "salary": number}


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[EmbeddedSearchBackend]:
    search = EmbeddedSearchBackend(tmp_path / "search")
    search.ensure_index(SPEC)
    yield search
    search.close()


def test_sqlite_supports_fts5_with_bm25() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
    connection.execute("INSERT INTO t (a) VALUES ('软件 工程师')")

    rows = connection.execute("SELECT bm25(t) FROM t WHERE t MATCH '\"工程师\"'").fetchall()

    assert len(rows) == 1


def test_the_index_survives_a_restart(tmp_path: Path) -> None:
    with EmbeddedSearchBackend(tmp_path / "search", index_prefix="app") as first:
        first.ensure_index(SPEC)
        first.bulk_index(SPEC.name, _jobs(3))

    assert (tmp_path / "search" / "search.db").is_file()
    with EmbeddedSearchBackend(tmp_path / "search", index_prefix="app") as second:
        assert second.count(SPEC.name) == 3
        assert second.search(SPEC.name, SearchQuery(text="软件")).total == 3


def test_prefixes_keep_indexes_apart(tmp_path: Path) -> None:
    with (
        EmbeddedSearchBackend(tmp_path, index_prefix="blue") as blue,
        EmbeddedSearchBackend(tmp_path, index_prefix="green") as green,
    ):
        blue.ensure_index(SPEC)
        green.ensure_index(SPEC)
        blue.bulk_index(SPEC.name, _jobs(2))

        assert blue.count(SPEC.name) == 2
        assert green.count(SPEC.name) == 0


def test_bulk_index_across_batches_replaces_and_adds(backend: EmbeddedSearchBackend) -> None:
    count = BULK_BATCH_SIZE + 500
    assert backend.bulk_index(SPEC.name, _jobs(count)) == count
    assert backend.bulk_index(SPEC.name, _jobs(count, title="数据分析师")) == count

    assert backend.count(SPEC.name) == count
    assert backend.search(SPEC.name, SearchQuery(text="软件")).total == 0
    assert backend.search(SPEC.name, SearchQuery(text="分析师")).total == count
    assert backend.suggest(SPEC.name, "title", "数据") == ["数据分析师"]


def test_threads_can_search_while_another_writes(backend: EmbeddedSearchBackend) -> None:
    backend.bulk_index(SPEC.name, _jobs(200))
    errors: list[BaseException] = []
    totals: list[int] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                page = backend.search(SPEC.name, SearchQuery(text="工程师", facets=["city"]))
                totals.append(page.total)
                assert page.facets["city"][0].count == page.total
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    def write() -> None:
        try:
            for start in range(200, 400, 20):
                backend.bulk_index(
                    SPEC.name,
                    (
                        (f"j{n}", {"title": "工程师", "city": "北京"})
                        for n in range(start, start + 20)
                    ),
                )
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()

    threads = [threading.Thread(target=read) for _ in range(4)] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert totals and all(200 <= total <= 400 for total in totals)
    assert backend.count(SPEC.name) == 400


def test_a_closed_backend_is_unavailable(tmp_path: Path) -> None:
    backend = EmbeddedSearchBackend(tmp_path)
    backend.ensure_index(SPEC)
    backend.close()

    assert backend.ping() is False
    with pytest.raises(SearchUnavailable):
        backend.search(SPEC.name, SearchQuery())


def test_an_unwritable_directory_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    backend = EmbeddedSearchBackend(blocker / "search")

    assert backend.ping() is False
    with pytest.raises(SearchUnavailable):
        backend.ensure_index(SPEC)
