"""The embedding store: float16 rows, upserts on every database, the content-hash cache."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from matching.models import MatchVector
from matching.store import (
    StoredVector,
    cached_vectors,
    content_hash,
    delete_rows,
    index_hash,
    iter_index_hashes,
    load_vectors,
    pack,
    stored_hashes,
    unpack,
    unpack_many,
    upsert,
)
from matching.vector_index.base import MAX_ID

DIM = 384


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    with container.session_factory() as opened:
        yield opened


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


def row(entity_id: int, seed: int, text: str = "", model: str = "m1") -> StoredVector:
    text = text or f"text {seed}"
    return StoredVector(entity_id, model, content_hash(model, text), pack(unit(seed)))


def test_content_hash_names_model_and_text() -> None:
    assert content_hash("m1", "软件工程") == content_hash("m1", "软件工程")
    assert content_hash("m1", "软件工程") != content_hash("m2", "软件工程")
    assert content_hash("m1", "软件工程") != content_hash("m1", "软件工程师")
    # the separator keeps "ab"+"c" apart from "a"+"bc"
    assert content_hash("ab", "c") != content_hash("a", "bc")
    assert len(content_hash("m", "t")) == 64


def test_index_hash_is_a_63_bit_prefix() -> None:
    hashed = content_hash("m", "t")
    assert 0 <= index_hash(hashed) <= MAX_ID
    assert index_hash(hashed) == int(hashed[:16], 16) & MAX_ID
    assert index_hash("f" * 64) == MAX_ID


def test_pack_is_float16_and_close_to_the_vector() -> None:
    vector = unit(1)
    data = pack(vector)
    assert len(data) == DIM * 2
    back = unpack(data)
    assert back.dtype == np.float32
    assert float(np.dot(back, vector)) > 0.9999
    assert abs(float(np.linalg.norm(back)) - 1.0) < 1e-3
    matrix = unpack_many([pack(unit(1)), pack(unit(2))], DIM)
    assert matrix.shape == (2, DIM)
    assert np.array_equal(matrix[0], back)
    assert unpack_many([], DIM).shape == (0, DIM)


def test_pack_refuses_a_zero_vector() -> None:
    with pytest.raises(ValueError, match="zero"):
        pack(np.zeros(DIM, dtype=np.float32))


def test_upsert_inserts_then_replaces(session: Session) -> None:
    assert upsert(session, "job", [row(1, 1), row(2, 2)]) == 2
    assert upsert(session, "graduate", [row(1, 3)]) == 1
    session.commit()
    before = stored_hashes(session, "job", [1, 2, 3])
    assert set(before) == {1, 2}

    upsert(session, "job", [row(1, 9, text="edited")])
    session.commit()

    after = stored_hashes(session, "job", [1, 2])
    assert after[1] == content_hash("m1", "edited") != before[1]
    assert after[2] == before[2]
    vectors = load_vectors(session, "job", [1])
    assert float(np.dot(vectors[1], unit(9))) > 0.999
    # the graduate of the same id is another row
    assert float(np.dot(load_vectors(session, "graduate", [1])[1], unit(3))) > 0.999
    total = session.scalar(select(func.count()).select_from(MatchVector))
    assert total == 3


def test_upsert_keeps_the_last_of_a_repeated_id(session: Session) -> None:
    upsert(session, "job", [row(5, 1), row(5, 2, text="second")])
    session.commit()
    assert stored_hashes(session, "job", [5]) == {5: content_hash("m1", "second")}


def test_cache_finds_a_text_stored_under_any_entity(session: Session) -> None:
    shared = row(1, 4, text="Java开发工程师")
    upsert(session, "job", [shared])
    session.commit()

    found = cached_vectors(session, {shared.content_hash, content_hash("m1", "unknown")})

    assert found == {shared.content_hash: shared.vector}
    assert cached_vectors(session, set()) == {}


def test_delete_and_iterate(session: Session) -> None:
    upsert(session, "job", [row(i, i) for i in range(1, 8)])
    upsert(session, "graduate", [row(3, 30)])
    session.commit()

    assert delete_rows(session, "job", [2, 4, 99]) == 2
    session.commit()

    listed = list(iter_index_hashes(session, "job", batch_size=2))
    assert [entity_id for entity_id, _ in listed] == [1, 3, 5, 6, 7]
    assert listed[0][1] == index_hash(row(1, 1).content_hash)
    only = select(MatchVector.entity_id).where(MatchVector.entity_id.in_([3, 6]))
    assert [i for i, _ in iter_index_hashes(session, "job", only)] == [3, 6]
