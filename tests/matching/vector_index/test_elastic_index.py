"""Elasticsearch vector index behaviour that needs no running server: an unreachable one."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from jobs_api.core.errors import ServiceUnavailable
from matching.vector_index import VectorDimensionMismatch, VectorIndexUnavailable
from matching.vector_index.elastic_index import ElasticsearchVectorIndex


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def unreachable() -> Iterator[ElasticsearchVectorIndex]:
    index = ElasticsearchVectorIndex(
        f"http://127.0.0.1:{_closed_port()}", "jobs", 4, request_timeout=2, max_retries=0
    )
    yield index
    index.close()


def test_an_unreachable_server_is_reported_as_unavailable(
    unreachable: ElasticsearchVectorIndex,
) -> None:
    with pytest.raises(VectorIndexUnavailable) as caught:
        unreachable.add([1], [[1.0, 0.0, 0.0, 0.0]], [1])
    assert isinstance(caught.value, ServiceUnavailable)
    assert caught.value.status_code == 503
    assert caught.value.code == "vector_index_unavailable"

    with pytest.raises(VectorIndexUnavailable):
        unreachable.search([1.0, 0.0, 0.0, 0.0], 5)
    with pytest.raises(VectorIndexUnavailable):
        unreachable.remove([1])
    with pytest.raises(VectorIndexUnavailable):
        unreachable.count()
    assert unreachable.ping() is False


def test_input_is_checked_before_the_server_is_asked(
    unreachable: ElasticsearchVectorIndex,
) -> None:
    with pytest.raises(VectorDimensionMismatch):
        unreachable.search([1.0, 0.0], 5)
