from __future__ import annotations

from pathlib import Path
from typing import Any

from jobs_api.core.search import IndexSpec, build_search_backend
from jobs_api.core.search.elastic import ElasticsearchBackend
from jobs_api.core.search.embedded import EmbeddedSearchBackend
from jobs_api.core.settings import Settings

SPEC = IndexSpec(name="jobs", text_fields={"title": 1.0})


def _settings(**values: Any) -> Settings:
    return Settings(**values)


def test_embedded_url_builds_the_embedded_engine_under_data_dir(tmp_path: Path) -> None:
    backend = build_search_backend(_settings(elasticsearch_url="embedded://", data_dir=tmp_path))

    assert isinstance(backend, EmbeddedSearchBackend)
    assert backend.path == tmp_path / "search" / "search.db"
    backend.close()


def test_http_url_builds_elasticsearch_without_connecting() -> None:
    backend = build_search_backend(_settings(elasticsearch_url="http://127.0.0.1:1"))

    assert isinstance(backend, ElasticsearchBackend)
    backend.close()


def test_the_backend_applies_the_index_prefix(tmp_path: Path) -> None:
    first = build_search_backend(
        _settings(elasticsearch_url="embedded://", data_dir=tmp_path, search_index_prefix="one")
    )
    second = build_search_backend(
        _settings(elasticsearch_url="embedded://", data_dir=tmp_path, search_index_prefix="two")
    )
    first.ensure_index(SPEC)
    first.index(SPEC.name, "a", {"title": "工程师"})
    second.ensure_index(SPEC)

    assert first.count(SPEC.name) == 1
    assert second.count(SPEC.name) == 0
    first.close()
    second.close()
