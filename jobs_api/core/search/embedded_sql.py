"""SQL for the embedded engine: the tables of one index and the statements that query them.

Every index ``P`` (physical name) owns four tables in the shared SQLite file:

* ``"P$docs"``: one row per document (``rid`` primary key, unique ``doc_id``, JSON source) plus
  one indexed column ``v_<field>`` per numeric (INTEGER/REAL) and date (epoch ms) field;
* ``"P$fts"``: an FTS5 table, one column ``t_<field>`` per text field holding the segmented
  tokens, with the ``ascii`` tokenizer so only spaces separate tokens (non-ASCII characters are
  token characters, and so are ``+#&._-``); BM25 weights are the field boosts;
* ``"P$kw"``: ``(field, value, rid)`` rows for keyword values (multi-valued fields: one row per
  distinct value), serving filters, facets and keyword sorts;
* ``"P$sugg"``: ``(field, folded, rid, value)`` rows for suggest fields, ``folded`` being the
  lower-cased value the prefix is matched against.

Identifiers are double-quoted; index and field names are validated to ``[a-z0-9_-]`` first.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobs_api.core.search.base import IndexSpec
from jobs_api.core.search.plan import QueryPlan, SortKey, SortValue
from jobs_api.core.search.segment import TOKEN_SYMBOLS

SqlParams = list[object]

META_TABLE = "gm_search_indexes"
HITS_TABLE = "temp.gm_search_hits"
CONNECTION_SETUP = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name TEXT PRIMARY KEY, spec TEXT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {HITS_TABLE} (rid INTEGER PRIMARY KEY, score REAL NOT NULL)",
)


def quote(identifier: str) -> str:
    if '"' in identifier:
        raise ValueError(f"unexpected identifier {identifier!r}")
    return f'"{identifier}"'


def value_column(field: str) -> str:
    return quote(f"v_{field}")


def text_column(field: str) -> str:
    return quote(f"t_{field}")


@dataclass(frozen=True)
class IndexTables:
    physical: str
    docs: str
    fts: str
    keywords: str
    suggestions: str

    @classmethod
    def of(cls, physical: str) -> IndexTables:
        return cls(
            physical=physical,
            docs=quote(f"{physical}$docs"),
            fts=quote(f"{physical}$fts"),
            keywords=quote(f"{physical}$kw"),
            suggestions=quote(f"{physical}$sugg"),
        )

    def all(self) -> tuple[str, ...]:
        return (self.docs, self.fts, self.keywords, self.suggestions)


def create_statements(tables: IndexTables, spec: IndexSpec) -> list[str]:
    physical = tables.physical
    value_columns = [
        f"{value_column(field)} {'INTEGER' if kind == 'long' else 'REAL'}"
        for field, kind in spec.numeric_fields.items()
    ] + [f"{value_column(field)} INTEGER" for field in spec.date_fields]
    docs_columns = ", ".join(
        [
            "rid INTEGER PRIMARY KEY",
            "doc_id TEXT NOT NULL UNIQUE",
            "source TEXT NOT NULL",
            *value_columns,
        ]
    )
    text_columns = ", ".join(text_column(field) for field in spec.text_fields)
    tokenize = f"ascii tokenchars '{TOKEN_SYMBOLS}'"
    statements = [
        f"CREATE TABLE {tables.docs} ({docs_columns})",
        f'CREATE VIRTUAL TABLE {tables.fts} USING fts5({text_columns}, tokenize="{tokenize}")',
        f"CREATE TABLE {tables.keywords} (field TEXT NOT NULL, value TEXT NOT NULL, "
        "rid INTEGER NOT NULL, PRIMARY KEY (field, value, rid)) WITHOUT ROWID",
        f"CREATE INDEX {quote(physical + '$kw_rid')} ON {tables.keywords} (rid, field)",
        f"CREATE TABLE {tables.suggestions} (field TEXT NOT NULL, folded TEXT NOT NULL, "
        "rid INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (field, folded, rid)) "
        "WITHOUT ROWID",
        f"CREATE INDEX {quote(physical + '$sugg_rid')} ON {tables.suggestions} (rid)",
    ]
    for field in [*spec.numeric_fields, *spec.date_fields]:
        statements.append(
            f"CREATE INDEX {quote(f'{physical}$docs_{field}')} "
            f"ON {tables.docs} ({value_column(field)})"
        )
    return statements


# --------------------------------------------------------------------------- matching


def _filter_clause(tables: IndexTables, plan: QueryPlan) -> tuple[str, SqlParams]:
    conditions: list[str] = []
    params: SqlParams = []
    for field, values in plan.terms.items():
        placeholders = ", ".join("?" * len(values))
        conditions.append(
            f"d.rid IN (SELECT rid FROM {tables.keywords} "
            f"WHERE field = ? AND value IN ({placeholders}))"
        )
        params.extend([field, *values])
    for bounds in plan.ranges:
        column = f"d.{value_column(bounds.field)}"
        if bounds.gte is not None:
            conditions.append(f"{column} >= ?")
            params.append(bounds.gte)
        if bounds.lte is not None:
            conditions.append(f"{column} <= ?")
            params.append(bounds.lte)
    return " AND ".join(conditions) or "1", params


def match_query(tables: IndexTables, plan: QueryPlan) -> tuple[str, SqlParams]:
    """``INSERT`` of every matching ``(rid, score)`` into the per-connection hits table."""
    filters, params = _filter_clause(tables, plan)
    if not plan.tokens:
        sql = f"INSERT INTO {HITS_TABLE} (rid, score) SELECT d.rid, 0.0 FROM {tables.docs} d"
        return f"{sql} WHERE {filters}", params
    weights = ", ".join(repr(float(boost)) for boost in plan.spec.text_fields.values())
    match = " ".join(f'"{token}"' for token in plan.tokens)  # implicit AND of all tokens
    sql = (
        f"INSERT INTO {HITS_TABLE} (rid, score) "
        f"SELECT d.rid, -bm25({tables.fts}, {weights}) "
        f"FROM {tables.fts} JOIN {tables.docs} d ON d.rid = {tables.fts}.rowid "
        f"WHERE {tables.fts} MATCH ? AND {filters}"
    )
    return sql, [match, *params]


def facet_query(tables: IndexTables) -> str:
    return (
        f"SELECT k.value, count(*) AS n FROM {tables.keywords} k "
        f"JOIN {HITS_TABLE} h ON h.rid = k.rid WHERE k.field = ? "
        "GROUP BY k.value ORDER BY n DESC, k.value ASC LIMIT ?"
    )


# --------------------------------------------------------------------------- sorting


def _sort_expression(tables: IndexTables, key: SortKey) -> str:
    if key.kind == "score":
        return "h.score"
    if key.kind == "id":
        return "d.doc_id"
    if key.kind == "keyword":
        pick = "max" if key.descending else "min"
        return (
            f"(SELECT {pick}(k.value) FROM {tables.keywords} k "
            f"WHERE k.rid = d.rid AND k.field = '{key.field}')"
        )
    return f"d.{value_column(key.field)}"


def _keyset_clause(
    sort: tuple[SortKey, ...], after: tuple[SortValue, ...]
) -> tuple[str, SqlParams]:
    """Rows strictly after ``after`` in the sort order (missing values last)."""
    branches: list[str] = []
    params: SqlParams = []
    for index, key in enumerate(sort):
        value = after[index]
        if value is None:
            continue  # within this key nothing sorts after a missing value
        conditions: list[str] = []
        branch_params: SqlParams = []
        for earlier in range(index):
            if after[earlier] is None:
                conditions.append(f"s{earlier} IS NULL")
            else:
                conditions.append(f"s{earlier} = ?")
                branch_params.append(after[earlier])
        beyond = f"s{index} {'<' if key.descending else '>'} ?"
        conditions.append(f"(s{index} IS NULL OR {beyond})" if key.nullable else beyond)
        branch_params.append(value)
        branches.append("(" + " AND ".join(conditions) + ")")
        params.extend(branch_params)
    return " OR ".join(branches) or "0", params


def page_query(tables: IndexTables, plan: QueryPlan) -> tuple[str, SqlParams]:
    """One page of hits (one extra row tells whether another page follows)."""
    sort_columns = ", ".join(
        f"{_sort_expression(tables, key)} AS s{index}" for index, key in enumerate(plan.sort)
    )
    order = []
    for index, key in enumerate(plan.sort):
        if key.nullable:
            order.append(f"s{index} IS NULL")
        order.append(f"s{index} {'DESC' if key.descending else 'ASC'}")
    where, params = ("1", []) if plan.after is None else _keyset_clause(plan.sort, plan.after)
    sql = (
        "SELECT * FROM ("
        f"SELECT d.doc_id AS doc_id, d.source AS source, h.score AS score, {sort_columns} "
        f"FROM {HITS_TABLE} h JOIN {tables.docs} d ON d.rid = h.rid"
        f") WHERE {where} ORDER BY {', '.join(order)} LIMIT ?"
    )
    return sql, [*params, plan.size + 1]
