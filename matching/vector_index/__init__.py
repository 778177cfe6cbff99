"""Nearest-neighbour search over job and graduate embeddings (FAISS in-process by default,
Elasticsearch ``dense_vector`` kNN when one node is not enough)."""

from matching.vector_index.base import (
    VectorDimensionMismatch,
    VectorHit,
    VectorIndex,
    VectorIndexInfo,
    VectorIndexStateError,
    VectorIndexUnavailable,
    VectorInputError,
    content_hash,
    vector_collection_name,
)
from matching.vector_index.reconcile import ReconcileReport, VectorSource, reconcile

__all__ = [
    "ReconcileReport",
    "VectorDimensionMismatch",
    "VectorHit",
    "VectorIndex",
    "VectorIndexInfo",
    "VectorIndexStateError",
    "VectorIndexUnavailable",
    "VectorInputError",
    "VectorSource",
    "content_hash",
    "reconcile",
    "vector_collection_name",
]
