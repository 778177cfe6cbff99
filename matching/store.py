"""The embedding store: ``MatchVector`` rows read and written, and the content-hash cache.

Every job and graduate that matching knows has one row per ``(kind, entity_id)`` holding the
model that embedded it, the :func:`content_hash` of model + text and the L2-normalised vector
as little-endian float16 (768 bytes for 384 dimensions). The rows are the source of truth of
the vector indexes (which are rebuilt or repaired from them, never from the model) and the
embedding cache: a text whose hash is stored under any entity of any kind is not embedded
again (:func:`cached_vectors`), and an entity whose stored hash equals the hash of its current
text is not touched at all.

The vector indexes carry a 63-bit integer per vector; :func:`index_hash` derives it from the
stored hex hash, so reconciliation compares index and store without reading a vector.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from matching.models import MatchVector
from matching.vector_index.base import MAX_ID

Kind = Literal["job", "graduate"]
KINDS: tuple[Kind, ...] = ("job", "graduate")
CHUNK = 1_000
"""Ids or hashes per ``IN (...)`` query."""
_VECTOR_DTYPE = np.dtype("<f2")


def content_hash(model_id: str, text: str) -> str:
    """sha256 (hex) of the model id and the text: what makes an embedding reusable."""
    digest = hashlib.sha256()
    digest.update(model_id.encode("utf-8"))
    digest.update(b"\x00")
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def index_hash(stored_hash: str) -> int:
    """The 63-bit content hash a vector index keeps for a stored (hex) hash."""
    return int(stored_hash[:16], 16) & MAX_ID


def pack(vector: npt.ArrayLike) -> bytes:
    """One vector as stored: float16, little-endian, L2-normalised again after rounding."""
    row = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(row))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("cannot store a zero or non-finite vector")
    return (row / norm).astype(_VECTOR_DTYPE).tobytes()


def unpack(data: bytes) -> npt.NDArray[np.float32]:
    """A stored vector as float32."""
    return np.frombuffer(data, dtype=_VECTOR_DTYPE).astype(np.float32)


def unpack_many(blobs: Sequence[bytes], dimension: int) -> npt.NDArray[np.float32]:
    """Stored vectors as one ``(len(blobs), dimension)`` float32 matrix."""
    if not blobs:
        return np.empty((0, dimension), dtype=np.float32)
    joined = np.frombuffer(b"".join(blobs), dtype=_VECTOR_DTYPE)
    return joined.reshape(len(blobs), -1).astype(np.float32)


@dataclass(frozen=True, slots=True)
class StoredVector:
    entity_id: int
    model: str
    content_hash: str
    vector: bytes


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def stored_hashes(session: Session, kind: Kind, ids: Iterable[int]) -> dict[int, str]:
    """``entity_id -> content_hash`` of the stored rows among ``ids``."""
    found: dict[int, str] = {}
    for chunk in _chunks(ids):
        found.update(
            (entity_id, hashed)
            for entity_id, hashed in session.execute(
                select(MatchVector.entity_id, MatchVector.content_hash).where(
                    MatchVector.kind == kind, MatchVector.entity_id.in_(chunk)
                )
            )
        )
    return found


def load_rows(session: Session, kind: Kind, ids: Iterable[int]) -> dict[int, StoredVector]:
    """The stored rows among ``ids``."""
    found: dict[int, StoredVector] = {}
    for chunk in _chunks(ids):
        for entity_id, model, hashed, vector in session.execute(
            select(
                MatchVector.entity_id,
                MatchVector.model,
                MatchVector.content_hash,
                MatchVector.vector,
            ).where(MatchVector.kind == kind, MatchVector.entity_id.in_(chunk))
        ):
            found[entity_id] = StoredVector(entity_id, model, hashed, vector)
    return found


def load_vectors(
    session: Session, kind: Kind, ids: Iterable[int]
) -> dict[int, npt.NDArray[np.float32]]:
    """``entity_id -> float32 vector`` of the stored rows among ``ids``."""
    return {key: unpack(row.vector) for key, row in load_rows(session, kind, ids).items()}


def cached_vectors(session: Session, hashes: Collection[str]) -> dict[str, bytes]:
    """Stored vectors by content hash, whichever entity (or kind) they were stored under."""
    found: dict[str, bytes] = {}
    for chunk in _chunks(h for h in hashes if h):
        for hashed, vector in session.execute(
            select(MatchVector.content_hash, MatchVector.vector).where(
                MatchVector.content_hash.in_(chunk)
            )
        ):
            found.setdefault(hashed, vector)
    return found


def upsert(session: Session, kind: Kind, rows: Sequence[StoredVector]) -> int:
    """Insert or replace rows (one statement per chunk, on SQLite and PostgreSQL alike)."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    latest = {row.entity_id: row for row in rows}  # the last row of an id wins
    values = [
        {
            "kind": kind,
            "entity_id": row.entity_id,
            "model": row.model,
            "content_hash": row.content_hash,
            "vector": row.vector,
            "updated_at": now,
        }
        for row in latest.values()
    ]
    for start in range(0, len(values), CHUNK):
        statement = insert(MatchVector).values(values[start : start + CHUNK])
        statement = statement.on_conflict_do_update(
            index_elements=[MatchVector.kind, MatchVector.entity_id],
            set_={
                "model": statement.excluded.model,
                "content_hash": statement.excluded.content_hash,
                "vector": statement.excluded.vector,
                "updated_at": statement.excluded.updated_at,
            },
        )
        session.execute(statement)
    session.flush()
    return len(values)


def delete_rows(session: Session, kind: Kind, ids: Iterable[int]) -> int:
    """Forget the stored vectors of ``ids``; returns how many rows went."""
    removed = 0
    for chunk in _chunks(ids):
        result = session.execute(
            delete(MatchVector).where(MatchVector.kind == kind, MatchVector.entity_id.in_(chunk))
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed


def iter_index_hashes(
    session: Session, kind: Kind, ids_statement: Any | None = None, *, batch_size: int = 10_000
) -> Iterator[tuple[int, int]]:
    """``(entity_id, index_hash)`` of every stored row of ``kind`` (restricted to the ids the
    ``SELECT`` ``ids_statement`` returns, when given), in id order, a batch at a time."""
    last = -1
    while True:
        statement = select(MatchVector.entity_id, MatchVector.content_hash).where(
            MatchVector.kind == kind, MatchVector.entity_id > last
        )
        if ids_statement is not None:
            statement = statement.where(MatchVector.entity_id.in_(ids_statement))
        rows = session.execute(statement.order_by(MatchVector.entity_id).limit(batch_size)).all()
        if not rows:
            return
        for entity_id, hashed in rows:
            yield entity_id, index_hash(hashed)
        last = rows[-1][0]
