"""Student-status registry records (学籍): the source of truth for graduates, and the imports
that universities' career offices load them with.

One person (one ID number) may appear in several universities' records — a bachelor's degree
at one and a master's at another — but at most one record may be 在籍 (enrolled) at a time.
The partial unique index ``uq_student_records_enrolled_id_number`` holds that rule in the
database; the importer reports a breach as a per-row error before it reaches the index.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class EnrollmentStatus(StrEnum):
    ENROLLED = "在籍"
    GRADUATED = "毕业"
    COMPLETED = "结业"
    INCOMPLETE = "肄业"
    WITHDRAWN = "退学"


FINISHED_STATUSES = frozenset(
    {
        EnrollmentStatus.GRADUATED,
        EnrollmentStatus.COMPLETED,
        EnrollmentStatus.INCOMPLETE,
        EnrollmentStatus.WITHDRAWN,
    }
)
"""Statuses that end a record: a person may have other records only beside finished ones."""

_ENROLLED_ONLY = text("status = '在籍'")


class StudentRecord(Base):
    """One row of a university's 学籍 export. Graduates never edit these fields."""

    __tablename__ = "student_records"
    __table_args__ = (
        UniqueConstraint("university_id", "student_number"),
        Index(
            "uq_student_records_enrolled_id_number",
            "id_number_hash",
            unique=True,
            postgresql_where=_ENROLLED_ONLY,
            sqlite_where=_ENROLLED_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    student_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    # Keyed hash of the ID number: the lookup key (see jobs_api.core.pii).
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True)
    id_number_cipher: Mapped[str] = mapped_column(String(200))
    id_number_masked: Mapped[str] = mapped_column(String(32))
    gender: Mapped[str] = mapped_column(String(8), comment="男 | 女")
    college: Mapped[str] = mapped_column(String(100), default="")
    major_code: Mapped[str] = mapped_column(ForeignKey("ref_majors.code"), index=True)
    degree_level: Mapped[str] = mapped_column(ForeignKey("ref_degree_levels.code"))
    enrollment_date: Mapped[date] = mapped_column(Date)
    expected_graduation_date: Mapped[date] = mapped_column(Date)
    graduation_year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(8), default=EnrollmentStatus.ENROLLED)
    low_income_family: Mapped[bool] = mapped_column(Boolean, default=False)
    zero_employment_family: Mapped[bool] = mapped_column(Boolean, default=False)
    has_disability: Mapped[bool] = mapped_column(Boolean, default=False)
    # The import that last inserted or changed this record (NULL: written another way). No
    # foreign key: users -> student_records -> registry_imports -> users would be a cycle.
    last_import_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class ImportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class RegistryImport(Base):
    """One uploaded 学籍 file and how far its import got.

    Counters and ``last_committed_line`` are updated in the same transaction as each batch of
    records, so after a crash they describe exactly what landed; a re-run skips every line up
    to ``last_committed_line``. The file itself lives on disk, named by ``content_sha256``.
    """

    __tablename__ = "registry_imports"
    __table_args__ = (
        CheckConstraint("status IN ('queued','running','completed','failed')", name="status_known"),
        CheckConstraint("format IN ('csv','xlsx')", name="format_known"),
        Index("ix_registry_imports_university_content", "university_id", "content_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    uploaded_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(32), nullable=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.QUEUED, index=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors_total: Mapped[int] = mapped_column(Integer, default=0)
    errors_stored: Mapped[int] = mapped_column(Integer, default=0)
    batches_committed: Mapped[int] = mapped_column(Integer, default=0)
    # Line (as numbered in the file, header = 1) of the last row of the last committed batch.
    last_committed_line: Mapped[int] = mapped_column(Integer, default=0)
    # Lease of the runner currently processing the import; checked at every batch commit.
    run_token: Mapped[str | None] = mapped_column(String(36), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    failure_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    failure_message: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RegistryImportError(Base):
    """One problem with one row (or the file) of an import, as the uploader should read it.

    Only the first ``max_stored_errors`` of an import are kept; ``errors_total`` on the import
    counts all of them. Messages never hold ID numbers in clear (masked forms only).
    """

    __tablename__ = "registry_import_errors"
    __table_args__ = (Index("ix_registry_import_errors_import_line", "import_id", "line"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_imports.id", ondelete="CASCADE"))
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code: Mapped[str] = mapped_column(String(48))
    message: Mapped[str] = mapped_column(String(300))
