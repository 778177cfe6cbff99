"""Choosing the search backend from settings (the composition root calls this at start-up)."""

from __future__ import annotations

from jobs_api.core.search.base import SearchBackend
from jobs_api.core.search.elastic import ElasticsearchBackend
from jobs_api.core.search.embedded import EmbeddedSearchBackend
from jobs_api.core.settings import Settings

EMBEDDED_DIRECTORY = "search"


def build_search_backend(settings: Settings) -> SearchBackend:
    """The embedded engine under ``data_dir/search`` for ``embedded://``, else Elasticsearch.

    Either way the backend prefixes every index name with ``settings.search_index_prefix``:
    callers use logical names such as ``"jobs"``. Nothing is connected or loaded here; the
    first call does that.
    """
    if settings.uses_embedded_search:
        return EmbeddedSearchBackend(
            settings.data_dir / EMBEDDED_DIRECTORY, index_prefix=settings.search_index_prefix
        )
    return ElasticsearchBackend(
        settings.elasticsearch_url, index_prefix=settings.search_index_prefix
    )
