"""The in-process FAISS vector index (the default backend, one per collection and process).

Choice of index structure (issue 7 §2 and §6; measured in ``bench/bench_vector_index.py``):

* **Removals must work**: a job that closes and a graduate who opts out disappear from the
  next search. HNSW cannot remove vectors (only hide them behind a selector until a full
  rebuild), and its graph costs ``2·M·4`` bytes per vector on top of the codes — at 1 M
  vectors and M = 32 that is 256 MB more, past the 0.5 GiB budget. An inverted file does
  remove (``remove_ids``), so the approximate structure is **IVF with 8-bit scalar
  quantization** (``IndexIVFScalarQuantizer``, ``QT_8bit``, inner product, residuals):
  384 bytes per 384-dim vector instead of 1 536 (float32 would be 1.5 GiB at 1 M), plus
  8 bytes for the id and ``nlist × 384 × 2`` bytes of centroids (trained in float32, served
  in float16).
* **Small collections are exact**: below ``exact_limit`` vectors (10 000 by default) the
  index is ``IndexIDMap2(IndexFlatIP)`` — exact, no training, and at that size a full scan
  takes well under a millisecond.
* **When training happens**: inverted lists need centroids, and centroids need data. The
  index trains (k-means on a sample of at most ``training_sample_per_list × nlist``
  vectors) when an ``add`` first brings the collection to ``exact_limit`` vectors, and
  trains again when an ``add`` brings it past ``retrain_growth`` (4) times the size it was
  trained at, because lists then grow too long for the chosen ``nlist``. Retraining uses
  the vectors already in the index (decoded from the 8-bit codes; the error this adds is
  far below the quantization noise of search) plus the new ones, so it needs nothing from
  the caller. ``nlist`` is the power of two nearest ``4·√n`` (at least 39 training points
  per list). A search probes enough lists to scan about ``scan_target`` (4 000) vectors,
  at least ``min_nprobe`` (16): 16 of 4 096 lists at 1 M vectors, where the benchmark
  measured recall@20 ≈ 0.98 against exact search; smaller collections, whose clusters spread
  over relatively more lists, probe a larger share (41 of 1 024 at 100 k) at no real cost.
  A search for many hits scans at least ``SCAN_PER_HIT`` (8) vectors per hit (a top 1,000
  probes 33 lists at 1 M), and a search restricted to an allow-list (``include_ids``)
  probes ``2 / share`` times more lists (the nearest allowed vectors lie farther out).
  A bulk load (one ``add`` with every vector, as ``reconcile`` and the benchmark do) trains
  once, on all of them. Retraining happens a handful of times in a collection's
  life (10 k, 40 k, 160 k, 640 k, ...) and blocks that one ``add`` (about 4 minutes for
  1 M vectors on 2 busy cores, most of it assigning vectors to lists); run bulk loads in
  the worker, not in a request.
* **Replacing a vector** is remove + add under the lock, so a reader never sees two
  versions of an id.
* **Persistence** (``<name>`` is the physical name, e.g. ``gradmatch_jobs-vectors``):
  ``save`` writes ``<name>.<generation>.faiss`` and ``<name>.<generation>.ids.npz``
  (id → content hash) to temporary files, fsyncs them and moves them into place with
  ``os.replace``, then replaces ``<name>.meta.json`` (which
  names the generation) the same way, then deletes older generations. A crash at any
  point leaves the previous meta file naming the previous, complete generation. ``load``
  reads what the meta file names and checks dimension and counts.
* **Threads**: one lock guards the index and the id table (FAISS may not be searched while
  it is written). A top-20 search of 1 M vectors takes about a millisecond, so serialising
  searches is acceptable for one process; scale out with more processes or the
  Elasticsearch backend. Searches run single-threaded inside FAISS for one query (its
  OpenMP threads parallelise over queries).
* **Memory**: besides FAISS's codes the index keeps the ids and hashes as two sorted int64
  arrays (16 bytes per vector), not a Python dict (≈ 100 bytes per entry).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from jobs_api.core.search.base import validate_index_name
from matching.vector_index.base import (
    FloatMatrix,
    IdArray,
    VectorBatch,
    VectorHit,
    VectorIndex,
    VectorIndexInfo,
    VectorIndexStateError,
    validate_ids,
    vector_collection_name,
)
from matching.vector_index.files import fsync_directory, replace_atomically

KIND = "faiss"
FORMAT_VERSION = 1
DEFAULT_EXACT_LIMIT = 10_000
SCAN_PER_HIT = 8
"""Vectors scanned per hit asked for, at least: the top 1,000 of 1 M scanned 4,000 vectors
at recall 0.93-0.97, 8,000 at 0.98-0.99 (bench/bench_push_fanout.py)."""
ALLOW_LIST_SCAN_FACTOR = 2
"""The nearest vectors of an allow-list lie farther out than those of the whole collection,
spread over more lists: scanning ``1 / share`` times more lists left the top 1,000 of 1 M at
recall 0.93-0.99, twice that at 0.99-0.997 (16-57 -> 22-62 ms; bench/bench_push_fanout.py)."""
DEFAULT_RETRAIN_GROWTH = 4.0
DEFAULT_SCAN_TARGET = 4_000
DEFAULT_MIN_NPROBE = 16
TRAINING_SAMPLE_PER_LIST = 24
TRAINING_ITERATIONS = 10
MIN_POINTS_PER_LIST = 39
MAX_NLIST = 16_384
_SEED = 20_260_701


def nlist_for(count: int) -> int:
    """Inverted lists for ``count`` vectors: the power of two nearest ``4·√count``, with at
    least :data:`MIN_POINTS_PER_LIST` training points per list."""
    target = 4.0 * math.sqrt(max(count, 1))
    nlist = 2 ** round(math.log2(target))
    while nlist > 1 and nlist * MIN_POINTS_PER_LIST > count:
        nlist //= 2
    return int(max(1, min(nlist, MAX_NLIST)))


class FaissVectorIndex(VectorIndex):
    def __init__(
        self,
        directory: Path | str,
        name: str,
        dimension: int,
        *,
        index_prefix: str = "",
        exact_limit: int = DEFAULT_EXACT_LIMIT,
        retrain_growth: float = DEFAULT_RETRAIN_GROWTH,
        scan_target: int = DEFAULT_SCAN_TARGET,
        min_nprobe: int = DEFAULT_MIN_NPROBE,
        nlist: int | None = None,
        nprobe: int | None = None,
    ) -> None:
        validate_index_name(name)
        if index_prefix:
            validate_index_name(index_prefix)
        if dimension < 1:
            raise ValueError("dimension must be positive")
        if exact_limit < 1 or retrain_growth <= 1 or scan_target < 1 or min_nprobe < 1:
            raise ValueError("exact_limit, scan_target, min_nprobe >= 1; retrain_growth > 1")
        if nprobe is not None and nprobe < 1:
            raise ValueError("nprobe must be positive")
        self.name = name
        self.dimension = dimension
        self.physical_name = vector_collection_name(index_prefix, name)
        self.directory = Path(directory)
        self.exact_limit = exact_limit
        self.retrain_growth = retrain_growth
        self.scan_target = scan_target
        self.min_nprobe = min_nprobe
        self.fixed_nlist = nlist
        self.nprobe: int | None = nprobe
        """Lists probed per query; ``None`` follows :meth:`effective_nprobe`'s rule."""
        self._lock = threading.RLock()
        self._index: Any = self._new_flat()
        self._trained_count = 0
        self._ids: IdArray = np.empty(0, dtype=np.int64)
        self._hashes: IdArray = np.empty(0, dtype=np.int64)

    # ----------------------------------------------------------------------- structure

    def _new_flat(self) -> Any:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))

    @property
    def is_approximate(self) -> bool:
        return isinstance(self._index, faiss.IndexIVF)

    @property
    def nlist(self) -> int | None:
        return int(self._index.nlist) if self.is_approximate else None

    def _structure(self) -> str:
        if self.is_approximate:
            return f"ivf{self._index.nlist},sq8"
        return "flat"

    def effective_nprobe(self) -> int | None:
        """Lists a search probes: ``nprobe`` if set, else enough lists to scan about
        ``scan_target`` vectors (``scan_target × nlist / count``), at least ``min_nprobe``;
        ``None`` while the index is exact."""
        with self._lock:
            if not self.is_approximate:
                return None
            nlist = int(self._index.nlist)
            if self.nprobe is not None:
                return min(nlist, self.nprobe)
            count = max(int(self._ids.shape[0]), 1)
            wanted = round(self.scan_target * nlist / count)
            return min(nlist, max(self.min_nprobe, wanted))

    def _build_ivf(self, ids: IdArray, vectors: FloatMatrix) -> None:
        """Train a fresh IVF-SQ8 index on ``vectors`` and fill it (caller holds the lock)."""
        count = ids.shape[0]
        nlist = self.fixed_nlist or nlist_for(count)
        quantizer = faiss.IndexFlatIP(self.dimension)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer,
            self.dimension,
            nlist,
            faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )
        index.cp.niter = TRAINING_ITERATIONS
        index.cp.seed = _SEED
        index.cp.min_points_per_centroid = 1
        index.cp.max_points_per_centroid = TRAINING_SAMPLE_PER_LIST
        sample_size = min(count, nlist * TRAINING_SAMPLE_PER_LIST)
        if sample_size < count:
            rng = np.random.default_rng(_SEED)
            sample = vectors[np.sort(rng.choice(count, size=sample_size, replace=False))]
        else:
            sample = vectors
        index.train(np.ascontiguousarray(sample))
        index.add_with_ids(vectors, ids)  # bulk assignment: float32 centroids, BLAS
        # Then serve the centroids from half precision: the coarse search of every query scans
        # them all (4 096 x 384 floats = 6 MiB at 1 M vectors); fp16 halves that memory
        # traffic and, measured, picks the same lists.
        coarse: Any = faiss.IndexScalarQuantizer(
            self.dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
        )
        coarse.add(quantizer.reconstruct_n(0, nlist))
        index.quantizer = coarse
        index.own_fields = True
        coarse.this.disown()  # the index deletes it now
        self._index = index
        self._trained_count = count

    def _stored_vectors(self) -> tuple[IdArray, FloatMatrix]:
        """Every stored id and its vector (decoded from codes for IVF); caller holds lock."""
        index = self._index
        if not self.is_approximate:
            if index.ntotal == 0:
                return np.empty(0, np.int64), np.empty((0, self.dimension), np.float32)
            ids = faiss.vector_to_array(index.id_map).astype(np.int64)
            vectors = index.index.reconstruct_n(0, index.ntotal)
            return ids, np.ascontiguousarray(vectors, dtype=np.float32)
        invlists = index.invlists
        id_parts: list[IdArray] = []
        vector_parts: list[FloatMatrix] = []
        for list_no in range(index.nlist):
            size = invlists.list_size(list_no)
            if size == 0:
                continue
            codes = faiss.rev_swig_ptr(invlists.get_codes(list_no), size * index.code_size)
            list_ids = faiss.rev_swig_ptr(invlists.get_ids(list_no), size)
            decoded = index.sq.decode(np.array(codes).reshape(size, index.code_size))
            if index.by_residual:
                decoded += index.quantizer.reconstruct(list_no)
            id_parts.append(np.array(list_ids, dtype=np.int64))
            vector_parts.append(decoded.astype(np.float32))
        if not id_parts:
            return np.empty(0, np.int64), np.empty((0, self.dimension), np.float32)
        vectors = np.concatenate(vector_parts)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.concatenate(id_parts), np.ascontiguousarray(vectors)

    # ----------------------------------------------------------------------- id table

    def _positions(self, ids: IdArray) -> tuple[IdArray, np.ndarray[Any, np.dtype[np.bool_]]]:
        positions = np.searchsorted(self._ids, ids)
        clipped = np.minimum(positions, max(self._ids.shape[0] - 1, 0))
        found = (
            (self._ids[clipped] == ids)
            if self._ids.shape[0]
            else np.zeros(ids.shape[0], dtype=np.bool_)
        )
        return clipped.astype(np.int64), found

    def _forget(self, ids: IdArray) -> IdArray:
        """Drop stored ``ids`` from the FAISS index and the table; return those that were
        stored (caller holds the lock)."""
        if ids.shape[0] == 0 or self._ids.shape[0] == 0:
            return np.empty(0, dtype=np.int64)
        positions, found = self._positions(ids)
        present: IdArray = np.asarray(ids[found], dtype=np.int64)
        if present.shape[0] == 0:
            return present
        removed = self._index.remove_ids(faiss.IDSelectorBatch(present))
        if removed != present.shape[0]:
            raise VectorIndexStateError(
                f"vector index {self.physical_name!r} is out of step with its id table"
            )
        keep = np.ones(self._ids.shape[0], dtype=np.bool_)
        keep[positions[found]] = False
        self._ids = self._ids[keep]
        self._hashes = self._hashes[keep]
        return present

    def _remember(self, ids: IdArray, hashes: IdArray) -> None:
        order = np.argsort(ids, kind="stable")
        ids, hashes = ids[order], hashes[order]
        positions = np.searchsorted(self._ids, ids)
        self._ids = np.insert(self._ids, positions, ids)
        self._hashes = np.insert(self._hashes, positions, hashes)

    # ----------------------------------------------------------------------- writes

    def add(self, ids: Iterable[int], vectors: Any, content_hashes: Iterable[int]) -> int:
        batch = VectorBatch.build(ids, vectors, content_hashes, self.dimension)
        if batch.ids.shape[0] == 0:
            return 0
        with self._lock:
            self._forget(batch.ids)
            total = self._ids.shape[0] + batch.ids.shape[0]
            retrain = (not self.is_approximate and total >= self.exact_limit) or (
                self.is_approximate and total > self.retrain_growth * self._trained_count
            )
            if retrain:
                old_ids, old_vectors = self._stored_vectors()
                self._build_ivf(
                    np.concatenate([old_ids, batch.ids]),
                    np.ascontiguousarray(np.concatenate([old_vectors, batch.vectors])),
                )
            else:
                self._index.add_with_ids(batch.vectors, batch.ids)
            self._remember(batch.ids, batch.hashes)
            return int(batch.ids.shape[0])

    def remove(self, ids: Iterable[int]) -> int:
        id_array = np.unique(validate_ids(ids))
        with self._lock:
            return int(self._forget(id_array).shape[0])

    def clear(self) -> None:
        with self._lock:
            self._index = self._new_flat()
            self._trained_count = 0
            self._ids = np.empty(0, dtype=np.int64)
            self._hashes = np.empty(0, dtype=np.int64)
            for path in self._generation_files():
                path.unlink(missing_ok=True)
            self._meta_path.unlink(missing_ok=True)

    def retrain(self) -> None:
        """Train the inverted lists again on what is stored (``exact_limit`` permitting)."""
        with self._lock:
            ids, vectors = self._stored_vectors()
            if ids.shape[0] >= self.exact_limit:
                self._build_ivf(ids, vectors)

    # ----------------------------------------------------------------------- reads

    def _search_unit(
        self, queries: FloatMatrix, k: int, exclude_ids: IdArray, include_ids: IdArray | None
    ) -> list[list[VectorHit]]:
        kept: list[Any] = []  # selectors must outlive the search
        with self._lock:
            stored = self._ids.shape[0]
            allowed = stored if include_ids is None else self._count_stored(include_ids)
            if allowed == 0 or queries.shape[0] == 0:
                return [[] for _ in range(queries.shape[0])]
            selector: Any = None
            if exclude_ids.size:
                kept.append(faiss.IDSelectorBatch(exclude_ids))
                selector = faiss.IDSelectorNot(kept[-1])
            if include_ids is not None:
                kept.append(faiss.IDSelectorBatch(include_ids))
                if selector is not None:
                    kept.append(selector)
                    selector = faiss.IDSelectorAnd(kept[-2], selector)
                else:
                    selector = kept[-1]
            if self.is_approximate:
                params: Any = faiss.SearchParametersIVF()
                params.nprobe = self._nprobe_for(k, allowed / stored)
            else:
                params = faiss.SearchParameters()
            if selector is not None:
                params.sel = selector
            scores, found = self._index.search(queries, min(k, allowed), params=params)
        return [
            [
                VectorHit(hit_id, score)
                for hit_id, score in zip(row_ids, row_scores, strict=True)
                if hit_id >= 0
            ]
            for row_ids, row_scores in zip(found.tolist(), scores.tolist(), strict=True)
        ]

    def _count_stored(self, ids: IdArray) -> int:
        if ids.shape[0] == 0 or self._ids.shape[0] == 0:
            return 0
        return int(self._positions(ids)[1].sum())

    def _nprobe_for(self, k: int, share: float) -> int:
        """Lists probed by a search for ``k`` hits among a ``share`` of the collection: enough
        to scan about ``max(scan_target, SCAN_PER_HIT × k)`` vectors of that share (a top
        1,000 needs more candidates than a top 20), and ``ALLOW_LIST_SCAN_FACTOR`` times that
        for a share below 1; all lists at worst. A configured ``nprobe`` is kept for the
        whole collection and scaled like that for a share."""
        nlist = self.nlist or 1
        if self.nprobe is not None:
            base = min(nlist, self.nprobe)
        else:
            count = max(int(self._ids.shape[0]), 1)
            scan = max(self.scan_target, SCAN_PER_HIT * k)
            base = max(self.min_nprobe, round(scan * nlist / count))
        if share >= 1.0:
            return min(nlist, base)
        return min(nlist, math.ceil(ALLOW_LIST_SCAN_FACTOR * base / max(share, 1e-12)))

    def count(self) -> int:
        with self._lock:
            return int(self._ids.shape[0])

    def contains(self, ids: Sequence[int]) -> list[bool]:
        id_array = validate_ids(ids)
        with self._lock:
            if id_array.shape[0] == 0:
                return []
            _, found = self._positions(id_array)
        return [bool(value) for value in found]

    def ids_with_hashes(self) -> Iterator[tuple[int, int]]:
        with self._lock:
            ids, hashes = self._ids.copy(), self._hashes.copy()
        return zip(ids.tolist(), hashes.tolist(), strict=True)

    def info(self) -> VectorIndexInfo:
        with self._lock:
            return VectorIndexInfo(
                kind=KIND,
                name=self.physical_name,
                dimension=self.dimension,
                count=int(self._ids.shape[0]),
                structure=self._structure(),
            )

    # ----------------------------------------------------------------------- persistence

    @property
    def _meta_path(self) -> Path:
        return self.directory / f"{self.physical_name}.meta.json"

    def _index_path(self, generation: int) -> Path:
        return self.directory / f"{self.physical_name}.{generation}.faiss"

    def _table_path(self, generation: int) -> Path:
        return self.directory / f"{self.physical_name}.{generation}.ids.npz"

    def _generation_files(self, keep: int | None = None) -> list[Path]:
        if not self.directory.is_dir():
            return []
        files: list[Path] = []
        prefix = f"{self.physical_name}."
        for path in self.directory.iterdir():
            rest = path.name[len(prefix) :] if path.name.startswith(prefix) else ""
            generation, _, suffix = rest.partition(".")
            if generation.isdigit() and suffix in ("faiss", "ids.npz"):
                if keep is None or int(generation) != keep:
                    files.append(path)
            elif rest.startswith(".tmp-"):
                files.append(path)
        return files

    def _read_meta(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self._meta_path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise VectorIndexStateError(
                f"vector index {self.physical_name!r}: unreadable meta file ({error})"
            ) from error
        if not isinstance(data, dict):
            raise VectorIndexStateError(f"vector index {self.physical_name!r}: bad meta file")
        return data

    def save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._lock:
            meta = self._read_meta_quietly()
            generation = int(meta.get("generation", 0)) + 1 if meta else 1
            replace_atomically(
                self.directory,
                self.physical_name,
                self._index_path(generation),
                lambda path: faiss.write_index(self._index, str(path)),
            )
            replace_atomically(
                self.directory,
                self.physical_name,
                self._table_path(generation),
                self._write_table,
            )
            payload = {
                "format": FORMAT_VERSION,
                "kind": KIND,
                "name": self.physical_name,
                "dimension": self.dimension,
                "generation": generation,
                "count": int(self._ids.shape[0]),
                "trained_count": self._trained_count,
                "structure": self._structure(),
            }
            replace_atomically(
                self.directory,
                self.physical_name,
                self._meta_path,
                lambda path: path.write_text(json.dumps(payload)),
            )
            fsync_directory(self.directory)
            for path in self._generation_files(keep=generation):
                path.unlink(missing_ok=True)

    def _write_table(self, path: Path) -> None:
        with path.open("wb") as handle:
            np.savez(handle, ids=self._ids, hashes=self._hashes)

    def _read_meta_quietly(self) -> dict[str, Any] | None:
        try:
            return self._read_meta()
        except VectorIndexStateError:
            return None

    def load(self) -> bool:
        with self._lock:
            meta = self._read_meta()
            if meta is None:
                return False
            if meta.get("format") != FORMAT_VERSION or meta.get("kind") != KIND:
                raise VectorIndexStateError(
                    f"vector index {self.physical_name!r}: unknown format {meta.get('format')!r}"
                )
            if meta.get("dimension") != self.dimension:
                raise VectorIndexStateError(
                    f"vector index {self.physical_name!r} is stored with dimension "
                    f"{meta.get('dimension')}, expected {self.dimension}"
                )
            generation = int(meta["generation"])
            try:
                index = faiss.read_index(str(self._index_path(generation)))
                with np.load(self._table_path(generation)) as table:
                    ids = np.asarray(table["ids"], dtype=np.int64)
                    hashes = np.asarray(table["hashes"], dtype=np.int64)
            except (OSError, RuntimeError, ValueError, KeyError) as error:
                raise VectorIndexStateError(
                    f"vector index {self.physical_name!r}: unreadable files ({error})"
                ) from error
            if (
                index.d != self.dimension
                or index.ntotal != ids.shape[0]
                or hashes.shape != ids.shape
                or (ids.shape[0] > 1 and not bool(np.all(ids[1:] > ids[:-1])))
            ):
                raise VectorIndexStateError(
                    f"vector index {self.physical_name!r}: files do not match each other"
                )
            self._index = index
            self._ids, self._hashes = ids, hashes
            self._trained_count = int(meta.get("trained_count", 0))
            return True

    def file_size(self) -> int:
        """Bytes the saved index and id table take on disk (0 before the first save)."""
        meta = self._read_meta_quietly()
        if not meta:
            return 0
        generation = int(meta["generation"])
        return sum(
            path.stat().st_size
            for path in (self._index_path(generation), self._table_path(generation))
            if path.exists()
        )
