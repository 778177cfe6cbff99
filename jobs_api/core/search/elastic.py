"""The Elasticsearch 8.x backend (official ``elasticsearch`` client, client major = server major).

Each index is a concrete index ``<name>.1`` behind the alias ``<name>``. Writes require the
alias (``require_alias``), so a write racing a ``drop_index`` fails with
:class:`SearchIndexNotFound` instead of auto-creating an index with dynamic mappings; the
alias also leaves room for a blue/green rebuild (``<name>.2``, then move the alias).

The index spec is stored in the mapping's ``_meta`` and cached per process; mappings and query
DSL are built in :mod:`.elastic_dsl`. Network failures, timeouts and overload answers
(429/502/503/504) become :class:`SearchUnavailable` so callers such as the outbox relay retry.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError, Elasticsearch, helpers
from elasticsearch.helpers import BulkIndexError

from jobs_api.core.search.base import (
    BackendInfo,
    FacetCount,
    IndexSpec,
    SearchBackend,
    SearchHit,
    SearchIndexConflict,
    SearchIndexNotFound,
    SearchPage,
    SearchQuery,
    SearchUnavailable,
    physical_index_name,
    validate_index_name,
)
from jobs_api.core.search.documents import prepare_document, validate_doc_id
from jobs_api.core.search.elastic_dsl import (
    SPEC_META_KEY,
    clean_source,
    document_body,
    index_body,
    search_body,
    suggest_body,
    to_cursor_values,
)
from jobs_api.core.search.highlight import highlight_source
from jobs_api.core.search.plan import check_suggest, plan_query

KIND = "elasticsearch"
BULK_CHUNK_SIZE = 1_000
_PREPARE_BATCH = 5_000
_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_GENERATION = 1


def concrete_index_name(alias: str) -> str:
    """The index behind an alias; ``.`` never occurs in alias names, so they cannot collide."""
    return f"{alias}.{_GENERATION}"


def _error_type(error: ApiError) -> str:
    body = error.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("type", ""))
    return ""


def _all_index_not_found(error: BulkIndexError) -> bool:
    """Whether every failed item of a bulk request failed because the alias is missing."""
    causes: list[Any] = [result.get("error") for item in error.errors for result in item.values()]
    return bool(causes) and all(
        isinstance(cause, dict) and cause.get("type") == "index_not_found_exception"
        for cause in causes
    )


@contextmanager
def _translated_errors(index: str | None = None) -> Iterator[None]:
    try:
        yield
    except TransportError as error:
        raise SearchUnavailable(f"Elasticsearch unreachable: {error}") from error
    except ApiError as error:
        if error.status_code in _RETRYABLE_STATUSES:
            raise SearchUnavailable(f"Elasticsearch unavailable: {error}") from error
        if error.status_code == 404 and _error_type(error) == "index_not_found_exception":
            raise SearchIndexNotFound(f"search index {index!r} does not exist") from error
        raise


class ElasticsearchBackend(SearchBackend):
    def __init__(
        self,
        url: str,
        *,
        index_prefix: str = "",
        request_timeout: float = 10.0,
        max_retries: int = 2,
        shards: int = 1,
        replicas: int = 0,
    ) -> None:
        if index_prefix:
            validate_index_name(index_prefix)
        self._client = Elasticsearch(
            url,
            request_timeout=request_timeout,
            max_retries=max_retries,
            retry_on_timeout=max_retries > 0,
        )
        self._index_prefix = index_prefix
        self._shards = shards
        self._replicas = replicas
        self._specs: dict[str, IndexSpec] = {}
        self._specs_lock = threading.Lock()

    def _physical(self, name: str) -> str:
        return physical_index_name(self._index_prefix, name)

    def _read_spec(self, physical: str) -> IndexSpec | None:
        with _translated_errors(physical):
            response = self._client.options(ignore_status=404).indices.get_mapping(index=physical)
        if response.meta.status == 404 or not response.body:
            return None
        mapping = next(iter(response.body.values())).get("mappings", {})
        stored = mapping.get("_meta", {}).get(SPEC_META_KEY)
        if not isinstance(stored, dict):
            raise SearchIndexConflict(f"index {physical!r} was not created by this application")
        return IndexSpec.from_dict(stored)

    def _spec(self, name: str) -> IndexSpec:
        physical = self._physical(name)
        spec = self._specs.get(physical)
        if spec is None:
            spec = self._read_spec(physical)
            if spec is None:
                raise SearchIndexNotFound(f"search index {name!r} does not exist")
            with self._specs_lock:
                self._specs[physical] = spec
        return spec

    @contextmanager
    def _on_index(self, name: str) -> Iterator[str]:
        """Translate errors for a call on an index; forget its spec if the index is gone."""
        physical = self._physical(name)
        try:
            with _translated_errors(name):
                yield physical
        except SearchIndexNotFound:
            with self._specs_lock:
                self._specs.pop(physical, None)
            raise

    # ------------------------------------------------------------------ index management

    def ensure_index(self, spec: IndexSpec) -> None:
        physical = self._physical(spec.name)
        existing = self._read_spec(physical)
        if existing is None:
            try:
                with _translated_errors(spec.name):
                    self._client.indices.create(
                        index=concrete_index_name(physical),
                        aliases={physical: {}},
                        **index_body(spec, shards=self._shards, replicas=self._replicas),
                        wait_for_active_shards="1",
                    )
                existing = spec
            except BadRequestError as error:
                if _error_type(error) != "resource_already_exists_exception":
                    raise
                existing = self._read_spec(physical)  # created concurrently
        if existing is None or existing.to_dict() != spec.to_dict():
            raise SearchIndexConflict(
                f"search index {spec.name!r} exists with another spec; drop and rebuild it"
            )
        with self._specs_lock:
            self._specs[physical] = spec

    def drop_index(self, name: str) -> None:
        physical = self._physical(name)
        with self._specs_lock:
            self._specs.pop(physical, None)
        with _translated_errors(name):
            lenient = self._client.options(ignore_status=404)
            aliased = lenient.indices.get_alias(name=physical)
            concrete = list(aliased.body) if aliased.meta.status == 200 else [physical]
            for index in concrete:
                lenient.indices.delete(index=index)

    # ------------------------------------------------------------------ writes

    def index(self, name: str, doc_id: str, doc: Mapping[str, Any]) -> None:
        prepared = prepare_document(self._spec(name), doc_id, doc)
        with self._on_index(name) as physical:
            self._client.index(
                index=physical, id=doc_id, document=document_body(prepared), require_alias=True
            )

    def bulk_index(self, name: str, docs: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        spec = self._spec(name)
        written = 0
        pairs = iter(docs)
        with self._on_index(name) as physical:
            while batch := list(itertools.islice(pairs, _PREPARE_BATCH)):
                actions = [
                    {
                        "_op_type": "index",
                        "_index": physical,
                        "_id": doc_id,
                        "_source": document_body(prepare_document(spec, doc_id, doc)),
                    }
                    for doc_id, doc in batch
                ]
                try:
                    for ok, _ in helpers.streaming_bulk(
                        self._client,
                        actions,
                        chunk_size=BULK_CHUNK_SIZE,
                        max_retries=3,
                        raise_on_error=True,
                        require_alias=True,
                    ):
                        written += int(ok)
                except BulkIndexError as error:
                    if _all_index_not_found(error):
                        raise SearchIndexNotFound(
                            f"search index {name!r} does not exist"
                        ) from error
                    raise
        return written

    def delete(self, name: str, doc_id: str) -> None:
        validate_doc_id(doc_id)
        with _translated_errors(name):
            self._client.options(ignore_status=404).delete(index=self._physical(name), id=doc_id)

    def refresh(self, name: str) -> None:
        with self._on_index(name) as physical:
            self._client.indices.refresh(index=physical)

    # ------------------------------------------------------------------ reads

    def search(self, name: str, query: SearchQuery) -> SearchPage:
        spec = self._spec(name)
        plan = plan_query(spec, query)
        with self._on_index(name) as physical:
            response = self._client.search(index=physical, **search_body(plan))
        raw_hits = response["hits"]["hits"]
        hits = []
        for raw in raw_hits[: plan.size]:
            source = clean_source(raw.get("_source", {}))
            highlights = (
                highlight_source(spec.text_fields, source, plan.tokens)
                if plan.highlight and plan.tokens
                else {}
            )
            score = float(raw["_score"]) if plan.tokens and raw.get("_score") is not None else 0.0
            hits.append(SearchHit(raw["_id"], score, source, highlights))
        next_cursor = None
        if len(raw_hits) > plan.size:
            last_sort = raw_hits[plan.size - 1]["sort"]
            next_cursor = plan.cursor_for(to_cursor_values(plan, last_sort))
        aggregations = response.get("aggregations", {})
        facets = {
            field: [
                FacetCount(str(bucket["key"]), int(bucket["doc_count"]))
                for bucket in aggregations[field]["buckets"]
            ]
            for field in plan.facets
        }
        total = int(response["hits"]["total"]["value"])
        return SearchPage(total=total, hits=hits, facets=facets, next_cursor=next_cursor)

    def suggest(self, name: str, field: str, prefix: str, size: int = 10) -> list[str]:
        check_suggest(self._spec(name), field, size)
        if not prefix.strip():
            return []
        with self._on_index(name) as physical:
            response = self._client.search(index=physical, **suggest_body(field, prefix, size))
        return [str(bucket["key"]) for bucket in response["aggregations"]["values"]["buckets"]]

    def count(self, name: str) -> int:
        with self._on_index(name) as physical:
            return int(self._client.count(index=physical)["count"])

    def server_info(self) -> BackendInfo:
        # The integration-test distribution has no ``GET /``: read the version from the node.
        with _translated_errors():
            response = self._client.nodes.info(node_id="_local", metric="_none")
        nodes = response["nodes"]
        version = next(iter(nodes.values()))["version"] if nodes else "unknown"
        return BackendInfo(kind=KIND, version=str(version))

    def ping(self) -> bool:
        try:
            self._client.cluster.health(timeout="5s")
        except (TransportError, ApiError):
            return False
        return True

    def close(self) -> None:
        self._client.close()
