"""Tables of employer verification.

* ``verification_cases`` — one per verification attempt of an employer; the newest case of an
  employer is its current one and its state is mirrored in ``Employer.verification_status``.
  ``subject_name`` / ``subject_uscc`` record what was checked, so a redelivered
  ``employers.details_changed`` event finds nothing new and does nothing.
* ``verification_events`` — every transition of a case (from, to, actor, time, reasons).
* ``enterprise_registry_entries`` — the local enterprise registry (imported from CSV by
  administrators), and ``enterprise_registry_imports`` / ``..._import_errors`` for its imports.
* ``verification_blacklist`` — platform blacklist: credit codes and name patterns.
* ``employer_name_keys`` — the duplicate-name index: each employer's normalised name and brand
  key (see ``duplicates``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class CaseState(StrEnum):
    SUBMITTED = "submitted"
    AUTO_VERIFIED = "auto_verified"
    NEEDS_REVIEW = "needs_review"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


OPEN_STATES = frozenset({CaseState.SUBMITTED, CaseState.NEEDS_REVIEW})
VALID_STATES = frozenset({CaseState.AUTO_VERIFIED, CaseState.VERIFIED})

_STATE_LIST = "'submitted','auto_verified','needs_review','verified','rejected','expired'"


class VerificationCase(Base):
    __tablename__ = "verification_cases"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATE_LIST})", name="state_known"),
        Index("ix_verification_cases_employer_opened", "employer_id", "id"),
        Index("ix_verification_cases_state_queued", "state", "queued_at"),
        Index("ix_verification_cases_state_expires", "state", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20), default=CaseState.SUBMITTED)
    trigger: Mapped[str] = mapped_column(String(32), comment="registered | details_changed")
    subject_name: Mapped[str] = mapped_column(String(200), comment="name as checked")
    subject_uscc: Mapped[str] = mapped_column(String(18), comment="credit code as checked")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    queued_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, comment="entered needs_review"
    )
    review_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    decided_by_role: Mapped[str | None] = mapped_column(
        String(32), nullable=True, comment="system or the reviewer's role"
    )
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reason_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    check_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    registry_record: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class VerificationEvent(Base):
    __tablename__ = "verification_events"
    __table_args__ = (Index("ix_verification_events_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("verification_cases.id", ondelete="CASCADE"))
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_role: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class EnterpriseStatus(StrEnum):
    """Registration status (登记状态) as the enterprise credit service reports it."""

    EXISTING = "存续"
    OPERATING = "在业"
    REVOKED = "吊销"
    CANCELLED = "注销"
    ABNORMAL = "经营异常"


class EnterpriseRegistryEntry(Base):
    """One enterprise of the local reference registry (public registration facts only)."""

    __tablename__ = "enterprise_registry_entries"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_representative: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(8))
    registered_capital: Mapped[str] = mapped_column(
        String(64), default="", comment="as registered, e.g. 1000万人民币"
    )
    established_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    source_import_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class EnterpriseRegistryImport(Base):
    """One CSV file of registry entries loaded by an administrator."""

    __tablename__ = "enterprise_registry_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    uploader_role: Mapped[str] = mapped_column(String(32))
    province_code: Mapped[str | None] = mapped_column(
        String(6), nullable=True, comment="scope of a provincial import; NULL = national"
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_sha256: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str] = mapped_column(String(32))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors_total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EnterpriseRegistryImportError(Base):
    __tablename__ = "enterprise_registry_import_errors"
    __table_args__ = (Index("ix_enterprise_registry_import_errors_import", "import_id", "line"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    import_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise_registry_imports.id", ondelete="CASCADE")
    )
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code: Mapped[str] = mapped_column(String(48))
    message: Mapped[str] = mapped_column(String(300))


class BlacklistKind(StrEnum):
    USCC = "uscc"
    NAME_PATTERN = "name_pattern"


class BlacklistEntry(Base):
    """A credit code or a name pattern the platform refuses, with the reason.

    ``province_code`` NULL: applies everywhere (added by a national administrator); otherwise
    it applies to employers located in that province (added by its provincial administrator).
    Entries are never deleted: removal sets ``removed_at`` so the history stays auditable.
    """

    __tablename__ = "verification_blacklist"
    __table_args__ = (
        CheckConstraint("kind IN ('uscc','name_pattern')", name="kind_known"),
        Index("ix_verification_blacklist_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(200), comment="credit code or normalised pattern")
    pattern_display: Mapped[str] = mapped_column(String(200), comment="as entered")
    reason: Mapped[str] = mapped_column(String(500))
    province_code: Mapped[str | None] = mapped_column(
        ForeignKey("ref_regions.code"), nullable=True, index=True
    )
    added_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)


class EmployerNameKey(Base):
    """An employer's name in comparison forms (duplicate-organisation lookups, see
    :mod:`employer_verification.duplicates`)."""

    __tablename__ = "employer_name_keys"

    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True
    )
    normalized_name: Mapped[str] = mapped_column(String(200), index=True)
    brand_key: Mapped[str | None] = mapped_column(
        String(200), nullable=True, index=True, comment="enterprises only: 字号 + 行业"
    )
