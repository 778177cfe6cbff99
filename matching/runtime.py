"""What a process needs to match: the embedder, the two vector indexes, the query vectors.

One :class:`MatchingRuntime` per container (:func:`matching_runtime`, kept in
``container.extras``):

* ``embedder``: the process's model (:func:`matching.embeddings.embedder.load_embedder`),
  loaded on first use — ``gradmatch serve`` starts loading it in the background at start
  (``preload_embedder``); tests and benchmarks may pass their own.
* ``index("job" | "graduate")``: the collections ``jobs`` and ``graduates`` of
  ``settings.vector_index_url`` (FAISS files under ``data_dir/vectors`` by default, or
  Elasticsearch). Opened on first use from what is stored; unreadable files start empty
  (the reconciliation refills them from the embedding store).
* One writer, many readers. The worker writes (outbox handlers, ``gradmatch reembed``): every
  change marks the collection dirty and FAISS saves it at most every ``save_seconds`` (a
  background thread; also :meth:`close`). Other processes (the web app) read: before use they
  reload a FAISS collection whose files another process replaced, checked at most every
  ``refresh_seconds``. Elasticsearch is shared by every process and needs neither.
* :meth:`start` (worker start, ``gradmatch reembed``) loads both collections and reconciles
  them with the embedding store (``matching.vector_index.reconcile``): vectors missing or
  stale in the index are re-added from the store, ids the store does not expect are removed.
  No embedding happens there: it reports how many matchable jobs and graduates have no
  stored vector yet, and the worker queues :func:`matching.tasks.embed_missing_job` for them.
* ``query_vector_for_profile`` / ``query_vector_for_job``: the query-side embeddings
  (``matching.texts.profile_query`` / ``job_query``), kept in a small LRU cache by content hash.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.container import Container
from jobs_api.core.settings import Settings
from matching.embeddings.base import Embedder
from matching.embeddings.embedder import load_embedder
from matching.models import MatchVector
from matching.sources import (
    load_job_docs,
    load_profile_docs,
    matchable_graduate_ids,
    recommendable_job_ids,
)
from matching.store import (
    Kind,
    content_hash,
    index_hash,
    iter_index_hashes,
    load_rows,
    unpack,
    unpack_many,
)
from matching.texts import job_query, profile_query
from matching.vector_index.base import VectorIndex, VectorIndexStateError
from matching.vector_index.factory import build_vector_index_from_settings
from matching.vector_index.faiss_index import FaissVectorIndex
from matching.vector_index.reconcile import ReconcileReport, reconcile

log = logging.getLogger(__name__)

RUNTIME_KEY = "matching.runtime"
COLLECTIONS: dict[Kind, str] = {"job": "jobs", "graduate": "graduates"}
QUERY_CACHE_SIZE = 2_048
DEFAULT_SAVE_SECONDS = 5.0
DEFAULT_REFRESH_SECONDS = 2.0

Vector = npt.NDArray[np.float32]


def _check_kind(kind: str) -> Kind:
    if kind not in get_args(Kind):
        raise ValueError(f"unknown vector kind {kind!r}: use 'job' or 'graduate'")
    return kind  # type: ignore[return-value]


def expected_ids_statement(kind: Kind) -> Any:
    """``SELECT id`` of the entities that belong in ``kind``'s index."""
    return recommendable_job_ids() if kind == "job" else matchable_graduate_ids()


class StoreSource:
    """:class:`~matching.vector_index.reconcile.VectorSource` over the embedding store: the
    matchable entities that have a stored vector, with the stored vectors."""

    def __init__(self, session: Session, kind: Kind, dimension: int) -> None:
        self.session = session
        self.kind = kind
        self.dimension = dimension

    def expected_ids(self) -> Iterable[tuple[int, int]]:
        return iter_index_hashes(self.session, self.kind, expected_ids_statement(self.kind))

    def vectors_for(self, ids: Sequence[int]) -> tuple[Sequence[int], Any, Sequence[int]]:
        rows = load_rows(self.session, self.kind, ids)
        found = sorted(rows)
        return (
            found,
            unpack_many([rows[i].vector for i in found], self.dimension),
            [index_hash(rows[i].content_hash) for i in found],
        )


@dataclass(frozen=True)
class StartReport:
    reconciled: dict[str, ReconcileReport]
    unembedded: dict[str, int]
    """Matchable jobs / graduates without a stored vector (to embed in the background)."""


def count_unembedded(session: Session, kind: Kind) -> int:
    """Matchable entities of ``kind`` without a ``MatchVector`` row."""
    expected = expected_ids_statement(kind).subquery()
    stored = select(MatchVector.entity_id).where(MatchVector.kind == kind)
    return int(
        session.execute(
            select(func.count()).select_from(expected).where(expected.c[0].not_in(stored))
        ).scalar_one()
    )


