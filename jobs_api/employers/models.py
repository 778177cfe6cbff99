from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class VerificationStatus(StrEnum):
    SUBMITTED = "submitted"
    AUTO_VERIFIED = "auto_verified"
    NEEDS_REVIEW = "needs_review"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


REACHES_GRADUATES = frozenset({VerificationStatus.AUTO_VERIFIED, VerificationStatus.VERIFIED})


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
    verification_status: Mapped[str] = mapped_column(
        String(20), default=VerificationStatus.SUBMITTED, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
