"""Keyword search: one :class:`SearchBackend` interface, an embedded SQLite FTS5 engine and an
Elasticsearch 8.x backend, with Chinese segmented in the application (jieba) for both.

Pick a backend with :func:`build_search_backend`; the semantics every backend shares are
described in :mod:`jobs_api.core.search.base`.
"""

from jobs_api.core.search.base import (
    RELEVANCE,
    SCORE_FIELD,
    BackendInfo,
    FacetCount,
    IndexSpec,
    InvalidSearchCursor,
    Range,
    SearchBackend,
    SearchDocumentError,
    SearchHit,
    SearchIndexConflict,
    SearchIndexNotFound,
    SearchPage,
    SearchQuery,
    SearchQueryError,
    SearchUnavailable,
    SortField,
)
from jobs_api.core.search.factory import build_search_backend

__all__ = [
    "RELEVANCE",
    "SCORE_FIELD",
    "BackendInfo",
    "FacetCount",
    "IndexSpec",
    "InvalidSearchCursor",
    "Range",
    "SearchBackend",
    "SearchDocumentError",
    "SearchHit",
    "SearchIndexConflict",
    "SearchIndexNotFound",
    "SearchPage",
    "SearchQuery",
    "SearchQueryError",
    "SearchUnavailable",
    "SortField",
    "build_search_backend",
]
