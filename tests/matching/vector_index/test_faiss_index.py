"""FAISS specifics: the switch from exact to IVF-SQ8, retraining, crash-safe saves, damaged
files, threads."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import pytest

from matching.vector_index import VectorIndexStateError
from matching.vector_index.faiss_index import FaissVectorIndex, nlist_for

DIMENSION = 32


def clustered(count: int, seed: int, clusters: int = 40) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((clusters, DIMENSION)).astype(np.float32)
    vectors = centers[rng.integers(0, clusters, count)] + 0.3 * rng.standard_normal(
        (count, DIMENSION), dtype=np.float32
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def recall_at(index: FaissVectorIndex, data: np.ndarray[Any, Any], queries: Any, k: int) -> float:
    exact = faiss.IndexFlatIP(DIMENSION)
    exact.add(data)
    _, truth = exact.search(queries, k)
    found = 0
    for query, expected in zip(queries, truth, strict=True):
        found += len({hit.id for hit in index.search(query, k)} & set(expected.tolist()))
    return found / (k * len(queries))


def test_nlist_grows_with_the_square_root_and_keeps_enough_training_points() -> None:
    assert nlist_for(1_000_000) == 4096
    assert nlist_for(100_000) == 1024
    assert nlist_for(10_000) == 256
    assert nlist_for(500) == 8
    assert nlist_for(1) == 1


def test_small_collections_are_exact_and_large_ones_switch_to_ivf_sq8(tmp_path: Path) -> None:
    data = clustered(3_000, seed=1)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=2_000)

    index.add(range(1_500), data[:1_500], [0] * 1_500)
    assert index.info().structure == "flat"
    assert index.effective_nprobe() is None
    assert recall_at(index, data[:1_500], data[2_900:], 10) == 1.0

    index.add(range(1_500, 3_000), data[1_500:], [0] * 1_500)
    assert index.info().structure == f"ivf{nlist_for(3_000)},sq8"
    assert index.is_approximate and index.effective_nprobe() is not None
    assert index.count() == 3_000
    assert recall_at(index, data, clustered(50, seed=2), 10) >= 0.9
    # every indexed vector finds itself first, the ones added before the switch included
    for position in (0, 1_499, 1_500, 2_999):
        assert index.search(data[position], 1)[0].id == position


def test_growth_retrains_with_more_lists_and_keeps_every_vector(tmp_path: Path) -> None:
    data = clustered(4_000, seed=3)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=500)
    index.add(range(500), data[:500], [0] * 500)
    first_nlist = index.nlist

    index.add(range(500, 1_500), data[500:1_500], [0] * 1_000)  # 3x: same lists
    assert index.nlist == first_nlist
    index.add(range(1_500, 4_000), data[1_500:], [0] * 2_500)  # past 4x: retrained

    assert index.nlist == nlist_for(4_000) and index.nlist != first_nlist
    assert index.count() == 4_000
    hits = [index.search(data[position], 1)[0] for position in (0, 250, 499, 3_999)]
    assert [hit.id for hit in hits] == [0, 250, 499, 3_999]
    assert all(hit.score > 0.98 for hit in hits)


def test_removal_and_replacement_work_on_the_ivf_index(tmp_path: Path) -> None:
    data = clustered(1_200, seed=4)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=1_000)
    index.add(range(1_200), data, range(1_200))
    assert index.is_approximate

    assert index.remove([7, 8, 5_000]) == 2
    assert 7 not in {hit.id for hit in index.search(data[7], 20)}
    index.add([9], [data[100]], [99])
    assert {hit.id for hit in index.search(data[100], 2)} == {9, 100}
    assert index.count() == 1_198
    assert dict(index.ids_with_hashes())[9] == 99


def test_a_saved_ivf_index_loads_with_its_lists(tmp_path: Path) -> None:
    data = clustered(1_200, seed=5)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=1_000, nprobe=3)
    index.add(range(1_200), data, range(1_200))
    assert index.nprobe == 3
    index.save()

    again = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=1_000, nprobe=3)
    assert again.load()
    assert (again.nlist, again.effective_nprobe(), again.count()) == (index.nlist, 3, 1_200)
    assert [hit.id for hit in again.search(data[5], 5)] == [
        hit.id for hit in index.search(data[5], 5)
    ]
    again.add([5_000], [data[0]], [1])  # still writable after a load
    assert again.count() == 1_201
    # nprobe is configuration, not stored: another process may probe more lists
    assert FaissVectorIndex(tmp_path, "jobs", DIMENSION, nprobe=8).load()


def test_searches_scan_about_four_thousand_vectors_unless_nprobe_is_set(
    tmp_path: Path,
) -> None:
    data = clustered(12_000, seed=11)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=10_000)
    index.add(range(12_000), data, [0] * 12_000)
    assert index.nlist == 256

    assert index.effective_nprobe() == round(4_000 * 256 / 12_000)  # 85
    index.remove(range(6_000))
    assert index.effective_nprobe() == round(4_000 * 256 / 6_000)  # 171
    index.nprobe = 400
    assert index.effective_nprobe() == 256
    index.nprobe = 2
    assert index.effective_nprobe() == 2
    assert FaissVectorIndex(tmp_path, "jobs", DIMENSION, scan_target=100, min_nprobe=16)


def test_a_search_for_many_hits_scans_more_lists(tmp_path: Path) -> None:
    # scanning 4,000 vectors for a top 1,000 here gives recall 0.94; 8 per hit gives 0.98
    data = clustered(60_000, seed=15, clusters=1_000)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=10_000)
    index.add(range(60_000), data, [0] * 60_000)

    assert recall_at(index, data, clustered(10, seed=16, clusters=1_000), 1_000) >= 0.96


def test_a_small_allow_list_on_the_ivf_index_probes_more_lists_and_keeps_recall(
    tmp_path: Path,
) -> None:
    # 2 % of the collection allowed (one province's graduates of a national pool): probing
    # the usual lists would leave ~2 % of the scanned vectors, far fewer than k.
    data = clustered(20_000, seed=13)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=10_000, nprobe=8)
    index.add(range(20_000), data, [0] * 20_000)
    allowed = np.arange(0, 20_000, 50)  # 400 ids
    queries = clustered(20, seed=14)
    exact = faiss.IndexFlatIP(DIMENSION)
    exact.add(data[allowed])
    _, truth = exact.search(queries, 20)

    found = 0
    for query, expected in zip(queries, truth, strict=True):
        hits = index.search(query, 20, include_ids=allowed.tolist())
        assert len(hits) == 20 and {hit.id % 50 for hit in hits} == {0}
        found += len({hit.id for hit in hits} & set(allowed[expected].tolist()))
    assert found / (20 * len(queries)) >= 0.9


def test_files_are_named_after_the_prefixed_collection_and_old_generations_go(
    tmp_path: Path,
) -> None:
    index = FaissVectorIndex(tmp_path, "graduates", DIMENSION, index_prefix="gradmatch")
    index.add([1], [clustered(1, seed=6)[0]], [1])
    index.save()
    index.save()

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "gradmatch_graduates-vectors.2.faiss",
        "gradmatch_graduates-vectors.2.ids.npz",
        "gradmatch_graduates-vectors.meta.json",
    ]
    assert index.file_size() > 0


def test_a_crash_while_saving_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = clustered(20, seed=7)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION)
    index.add(range(10), data[:10], [1] * 10)
    index.save()
    index.add(range(10, 20), data[10:], [2] * 10)

    def crash(saved: Any, path: str) -> None:
        Path(path).write_bytes(b"half an index")
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", crash)
    with pytest.raises(OSError, match="disk full"):
        index.save()
    monkeypatch.undo()

    again = FaissVectorIndex(tmp_path, "jobs", DIMENSION)
    assert again.load()
    assert again.count() == 10
    assert sorted(again.ids_with_hashes()) == [(position, 1) for position in range(10)]
    assert not any(".tmp-" in path.name for path in tmp_path.iterdir())


def test_damaged_or_foreign_files_are_a_state_error_not_a_crash(tmp_path: Path) -> None:
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION)
    index.add([1, 2], clustered(2, seed=8), [1, 2])
    index.save()

    with pytest.raises(VectorIndexStateError, match="dimension"):
        FaissVectorIndex(tmp_path, "jobs", DIMENSION * 2).load()

    (tmp_path / "jobs-vectors.1.faiss").write_bytes(b"garbage")
    with pytest.raises(VectorIndexStateError, match="unreadable"):
        FaissVectorIndex(tmp_path, "jobs", DIMENSION).load()

    meta = tmp_path / "jobs-vectors.meta.json"
    meta.write_text("{not json")
    with pytest.raises(VectorIndexStateError, match="meta"):
        FaissVectorIndex(tmp_path, "jobs", DIMENSION).load()

    meta.write_text(json.dumps({"format": 99, "kind": "faiss", "dimension": DIMENSION}))
    with pytest.raises(VectorIndexStateError, match="format"):
        FaissVectorIndex(tmp_path, "jobs", DIMENSION).load()

    # starting over is always possible: a save replaces the damaged generation
    fresh = FaissVectorIndex(tmp_path, "jobs", DIMENSION)
    fresh.add([3], clustered(1, seed=9), [3])
    fresh.save()
    assert FaissVectorIndex(tmp_path, "jobs", DIMENSION).load()


def test_searches_and_writes_from_several_threads_stay_consistent(tmp_path: Path) -> None:
    data = clustered(2_000, seed=10)
    index = FaissVectorIndex(tmp_path, "jobs", DIMENSION, exact_limit=1_500)
    index.add(range(1_000), data[:1_000], [0] * 1_000)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for start in range(1_000, 2_000, 100):
                index.add(range(start, start + 100), data[start : start + 100], [0] * 100)
                index.remove(range(start - 1_000, start - 950))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def read() -> None:
        try:
            for position in range(300):
                hits = index.search(data[position % 2_000], 5)
                assert len(hits) == 5
                assert len({hit.id for hit in hits}) == 5
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write), *(threading.Thread(target=read) for _ in range(3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert index.count() == 2_000 - 500
    assert index.is_approximate


def test_constructor_refuses_bad_names_and_settings(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        FaissVectorIndex(tmp_path, "Jobs/../x", DIMENSION)
    with pytest.raises(ValueError):
        FaissVectorIndex(tmp_path, "jobs", 0)
    with pytest.raises(ValueError):
        FaissVectorIndex(tmp_path, "jobs", DIMENSION, retrain_growth=1.0)
