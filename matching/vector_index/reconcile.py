"""Checking a vector index against the database at start-up, and repairing it.

The caller (the composition root, at worker start or after ``load``) supplies a
:class:`VectorSource` for a collection: which ids should be in the index with which content
hash (e.g. the open jobs and the hash of their embedded text), and the vectors of given ids
(read from the embedding store or computed). ``matching`` therefore does not need to know
the jobs or graduates tables.

Repair: ids the source expects but the index lacks are added; ids the index holds but the
source does not expect (closed jobs, hidden graduates) are removed; ids whose stored hash
differs from the expected one (the text or the model changed) are re-added with a fresh
vector. Everything runs in batches of ``batch_size`` ids, so memory stays bounded; a first
start with an empty index is a bulk load (one ``add`` per batch).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from matching.vector_index.base import VectorIndex, VectorIndexStateError

DEFAULT_BATCH_SIZE = 10_000


class VectorSource(Protocol):
    """The port the caller implements for one collection."""

    def expected_ids(self) -> Iterable[tuple[int, int]]:
        """Every ``(id, content_hash)`` that should be searchable, in any order."""
        ...

    def vectors_for(self, ids: Sequence[int]) -> tuple[Sequence[int], Any, Sequence[int]]:
        """``(ids, vectors, content_hashes)`` for the asked ids (those that vanished since
        ``expected_ids`` may be left out)."""
        ...


@dataclass(frozen=True)
class ReconcileReport:
    expected: int
    indexed_before: int
    missing: int
    """Expected ids the index did not hold (added)."""
    extra: int
    """Indexed ids nobody expects any more (removed)."""
    changed: int
    """Ids indexed with another content hash (re-added)."""
    added: int
    removed: int

    @property
    def in_step(self) -> bool:
        return self.missing == 0 and self.extra == 0 and self.changed == 0


def reconcile(
    index: VectorIndex, source: VectorSource, *, batch_size: int = DEFAULT_BATCH_SIZE
) -> ReconcileReport:
    """Bring ``index`` in step with ``source``; safe to run again (idempotent)."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    stored = _as_table(index.ids_with_hashes())
    expected = _as_table(source.expected_ids())

    stored_ids, stored_hashes = stored
    expected_ids, expected_hashes = expected
    in_expected = np.isin(stored_ids, expected_ids, assume_unique=True)
    extra_ids = stored_ids[~in_expected]

    positions = np.searchsorted(stored_ids, expected_ids)
    clipped = np.minimum(positions, max(stored_ids.shape[0] - 1, 0))
    if stored_ids.shape[0]:
        present = stored_ids[clipped] == expected_ids
        changed = present & (stored_hashes[clipped] != expected_hashes)
    else:
        present = np.zeros(expected_ids.shape[0], dtype=np.bool_)
        changed = present
    missing_ids = expected_ids[~present]
    changed_ids = expected_ids[changed]

    removed = 0
    for start in range(0, extra_ids.shape[0], batch_size):
        removed += index.remove(extra_ids[start : start + batch_size])
    to_add = np.concatenate([missing_ids, changed_ids])
    added = 0
    for start in range(0, to_add.shape[0], batch_size):
        wanted = to_add[start : start + batch_size].tolist()
        ids, vectors, hashes = source.vectors_for(wanted)
        if len(ids):
            added += index.add(ids, vectors, hashes)
    return ReconcileReport(
        expected=int(expected_ids.shape[0]),
        indexed_before=int(stored_ids.shape[0]),
        missing=int(missing_ids.shape[0]),
        extra=int(extra_ids.shape[0]),
        changed=int(changed_ids.shape[0]),
        added=added,
        removed=removed,
    )


def _as_table(
    pairs: Iterable[tuple[int, int]],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Sorted unique ids and their hashes (a repeated id keeps its last hash)."""
    flat = np.fromiter(
        (value for pair in pairs for value in (int(pair[0]), int(pair[1]))), dtype=np.int64
    )
    if flat.shape[0] == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    table = flat.reshape(-1, 2)
    ids, hashes = table[:, 0], table[:, 1]
    reversed_order = np.arange(ids.shape[0])[::-1]
    unique_ids, first = np.unique(ids[reversed_order], return_index=True)
    if (unique_ids < 0).any():
        raise VectorIndexStateError("vector ids must be non-negative")
    return unique_ids, hashes[reversed_order][first]
