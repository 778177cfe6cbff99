"""Elasticsearch behaviour that needs no running server: an unreachable one."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from jobs_api.core.errors import ServiceUnavailable
from jobs_api.core.search import IndexSpec, SearchQuery, SearchUnavailable
from jobs_api.core.search.elastic import ElasticsearchBackend

SPEC = IndexSpec(name="jobs", text_fields={"title": 1.0})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def unreachable() -> Iterator[ElasticsearchBackend]:
    backend = ElasticsearchBackend(
        f"http://127.0.0.1:{_closed_port()}", request_timeout=2, max_retries=0
    )
    yield backend
    backend.close()


def test_an_unreachable_server_is_reported_as_unavailable(
    unreachable: ElasticsearchBackend,
) -> None:
    with pytest.raises(SearchUnavailable) as caught:
        unreachable.ensure_index(SPEC)
    assert isinstance(caught.value, ServiceUnavailable)
    assert caught.value.status_code == 503

    with pytest.raises(SearchUnavailable):
        unreachable.search(SPEC.name, SearchQuery(text="工程师"))
    with pytest.raises(SearchUnavailable):
        unreachable.delete(SPEC.name, "j1")
    with pytest.raises(SearchUnavailable):
        unreachable.server_info()


def test_ping_says_no_instead_of_raising(unreachable: ElasticsearchBackend) -> None:
    assert unreachable.ping() is False
