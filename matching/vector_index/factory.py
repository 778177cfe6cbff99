"""Choosing the vector index from a URL (the composition root calls this at start-up).

``faiss://`` or ``embedded://`` (the default) is the in-process FAISS index saved under
``data_dir/vectors``; ``http://`` or ``https://`` is Elasticsearch at that URL (pass
``settings.elasticsearch_url`` to share the keyword-search cluster). Nothing is loaded or
connected here: the caller runs ``load()`` and then :func:`~.reconcile.reconcile` when the
process starts, and ``save()`` for FAISS periodically and at shutdown.
"""

from __future__ import annotations

from pathlib import Path

from jobs_api.core.settings import Settings
from matching.vector_index.base import VectorIndex
from matching.vector_index.elastic_index import ElasticsearchVectorIndex
from matching.vector_index.faiss_index import FaissVectorIndex

EMBEDDED_DIRECTORY = "vectors"
FAISS_SCHEMES = ("faiss://", "embedded://")
ELASTICSEARCH_SCHEMES = ("http://", "https://")
E5_SMALL_DIMENSION = 384
"""multilingual-e5-small embeddings."""


def build_vector_index(
    url: str,
    name: str,
    *,
    data_dir: Path,
    index_prefix: str = "",
    dimension: int = E5_SMALL_DIMENSION,
) -> VectorIndex:
    """The vector index of collection ``name`` (``"jobs"``, ``"graduates"``) for ``url``."""
    if url == "" or url.startswith(FAISS_SCHEMES):
        return FaissVectorIndex(
            data_dir / EMBEDDED_DIRECTORY, name, dimension, index_prefix=index_prefix
        )
    if url.startswith(ELASTICSEARCH_SCHEMES):
        return ElasticsearchVectorIndex(url, name, dimension, index_prefix=index_prefix)
    raise ValueError(f"unsupported vector index URL {url!r}: use faiss:// or http(s)://")


def build_vector_index_from_settings(
    settings: Settings,
    name: str,
    *,
    url: str = "faiss://",
    dimension: int = E5_SMALL_DIMENSION,
) -> VectorIndex:
    """FAISS under ``settings.data_dir`` by default; ``url=settings.elasticsearch_url`` (an
    ``http(s)://`` one) puts the collection into the keyword-search cluster instead. Either
    way the name is prefixed with ``settings.search_index_prefix``."""
    return build_vector_index(
        url,
        name,
        data_dir=settings.data_dir,
        index_prefix=settings.search_index_prefix,
        dimension=dimension,
    )
