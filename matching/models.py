"""The embedding of every job and graduate profile that matching knows, in the database.

``MatchVector`` is the source of truth for the vector indexes (``matching.vector_index``):
the FAISS files or Elasticsearch collections are rebuilt from it when they are lost, and
reconciliation at start compares them with it. It doubles as the embedding cache: a text
whose ``content_hash`` (model + text) is already stored under any entity is not embedded
again.

``kind`` is ``"job"`` (``entity_id`` = ``jobs.id``) or ``"graduate"`` (``entity_id`` =
``student_records.id``, whose ``GraduateProfile`` and account hang off the same record).
Vectors are L2-normalised float16, little-endian, ``dimension * 2`` bytes.

``MatchGraduateProvince`` says which provinces each indexed graduate wants to work in (from
the profile's intended cities and provinces; none for "any city"). It is written with the
graduate's vector (:func:`matching.indexing.index_graduates`) and lets a job's suggestions and
push search the graduates of its own province too, not only the nearest of the whole country
(:mod:`matching.regions`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class MatchVector(Base):
    __tablename__ = "match_vectors"
    __table_args__ = (Index("ix_match_vectors_content_hash", "content_hash"),)

    kind: Mapped[str] = mapped_column(String(16), primary_key=True, comment="job | graduate")
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(80), comment="embedding model id")
    content_hash: Mapped[str] = mapped_column(String(64), comment="sha256 of model + text")
    vector: Mapped[bytes] = mapped_column(LargeBinary, comment="float16, L2-normalised")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MatchGraduateProvince(Base):
    __tablename__ = "match_graduate_provinces"
    __table_args__ = (
        Index("ix_match_graduate_provinces_province", "province_code", "student_record_id"),
    )

    student_record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(
        String(6), primary_key=True, comment="GB/T 2260 province code, e.g. 330000"
    )
