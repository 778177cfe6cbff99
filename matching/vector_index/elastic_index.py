"""The Elasticsearch 8.x vector index: ``dense_vector`` kNN, for when one node is not enough.

One Elasticsearch index per collection, ``<prefix>_<name>-vectors.1`` behind the alias
``<prefix>_<name>-vectors``, created on the first write with a strict mapping. Writes require
the alias (``require_alias``), so a write racing a ``clear`` in another process cannot
auto-create an index with dynamic mappings (the write recreates the index properly instead).

* ``vector``: ``dense_vector`` with ``index: true`` and ``similarity: dot_product`` (vectors
  are unit length, so this is cosine and the cheapest similarity) and ``int8_hnsw`` (1 byte
  per dimension in memory, like the FAISS SQ8 codes; the float vectors stay on disk).
  Searches rescore the ``k × rescore_oversample`` best quantized candidates with the float
  vectors (``rescore_vector``, Elasticsearch 8.18+; pass ``rescore_oversample=None`` for
  older servers), so scores are exact cosines. Removals are native deletes: HNSW there skips
  deleted documents and merges drop them.
* ``id`` (``long``, the document ``_id`` as a number, to page through ids in order) and
  ``content_hash`` (``long``). The vector is excluded from ``_source`` (it is only searched).

Every write ends with a refresh so that the next search sees it (closing a job must hide it
at once); bulk loads should pass many vectors per ``add``. Searches are ``knn`` queries with
``num_candidates`` (default 200, at least ``k``) and an ``ids`` ``must_not`` filter for
``exclude_ids`` and an ``ids`` filter for ``include_ids`` (filtered inside the HNSW search, so
``k`` hits still come back; a filter that leaves few documents makes Elasticsearch search
them exactly). Scores come
back as ``(1 + cosine) / 2`` and are turned back into cosine. Network failures, timeouts and
overload answers (429/502/503/504) become :class:`VectorIndexUnavailable`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError, Elasticsearch, helpers
from elasticsearch.helpers import BulkIndexError

from jobs_api.core.search.base import validate_index_name
from matching.vector_index.base import (
    FloatMatrix,
    IdArray,
    VectorBatch,
    VectorHit,
    VectorIndex,
    VectorIndexInfo,
    VectorIndexStateError,
    VectorIndexUnavailable,
    validate_ids,
    vector_collection_name,
)

KIND = "elasticsearch"
META_KEY = "gradmatch_vector_index"
FORMAT_VERSION = 1
DEFAULT_NUM_CANDIDATES = 200
DEFAULT_RESCORE_OVERSAMPLE = 2.0
MAX_NUM_CANDIDATES = 10_000
BULK_CHUNK_SIZE = 500
PAGE_SIZE = 5_000
_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


def concrete_index_name(alias: str) -> str:
    """The index behind the collection's alias (room for a blue/green rebuild later)."""
    return f"{alias}.1"


def _all_index_not_found(error: BulkIndexError) -> bool:
    causes: list[Any] = [result.get("error") for item in error.errors for result in item.values()]
    return bool(causes) and all(
        isinstance(cause, dict) and cause.get("type") == "index_not_found_exception"
        for cause in causes
    )


def _error_type(error: ApiError) -> str:
    body = error.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("type", ""))
    return ""


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except TransportError as error:
        raise VectorIndexUnavailable(f"Elasticsearch unreachable: {error}") from error
    except ApiError as error:
        if error.status_code in _RETRYABLE_STATUSES:
            raise VectorIndexUnavailable(f"Elasticsearch unavailable: {error}") from error
        raise


