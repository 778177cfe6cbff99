"""The vector-index interface every backend implements, its values and its errors.

Semantics shared by every backend (the contract suite in ``tests/matching/vector_index``
checks them):

* One :class:`VectorIndex` object serves one logical collection (``"jobs"``,
  ``"graduates"``) of a fixed dimension. Its physical name is ``<prefix>_<name>-vectors``
  (:func:`vector_collection_name`; the prefix is ``settings.search_index_prefix``), so
  it never collides with the keyword index of the same logical name.
* Ids are the database ids of the jobs or graduates: integers in ``[0, 2**63)``. Each stored
  vector carries a ``content_hash`` (an integer in the same range, see
  :func:`content_hash`) of what was embedded (text and model), so that reconciliation
  (:mod:`.reconcile`) can tell a stale vector from a current one.
* Similarity is cosine: vectors are L2-normalised on the way in (queries too), scores are
  inner products of unit vectors in ``[-1, 1]``, nearest first. A zero, non-finite or
  wrongly sized vector is refused with a :class:`VectorInputError` (HTTP 422), never a
  server error.
* ``add`` replaces a vector already stored under the same id; ``remove`` forgets ids (absent
  ids are not an error). Both are visible to the next ``search`` at once (closing a job or
  hiding a graduate who opted out must take effect immediately).
* ``search`` returns at most ``k`` hits (fewer when the collection is smaller), never an id
  in ``exclude_ids``, and with ``include_ids`` only ids of that allow-list (the nearest of a
  subset, e.g. the graduates who want to work in one province; an empty list finds nothing).
  Approximate backends may miss a true neighbour (recall below 1), never return a removed
  one.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from jobs_api.core.errors import ServiceUnavailable, ValidationFailed
from jobs_api.core.search.base import physical_index_name, validate_index_name

FloatMatrix = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]

MAX_ID = 2**63 - 1
MAX_K = 1_000
"""Most hits one search may ask for."""
MAX_QUERIES = 10_000
"""Most query vectors one ``search_many`` may carry."""
_NORM_EPSILON = 1e-12


# --------------------------------------------------------------------------- errors


class VectorInputError(ValidationFailed):
    """Ids, vectors, hashes or ``k`` that do not fit the index."""

    default_code = "invalid_vector_input"


class VectorDimensionMismatch(VectorInputError):
    default_code = "vector_dimension_mismatch"


class VectorIndexUnavailable(ServiceUnavailable):
    """The vector engine cannot be reached or is overloaded; retrying later may succeed."""

    default_code = "vector_index_unavailable"


class VectorIndexStateError(ServiceUnavailable):
    """The stored index cannot be used as it is (unreadable files, another dimension).

    Start-up handles it by starting empty and letting reconciliation re-add everything.
    """

    default_code = "vector_index_state"


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class VectorHit:
    id: int
    score: float
    """Cosine similarity to the query (inner product of unit vectors)."""


@dataclass(frozen=True)
class VectorIndexInfo:
    kind: str
    """``"faiss"`` or ``"elasticsearch"``."""
    name: str
    """The physical collection name."""
    dimension: int
    count: int
    structure: str
    """How vectors are held, e.g. ``"flat"`` (exact), ``"ivf1024,sq8"``, ``"dense_vector"``."""


def vector_collection_name(prefix: str, name: str) -> str:
    """``jobs`` with prefix ``gradmatch`` is stored as ``gradmatch_jobs-vectors``."""
    validate_index_name(name)
    return physical_index_name(prefix, f"{name}-vectors")


def content_hash(*parts: str) -> int:
    """A 63-bit fingerprint of what was embedded, e.g. ``content_hash(model, text)``."""
    digest = hashlib.blake2b(digest_size=8)
    for part in parts:
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "little"))
        digest.update(encoded)
    return int.from_bytes(digest.digest(), "little") & MAX_ID


# --------------------------------------------------------------------------- validation


def validate_ids(ids: Iterable[int] | npt.NDArray[Any], *, field: str = "ids") -> IdArray:
    """Ids as a 1-d int64 array; anything negative, too large or not an integer is refused."""
    if isinstance(ids, np.ndarray) and ids.dtype.kind in "iu" and ids.ndim == 1:
        if ids.size and (int(ids.min()) < 0 or int(ids.max()) > MAX_ID):
            raise VectorInputError("id 超出范围（0 到 2^63-1）", fields={field: "range"})
        return ids.astype(np.int64)
    values: list[int] = []
    try:
        for value in ids:
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise VectorInputError("id 必须是非负整数", fields={field: "invalid"})
            number = int(value)
            if not 0 <= number <= MAX_ID:
                raise VectorInputError("id 超出范围（0 到 2^63-1）", fields={field: "range"})
            values.append(number)
    except TypeError as error:
        raise VectorInputError("id 必须是整数序列", fields={field: "invalid"}) from error
    return np.array(values, dtype=np.int64)


def validate_vectors(vectors: Any, dimension: int, *, field: str = "vectors") -> FloatMatrix:
    """A 2-d C-contiguous float32 array of unit rows (a single vector becomes one row)."""
    try:
        matrix = np.array(vectors, dtype=np.float32, copy=True)
    except (TypeError, ValueError) as error:
        raise VectorInputError("向量必须是数值数组", fields={field: "invalid"}) from error
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.ndim != 2:
        raise VectorInputError("向量必须是一维或二维数值数组", fields={field: "shape"})
    if matrix.shape[1] != dimension:
        raise VectorDimensionMismatch(
            f"向量维度为 {matrix.shape[1]}，索引维度为 {dimension}",
            fields={field: "dimension"},
        )
    if matrix.shape[0] == 0:
        return matrix
    # One pass: NaN and infinities (and values too large to square) make the norm non-finite.
    squared = np.einsum("ij,ij->i", matrix, matrix)
    if not np.isfinite(squared).all():
        raise VectorInputError(
            "向量含有非有限数值（NaN、无穷或过大的数）", fields={field: "not_finite"}
        )
    if float(squared.min()) <= _NORM_EPSILON:
        raise VectorInputError("零向量无法计算相似度", fields={field: "zero"})
    matrix /= np.sqrt(squared)[:, None]
    return matrix


def validate_hashes(hashes: Iterable[int], count: int) -> IdArray:
    result = validate_ids(hashes, field="content_hashes")
    if result.shape[0] != count:
        raise VectorInputError(
            f"content_hashes 数量（{result.shape[0]}）与向量数量（{count}）不一致",
            fields={"content_hashes": "count"},
        )
    return result


def _allow_list(include_ids: Iterable[int] | None) -> IdArray | None:
    if include_ids is None:
        return None
    return np.unique(validate_ids(include_ids, field="include_ids"))


def validate_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= MAX_K:
        raise VectorInputError(f"k 必须是 1 到 {MAX_K} 之间的整数", fields={"k": "range"})
    return int(k)


@dataclass(frozen=True)
class VectorBatch:
    """Validated input of an ``add``: unique ids (the last occurrence wins)."""

    ids: IdArray
    vectors: FloatMatrix
    hashes: IdArray

    @classmethod
    def build(
        cls, ids: Iterable[int], vectors: Any, content_hashes: Iterable[int], dimension: int
    ) -> VectorBatch:
        id_array = validate_ids(ids)
        if id_array.size == 0:
            matrix = np.empty((0, dimension), dtype=np.float32)
            if np.asarray(vectors).size:
                raise VectorInputError("向量数量与 id 数量不一致", fields={"vectors": "count"})
            return cls(id_array, matrix, np.empty(0, dtype=np.int64))
        matrix = validate_vectors(vectors, dimension)
        if matrix.shape[0] != id_array.shape[0]:
            raise VectorInputError(
                f"向量数量（{matrix.shape[0]}）与 id 数量（{id_array.shape[0]}）不一致",
                fields={"vectors": "count"},
            )
        hash_array = validate_hashes(content_hashes, id_array.shape[0])
        # Keep the last occurrence of a repeated id, like repeated single adds would.
        reversed_ids = id_array[::-1]
        _, first_in_reversed = np.unique(reversed_ids, return_index=True)
        if first_in_reversed.shape[0] != id_array.shape[0]:
            keep = np.sort(id_array.shape[0] - 1 - first_in_reversed)
            id_array, matrix, hash_array = id_array[keep], matrix[keep], hash_array[keep]
        return cls(id_array, np.ascontiguousarray(matrix), hash_array)


# --------------------------------------------------------------------------- interface


class VectorIndex(ABC):
    """Nearest-neighbour search over one collection of unit vectors keyed by integer ids.

    Every method may raise :class:`VectorIndexUnavailable` when a remote engine cannot be
    reached. Implementations are safe to call from several threads at once.
    """

    name: str
    dimension: int

    @abstractmethod
    def add(self, ids: Iterable[int], vectors: Any, content_hashes: Iterable[int]) -> int:
        """Add or replace vectors; return how many were written."""

    @abstractmethod
    def remove(self, ids: Iterable[int]) -> int:
        """Forget ids (absent ones are ignored); return how many were stored."""

    def search_many(
        self,
        vectors: Any,
        k: int,
        *,
        exclude_ids: Iterable[int] | None = None,
        include_ids: Iterable[int] | None = None,
    ) -> list[list[VectorHit]]:
        """The ``k`` nearest stored vectors of each query row, nearest first (among
        ``include_ids`` when given)."""
        queries = validate_vectors(vectors, self.dimension, field="vectors")
        if queries.shape[0] > MAX_QUERIES:
            raise VectorInputError(
                f"一次最多 {MAX_QUERIES} 个查询向量", fields={"vectors": "too_many"}
            )
        return self._search_unit(
            queries,
            validate_k(k),
            validate_ids(exclude_ids or (), field="exclude_ids"),
            _allow_list(include_ids),
        )

    def search(
        self,
        vector: Any,
        k: int,
        *,
        exclude_ids: Iterable[int] | None = None,
        include_ids: Iterable[int] | None = None,
    ) -> list[VectorHit]:
        """The ``k`` nearest stored vectors of one query vector, nearest first (among
        ``include_ids`` when given)."""
        query = validate_vectors(vector, self.dimension, field="vector")
        if query.shape[0] != 1:
            raise VectorInputError("search 只接受一个查询向量", fields={"vector": "shape"})
        excluded = validate_ids(exclude_ids or (), field="exclude_ids")
        return self._search_unit(query, validate_k(k), excluded, _allow_list(include_ids))[0]

    @abstractmethod
    def _search_unit(
        self, queries: FloatMatrix, k: int, exclude_ids: IdArray, include_ids: IdArray | None
    ) -> list[list[VectorHit]]:
        """``search_many`` on validated input: unit float32 rows, ``k`` in range, ids
        (``include_ids`` sorted and unique, ``None`` for no allow-list)."""

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def contains(self, ids: Sequence[int]) -> list[bool]:
        """Whether each id is stored."""

    @abstractmethod
    def ids_with_hashes(self) -> Iterable[tuple[int, int]]:
        """Every stored ``(id, content_hash)``, in no particular order (for reconciliation)."""

    @abstractmethod
    def save(self) -> None:
        """Make the current state durable (FAISS: files written atomically; Elasticsearch:
        already durable, a refresh)."""

    @abstractmethod
    def load(self) -> bool:
        """Replace the in-memory state by the stored one; ``False`` when nothing is stored.

        Raises :class:`VectorIndexStateError` when what is stored cannot be used."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every vector (and what is stored)."""

    @abstractmethod
    def info(self) -> VectorIndexInfo: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the FAISS index holds none."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
