"""Employer organisations (用人单位), their business licences, and the verification states.

``verification_status`` is set by the verification engine (``employer_verification``);
:attr:`Employer.verified_at` follows it on its own (see :meth:`Employer._track_verified_at`),
so the public page can show "已认证 since" whoever changed the status.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from jobs_api.core.db import Base, UTCDateTime, utcnow


class VerificationStatus(StrEnum):
    SUBMITTED = "submitted"
    AUTO_VERIFIED = "auto_verified"
    NEEDS_REVIEW = "needs_review"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


REACHES_GRADUATES = frozenset({VerificationStatus.AUTO_VERIFIED, VerificationStatus.VERIFIED})

SIZE_BANDS = ("1-49", "50-99", "100-499", "500-999", "1000-4999", "5000以上")
"""Headcount bands (人员规模) an employer states."""


class Employer(Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True, comment="统一社会信用代码")
    employer_type_code: Mapped[str] = mapped_column(ForeignKey("ref_employer_types.code"))
    industry_code: Mapped[str] = mapped_column(ForeignKey("ref_industries.code"), index=True)
    city_code: Mapped[str] = mapped_column(ForeignKey("ref_regions.code"), index=True)
    size: Mapped[str] = mapped_column(String(20), comment="headcount band, e.g. 100-499")
    description: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    contact_phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    contact_phone_cipher: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact_phone_masked: Mapped[str | None] = mapped_column(String(20), nullable=True)
    terms_version: Mapped[str | None] = mapped_column(String(16), nullable=True)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    verification_status: Mapped[str] = mapped_column(
        String(20), default=VerificationStatus.SUBMITTED, index=True
    )
    verified_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, comment="since when the current verification holds"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @validates("verification_status")
    def _track_verified_at(self, _key: str, status: str) -> str:
        """Entering a status that reaches graduates starts ``verified_at``; staying within
        them (auto_verified -> verified) keeps it; leaving them clears it."""
        reaches = status in REACHES_GRADUATES
        if not reaches:
            self.verified_at = None
        elif self.verification_status not in REACHES_GRADUATES or self.verified_at is None:
            self.verified_at = utcnow()
        return status

    @property
    def reaches_graduates(self) -> bool:
        return self.verification_status in REACHES_GRADUATES


class EmployerLicence(Base):
    """One uploaded business licence (营业执照). The file lives outside the database under its
    content hash; the newest row of an employer is its current licence, older rows are the
    history reviewers may compare against."""

    __tablename__ = "employer_licences"
    __table_args__ = (Index("ix_employer_licences_employer_uploaded", "employer_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(100), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
