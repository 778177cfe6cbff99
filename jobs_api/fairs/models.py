from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class FairStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"  # visible to graduates; employers may register
    CANCELLED = "cancelled"


class OrganizerLevel(StrEnum):
    UNIVERSITY = "university"  # a career office
    PROVINCE = "province"
    NATIONAL = "national"


class Fair(Base):
    """A special recruitment fair (专场招聘会), online, over a range of days."""

    __tablename__ = "fairs"
    __table_args__ = (Index("ix_fairs_status_starts", "status", "starts_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(200), default="", comment="e.g. 数字经济专场")
    industry_code: Mapped[str | None] = mapped_column(
        ForeignKey("ref_industries.code"), nullable=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=FairStatus.DRAFT)
    organizer_level: Mapped[str] = mapped_column(String(12))
    organizer_university_id: Mapped[int | None] = mapped_column(
        ForeignKey("universities.id"), nullable=True, index=True
    )
    organizer_province_code: Mapped[str | None] = mapped_column(
        ForeignKey("ref_regions.code"), nullable=True, index=True
    )
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class FairUniversity(Base):
    """A university taking part in a fair (its graduates are the audience)."""

    __tablename__ = "fair_universities"
    __table_args__ = (UniqueConstraint("fair_id", "university_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)


class FairEmployer(Base):
    """A verified employer registered for a fair."""

    __tablename__ = "fair_employers"
    __table_args__ = (UniqueConstraint("fair_id", "employer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    registered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    booth_intro: Mapped[str] = mapped_column(Text, default="")


class FairJob(Base):
    """A job an employer attached to a fair."""

    __tablename__ = "fair_jobs"
    __table_args__ = (UniqueConstraint("fair_id", "job_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
