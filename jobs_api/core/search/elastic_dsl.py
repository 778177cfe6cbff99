"""Elasticsearch mappings and query DSL for an :class:`IndexSpec` and a :class:`QueryPlan`.

Works on the integration-test distribution (server core only, no analysis-common): the one
analyzer used is the prebuilt ``whitespace`` analyzer (a custom analyzer cannot be built there:
it has no ``whitespace`` tokenizer); tokens arrive already segmented and lower-cased from
:mod:`.segment`. Per document:

* text field ``f``: ``f`` kept in ``_source`` (mapped ``index: false``) and ``f__seg``, the
  space-joined tokens, analysed by ``whitespace``; suggest fields add ``f__raw``, a keyword
  (``ignore_above`` 256) for case-insensitive prefix queries and terms aggregations;
* keyword, numeric (``long``/``double``) fields under their own names;
* date field ``f``: ``f__ts``, epoch milliseconds computed in Python (one date parser for every
  backend), mapped ``date`` with format ``epoch_millis``;
* ``doc__id``: the id as a keyword, the sort tie-breaker (``_id`` has no doc values in 8.x).

Derived fields are excluded from ``_source``, so hits return the caller's document unchanged.
"""

from __future__ import annotations

from typing import Any

from jobs_api.core.search.base import IndexSpec
from jobs_api.core.search.documents import MAX_SUGGESTION_LENGTH, PreparedDocument
from jobs_api.core.search.plan import QueryPlan, SortKey, SortValue

ID_FIELD = "doc__id"
SPEC_META_KEY = "gradmatch_spec"
TOKEN_ANALYZER = "whitespace"
DERIVED_SUFFIXES = ("__seg", "__raw", "__ts")
LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)


def segmented_field(field: str) -> str:
    return f"{field}__seg"


def raw_field(field: str) -> str:
    return f"{field}__raw"


def timestamp_field(field: str) -> str:
    return f"{field}__ts"


def index_body(spec: IndexSpec, *, shards: int, replicas: int) -> dict[str, Any]:
    properties: dict[str, Any] = {ID_FIELD: {"type": "keyword"}}
    for field in spec.text_fields:
        properties[field] = {"type": "text", "index": False}
        properties[segmented_field(field)] = {"type": "text", "analyzer": TOKEN_ANALYZER}
    for field in spec.suggest_fields:
        properties[raw_field(field)] = {"type": "keyword", "ignore_above": MAX_SUGGESTION_LENGTH}
    for field in spec.keyword_fields:
        properties[field] = {"type": "keyword"}
    for field, kind in spec.numeric_fields.items():
        properties[field] = {"type": kind}
    for field in spec.date_fields:
        properties[timestamp_field(field)] = {"type": "date", "format": "epoch_millis"}
    return {
        "settings": {"number_of_shards": shards, "number_of_replicas": replicas},
        "mappings": {
            "dynamic": False,
            "_meta": {SPEC_META_KEY: spec.to_dict()},
            "_source": {"excludes": [ID_FIELD, *(f"*{suffix}" for suffix in DERIVED_SUFFIXES)]},
            "properties": properties,
        },
    }


def document_body(doc: PreparedDocument) -> dict[str, Any]:
    body = dict(doc.source)
    body[ID_FIELD] = doc.doc_id
    for field, tokens in doc.texts.items():
        body[segmented_field(field)] = tokens
    for field, value in doc.suggestions.items():
        body[raw_field(field)] = value
    for field, millis in doc.dates.items():
        body[timestamp_field(field)] = millis
    return body


def clean_source(source: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in source.items() if "__" not in key}


# --------------------------------------------------------------------------- search


def _text_clauses(plan: QueryPlan) -> list[dict[str, Any]]:
    """Every token must match (``must``) in at least one text field (``should``)."""
    return [
        {
            "bool": {
                "should": [
                    {"match": {segmented_field(field): {"query": token, "boost": boost}}}
                    for field, boost in plan.spec.text_fields.items()
                ]
            }
        }
        for token in plan.tokens
    ]


def _filter_clauses(plan: QueryPlan) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = [
        {"terms": {field: list(values)}} for field, values in plan.terms.items()
    ]
    for bounds in plan.ranges:
        limits: dict[str, Any] = {}
        if bounds.gte is not None:
            limits["gte"] = bounds.gte
        if bounds.lte is not None:
            limits["lte"] = bounds.lte
        if bounds.kind == "date":
            limits["format"] = "epoch_millis"
            filters.append({"range": {timestamp_field(bounds.field): limits}})
        else:
            filters.append({"range": {bounds.field: limits}})
    return filters


def _sort_clause(key: SortKey) -> dict[str, Any]:
    order = "desc" if key.descending else "asc"
    if key.kind == "score":
        return {"_score": {"order": order}}
    if key.kind == "id":
        return {ID_FIELD: {"order": order}}
    field = timestamp_field(key.field) if key.kind == "date" else key.field
    clause: dict[str, Any] = {"order": order, "missing": "_last"}
    if key.kind == "keyword":
        clause["mode"] = "max" if key.descending else "min"
    return {field: clause}


def _missing_marker(key: SortKey) -> SortValue:
    """The sort value Elasticsearch reports for a missing value (missing last)."""
    if key.kind == "double":
        return "-Infinity" if key.descending else "Infinity"
    if key.kind in ("long", "date"):
        return LONG_MIN if key.descending else LONG_MAX
    return None


def to_cursor_values(plan: QueryPlan, values: list[Any]) -> list[SortValue]:
    """Elasticsearch sort values with missing markers replaced by ``None``."""
    cursor: list[SortValue] = []
    for key, value in zip(plan.sort, values, strict=True):
        missing = key.nullable and (value is None or value == _missing_marker(key))
        cursor.append(None if missing else value)
    return cursor


def search_body(plan: QueryPlan) -> dict[str, Any]:
    body: dict[str, Any] = {
        "query": {"bool": {"must": _text_clauses(plan), "filter": _filter_clauses(plan)}},
        "sort": [_sort_clause(key) for key in plan.sort],
        "size": plan.size + 1,  # one extra hit tells whether another page follows
        "track_total_hits": True,
        "track_scores": bool(plan.tokens),
    }
    if plan.after is not None:
        body["search_after"] = [
            _missing_marker(key) if value is None else value
            for key, value in zip(plan.sort, plan.after, strict=True)
        ]
    if plan.facets:
        body["aggs"] = {
            field: {
                "terms": {
                    "field": field,
                    "size": plan.facet_size,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
            for field in plan.facets
        }
    return body


def suggest_body(field: str, prefix: str, size: int) -> dict[str, Any]:
    return {
        "query": {"prefix": {raw_field(field): {"value": prefix, "case_insensitive": True}}},
        "size": 0,
        "aggs": {
            "values": {
                "terms": {
                    "field": raw_field(field),
                    "size": size,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
        },
    }
