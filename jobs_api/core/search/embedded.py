"""The embedded search engine: SQLite FTS5 in one file, no server to run.

All indexes of a backend live in ``<directory>/search.db`` (see :mod:`.embedded_sql` for the
tables). Each thread gets its own connection (WAL mode: readers never wait for the writer);
writes run in ``BEGIN IMMEDIATE`` transactions, bulk writes in batches of
:data:`BULK_BATCH_SIZE` documents with ``executemany``. Writes are visible at once, so
``refresh`` has nothing to do.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jobs_api.core.search.base import (
    BackendInfo,
    FacetCount,
    IndexSpec,
    SearchBackend,
    SearchHit,
    SearchIndexConflict,
    SearchIndexNotFound,
    SearchPage,
    SearchQuery,
    SearchUnavailable,
    physical_index_name,
    validate_index_name,
)
from jobs_api.core.search.documents import PreparedDocument, prepare_document, validate_doc_id
from jobs_api.core.search.embedded_sql import (
    CONNECTION_SETUP,
    HITS_TABLE,
    META_TABLE,
    IndexTables,
    create_statements,
    facet_query,
    match_query,
    page_query,
    text_column,
    value_column,
)
from jobs_api.core.search.highlight import highlight_source
from jobs_api.core.search.plan import check_suggest, plan_query

KIND = "embedded-sqlite-fts5"
DEFAULT_FILENAME = "search.db"
BULK_BATCH_SIZE = 10_000
_LOOKUP_BATCH = 500
_UNAVAILABLE_MARKERS = ("locked", "busy", "unable to open", "disk i/o", "readonly", "full")


@contextmanager
def _unavailable_on_io_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as error:
        if any(marker in str(error).lower() for marker in _UNAVAILABLE_MARKERS):
            raise SearchUnavailable(f"embedded search store unavailable: {error}") from error
        raise


class EmbeddedSearchBackend(SearchBackend):
    def __init__(
        self,
        directory: Path,
        *,
        index_prefix: str = "",
        filename: str = DEFAULT_FILENAME,
        busy_timeout_seconds: float = 30.0,
    ) -> None:
        if index_prefix:
            validate_index_name(index_prefix)
        self._directory = Path(directory)
        self._path = self._directory / filename
        self._index_prefix = index_prefix
        self._busy_timeout = busy_timeout_seconds
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._closed = False

    @property
    def path(self) -> Path:
        return self._path

    # ------------------------------------------------------------------ connections

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None:
            return connection
        if self._closed:
            raise SearchUnavailable("the embedded search backend is closed")
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SearchUnavailable(f"cannot create {self._directory}: {error}") from error
        with _unavailable_on_io_errors():
            connection = sqlite3.connect(
                self._path,
                timeout=self._busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            for statement in CONNECTION_SETUP:
                connection.execute(statement)
        with self._connections_lock:
            self._connections.append(connection)
        self._local.connection = connection
        return connection

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        with _unavailable_on_io_errors():
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _tables(self, name: str) -> IndexTables:
        return IndexTables.of(physical_index_name(self._index_prefix, name))

    @staticmethod
    def _stored_spec(connection: sqlite3.Connection, tables: IndexTables) -> IndexSpec | None:
        row = connection.execute(
            f"SELECT spec FROM {META_TABLE} WHERE name = ?", (tables.physical,)
        ).fetchone()
        return None if row is None else IndexSpec.from_dict(json.loads(row[0]))

    def _spec(self, connection: sqlite3.Connection, tables: IndexTables, name: str) -> IndexSpec:
        spec = self._stored_spec(connection, tables)
        if spec is None:
            raise SearchIndexNotFound(f"search index {name!r} does not exist")
        return spec

    # ------------------------------------------------------------------ index management

    def ensure_index(self, spec: IndexSpec) -> None:
        tables = self._tables(spec.name)
        with self._transaction(write=True) as connection:
            existing = self._stored_spec(connection, tables)
            if existing is not None:
                if existing.to_dict() != spec.to_dict():
                    raise SearchIndexConflict(
                        f"search index {spec.name!r} exists with another spec; drop and rebuild it"
                    )
                return
            for statement in create_statements(tables, spec):
                connection.execute(statement)
            connection.execute(
                f"INSERT INTO {META_TABLE} (name, spec) VALUES (?, ?)",
                (tables.physical, json.dumps(spec.to_dict(), ensure_ascii=False)),
            )

    def drop_index(self, name: str) -> None:
        tables = self._tables(name)
        with self._transaction(write=True) as connection:
            for table in tables.all():
                connection.execute(f"DROP TABLE IF EXISTS {table}")
            connection.execute(f"DELETE FROM {META_TABLE} WHERE name = ?", (tables.physical,))

    # ------------------------------------------------------------------ writes

    def index(self, name: str, doc_id: str, doc: Mapping[str, Any]) -> None:
        self.bulk_index(name, [(doc_id, doc)])

    def bulk_index(self, name: str, docs: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        tables = self._tables(name)
        with self._transaction(write=False) as connection:
            spec = self._spec(connection, tables, name)
        written = 0
        pairs = iter(docs)
        while batch := list(itertools.islice(pairs, BULK_BATCH_SIZE)):
            prepared = [prepare_document(spec, doc_id, doc) for doc_id, doc in batch]
            with self._transaction(write=True) as connection:
                self._spec(connection, tables, name)  # still there?
                self._write_batch(connection, tables, spec, prepared)
            written += len(prepared)
        return written

    @staticmethod
    def _existing_rids(
        connection: sqlite3.Connection, tables: IndexTables, doc_ids: list[str]
    ) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(doc_ids), _LOOKUP_BATCH):
            chunk = doc_ids[start : start + _LOOKUP_BATCH]
            placeholders = ", ".join("?" * len(chunk))
            found.update(
                connection.execute(
                    f"SELECT doc_id, rid FROM {tables.docs} WHERE doc_id IN ({placeholders})",
                    chunk,
                ).fetchall()
            )
        return found

    @staticmethod
    def _remove_derived_rows(
        connection: sqlite3.Connection, tables: IndexTables, rids: list[tuple[int]]
    ) -> None:
        connection.executemany(f"DELETE FROM {tables.fts} WHERE rowid = ?", rids)
        connection.executemany(f"DELETE FROM {tables.keywords} WHERE rid = ?", rids)
        connection.executemany(f"DELETE FROM {tables.suggestions} WHERE rid = ?", rids)

    def _write_batch(
        self,
        connection: sqlite3.Connection,
        tables: IndexTables,
        spec: IndexSpec,
        prepared: list[PreparedDocument],
    ) -> None:
        latest = {doc.doc_id: doc for doc in prepared}  # a repeated id: the last one wins
        existing = self._existing_rids(connection, tables, list(latest))
        self._remove_derived_rows(connection, tables, [(rid,) for rid in existing.values()])
        (next_rid,) = connection.execute(
            f"SELECT coalesce(max(rid), 0) + 1 FROM {tables.docs}"
        ).fetchone()
        doc_rows: list[tuple[object, ...]] = []
        text_rows: list[tuple[object, ...]] = []
        keyword_rows: list[tuple[str, str, int]] = []
        suggestion_rows: list[tuple[str, str, int, str]] = []
        for doc in latest.values():
            rid = existing.get(doc.doc_id)
            if rid is None:
                rid, next_rid = next_rid, next_rid + 1
            doc_rows.append(
                (
                    rid,
                    doc.doc_id,
                    json.dumps(doc.source, ensure_ascii=False, separators=(",", ":")),
                    *doc.numbers.values(),
                    *doc.dates.values(),
                )
            )
            text_rows.append((rid, *doc.texts.values()))
            for field, values in doc.keywords.items():
                keyword_rows.extend((field, value, rid) for value in values)
            for field, value in doc.suggestions.items():
                suggestion_rows.append((field, value.lower(), rid, value))
        value_columns = [value_column(f) for f in [*spec.numeric_fields, *spec.date_fields]]
        doc_columns = ", ".join(["rid", "doc_id", "source", *value_columns])
        text_columns = ", ".join(["rowid", *(text_column(f) for f in spec.text_fields)])
        connection.executemany(
            f"INSERT OR REPLACE INTO {tables.docs} ({doc_columns}) "
            f"VALUES ({', '.join('?' * (3 + len(value_columns)))})",
            doc_rows,
        )
        connection.executemany(
            f"INSERT INTO {tables.fts} ({text_columns}) "
            f"VALUES ({', '.join('?' * (1 + len(spec.text_fields)))})",
            text_rows,
        )
        connection.executemany(
            f"INSERT INTO {tables.keywords} (field, value, rid) VALUES (?, ?, ?)", keyword_rows
        )
        connection.executemany(
            f"INSERT INTO {tables.suggestions} (field, folded, rid, value) VALUES (?, ?, ?, ?)",
            suggestion_rows,
        )

    def delete(self, name: str, doc_id: str) -> None:
        validate_doc_id(doc_id)
        tables = self._tables(name)
        with self._transaction(write=True) as connection:
            if self._stored_spec(connection, tables) is None:
                return
            row = connection.execute(
                f"SELECT rid FROM {tables.docs} WHERE doc_id = ?", (doc_id,)
            ).fetchone()
            if row is not None:
                self._remove_derived_rows(connection, tables, [(row[0],)])
                connection.execute(f"DELETE FROM {tables.docs} WHERE rid = ?", (row[0],))

    def refresh(self, name: str) -> None:
        tables = self._tables(name)
        with self._transaction(write=False) as connection:
            self._spec(connection, tables, name)

    # ------------------------------------------------------------------ reads

    def search(self, name: str, query: SearchQuery) -> SearchPage:
        tables = self._tables(name)
        with self._transaction(write=False) as connection:
            spec = self._spec(connection, tables, name)
            plan = plan_query(spec, query)
            connection.execute(f"DELETE FROM {HITS_TABLE}")
            try:
                connection.execute(*match_query(tables, plan))
                (total,) = connection.execute(f"SELECT count(*) FROM {HITS_TABLE}").fetchone()
                rows = connection.execute(*page_query(tables, plan)).fetchall()
                facets = {
                    field: [
                        FacetCount(value, count)
                        for value, count in connection.execute(
                            facet_query(tables), (field, plan.facet_size)
                        )
                    ]
                    for field in plan.facets
                }
            finally:
                connection.execute(f"DELETE FROM {HITS_TABLE}")
        hits = []
        for doc_id, source_json, score, *_ in rows[: plan.size]:
            source = json.loads(source_json)
            highlights = (
                highlight_source(spec.text_fields, source, plan.tokens)
                if plan.highlight and plan.tokens
                else {}
            )
            hits.append(SearchHit(doc_id, float(score), source, highlights))
        next_cursor = None
        if len(rows) > plan.size:
            next_cursor = plan.cursor_for(rows[plan.size - 1][3:])
        return SearchPage(total=total, hits=hits, facets=facets, next_cursor=next_cursor)

    def suggest(self, name: str, field: str, prefix: str, size: int = 10) -> list[str]:
        tables = self._tables(name)
        with self._transaction(write=False) as connection:
            spec = self._spec(connection, tables, name)
            check_suggest(spec, field, size)
            if not prefix.strip():
                return []
            folded = prefix.lower()
            rows = connection.execute(
                f"SELECT value, count(*) AS n FROM {tables.suggestions} "
                "WHERE field = ? AND folded >= ? AND folded < ? "
                "GROUP BY value ORDER BY n DESC, value ASC LIMIT ?",
                (field, folded, folded + "\U0010ffff", size),
            ).fetchall()
        return [value for value, _ in rows]

    def count(self, name: str) -> int:
        tables = self._tables(name)
        with self._transaction(write=False) as connection:
            self._spec(connection, tables, name)
            (total,) = connection.execute(f"SELECT count(*) FROM {tables.docs}").fetchone()
        return int(total)

    def server_info(self) -> BackendInfo:
        return BackendInfo(kind=KIND, version=sqlite3.sqlite_version)

    def ping(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except (sqlite3.Error, SearchUnavailable, OSError):
            return False
        return True

    def close(self) -> None:
        self._closed = True
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()
