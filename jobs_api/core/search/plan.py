"""Checking a :class:`SearchQuery` against an index spec, once, for every backend.

:func:`plan_query` turns a query into a :class:`QueryPlan`: query tokens, normalised filters
(dates as epoch milliseconds), the effective sort keys (tie-breaker included) and the decoded
cursor. Backends translate the plan into SQL or Elasticsearch DSL and never look at the raw
query, so both reject the same inputs with the same errors.

Cursor format: urlsafe base64 (no padding) of ``{"k": <sort signature>, "v": [values]}``,
where the values are the last hit's sort values (``null`` for a missing value) and the
signature identifies the sort, so a cursor cannot be replayed against another sort.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from jobs_api.core.search.base import (
    SCORE_FIELD,
    IndexSpec,
    InvalidSearchCursor,
    Range,
    SearchQuery,
    SearchQueryError,
)
from jobs_api.core.search.documents import to_epoch_millis
from jobs_api.core.search.segment import query_tokens

SortKind = Literal["score", "id", "keyword", "long", "double", "date"]
SortValue = str | int | float | None
Bound = int | float | None

ID_SORT_FIELD = "_id"
MAX_CURSOR_LENGTH = 4096
MAX_SUGGEST_SIZE = 50
MAX_TERMS_PER_FIELD = 100


@dataclass(frozen=True)
class SortKey:
    field: str
    kind: SortKind
    descending: bool

    @property
    def nullable(self) -> bool:
        return self.kind not in ("score", "id")


@dataclass(frozen=True)
class RangeFilter:
    field: str
    kind: Literal["long", "double", "date"]
    gte: Bound
    lte: Bound


@dataclass(frozen=True)
class QueryPlan:
    spec: IndexSpec
    tokens: tuple[str, ...]
    terms: dict[str, tuple[str, ...]]
    ranges: tuple[RangeFilter, ...]
    facets: tuple[str, ...]
    facet_size: int
    sort: tuple[SortKey, ...]
    after: tuple[SortValue, ...] | None
    size: int
    highlight: bool

    def cursor_for(self, values: Sequence[SortValue]) -> str:
        return encode_cursor(self.sort, values)


def _query_error(field: str, message: str) -> SearchQueryError:
    return SearchQueryError(message, fields={field: "invalid"})


def _plan_terms(spec: IndexSpec, query: SearchQuery) -> dict[str, tuple[str, ...]]:
    terms: dict[str, tuple[str, ...]] = {}
    for field, values in query.terms.items():
        if field not in spec.keyword_fields:
            raise _query_error(f"terms.{field}", f"{field!r} is not a keyword field")
        if isinstance(values, str) or not all(isinstance(value, str) for value in values):
            raise _query_error(f"terms.{field}", f"terms of {field!r} must be a list of strings")
        if len(values) > MAX_TERMS_PER_FIELD:
            raise _query_error(f"terms.{field}", f"at most {MAX_TERMS_PER_FIELD} terms per field")
        if values:
            terms[field] = tuple(dict.fromkeys(values))
    return terms


def _bound(spec: IndexSpec, field: str, value: object) -> Bound:
    if value is None:
        return None
    if field in spec.date_fields:
        try:
            return to_epoch_millis(value)
        except (ValueError, OverflowError):
            raise _query_error(f"ranges.{field}", f"{value!r} is not a date") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _query_error(f"ranges.{field}", f"{value!r} is not a number")
    return value


def _plan_ranges(spec: IndexSpec, ranges: dict[str, Range]) -> tuple[RangeFilter, ...]:
    planned = []
    for field, bounds in ranges.items():
        kind: Literal["long", "double", "date"]
        if field in spec.date_fields:
            kind = "date"
        elif field in spec.numeric_fields:
            kind = spec.numeric_fields[field]
        else:
            raise _query_error(f"ranges.{field}", f"{field!r} is not a numeric or date field")
        gte, lte = _bound(spec, field, bounds.gte), _bound(spec, field, bounds.lte)
        if gte is not None or lte is not None:
            planned.append(RangeFilter(field, kind, gte, lte))
    return tuple(planned)


def _sort_key(spec: IndexSpec, field: str, descending: bool) -> SortKey:
    if field == SCORE_FIELD:
        return SortKey(field, "score", descending)
    if field in spec.keyword_fields:
        return SortKey(field, "keyword", descending)
    if field in spec.numeric_fields:
        return SortKey(field, spec.numeric_fields[field], descending)
    if field in spec.date_fields:
        return SortKey(field, "date", descending)
    raise _query_error("sort", f"cannot sort on {field!r}")


def _plan_sort(spec: IndexSpec, query: SearchQuery, has_text: bool) -> tuple[SortKey, ...]:
    keys: list[SortKey] = []
    for sort_field in query.sort:
        key = _sort_key(spec, sort_field.field, sort_field.descending)
        if key.kind == "score" and not has_text:
            continue  # every hit scores the same without text: the score cannot order them
        if any(existing.field == key.field for existing in keys):
            raise _query_error("sort", f"{key.field!r} is sorted on twice")
        keys.append(key)
    keys.append(SortKey(ID_SORT_FIELD, "id", descending=False))
    return tuple(keys)


def plan_query(spec: IndexSpec, query: SearchQuery) -> QueryPlan:
    tokens = tuple(query_tokens(query.text))
    for facet in query.facets:
        if facet not in spec.keyword_fields:
            raise _query_error("facets", f"{facet!r} is not a keyword field")
    sort = _plan_sort(spec, query, has_text=bool(tokens))
    after = decode_cursor(sort, query.search_after) if query.search_after is not None else None
    return QueryPlan(
        spec=spec,
        tokens=tokens,
        terms=_plan_terms(spec, query),
        ranges=_plan_ranges(spec, dict(query.ranges)),
        facets=tuple(dict.fromkeys(query.facets)),
        facet_size=query.facet_size,
        sort=sort,
        after=after,
        size=query.size,
        highlight=query.highlight,
    )


def check_suggest(spec: IndexSpec, field: str, size: int) -> None:
    if field not in spec.suggest_fields:
        raise _query_error("field", f"{field!r} is not a suggest field")
    if not 1 <= size <= MAX_SUGGEST_SIZE:
        raise SearchQueryError(
            f"suggestion size must be between 1 and {MAX_SUGGEST_SIZE}", fields={"size": "range"}
        )


# --------------------------------------------------------------------------- cursors


def _signature(sort: Sequence[SortKey]) -> str:
    described = ",".join(f"{key.field}:{'d' if key.descending else 'a'}" for key in sort)
    return hashlib.blake2s(described.encode(), digest_size=6).hexdigest()


def encode_cursor(sort: Sequence[SortKey], values: Sequence[SortValue]) -> str:
    payload = json.dumps({"k": _signature(sort), "v": list(values)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode("ascii")


def _value_fits(key: SortKey, value: Any) -> bool:
    if value is None:
        return key.nullable
    if key.kind in ("id", "keyword"):
        return isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or key.kind in ("score", "double")


def decode_cursor(sort: Sequence[SortKey], cursor: str) -> tuple[SortValue, ...]:
    """The sort values in ``cursor``; :class:`InvalidSearchCursor` unless it fits ``sort``."""
    invalid = InvalidSearchCursor(
        "the search cursor is invalid or belongs to another query",
        fields={"search_after": "invalid"},
    )
    if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw.decode("utf-8"), parse_constant=lambda name: None)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    if not isinstance(payload, dict) or payload.get("k") != _signature(sort):
        raise invalid
    values = payload.get("v")
    if not isinstance(values, list) or len(values) != len(sort):
        raise invalid
    if not all(_value_fits(key, value) for key, value in zip(sort, values, strict=True)):
        raise invalid
    return tuple(values)
