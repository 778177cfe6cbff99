"""The keyword-search interface every backend implements, and the values it exchanges.

Semantics shared by every backend (the contract suite in ``tests/core/search`` checks them):

* Text is segmented in the application (:mod:`.segment`), the same way for every backend.
  A document matches a text query when **every** query token occurs in at least one text
  field (AND across tokens, OR across fields); matches are ranked by BM25 with per-field
  boosts. A query whose text has no tokens (empty, punctuation only) puts no text constraint.
* ``terms`` filters are OR within a field and AND across fields; a field given an empty list
  is ignored. ``ranges`` are inclusive; a document without the field never matches a range.
* Facets count documents per keyword value over everything the query matched (filters
  included), ordered by count descending then value ascending.
* Sorting always ends with the document id ascending, so pages are total and stable. Missing
  values sort last in both directions; a multi-valued keyword sorts by its smallest value
  ascending and by its largest value descending.
* Cursors are opaque strings (urlsafe base64 of JSON); a cursor only fits the sort it came
  from. A bad cursor raises :class:`InvalidSearchCursor` (HTTP 422), never a server error.
* Index names given to a backend are logical (``"jobs"``); the backend prefixes them with
  its ``index_prefix`` (``settings.search_index_prefix``) to form the physical name.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Literal, Self

from jobs_api.core.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed

NumericKind = Literal["long", "double"]
RangeValue = int | float | str | date | datetime | None

SCORE_FIELD = "_score"
"""Pseudo field for sorting by relevance (use it descending)."""

MAX_PAGE_SIZE = 100
MAX_FACET_SIZE = 100
MAX_QUERY_TEXT_LENGTH = 256

_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


# --------------------------------------------------------------------------- errors
# Stable error codes of their own.


class SearchQueryError(ValidationFailed):
    """The caller asked for something the index cannot answer (unknown field, bad size...)."""

    default_code = "invalid_search_query"


class InvalidSearchCursor(SearchQueryError):
    """A ``search_after`` cursor that is malformed or belongs to another sort."""

    default_code = "invalid_search_cursor"


class SearchDocumentError(ValidationFailed):
    """A document whose values do not fit the index spec."""

    default_code = "invalid_search_document"


class SearchIndexNotFound(NotFound):
    default_code = "search_index_not_found"


class SearchIndexConflict(Conflict):
    """``ensure_index`` found an index with the same name and a different spec."""

    default_code = "search_index_conflict"


class SearchUnavailable(ServiceUnavailable):
    """The search server cannot be reached or is overloaded; retrying later may succeed."""

    default_code = "search_unavailable"


# --------------------------------------------------------------------------- index spec


def validate_index_name(name: str) -> str:
    if not _INDEX_NAME.match(name):
        raise ValueError(f"invalid search index name {name!r}: use [a-z0-9_-], at most 100 chars")
    return name


def _validate_field_name(name: str) -> None:
    if not _FIELD_NAME.match(name) or "__" in name:
        raise ValueError(
            f"invalid search field name {name!r}: use [a-z0-9_] starting with a letter, "
            "without '__' (reserved for derived fields)"
        )


@dataclass(frozen=True)
class IndexSpec:
    """Which document fields an index searches, filters, facets, sorts and suggests on.

    Other fields of a document are stored and returned in ``SearchHit.source`` unindexed.
    """

    name: str
    text_fields: Mapping[str, float]
    """Full-text fields and their relevance boosts (> 0)."""
    keyword_fields: Sequence[str] = ()
    """Exact-value fields (``str`` or ``list[str]``) for terms filters, facets and sorting."""
    numeric_fields: Mapping[str, NumericKind] = field(default_factory=dict)
    """Numeric fields: ``"long"`` (int values) or ``"double"`` (int or float values)."""
    date_fields: Sequence[str] = ()
    """Date/time fields: ISO 8601 strings, ``date`` or ``datetime`` (naive means UTC)."""
    suggest_fields: Sequence[str] = ()
    """Text fields whose whole values are offered as prefix suggestions."""

    def __post_init__(self) -> None:
        validate_index_name(self.name)
        object.__setattr__(self, "text_fields", dict(self.text_fields))
        object.__setattr__(self, "keyword_fields", tuple(self.keyword_fields))
        object.__setattr__(self, "numeric_fields", dict(self.numeric_fields))
        object.__setattr__(self, "date_fields", tuple(self.date_fields))
        object.__setattr__(self, "suggest_fields", tuple(self.suggest_fields))
        if not self.text_fields:
            raise ValueError("an index needs at least one text field")
        names = [
            *self.text_fields,
            *self.keyword_fields,
            *self.numeric_fields,
            *self.date_fields,
        ]
        for name in names:
            _validate_field_name(name)
        if len(set(names)) != len(names):
            raise ValueError(f"index {self.name!r}: a field may have only one kind")
        for name, boost in self.text_fields.items():
            if not boost > 0:
                raise ValueError(f"index {self.name!r}: boost of {name!r} must be > 0")
        for name, kind in self.numeric_fields.items():
            if kind not in ("long", "double"):
                raise ValueError(f"index {self.name!r}: numeric kind of {name!r} is {kind!r}")
        for name in self.suggest_fields:
            if name not in self.text_fields:
                raise ValueError(f"index {self.name!r}: suggest field {name!r} is not a text field")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form, stored with the index to detect spec changes."""
        return {
            "name": self.name,
            "text_fields": {name: float(boost) for name, boost in self.text_fields.items()},
            "keyword_fields": list(self.keyword_fields),
            "numeric_fields": dict(self.numeric_fields),
            "date_fields": list(self.date_fields),
            "suggest_fields": list(self.suggest_fields),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexSpec:
        return cls(
            name=data["name"],
            text_fields=data["text_fields"],
            keyword_fields=data.get("keyword_fields", ()),
            numeric_fields=data.get("numeric_fields", {}),
            date_fields=data.get("date_fields", ()),
            suggest_fields=data.get("suggest_fields", ()),
        )


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Range:
    """An inclusive range; ``None`` leaves a side open. Dates: ISO strings, date or datetime."""

    gte: RangeValue = None
    lte: RangeValue = None


@dataclass(frozen=True)
class SortField:
    """Sort on a keyword, numeric or date field, or on :data:`SCORE_FIELD` (relevance)."""

    field: str
    descending: bool = False


RELEVANCE: tuple[SortField, ...] = (SortField(SCORE_FIELD, descending=True),)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    terms: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Keyword filters: any of the values within a field, every field."""
    ranges: Mapping[str, Range] = field(default_factory=dict)
    """Inclusive numeric or date ranges."""
    facets: Sequence[str] = ()
    """Keyword fields to count values of."""
    sort: Sequence[SortField] = RELEVANCE
    size: int = 20
    search_after: str | None = None
    """``SearchPage.next_cursor`` of the previous page."""
    highlight: bool = False
    facet_size: int = 20
    """Most values returned per facet."""

    def __post_init__(self) -> None:
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise SearchQueryError(
                f"page size must be between 1 and {MAX_PAGE_SIZE}", fields={"size": "range"}
            )
        if not 1 <= self.facet_size <= MAX_FACET_SIZE:
            raise SearchQueryError(
                f"facet size must be between 1 and {MAX_FACET_SIZE}",
                fields={"facet_size": "range"},
            )
        if len(self.text) > MAX_QUERY_TEXT_LENGTH:
            raise SearchQueryError(
                f"query text is longer than {MAX_QUERY_TEXT_LENGTH} characters",
                fields={"text": "too_long"},
            )
        if not self.sort:
            raise SearchQueryError("sort must name at least one field", fields={"sort": "empty"})


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    """Relevance score; 0.0 when the query has no text. Comparable only within one backend."""
    source: dict[str, Any]
    highlights: dict[str, list[str]] = field(default_factory=dict)
    """Text field -> HTML fragments with matches in ``<em>``; empty unless asked for."""


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]
    next_cursor: str | None
    """Pass as ``search_after`` for the next page; ``None`` on the last page."""


@dataclass(frozen=True)
class BackendInfo:
    kind: str
    version: str


# --------------------------------------------------------------------------- interface


class SearchBackend(ABC):
    """A keyword-search engine holding any number of indexes.

    ``index``/``bulk_index``/``delete`` become visible to ``search`` after ``refresh`` (the
    embedded engine shows them at once; call ``refresh`` anyway). Every method may raise
    :class:`SearchUnavailable` when the engine cannot be reached.
    """

    @abstractmethod
    def ensure_index(self, spec: IndexSpec) -> None:
        """Create the index if missing; raise :class:`SearchIndexConflict` if it exists with a
        different spec (drop it and index again to change a spec)."""

    @abstractmethod
    def drop_index(self, name: str) -> None:
        """Delete the index and its documents; a missing index is not an error."""

    @abstractmethod
    def index(self, name: str, doc_id: str, doc: Mapping[str, Any]) -> None:
        """Add or replace one document."""

    @abstractmethod
    def bulk_index(self, name: str, docs: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        """Add or replace many ``(doc_id, doc)`` pairs; return how many were written."""

    @abstractmethod
    def delete(self, name: str, doc_id: str) -> None:
        """Remove a document; a missing document (or index) is not an error."""

    @abstractmethod
    def refresh(self, name: str) -> None:
        """Make every write so far visible to searches."""

    @abstractmethod
    def search(self, name: str, query: SearchQuery) -> SearchPage: ...

    @abstractmethod
    def suggest(self, name: str, field: str, prefix: str, size: int = 10) -> list[str]:
        """Distinct values of a suggest field starting with ``prefix`` (case-insensitive),
        most frequent first, then in code-point order."""

    @abstractmethod
    def count(self, name: str) -> int: ...

    @abstractmethod
    def server_info(self) -> BackendInfo: ...

    @abstractmethod
    def ping(self) -> bool:
        """True when the engine answers; never raises."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def physical_index_name(prefix: str, name: str) -> str:
    """``jobs`` with prefix ``gradmatch`` is stored as ``gradmatch_jobs``."""
    validate_index_name(name)
    if not prefix:
        return name
    return validate_index_name(f"{prefix}_{name}")