class ElasticsearchVectorIndex(VectorIndex):
    def __init__(
        self,
        url: str,
        name: str,
        dimension: int,
        *,
        index_prefix: str = "",
        num_candidates: int = DEFAULT_NUM_CANDIDATES,
        rescore_oversample: float | None = DEFAULT_RESCORE_OVERSAMPLE,
        request_timeout: float = 10.0,
        max_retries: int = 2,
        shards: int = 1,
        replicas: int = 0,
    ) -> None:
        validate_index_name(name)
        if index_prefix:
            validate_index_name(index_prefix)
        if dimension < 1:
            raise ValueError("dimension must be positive")
        if not 1 <= num_candidates <= MAX_NUM_CANDIDATES:
            raise ValueError(f"num_candidates must be between 1 and {MAX_NUM_CANDIDATES}")
        self.name = name
        self.dimension = dimension
        self.physical_name = vector_collection_name(index_prefix, name)
        self.num_candidates = num_candidates
        self.rescore_oversample = rescore_oversample
        self._shards = shards
        self._replicas = replicas
        self._client = Elasticsearch(
            url,
            request_timeout=request_timeout,
            max_retries=max_retries,
            retry_on_timeout=max_retries > 0,
        )
        self._exists = False

    # ----------------------------------------------------------------------- index

    def _mapping(self) -> dict[str, Any]:
        return {
            "dynamic": "strict",
            "_meta": {META_KEY: {"format": FORMAT_VERSION, "dimension": self.dimension}},
            "_source": {"excludes": ["vector"]},
            "properties": {
                "id": {"type": "long"},
                "content_hash": {"type": "long", "index": False},
                "vector": {
                    "type": "dense_vector",
                    "dims": self.dimension,
                    "index": True,
                    "similarity": "dot_product",
                    "index_options": {"type": "int8_hnsw"},
                },
            },
        }

    def _stored_mapping(self) -> dict[str, Any] | None:
        with _translated_errors():
            response = self._client.options(ignore_status=404).indices.get_mapping(
                index=self.physical_name
            )
        if response.meta.status == 404 or not response.body:
            return None
        mapping: dict[str, Any] = next(iter(response.body.values())).get("mappings", {})
        return mapping

    def _check_mapping(self, mapping: dict[str, Any]) -> None:
        meta = mapping.get("_meta", {}).get(META_KEY)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
            raise VectorIndexStateError(
                f"index {self.physical_name!r} was not created as a vector index"
            )
        if meta.get("dimension") != self.dimension:
            raise VectorIndexStateError(
                f"vector index {self.physical_name!r} has dimension {meta.get('dimension')}, "
                f"expected {self.dimension}"
            )

    def _ensure(self) -> None:
        if self._exists:
            return
        mapping = self._stored_mapping()
        if mapping is None:
            try:
                with _translated_errors():
                    self._client.indices.create(
                        index=concrete_index_name(self.physical_name),
                        aliases={self.physical_name: {}},
                        mappings=self._mapping(),
                        settings={
                            "number_of_shards": self._shards,
                            "number_of_replicas": self._replicas,
                        },
                        wait_for_active_shards="1",
                    )
                mapping = self._mapping()
            except BadRequestError as error:
                if _error_type(error) != "resource_already_exists_exception":
                    raise
                mapping = self._stored_mapping() or {}
        self._check_mapping(mapping)
        self._exists = True

    def _refresh(self) -> None:
        with _translated_errors():
            self._client.indices.refresh(index=self.physical_name)

    # ----------------------------------------------------------------------- writes

    def add(self, ids: Iterable[int], vectors: Any, content_hashes: Iterable[int]) -> int:
        batch = VectorBatch.build(ids, vectors, content_hashes, self.dimension)
        if batch.ids.shape[0] == 0:
            return 0
        written = 0
        for attempt in (1, 2):
            self._ensure()
            actions = (
                {
                    "_op_type": "index",
                    "_index": self.physical_name,
                    "_id": str(vector_id),
                    "_source": {"id": vector_id, "content_hash": hash_value, "vector": vector},
                }
                for vector_id, hash_value, vector in zip(
                    batch.ids.tolist(), batch.hashes.tolist(), batch.vectors.tolist(), strict=True
                )
            )
            written = 0
            try:
                with _translated_errors():
                    for ok, _ in helpers.streaming_bulk(
                        self._client,
                        actions,
                        chunk_size=BULK_CHUNK_SIZE,
                        max_retries=3,
                        require_alias=True,
                    ):
                        written += int(ok)
                break
            except BulkIndexError as error:
                # Dropped by another process since we looked: create it again, once.
                self._exists = False
                if attempt == 2 or not _all_index_not_found(error):
                    raise
        self._refresh()
        return written

    def remove(self, ids: Iterable[int]) -> int:
        unique = sorted(set(validate_ids(ids).tolist()))
        if not unique or not self._index_exists():
            return 0
        actions = (
            {"_op_type": "delete", "_index": self.physical_name, "_id": str(vector_id)}
            for vector_id in unique
        )
        removed = 0
        with _translated_errors():
            for _, item in helpers.streaming_bulk(
                self._client,
                actions,
                chunk_size=BULK_CHUNK_SIZE,
                max_retries=3,
                raise_on_error=False,
                raise_on_exception=True,
            ):
                result = item.get("delete", {})
                if result.get("result") == "deleted":
                    removed += 1
                elif result.get("status") not in (200, 404):
                    raise VectorIndexUnavailable(f"Elasticsearch refused a delete: {result}")
        self._refresh()
        return removed

    def clear(self) -> None:
        self._exists = False
        with _translated_errors():
            lenient = self._client.options(ignore_status=404)
            aliased = lenient.indices.get_alias(name=self.physical_name)
            concrete = list(aliased.body) if aliased.meta.status == 200 else [self.physical_name]
            for index in concrete:
                lenient.indices.delete(index=index)

    def _index_exists(self) -> bool:
        if self._exists:
            return True
        mapping = self._stored_mapping()
        if mapping is None:
            return False
        self._check_mapping(mapping)
        self._exists = True
        return True

    # ----------------------------------------------------------------------- reads

    def _search_unit(
        self, queries: FloatMatrix, k: int, exclude_ids: IdArray, include_ids: IdArray | None
    ) -> list[list[VectorHit]]:
        excluded = [str(value) for value in exclude_ids.tolist()]
        included = None if include_ids is None else [str(v) for v in include_ids.tolist()]
        if queries.shape[0] == 0 or included == [] or not self._index_exists():
            return [[] for _ in range(queries.shape[0])]
        candidates = min(MAX_NUM_CANDIDATES, max(self.num_candidates, k))
        searches: list[dict[str, Any]] = []
        for query in queries.tolist():
            knn: dict[str, Any] = {
                "field": "vector",
                "query_vector": query,
                "k": k,
                "num_candidates": candidates,
            }
            if self.rescore_oversample:
                knn["rescore_vector"] = {"oversample": self.rescore_oversample}
            knn_filter: dict[str, Any] = {}
            if excluded:
                knn_filter["must_not"] = [{"ids": {"values": excluded}}]
            if included is not None:
                knn_filter["filter"] = [{"ids": {"values": included}}]
            if knn_filter:
                knn["filter"] = {"bool": knn_filter}
            searches.append({"index": self.physical_name})
            searches.append({"knn": knn, "size": k, "_source": False})
        with _translated_errors():
            response = self._client.msearch(searches=searches)
        results: list[list[VectorHit]] = []
        for answer in response["responses"]:
            if "error" in answer:
                status = int(answer.get("status", 500))
                if status in _RETRYABLE_STATUSES:
                    raise VectorIndexUnavailable(f"Elasticsearch unavailable: {answer['error']}")
                raise VectorIndexStateError(f"Elasticsearch kNN search failed: {answer['error']}")
            results.append(
                [
                    VectorHit(int(hit["_id"]), 2.0 * float(hit["_score"]) - 1.0)
                    for hit in answer["hits"]["hits"]
                ]
            )
        return results

    def count(self) -> int:
        if not self._index_exists():
            return 0
        with _translated_errors():
            return int(self._client.count(index=self.physical_name)["count"])

    def contains(self, ids: Sequence[int]) -> list[bool]:
        id_list = validate_ids(ids).tolist()
        if not id_list:
            return []
        if not self._index_exists():
            return [False] * len(id_list)
        with _translated_errors():
            response = self._client.mget(
                index=self.physical_name, ids=[str(value) for value in id_list], source=False
            )
        return [bool(doc.get("found")) for doc in response["docs"]]

    def ids_with_hashes(self) -> Iterator[tuple[int, int]]:
        if not self._index_exists():
            return
        search_after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "size": PAGE_SIZE,
                "sort": [{"id": "asc"}],
                "_source": ["id", "content_hash"],
                "query": {"match_all": {}},
            }
            if search_after is not None:
                body["search_after"] = search_after
            with _translated_errors():
                response = self._client.search(index=self.physical_name, **body)
            hits = response["hits"]["hits"]
            for hit in hits:
                source = hit["_source"]
                yield int(source["id"]), int(source["content_hash"])
            if len(hits) < PAGE_SIZE:
                return
            search_after = hits[-1]["sort"]

    def info(self) -> VectorIndexInfo:
        structure = "dense_vector"
        mapping = self._stored_mapping()
        if mapping is not None:
            options = mapping.get("properties", {}).get("vector", {}).get("index_options", {})
            if options.get("type"):
                structure = f"dense_vector,{options['type']}"
        return VectorIndexInfo(
            kind=KIND,
            name=self.physical_name,
            dimension=self.dimension,
            count=self.count(),
            structure=structure,
        )

    # ----------------------------------------------------------------------- persistence

    def save(self) -> None:
        """Elasticsearch stores every write durably; this only refreshes."""
        if self._index_exists():
            self._refresh()

    def load(self) -> bool:
        """Whether the collection exists (and fits this dimension); nothing to read in."""
        self._exists = False
        return self._index_exists()

    def ping(self) -> bool:
        try:
            self._client.cluster.health(timeout="5s")
        except (TransportError, ApiError):
            return False
        return True

    def close(self) -> None:
        self._client.close()
