"""One contract for every VectorIndex: the same tests run on the in-process FAISS index and
on a real Elasticsearch (integration tier, ``GRADMATCH_TEST_ELASTICSEARCH_URL``)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pytest

from jobs_api.core.errors import ValidationFailed
from matching.vector_index import (
    VectorDimensionMismatch,
    VectorHit,
    VectorIndex,
    VectorIndexStateError,
    VectorInputError,
    content_hash,
    reconcile,
)
from matching.vector_index.elastic_index import ElasticsearchVectorIndex
from matching.vector_index.faiss_index import FaissVectorIndex
from tests.servers import ELASTICSEARCH_ENV, require_server_url

DIMENSION = 8


class IndexFactory(Protocol):
    def __call__(self, dimension: int = DIMENSION) -> VectorIndex: ...


def unit(*components: float) -> list[float]:
    """A unit vector from the leading components (the rest zero)."""
    padded = [*components, *([0.0] * (DIMENSION - len(components)))]
    norm = math.sqrt(sum(value * value for value in padded))
    return [value / norm for value in padded]


def axis(position: int, lean: float = 0.0) -> list[float]:
    """Mostly along ``position``, leaning towards the last axis by ``lean``."""
    vector = [0.0] * DIMENSION
    vector[position] = 1.0
    vector[-1] = lean
    return unit(*vector)


# Jobs 1..4: a query along axis 0 ranks them 1 (0.99), 2 (0.8), 3 (0.6), then 4 (orthogonal).
JOBS: dict[int, list[float]] = {
    1: unit(1.0, 0.1),
    2: unit(0.8, 0.6),
    3: unit(0.6, 0.8),
    4: unit(0.0, 0.0, 1.0),
}
QUERY = unit(1.0)


@pytest.fixture(
    params=["faiss", pytest.param("elasticsearch", marks=pytest.mark.integration)],
)
def make_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IndexFactory]:
    """Makes indexes of one collection sharing one store, like two processes of one app."""
    if request.param == "faiss":

        def make(dimension: int) -> VectorIndex:
            return FaissVectorIndex(tmp_path / "vectors", "jobs", dimension, index_prefix="test")

    else:
        url = require_server_url(ELASTICSEARCH_ENV)
        prefix = f"gmtest-{uuid.uuid4().hex[:12]}"

        def make(dimension: int) -> VectorIndex:
            return ElasticsearchVectorIndex(url, "jobs", dimension, index_prefix=prefix)

    made: list[VectorIndex] = []

    def tracked(dimension: int = DIMENSION) -> VectorIndex:
        made.append(make(dimension))
        return made[-1]

    yield tracked
    try:
        if made:
            made[0].clear()
    finally:
        for index in made:
            index.close()


@pytest.fixture
def index(make_index: IndexFactory) -> VectorIndex:
    return make_index()


@pytest.fixture
def jobs(index: VectorIndex) -> VectorIndex:
    ids = list(JOBS)
    index.add(ids, [JOBS[job] for job in ids], [content_hash(str(job)) for job in ids])
    return index


def ids_of(hits: Sequence[VectorHit]) -> list[int]:
    return [hit.id for hit in hits]


# --------------------------------------------------------------------------- reads


def test_an_empty_index_finds_nothing(index: VectorIndex) -> None:
    assert index.count() == 0
    assert index.search(QUERY, 5) == []
    assert index.search_many([QUERY, axis(1)], 3) == [[], []]
    assert list(index.ids_with_hashes()) == []
    assert index.contains([1, 2]) == [False, False]
    assert index.remove([1]) == 0


def test_search_returns_exact_ids_nearest_first_with_cosine_scores(jobs: VectorIndex) -> None:
    hits = jobs.search(QUERY, 3)

    assert ids_of(hits) == [1, 2, 3]
    expected = [float(np.dot(QUERY, JOBS[job])) for job in (1, 2, 3)]
    assert [hit.score for hit in hits] == pytest.approx(expected, abs=0.02)
    assert all(isinstance(hit.id, int) for hit in hits)
    assert jobs.count() == 4


def test_k_larger_than_the_collection_returns_everything(jobs: VectorIndex) -> None:
    hits = jobs.search(QUERY, 50)

    assert ids_of(hits) == [1, 2, 3, 4]
    assert hits[-1].score == pytest.approx(0.0, abs=0.02)


def test_search_many_answers_each_query_in_order(jobs: VectorIndex) -> None:
    answers = jobs.search_many([QUERY, unit(0.0, 1.0), JOBS[4]], 1)

    assert [ids_of(hits) for hits in answers] == [[1], [3], [4]]


def test_query_vectors_need_not_be_unit_length(jobs: VectorIndex) -> None:
    hits = jobs.search([3.0 * value for value in QUERY], 1)

    assert ids_of(hits) == [1]
    assert hits[0].score == pytest.approx(float(np.dot(QUERY, JOBS[1])), abs=0.02)


def test_stored_vectors_are_normalised_so_scores_stay_cosine(index: VectorIndex) -> None:
    index.add([7], [[5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], [1])

    assert index.search(QUERY, 1)[0].score == pytest.approx(1.0, abs=0.02)


def test_exclude_ids_are_never_returned_and_k_is_still_filled(jobs: VectorIndex) -> None:
    hits = jobs.search(QUERY, 2, exclude_ids=[1, 99])

    assert ids_of(hits) == [2, 3]
    answers = jobs.search_many([QUERY, QUERY], 4, exclude_ids={2, 3})
    assert [ids_of(hits) for hits in answers] == [[1, 4], [1, 4]]


def test_include_ids_search_only_that_subset_and_still_fill_k(jobs: VectorIndex) -> None:
    assert ids_of(jobs.search(QUERY, 2, include_ids=[4, 3, 99])) == [3, 4]
    assert ids_of(jobs.search(QUERY, 1, include_ids={2, 4})) == [2]
    answers = jobs.search_many([QUERY, JOBS[4]], 5, include_ids=[1, 4])
    assert [ids_of(hits) for hits in answers] == [[1, 4], [4, 1]]


def test_include_and_exclude_ids_combine(jobs: VectorIndex) -> None:
    hits = jobs.search(QUERY, 5, include_ids=[1, 2, 3], exclude_ids=[2])

    assert ids_of(hits) == [1, 3]


def test_an_empty_or_unknown_allow_list_finds_nothing(jobs: VectorIndex) -> None:
    assert jobs.search(QUERY, 3, include_ids=[]) == []
    assert jobs.search(QUERY, 3, include_ids=[98, 99]) == []
    assert jobs.search_many([QUERY, QUERY], 3, include_ids=[]) == [[], []]


def test_contains_and_ids_with_hashes_describe_what_is_stored(jobs: VectorIndex) -> None:
    assert jobs.contains([4, 5, 1]) == [True, False, True]
    assert sorted(jobs.ids_with_hashes()) == [(job, content_hash(str(job))) for job in JOBS]


def test_info_names_the_prefixed_collection(jobs: VectorIndex) -> None:
    info = jobs.info()

    assert info.kind in ("faiss", "elasticsearch")
    assert info.name.endswith("_jobs-vectors")
    assert (info.dimension, info.count) == (DIMENSION, 4)
    assert info.structure


# --------------------------------------------------------------------------- writes


def test_removal_hides_a_vector_at_once(jobs: VectorIndex) -> None:
    assert jobs.remove([1, 42]) == 1

    assert ids_of(jobs.search(QUERY, 4)) == [2, 3, 4]
    assert jobs.count() == 3
    assert jobs.contains([1]) == [False]
    assert jobs.remove([1]) == 0


def test_adding_an_id_again_replaces_its_vector_and_hash(jobs: VectorIndex) -> None:
    written = jobs.add([1], [unit(0.3, 0.0, 1.0)], [content_hash("1", "new text")])

    assert written == 1
    assert jobs.count() == 4
    assert ids_of(jobs.search(QUERY, 3)) == [2, 3, 1]
    assert ids_of(jobs.search(JOBS[4], 2)) == [4, 1]
    assert dict(jobs.ids_with_hashes())[1] == content_hash("1", "new text")


def test_a_repeated_id_in_one_add_keeps_its_last_vector(index: VectorIndex) -> None:
    assert index.add([5, 6, 5], [axis(0), axis(1), axis(2)], [1, 2, 3]) == 2

    assert index.count() == 2
    assert ids_of(index.search(axis(2), 1)) == [5]
    assert dict(index.ids_with_hashes()) == {5: 3, 6: 2}


def test_numpy_input_is_accepted(index: VectorIndex) -> None:
    ids = np.array([10, 11], dtype=np.int64)
    vectors = np.array([axis(0), axis(1)], dtype=np.float64)

    assert index.add(ids, vectors, np.array([1, 2], dtype=np.uint32)) == 2
    assert ids_of(index.search(np.array(axis(1), dtype=np.float32), 1)) == [11]


def test_clear_forgets_everything(jobs: VectorIndex, make_index: IndexFactory) -> None:
    jobs.save()
    jobs.clear()

    assert jobs.count() == 0
    assert jobs.search(QUERY, 3) == []
    assert make_index().load() is False


def test_writing_after_another_process_cleared_the_collection_works(
    jobs: VectorIndex, make_index: IndexFactory
) -> None:
    jobs.save()
    make_index().clear()

    assert jobs.add([8], [axis(3)], [8]) == 1
    assert ids_of(jobs.search(axis(3), 1)) == [8]
    assert jobs.search(axis(3), 1)[0].score == pytest.approx(1.0, abs=0.02)


# --------------------------------------------------------------------------- persistence


def test_what_was_saved_is_found_by_a_new_index_object(
    jobs: VectorIndex, make_index: IndexFactory
) -> None:
    jobs.remove([2])
    jobs.save()

    again = make_index()
    assert again.load() is True
    assert again.count() == 3
    assert ids_of(again.search(QUERY, 3)) == [1, 3, 4]
    assert sorted(again.ids_with_hashes()) == [(job, content_hash(str(job))) for job in (1, 3, 4)]


def test_a_collection_stored_with_another_dimension_is_a_state_error(
    jobs: VectorIndex, make_index: IndexFactory
) -> None:
    jobs.save()

    with pytest.raises(VectorIndexStateError, match="dimension") as caught:
        make_index(dimension=DIMENSION * 2).load()
    assert caught.value.status_code == 503
    assert jobs.count() == 4


def test_load_without_anything_stored_says_so(index: VectorIndex) -> None:
    assert index.load() is False
    assert index.count() == 0


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda index: index.search([1.0, 0.0], 1), "vector"),
        (lambda index: index.add([1], [[1.0] * (DIMENSION + 1)], [1]), "vectors"),
        (lambda index: index.search_many([[1.0] * 3], 1), "vectors"),
    ],
)
def test_a_wrong_dimension_is_a_clear_validation_error(
    jobs: VectorIndex, call: Callable[[VectorIndex], Any], field: str
) -> None:
    with pytest.raises(VectorDimensionMismatch) as caught:
        call(jobs)

    assert caught.value.status_code == 422
    assert caught.value.code == "vector_dimension_mismatch"
    assert caught.value.fields == {field: "dimension"}
    assert "维度" in caught.value.message


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda index: index.add([1], [[math.nan] * DIMENSION], [1]), "vectors"),
        (lambda index: index.add([1], [[math.inf] + [0.0] * 7], [1]), "vectors"),
        (lambda index: index.add([1], [[0.0] * DIMENSION], [1]), "vectors"),
        (lambda index: index.add([-1], [axis(0)], [1]), "ids"),
        (lambda index: index.add([2**63], [axis(0)], [1]), "ids"),
        (lambda index: index.add([True], [axis(0)], [1]), "ids"),
        (lambda index: index.add(["7"], [axis(0)], [1]), "ids"),
        (lambda index: index.add([1.5], [axis(0)], [1]), "ids"),
        (lambda index: index.add([1, 2], [axis(0)], [1, 2]), "vectors"),
        (lambda index: index.add([1], [axis(0)], [1, 2]), "content_hashes"),
        (lambda index: index.add([1], [axis(0)], [-3]), "content_hashes"),
        (lambda index: index.add([1], [["a"] * DIMENSION], [1]), "vectors"),
        (lambda index: index.add([1], [[[1.0] * DIMENSION]], [1]), "vectors"),
        (lambda index: index.search(QUERY, 0), "k"),
        (lambda index: index.search(QUERY, 1_001), "k"),
        (lambda index: index.search(QUERY, True), "k"),
        (lambda index: index.search([QUERY, QUERY], 1), "vector"),
        (lambda index: index.search(QUERY, 1, exclude_ids=[-5]), "exclude_ids"),
        (lambda index: index.search(QUERY, 1, include_ids=[2**63]), "include_ids"),
        (lambda index: index.search_many([QUERY], 1, include_ids=["1"]), "include_ids"),
        (lambda index: index.remove(["x"]), "ids"),
        (lambda index: index.contains([-1]), "ids"),
    ],
)
def test_bad_input_is_a_validation_error_and_changes_nothing(
    jobs: VectorIndex, call: Callable[[VectorIndex], Any], field: str
) -> None:
    with pytest.raises(VectorInputError) as caught:
        call(jobs)

    assert isinstance(caught.value, ValidationFailed)
    assert caught.value.status_code == 422
    assert field in caught.value.fields
    assert jobs.count() == 4
    assert ids_of(jobs.search(QUERY, 3)) == [1, 2, 3]


# --------------------------------------------------------------------------- reconcile


class Source:
    """What the database says should be indexed (the caller's port)."""

    def __init__(self, rows: dict[int, tuple[list[float], int]]) -> None:
        self.rows = rows
        self.asked: list[int] = []

    def expected_ids(self) -> Iterator[tuple[int, int]]:
        return ((row_id, row[1]) for row_id, row in self.rows.items())

    def vectors_for(self, ids: Sequence[int]) -> tuple[list[int], list[list[float]], list[int]]:
        self.asked.extend(ids)
        present = [row_id for row_id in ids if row_id in self.rows]
        return (
            present,
            [self.rows[row_id][0] for row_id in present],
            [self.rows[row_id][1] for row_id in present],
        )


def test_reconcile_adds_missing_removes_extra_and_refreshes_changed(jobs: VectorIndex) -> None:
    source = Source(
        {
            1: (JOBS[1], content_hash("1")),  # in step
            3: (JOBS[4], content_hash("3", "edited")),  # changed text: new vector and hash
            4: (JOBS[4], content_hash("4")),  # in step
            9: (unit(0.9, 0.0, 0.0, 0.1), content_hash("9")),  # published while down
        }
    )  # 2 closed while the index was not listening

    report = reconcile(jobs, source, batch_size=2)

    assert (report.missing, report.extra, report.changed) == (1, 1, 1)
    assert (report.added, report.removed) == (2, 1)
    assert (report.expected, report.indexed_before) == (4, 4)
    assert sorted(source.asked) == [3, 9]
    assert dict(jobs.ids_with_hashes()) == {row_id: row[1] for row_id, row in source.rows.items()}
    assert ids_of(jobs.search(QUERY, 2)) == [1, 9]
    assert 2 not in ids_of(jobs.search(QUERY, 10))

    again = reconcile(jobs, source)
    assert again.in_step
    assert (again.added, again.removed) == (0, 0)


def test_reconcile_fills_an_empty_index_in_batches(index: VectorIndex) -> None:
    rows = {row_id: (axis(row_id % DIMENSION, row_id / 100), row_id) for row_id in range(1, 26)}
    source = Source(rows)

    report = reconcile(index, source, batch_size=10)

    assert (report.missing, report.added, report.indexed_before) == (25, 25, 0)
    assert index.count() == 25
    assert sorted(index.ids_with_hashes()) == [(row_id, row_id) for row_id in range(1, 26)]


def test_reconcile_skips_ids_that_vanished_before_their_vectors_were_read(
    index: VectorIndex,
) -> None:
    source = Source({1: (axis(0), 1), 2: (axis(1), 2)})
    expected = list(source.expected_ids())
    del source.rows[2]
    source.expected_ids = lambda: iter(expected)  # type: ignore[method-assign]

    report = reconcile(index, source)

    assert (report.missing, report.added) == (2, 1)
    assert index.contains([1, 2]) == [True, False]