class MatchingRuntime:
    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        save_seconds: float = DEFAULT_SAVE_SECONDS,
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
        autosave: bool = True,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self.save_seconds = save_seconds
        self.refresh_seconds = refresh_seconds
        self._lock = threading.RLock()
        self._indexes: dict[Kind, VectorIndex] = {}
        self._dirty: set[Kind] = set()
        self._seen_files: dict[Kind, tuple[int, int] | None] = {}
        self._checked_at: dict[Kind, float] = {}
        self._queries: OrderedDict[str, Vector] = OrderedDict()
        self._stop = threading.Event()
        self._saver: threading.Thread | None = None
        self._autosave = autosave

    # ----------------------------------------------------------------------- embedder

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings)
            return self._embedder

    # ----------------------------------------------------------------------- indexes

    def index(self, kind: str) -> VectorIndex:
        """The vector index of ``kind`` (opened from what is stored on first use)."""
        checked = _check_kind(kind)
        with self._lock:
            index = self._indexes.get(checked)
            if index is None:
                index = build_vector_index_from_settings(
                    self.settings, COLLECTIONS[checked], url=self.settings.vector_index_url
                )
                self._indexes[checked] = index
                self._load(checked, index)
            else:
                self._refresh(checked, index)
            return index

    def _meta_stamp(self, index: VectorIndex) -> tuple[int, int] | None:
        if not isinstance(index, FaissVectorIndex):
            return None
        path = Path(index.directory) / f"{index.physical_name}.meta.json"
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def _load(self, kind: Kind, index: VectorIndex) -> None:
        try:
            index.load()
        except VectorIndexStateError as error:
            log.warning("vector index %s unusable (%s); starting it empty", kind, error)
            index.clear()
        self._seen_files[kind] = self._meta_stamp(index)
        self._checked_at[kind] = time.monotonic()

    def _refresh(self, kind: Kind, index: VectorIndex) -> None:
        """Reload a FAISS collection that another process saved since we read it."""
        if not isinstance(index, FaissVectorIndex) or kind in self._dirty:
            return
        now = time.monotonic()
        if now - self._checked_at.get(kind, 0.0) < self.refresh_seconds:
            return
        self._checked_at[kind] = now
        stamp = self._meta_stamp(index)
        if stamp is not None and stamp != self._seen_files.get(kind):
            log.info("vector index %s changed on disk; reloading", kind)
            self._load(kind, index)

    def changed(self, kind: str) -> None:
        """Note that ``kind``'s index was written (it will be saved soon)."""
        checked = _check_kind(kind)
        with self._lock:
            self._dirty.add(checked)
            if self._autosave:
                self._start_saver()

    def save(self) -> None:
        """Make every written index durable now."""
        with self._lock:
            for kind in sorted(self._dirty):
                index = self._indexes[kind]
                index.save()
                self._seen_files[kind] = self._meta_stamp(index)
            self._dirty.clear()

    def _start_saver(self) -> None:
        if self._saver is not None or self.save_seconds <= 0:
            if self.save_seconds <= 0:
                self.save()
            return
        self._saver = threading.Thread(target=self._save_loop, name="vector-saver", daemon=True)
        self._saver.start()

    def _save_loop(self) -> None:
        while not self._stop.wait(self.save_seconds):
            try:
                self.save()
            except Exception:  # a failed save is retried at the next tick
                log.exception("saving the vector indexes failed")

    def close(self) -> None:
        """Save what was written and release the indexes (shutdown)."""
        self._stop.set()
        if self._saver is not None:
            self._saver.join(timeout=10)
            self._saver = None
        with self._lock:
            try:
                self.save()
            finally:
                for index in self._indexes.values():
                    index.close()
                self._indexes.clear()
                self._stop = threading.Event()

    # ----------------------------------------------------------------------- start-up

    def start(self, session_factory: sessionmaker[Session]) -> StartReport:
        """Load both indexes and repair them from the embedding store (no embedding)."""
        reports: dict[str, ReconcileReport] = {}
        missing: dict[str, int] = {}
        for kind in get_args(Kind):
            index = self.index(kind)
            with session_factory() as session:
                report = reconcile(index, StoreSource(session, kind, index.dimension))
                missing[kind] = count_unembedded(session, kind)
            reports[kind] = report
            if not report.in_step:
                log.warning(
                    "vector index %s repaired: %d missing, %d extra, %d stale",
                    kind,
                    report.missing,
                    report.extra,
                    report.changed,
                )
                self.changed(kind)
        return StartReport(reconciled=reports, unembedded=missing)

    # ----------------------------------------------------------------------- vectors

    def vectors(self, session: Session, kind: str, ids: Iterable[int]) -> dict[int, Vector]:
        """Stored vectors (float32) of the given ids; ids without one are left out."""
        checked = _check_kind(kind)
        return {key: unpack(row.vector) for key, row in load_rows(session, checked, ids).items()}

    def _query_vector(self, text: str) -> Vector:
        key = content_hash(self.embedder.model_id, text)
        with self._lock:
            cached = self._queries.get(key)
            if cached is not None:
                self._queries.move_to_end(key)
                return cached
        vector = np.asarray(self.embedder.embed_queries([text])[0], dtype=np.float32)
        with self._lock:
            self._queries[key] = vector
            while len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector

    def query_vector_for_profile(self, session: Session, student_record_id: int) -> Vector | None:
        """The query embedding of a graduate's profile (``None`` without a profile)."""
        doc = load_profile_docs(session, [student_record_id]).get(student_record_id)
        return None if doc is None else self._query_vector(profile_query(doc))

    def query_vector_for_job(self, session: Session, job_id: int) -> Vector | None:
        """The query embedding of a job (``None`` when it does not exist)."""
        doc = load_job_docs(session, [job_id]).get(job_id)
        return None if doc is None else self._query_vector(job_query(doc))


def matching_runtime(container: Container) -> MatchingRuntime:
    """The container's runtime (made on first use, one per container)."""
    found = container.extras.get(RUNTIME_KEY)
    if isinstance(found, MatchingRuntime):
        return found
    made = container.extras.setdefault(RUNTIME_KEY, MatchingRuntime(container.settings))
    assert isinstance(made, MatchingRuntime)
    return made


def close_runtime(container: Container) -> None:
    """Save and release the container's runtime, if it has one (shutdown)."""
    found = container.extras.pop(RUNTIME_KEY, None)
    if isinstance(found, MatchingRuntime):
        found.close()
